#include "dns/upstream.hpp"

#include <unbound.h>

#include <string>

#include "picket/gateway/error.hpp"

namespace picket::gateway::dns {

namespace {

// The root zone's key-signing keys (2017 and 2024), as DS records. Built in,
// so validation needs no trust-anchor file that libunbound would rewrite.
constexpr const char* kRootAnchors[] = {
    ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D",
    ". IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16",
};

void check(int rc, const std::string& doing) {
  if (rc != 0) throw Error("libunbound: " + doing + ": " + ub_strerror(rc));
}

}  // namespace

const char* const kDnsOverTlsUnavailable =
    "DNS-over-TLS is not available on this host: its libunbound was built without OpenSSL "
    "(Debian 12's uses nettle) and cannot open TLS connections. Use upstream recursive "
    "(validated from the root servers, no forwarder sees every query) or plain (a trusted "
    "network only)";

bool dns_over_tls_available() {
  static const bool available = [] {
    ub_ctx* probe = ub_ctx_create();
    if (!probe) return false;
    ub_ctx_set_option(probe, "module-config:", "iterator");
    ub_ctx_set_option(probe, "local-zone:", "picket-tls-probe.invalid. static");
    ub_ctx_set_tls(probe, 1);
    // Finalizing the context builds its TLS context; without OpenSSL that
    // fails before any lookup, and the local zone answers without a packet.
    ub_result* result = nullptr;
    const int rc = ub_resolve(probe, "picket-tls-probe.invalid.", 1, 1, &result);
    if (result) ub_resolve_free(result);
    ub_ctx_delete(probe);
    return rc == 0;
  }();
  return available;
}

Upstream::Upstream(boost::asio::io_context& io, const UpstreamConfig& config) : fd_(io) {
  if (config.mode == UpstreamConfig::Mode::tls && !dns_over_tls_available())
    throw Error(kDnsOverTlsUnavailable);
  ctx_ = ub_ctx_create();
  if (!ctx_) throw Error("libunbound: cannot create a context");
  try {
    auto set = [&](const char* option, const std::string& value) {
      check(ub_ctx_set_option(ctx_, option, value.c_str()), std::string("setting ") + option);
    };
    // Never a query name in a log: nothing at all is logged, and what
    // libunbound would print goes to /dev/null, not to our stderr.
    devnull_ = std::fopen("/dev/null", "w");
    if (!devnull_) throw Error("cannot open /dev/null for libunbound's log");
    check(ub_ctx_debugout(ctx_, devnull_), "redirecting its log");
    check(ub_ctx_debuglevel(ctx_, 0), "setting verbosity 0");
    set("use-syslog:", "no");
    set("log-queries:", "no");
    set("log-replies:", "no");
    set("log-servfail:", "no");
    set("log-local-actions:", "no");
    set("val-log-level:", "0");
    // Caches sized explicitly; nothing on disk (no trust-anchor file, no
    // root-hints file, no cachedb).
    set("msg-cache-size:", std::to_string(config.msg_cache_bytes));
    set("rrset-cache-size:", std::to_string(config.rrset_cache_bytes));
    set("key-cache-size:", std::to_string(1 << 20));
    set("neg-cache-size:", std::to_string(1 << 20));
    set("prefetch:", "yes");
    // A server that timed out often enough is marked down and, by default,
    // not asked again for infra-host-ttl (15 minutes): with one forwarder,
    // a member flooding names whose servers never answer could make every
    // lookup fail for that long. Keep probing it, so the first answer brings
    // it back, and forget what timed out after a minute.
    set("infra-keep-probing:", "yes");
    set("infra-host-ttl:", "60");
    set("qname-minimisation:", "yes");
    check(ub_ctx_async(ctx_, 1), "selecting thread mode");
    if (config.dnssec) {
      for (const char* anchor : kRootAnchors)
        check(ub_ctx_add_ta(ctx_, anchor), "adding the root trust anchor");
    } else {
      set("module-config:", "iterator");
    }
    if (config.mode != UpstreamConfig::Mode::recursive) {
      if (config.servers.empty()) throw Error("forwarding needs at least one upstream server");
      // Test and LAN upstreams are often on loopback.
      set("do-not-query-localhost:", "no");
      for (const auto& server : config.servers)
        check(ub_ctx_set_fwd(ctx_, server.c_str()), "forwarding to '" + server + "'");
      if (config.mode == UpstreamConfig::Mode::tls) {
        check(ub_ctx_set_tls(ctx_, 1), "enabling DNS-over-TLS");
        set("tls-system-cert:", "yes");
      }
    }
    const int fd = ub_fd(ctx_);
    if (fd < 0) throw Error("libunbound: no file descriptor to wait on");
    fd_.assign(fd);
  } catch (...) {
    ub_ctx_delete(ctx_);
    if (devnull_) std::fclose(devnull_);
    throw;
  }
  arm();
}

Upstream::~Upstream() {
  *alive_ = false;
  boost::system::error_code ignored;
  fd_.cancel(ignored);
  fd_.release();  // libunbound owns the descriptor
  ub_ctx_delete(ctx_);
  for (auto& [id, pending] : pending_) {
    // Whoever waits gets SERVFAIL rather than silence.
    auto callback = std::move(pending->callback);
    delete pending;
    if (callback) callback(Answer{});
  }
  std::fclose(devnull_);
}

void Upstream::arm() {
  fd_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                 [this, alive = alive_](boost::system::error_code ec) {
                   if (ec || !*alive) return;
                   ub_process(ctx_);
                   if (*alive) arm();
                 });
}

Upstream::Id Upstream::resolve(const std::string& name, std::uint16_t qtype, std::uint16_t qclass,
                               Callback callback) {
  auto* pending = new Pending{this, std::move(callback)};
  int id = 0;
  // Results come only through ub_process() on this thread, never inside
  // this call, so the id is known before any result can name it.
  const int rc =
      ub_resolve_async(ctx_, name.c_str(), qtype, qclass, pending, &Upstream::on_result, &id);
  if (rc != 0) {
    auto cb = std::move(pending->callback);
    delete pending;
    cb(Answer{});
    return 0;
  }
  pending->id = id;
  pending_.emplace(id, pending);
  return id;
}

void Upstream::cancel(Id id) {
  const auto it = pending_.find(id);
  if (it == pending_.end()) return;
  ub_cancel(ctx_, id);
  delete it->second;
  pending_.erase(it);
}

void Upstream::on_result(void* data, int err, ub_result* result) {
  auto* pending = static_cast<Pending*>(data);
  pending->owner->pending_.erase(pending->id);
  Answer answer;
  if (err == 0 && result && !result->bogus && result->answer_packet && result->answer_len > 0) {
    answer.ok = true;
    answer.secure = result->secure;
    const auto* bytes = static_cast<const std::uint8_t*>(result->answer_packet);
    answer.packet.assign(bytes, bytes + result->answer_len);
  }
  if (result) ub_resolve_free(result);
  auto callback = std::move(pending->callback);
  delete pending;
  callback(std::move(answer));
}

}  // namespace picket::gateway::dns
