#pragma once

#include <string>
#include <system_error>

struct nft_ctx;

namespace picket::gateway {

// One libnftables context. run() hands a whole script to the library, which
// sends it to the kernel as one batch: all of it commits or none does.
class NftContext {
 public:
  NftContext();  // throws Error when libnftables cannot start
  ~NftContext();
  NftContext(const NftContext&) = delete;
  NftContext& operator=(const NftContext&) = delete;

  // On failure returns an error (EINVAL when nftables refused the script) and
  // sets `message` to nftables' own error text without the echoed script
  // lines, which may hold members' tunnel addresses.
  std::error_code run(const std::string& script, std::string& message);

 private:
  nft_ctx* ctx_ = nullptr;
};

// The "Error: ..." lines of an nftables error report, without the script
// excerpts and carets it prints under them. Pure, for tests.
std::string nft_error_summary(const std::string& report);

}  // namespace picket::gateway
