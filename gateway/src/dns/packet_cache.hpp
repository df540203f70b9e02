#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>

#include "dns/wire.hpp"

namespace picket::gateway::dns {

using Clock = std::chrono::steady_clock;

// Picket's answer cache in front of libunbound: whole wire answers, so a hit
// is a copy, an ID patch and a TTL walk (libunbound's own cache answers about
// half as fast through its async API). Entries live until their smallest TTL
// passes; beyond `max_bytes` the least recently used go first. One thread.
class PacketCache {
 public:
  // The key covers everything that changes the answer's bytes (RFC 6891 and
  // 4035: a DO or CD query gets a different answer than a plain one).
  static std::string key(const Query& query);

  struct Entry {
    Bytes packet;  // id 0, lowercased question, no OPT
    std::vector<std::uint16_t> ttl_offsets;
    Clock::time_point stored;
    Clock::time_point expires;
  };

  explicit PacketCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // Nullptr on a miss or an expired entry (which is dropped).
  const Entry* find(const std::string& key, Clock::time_point now);
  void insert(const std::string& key, Entry entry);
  void clear();
  std::size_t entries() const { return index_.size(); }
  std::size_t bytes() const { return bytes_; }

 private:
  using List = std::list<std::pair<std::string, Entry>>;
  void erase(List::iterator it);
  static std::size_t cost(const std::string& key, const Entry& entry);

  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  List lru_;  // front = most recently used
  std::unordered_map<std::string, List::iterator> index_;
};

// Builds a client's answer from a cached entry: its ID, flags, the question
// as it asked it (case kept), TTLs lowered by the entry's age, and OPT.
Bytes answer_from_cache(const PacketCache::Entry& entry, const Query& query, Clock::time_point now);

}  // namespace picket::gateway::dns
