#include "picket/gateway/dns/blocklist.hpp"

#include <sodium.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>

#include "picket/gateway/dns/name.hpp"
#include "picket/gateway/error.hpp"
#include "picket/gateway/ip.hpp"

namespace picket::gateway::dns {

namespace {

std::uint64_t mix(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

}  // namespace

Blocklist::Blocklist() : slots_(1, 0) {
  if (sodium_init() < 0) throw Error("libsodium failed to initialise");
  randombytes_buf(&seed_, sizeof seed_);
}

std::uint64_t Blocklist::fingerprint(std::string_view wire) const {
  // 8 bytes at a time through a strong finaliser: fast on short names and
  // keyed, so nobody can aim a query at a collision.
  std::uint64_t h = seed_ ^ (wire.size() * 0x9e3779b97f4a7c15ULL);
  std::size_t i = 0;
  for (; i + 8 <= wire.size(); i += 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, wire.data() + i, 8);
    h = mix(h ^ chunk);
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, wire.data() + i, wire.size() - i);
  h = mix(h ^ tail ^ 0x5bd1e995);
  return h == 0 ? 1 : h;
}

bool Blocklist::blocks(std::string_view key) const {
  if (count_ == 0) return false;
  const std::size_t mask = slots_.size() - 1;
  std::size_t pos = 0;
  while (pos < key.size() && key[pos] != 0) {
    const std::uint64_t fp = fingerprint(key.substr(pos));
    for (std::size_t i = fp & mask;; i = (i + 1) & mask) {
      if (slots_[i] == fp) return true;
      if (slots_[i] == 0) break;
    }
    pos += 1 + static_cast<unsigned char>(key[pos]);
  }
  return false;
}

BlocklistBuilder::BlocklistBuilder() = default;

bool BlocklistBuilder::add_domain(std::string_view domain) {
  if (domain.starts_with("*.")) domain.remove_prefix(2);
  if (domain.starts_with("||") && domain.ends_with("^"))
    domain = domain.substr(2, domain.size() - 3);
  // A single label (localhost, broadcasthost in hosts files) would block a
  // whole top-level domain.
  if (domain.find('.') == std::string_view::npos || domain.ends_with(".")) return false;
  const auto wire = host_to_wire(domain);
  if (!wire) return false;
  fingerprints_.push_back(prototype_.fingerprint(*wire));
  return true;
}

void BlocklistBuilder::add_line(std::string_view line) {
  ++line_number_;
  if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
  line = trim(line);
  if (line.empty()) return;
  const auto space = line.find_first_of(" \t");
  const auto first = line.substr(0, space);
  bool ok = false;
  if (space != std::string_view::npos && IpAddress::try_parse(first)) {
    // hosts format: an address, then one or more names
    std::string_view rest = line.substr(space);
    while (!(rest = trim(rest)).empty()) {
      const auto end = rest.find_first_of(" \t");
      const auto name = rest.substr(0, end);
      // hosts-file boilerplate (localhost, ip6-allnodes) is neither blocked nor an error
      const bool boilerplate = name.find('.') == std::string_view::npos ||
                               name.starts_with("ip6-") || name == "localhost.localdomain";
      if (add_domain(name) || boilerplate) ok = true;
      if (end == std::string_view::npos) break;
      rest = rest.substr(end);
    }
  } else if (space == std::string_view::npos) {
    ok = add_domain(first);
  }
  if (!ok) {
    if (skipped_++ == 0) first_skipped_ = line_number_;
  }
}

void BlocklistBuilder::add_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error("cannot read the blocklist " + file.string());
  const std::size_t before = fingerprints_.size();
  const std::size_t skipped_before = skipped_;
  line_number_ = 0;
  std::string line;
  while (std::getline(in, line)) add_line(line);
  if (in.bad()) throw Error("reading the blocklist " + file.string() + " failed");
  if (fingerprints_.size() == before && skipped_ > skipped_before)
    throw Error("the blocklist " + file.string() +
                " holds no domain, only lines that are neither hosts-format nor domain-list "
                "lines (the first is line " +
                std::to_string(first_skipped_) + ")");
}

Blocklist BlocklistBuilder::build() {
  std::sort(fingerprints_.begin(), fingerprints_.end());
  fingerprints_.erase(std::unique(fingerprints_.begin(), fingerprints_.end()), fingerprints_.end());
  Blocklist list = prototype_;
  // Load factor at most 2/3 keeps probe chains short; at least one slot
  // stays empty, or a lookup of an unlisted name would probe forever (a
  // one-domain list had a table of one slot: found by blocklist_fuzz).
  const std::size_t capacity = std::bit_ceil(fingerprints_.size() * 3 / 2 + 1);
  list.slots_.assign(capacity, 0);
  list.slots_.shrink_to_fit();
  const std::size_t mask = capacity - 1;
  for (const auto fp : fingerprints_) {
    std::size_t i = fp & mask;
    while (list.slots_[i] != 0) i = (i + 1) & mask;
    list.slots_[i] = fp;
  }
  list.count_ = fingerprints_.size();
  std::vector<std::uint64_t>().swap(fingerprints_);
  return list;
}

}  // namespace picket::gateway::dns
