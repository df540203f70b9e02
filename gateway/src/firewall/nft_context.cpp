#include "firewall/nft_context.hpp"

#include <nftables/libnftables.h>

#include <sstream>

#include "picket/gateway/error.hpp"

namespace picket::gateway {

NftContext::NftContext() : ctx_(nft_ctx_new(NFT_CTX_DEFAULT)) {
  if (ctx_ == nullptr) throw Error("libnftables could not create a context (out of memory?)");
  // Buffered, so nothing reaches stdout/stderr behind the daemon's back.
  nft_ctx_buffer_output(ctx_);
  nft_ctx_buffer_error(ctx_);
}

NftContext::~NftContext() {
  nft_ctx_free(ctx_);
}

std::error_code NftContext::run(const std::string& script, std::string& message) {
  message.clear();
  const int rc = nft_run_cmd_from_buffer(ctx_, script.c_str());
  const char* report = nft_ctx_get_error_buffer(ctx_);
  if (rc == 0) return {};
  message = nft_error_summary(report != nullptr ? report : "");
  if (message.empty()) message = "nftables refused the change without saying why";
  return std::make_error_code(std::errc::invalid_argument);
}

std::string nft_error_summary(const std::string& report) {
  std::istringstream lines(report);
  std::string line;
  std::string out;
  while (std::getline(lines, line)) {
    const auto at = line.find("Error: ");
    if (at == std::string::npos) continue;
    const auto text = line.substr(at + 7);
    if (out.find(text) != std::string::npos) continue;  // once per distinct error
    if (!out.empty()) out += "; ";
    out += text;
  }
  return out;
}

}  // namespace picket::gateway
