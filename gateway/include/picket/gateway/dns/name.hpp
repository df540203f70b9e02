#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace picket::gateway::dns {

// Domain names travel inside the resolver as uncompressed wire format
// (length-prefixed labels ending in the zero root label). Lookup keys are the
// same bytes with ASCII letters lowercased, so comparison is a memcmp.
inline constexpr std::size_t kMaxNameWire = 255;
inline constexpr std::size_t kMaxLabel = 63;

// "phone.alice.picket.internal" (a trailing dot is allowed) -> wire format,
// lowercased. Accepts RFC 1123 host labels and '_' only: names handed to the
// local zone and blocklist entries are host names. Returns nullopt for
// anything else (empty labels, over-long labels or names, other bytes).
std::optional<std::string> host_to_wire(std::string_view text);

// Wire format -> presentation format for libunbound, escaping every byte a
// parser could misread ('.', '\\', non-printables as \DDD). The root is ".".
std::string wire_to_text(std::string_view wire);

// ASCII-lowercases a wire-format name (label length bytes are < 64, so they
// are never mistaken for letters).
std::string lowercase_wire(std::string_view wire);

// The suffix of `wire` that starts `labels_to_skip` labels in; `wire` must be
// well formed.
std::string_view skip_labels(std::string_view wire, std::size_t labels_to_skip);
std::size_t label_count(std::string_view wire);

}  // namespace picket::gateway::dns
