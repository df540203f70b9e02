#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace picket::gateway::dns {

// What a blocked name gets: NXDOMAIN, or 0.0.0.0 / :: for A / AAAA (and an
// empty answer for other types), which some apps handle more quietly.
enum class BlockAnswer { nxdomain, null_address };

// A set of blocked domains; a domain blocks its subdomains too. Stored as
// 64-bit keyed fingerprints in one open-addressing table (about 16 bytes per
// domain at most), so a lookup costs one probe per label of the asked name
// whatever the list's size. A false match needs a 64-bit collision under a
// per-process random key: about 1 in 10^13 per lookup at a million domains.
class Blocklist {
 public:
  Blocklist();  // empty

  // `key` is a lowercased wire-format name.
  bool blocks(std::string_view key) const;
  std::size_t size() const { return count_; }
  std::size_t memory_bytes() const { return slots_.capacity() * sizeof(std::uint64_t); }

 private:
  friend class BlocklistBuilder;
  std::uint64_t fingerprint(std::string_view wire) const;
  std::vector<std::uint64_t> slots_;  // 0 = empty; size is a power of two
  std::uint64_t seed_ = 0;
  std::size_t count_ = 0;
};

// Collects domains from hosts-format lines ("0.0.0.0 ads.example") and plain
// domain lists ("ads.example", also "*.ads.example" and "||ads.example^"),
// '#' comments and blank lines ignored. A line that is neither is skipped
// and counted; the reload reports how many.
class BlocklistBuilder {
 public:
  BlocklistBuilder();
  bool add_domain(std::string_view domain);  // false when it is not a domain
  void add_line(std::string_view line);
  // Throws Error naming the file when it cannot be read or holds no domain
  // at all but has lines that are not (a wrong file, e.g. a binary).
  void add_file(const std::filesystem::path& file);
  Blocklist build();

  std::size_t skipped_lines() const { return skipped_; }
  std::size_t first_skipped_line() const { return first_skipped_; }

 private:
  Blocklist prototype_;  // carries the seed
  std::vector<std::uint64_t> fingerprints_;
  std::size_t skipped_ = 0;
  std::size_t first_skipped_ = 0;
  std::size_t line_number_ = 0;
};

}  // namespace picket::gateway::dns
