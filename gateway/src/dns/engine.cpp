#include "dns/engine.hpp"

#include "dns/local_answer.hpp"
#include "dns/responses.hpp"
#include "picket/gateway/dns/name.hpp"

namespace picket::gateway::dns {

namespace {
constexpr auto relaxed = std::memory_order_relaxed;
}

Engine::Engine(boost::asio::io_context& io, const ResolverConfig& config)
    : io_(io),
      allowed_(config.allowed_sources),
      limiter_(config.rate_limit_per_source),
      block_answer_(config.block_answer),
      cache_(config.packet_cache_bytes),
      expiry_timer_(io),
      upstream_(config.upstream.mode == UpstreamConfig::Mode::none
                    ? nullptr
                    : std::make_unique<Upstream>(io, config.upstream)) {
  // Device names live in the tunnel subnets: their reverse names are ours.
  zone_.set_local_networks(config.allowed_sources);
  // The gateway host itself (its own tunnel addresses) sees every name.
  zone_.set_full_view(config.listen);
}

bool Engine::allowed(const IpAddress& source) {
  for (const auto& subnet : allowed_)
    if (subnet.contains(source)) return true;
  counters_.refused_sources.fetch_add(1, relaxed);
  return false;
}

bool Engine::within_rate(const IpAddress& source) {
  if (limiter_.allow(source, Clock::now())) return true;
  counters_.rate_limited.fetch_add(1, relaxed);
  return false;
}

void Engine::send(const Query& query, Transport transport, const Reply& reply, Bytes answer) {
  reply(transport == Transport::udp ? fit_for_udp(std::move(answer), query) : std::move(answer));
}

void Engine::handle(std::span<const std::uint8_t> packet, Transport transport,
                    const IpAddress& source, Reply reply) {
  counters_.queries.fetch_add(1, relaxed);
  const auto parsed = parse_query(packet);
  switch (parsed.status) {
    case QueryStatus::ok:
      break;
    case QueryStatus::drop:
      counters_.malformed.fetch_add(1, relaxed);
      return;
    case QueryStatus::formerr:
      counters_.malformed.fetch_add(1, relaxed);
      reply(error_response(parsed, rcode::FormErr));
      return;
    case QueryStatus::notimp:
      reply(error_response(parsed, rcode::NotImp));
      return;
    case QueryStatus::badvers:
      reply(error_response(parsed, static_cast<std::uint8_t>(rcode::BadVers & 0x0f)));
      return;
  }
  const Query& query = parsed.query;
  // Zone transfers and non-Internet classes are nothing a member needs.
  if (query.qclass != kClassIn || query.qtype == type::AXFR || query.qtype == type::IXFR) {
    send(query, transport, reply, error_response(parsed, rcode::Refused));
    return;
  }
  if (auto local = local_answer(zone_, query, source)) {
    counters_.local.fetch_add(1, relaxed);
    send(query, transport, reply, std::move(*local));
    return;
  }
  if (blocklist_.blocks(query.key_name)) {
    counters_.blocked.fetch_add(1, relaxed);
    send(query, transport, reply, blocked_response(query, block_answer_));
    return;
  }
  auto key = PacketCache::key(query);
  const auto now = Clock::now();
  if (const auto* entry = cache_.find(key, now)) {
    counters_.cache_hits.fetch_add(1, relaxed);
    send(query, transport, reply, answer_from_cache(*entry, query, now));
    return;
  }
  ask_upstream(key, Waiter{query, transport, source, std::move(reply)});
}

void Engine::ask_upstream(const std::string& key, Waiter waiter) {
  auto& from_source = waiting_by_source_[waiter.source];
  auto it = in_flight_.find(key);
  const bool full = waiting_ >= kMaxWaiting || from_source >= kMaxWaitingPerSource ||
                    (it != in_flight_.end() && it->second.waiters.size() >= kMaxWaitersPerLookup);
  if (full || !upstream_) {
    if (from_source == 0) waiting_by_source_.erase(waiter.source);
    counters_.upstream_dropped.fetch_add(1, relaxed);
    return;
  }
  ++from_source;
  ++waiting_;
  if (it != in_flight_.end()) {
    it->second.waiters.push_back(std::move(waiter));
    return;
  }
  counters_.upstream.fetch_add(1, relaxed);
  const auto name = wire_to_text(waiter.query.key_name);
  const auto qtype = waiter.query.qtype;
  const auto qclass = waiter.query.qclass;
  const auto serial = next_serial_++;
  auto& lookup = in_flight_[key];
  lookup.serial = serial;
  lookup.waiters.push_back(std::move(waiter));
  deadlines_.emplace_back(Clock::now() + kLookupTimeout, key, serial);
  arm_expiry();
  // May call back at once (libunbound refused the query): after the
  // bookkeeping above, so that finish() finds it.
  const auto id = upstream_->resolve(
      name, qtype, qclass,
      [this, key, serial](Upstream::Answer answer) { finish(key, serial, std::move(answer)); });
  if (const auto found = in_flight_.find(key);
      found != in_flight_.end() && found->second.serial == serial)
    found->second.id = id;
}

void Engine::release(const std::vector<Waiter>& waiters) {
  for (const auto& waiter : waiters) {
    --waiting_;
    const auto it = waiting_by_source_.find(waiter.source);
    if (it != waiting_by_source_.end() && --it->second == 0) waiting_by_source_.erase(it);
  }
}

void Engine::finish(const std::string& key, std::uint64_t serial, Upstream::Answer answer) {
  const auto found = in_flight_.find(key);
  if (found == in_flight_.end() || found->second.serial != serial) return;
  auto node = in_flight_.extract(found);
  auto& waiters = node.mapped().waiters;
  release(waiters);
  if (waiters.empty()) return;
  const auto now = Clock::now();
  std::optional<Prepared> prepared;
  if (answer.ok)
    prepared = prepare_upstream_answer(answer.packet, waiters.front().query, answer.secure, now);
  for (auto& waiter : waiters) {
    if (!prepared) {
      ParsedQuery parsed{QueryStatus::ok, waiter.query, true};
      send(waiter.query, waiter.transport, waiter.reply, error_response(parsed, rcode::ServFail));
    } else {
      send(waiter.query, waiter.transport, waiter.reply,
           answer_from_cache(prepared->entry, waiter.query, now));
    }
  }
  if (prepared && prepared->cacheable) cache_.insert(key, std::move(prepared->entry));
}

void Engine::arm_expiry() {
  if (expiry_armed_ || deadlines_.empty()) return;
  expiry_armed_ = true;
  expiry_timer_.expires_at(std::get<0>(deadlines_.front()));
  expiry_timer_.async_wait([this](boost::system::error_code ec) {
    expiry_armed_ = false;
    if (ec) return;
    expire(Clock::now());
    arm_expiry();
  });
}

void Engine::expire(Clock::time_point now) {
  while (!deadlines_.empty() && std::get<0>(deadlines_.front()) <= now) {
    const auto [deadline, key, serial] = deadlines_.front();
    deadlines_.pop_front();
    const auto found = in_flight_.find(key);
    if (found == in_flight_.end() || found->second.serial != serial) continue;  // answered
    counters_.upstream_timeouts.fetch_add(1, relaxed);
    // libunbound forgets it too, so nothing of it stays behind.
    if (upstream_) upstream_->cancel(found->second.id);
    finish(key, serial, Upstream::Answer{});
  }
}

void Engine::set_upstream(const UpstreamConfig& config) {
  auto fresh =
      config.mode == UpstreamConfig::Mode::none ? nullptr : std::make_unique<Upstream>(io_, config);
  auto old = std::move(upstream_);
  upstream_ = std::move(fresh);
  old.reset();  // its lookups in flight answer SERVFAIL now
  cache_.clear();
}

void Engine::shutdown() {
  upstream_.reset();
  expiry_timer_.cancel();
}

ResolverStats Engine::stats() const {
  ResolverStats s;
  s.queries = counters_.queries.load(relaxed);
  s.cache_hits = counters_.cache_hits.load(relaxed);
  s.local = counters_.local.load(relaxed);
  s.blocked = counters_.blocked.load(relaxed);
  s.upstream = counters_.upstream.load(relaxed);
  s.refused_sources = counters_.refused_sources.load(relaxed);
  s.rate_limited = counters_.rate_limited.load(relaxed);
  s.malformed = counters_.malformed.load(relaxed);
  s.upstream_dropped = counters_.upstream_dropped.load(relaxed);
  s.upstream_timeouts = counters_.upstream_timeouts.load(relaxed);
  return s;
}

}  // namespace picket::gateway::dns
