#include "dns/packet_cache.hpp"

#include <algorithm>
#include <cstring>

namespace picket::gateway::dns {

std::string PacketCache::key(const Query& query) {
  std::string key = query.key_name;
  key.push_back(static_cast<char>(query.qtype >> 8));
  key.push_back(static_cast<char>(query.qtype));
  key.push_back(static_cast<char>(query.qclass >> 8));
  key.push_back(static_cast<char>(query.qclass));
  key.push_back(
      static_cast<char>((query.do_bit ? 1 : 0) | (query.cd() ? 2 : 0) | (query.has_edns ? 4 : 0)));
  return key;
}

std::size_t PacketCache::cost(const std::string& key, const Entry& entry) {
  // Approximate heap use, so max_bytes means roughly what it says.
  return key.size() + entry.packet.size() + entry.ttl_offsets.size() * 2 + 128;
}

const PacketCache::Entry* PacketCache::find(const std::string& key, Clock::time_point now) {
  const auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  if (it->second->second.expires <= now) {
    erase(it->second);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  return &it->second->second;
}

void PacketCache::insert(const std::string& key, Entry entry) {
  if (const auto it = index_.find(key); it != index_.end()) erase(it->second);
  const std::size_t size = cost(key, entry);
  if (size > max_bytes_) return;
  while (bytes_ + size > max_bytes_ && !lru_.empty()) erase(std::prev(lru_.end()));
  lru_.emplace_front(key, std::move(entry));
  index_.emplace(key, lru_.begin());
  bytes_ += size;
}

void PacketCache::erase(List::iterator it) {
  bytes_ -= cost(it->first, it->second);
  index_.erase(it->first);
  lru_.erase(it);
}

void PacketCache::clear() {
  index_.clear();
  lru_.clear();
  bytes_ = 0;
}

Bytes answer_from_cache(const PacketCache::Entry& entry, const Query& query,
                        Clock::time_point now) {
  Bytes out = entry.packet;
  put16(out, 0, query.id);
  const std::uint16_t kept = get16(out, 2) & ~(flag::RD | flag::CD);
  put16(out, 2, kept | (query.flags & (flag::RD | flag::CD)));
  std::memcpy(&out[kHeaderSize], query.name.data(), query.name.size());
  const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - entry.stored).count();
  const auto elapsed = static_cast<std::uint32_t>(std::max<std::int64_t>(age, 0));
  for (const auto offset : entry.ttl_offsets) {
    const std::uint32_t ttl = get32(out, offset);
    put32(out, offset, ttl > elapsed ? ttl - elapsed : 0);
  }
  if (query.has_edns) {
    const std::uint8_t opt[] = {0,
                                0,
                                type::OPT,
                                static_cast<std::uint8_t>(kMaxUdpPayload >> 8),
                                static_cast<std::uint8_t>(kMaxUdpPayload & 0xff),
                                0,
                                0,
                                static_cast<std::uint8_t>(query.do_bit ? 0x80 : 0),
                                0,
                                0,
                                0};
    out.insert(out.end(), std::begin(opt), std::end(opt));
    put16(out, 10, static_cast<std::uint16_t>(get16(out, 10) + 1));
  }
  return out;
}

}  // namespace picket::gateway::dns
