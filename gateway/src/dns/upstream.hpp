#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdio>
#include <functional>
#include <memory>
#include <unordered_map>

#include "dns/wire.hpp"
#include "picket/gateway/dns/resolver.hpp"

struct ub_ctx;
struct ub_result;

namespace picket::gateway::dns {

// libunbound driven from the resolver's event loop: queries go out with
// ub_resolve_async, and ub_process runs when ub_fd turns readable, so no
// thread ever blocks in ub_resolve. Callbacks run on the loop's thread.
class Upstream {
 public:
  struct Answer {
    bool ok = false;  // false: libunbound failed or the answer was bogus -> SERVFAIL
    bool secure = false;
    Bytes packet;
  };
  using Callback = std::function<void(Answer)>;
  using Id = int;

  // Throws Error when libunbound refuses the configuration.
  Upstream(boost::asio::io_context& io, const UpstreamConfig& config);
  ~Upstream();
  Upstream(const Upstream&) = delete;
  Upstream& operator=(const Upstream&) = delete;

  // `name` in presentation format. The callback runs once, on the loop's
  // thread (at once when libunbound refuses the query), unless cancelled.
  Id resolve(const std::string& name, std::uint16_t qtype, std::uint16_t qclass, Callback callback);
  // Forgets a lookup: libunbound stops working on it and its callback never
  // runs. Unknown or finished ids are ignored.
  void cancel(Id id);

 private:
  struct Pending {
    Upstream* owner;
    Callback callback;
    Id id = 0;
  };
  static void on_result(void* data, int err, ub_result* result);
  void arm();

  ub_ctx* ctx_ = nullptr;
  std::FILE* devnull_ = nullptr;
  boost::asio::posix::stream_descriptor fd_;
  std::unordered_map<Id, Pending*> pending_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace picket::gateway::dns
