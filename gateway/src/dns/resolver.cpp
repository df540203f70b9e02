#include "picket/gateway/dns/resolver.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <thread>

#include "dns/engine.hpp"
#include "dns/listeners.hpp"
#include "picket/gateway/error.hpp"

namespace picket::gateway::dns {

namespace asio = boost::asio;

namespace {

struct Loop {
  // Declared first, destroyed last: handlers still queued hold sessions.
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  std::unique_ptr<Engine> engine;
  std::vector<std::unique_ptr<UdpListener>> udp;
  std::vector<std::unique_ptr<TcpListener>> tcp;
  std::thread thread;

  // Runs `f` on the resolver's thread and waits, so errors reach the caller.
  template <typename F>
  auto on_loop(F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    asio::post(io, [&task] { task(); });
    return result.get();
  }

  ~Loop() {
    if (thread.joinable()) {
      on_loop([this] {
        // Lookups in flight answer SERVFAIL while their sockets still exist.
        engine->shutdown();
        udp.clear();
        tcp.clear();
      });
      work.reset();
      io.stop();
      thread.join();
    }
  }
};

class UnboundResolver final : public Resolver {
 public:
  explicit UnboundResolver(const ResolverConfig& config);
  UnboundResolver(const UnboundResolver&) = delete;
  UnboundResolver& operator=(const UnboundResolver&) = delete;

  LocalZone& local_zone() override;
  void set_blocklist(Blocklist blocklist) override;
  void set_block_answer(BlockAnswer answer) override;
  void set_upstream(const UpstreamConfig& upstream) override;
  std::vector<std::uint16_t> bound_ports() const override;
  ResolverStats stats() const override;

 private:
  std::unique_ptr<Loop> impl_ = std::make_unique<Loop>();
};

UnboundResolver::UnboundResolver(const ResolverConfig& config) {
  impl_->engine = std::make_unique<Engine>(impl_->io, config);
  for (const auto& address : config.listen) {
    // With port 0 the TCP socket takes the port the UDP one got; that port
    // may already be someone's TCP port, so a few fresh UDP ports are tried.
    constexpr int kTries = 20;
    for (int attempt = 1;; ++attempt) {
      auto udp = std::make_unique<UdpListener>(impl_->io, *impl_->engine, address, config.port);
      const auto port = config.port ? config.port : udp->port();
      try {
        impl_->tcp.push_back(
            std::make_unique<TcpListener>(impl_->io, *impl_->engine, address, port, config));
      } catch (const Error&) {
        if (config.port != 0 || attempt == kTries) throw;
        continue;
      }
      impl_->udp.push_back(std::move(udp));
      break;
    }
  }
  impl_->thread = std::thread([io = &impl_->io] { io->run(); });
}

LocalZone& UnboundResolver::local_zone() {
  return impl_->engine->zone();
}

void UnboundResolver::set_blocklist(Blocklist blocklist) {
  impl_->on_loop([&] { impl_->engine->set_blocklist(std::move(blocklist)); });
}

void UnboundResolver::set_block_answer(BlockAnswer answer) {
  impl_->on_loop([&] { impl_->engine->set_block_answer(answer); });
}

void UnboundResolver::set_upstream(const UpstreamConfig& upstream) {
  impl_->on_loop([&] { impl_->engine->set_upstream(upstream); });
}

std::vector<std::uint16_t> UnboundResolver::bound_ports() const {
  std::vector<std::uint16_t> ports;
  for (std::size_t i = 0; i < impl_->udp.size(); ++i) {
    ports.push_back(impl_->udp[i]->port());
    ports.push_back(impl_->tcp[i]->port());
  }
  return ports;
}

ResolverStats UnboundResolver::stats() const {
  return impl_->engine->stats();
}

}  // namespace

std::unique_ptr<Resolver> make_resolver(ResolverConfig config) {
  if (config.listen.empty()) throw Error("the DNS resolver has no address to listen on");
  return std::make_unique<UnboundResolver>(config);
}

}  // namespace picket::gateway::dns
