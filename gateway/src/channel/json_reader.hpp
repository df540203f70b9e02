#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "picket/gateway/channel/codec.hpp"

// Strict reading of decoded JSON, shared by the codec, the messages and the
// enrolment token. Every accessor checks the type (and range) it promises
// and throws ProtocolError naming the field's path; values are never quoted.
namespace picket::gateway::channel::detail {

class Field {
 public:
  // The root of a message part, named `name` in errors.
  Field(const nlohmann::json& value, std::string_view name) : value_(value), key_(name) {}

  const nlohmann::json& json() const { return value_; }
  std::string path() const;
  [[noreturn]] void fail(std::string_view what) const;

  // An object whose keys are all in `allowed` (anything else is refused, so
  // a field the other side meant and this side would ignore cannot pass).
  void expect_object(std::initializer_list<std::string_view> allowed) const;
  Field required(std::string_view key) const;
  std::optional<Field> optional(std::string_view key) const;

  std::uint64_t unsigned_in(std::uint64_t min, std::uint64_t max) const;
  bool boolean() const;
  // No control characters (no field of the protocol has one, and a NUL
  // would cut a path or a name short further down).
  const std::string& string(std::size_t max_bytes) const;
  // An array of at most `max_items`, each handed to `each(Field)`.
  template <typename Each>
  void array(std::size_t max_items, Each&& each) const {
    if (!value_.is_array()) fail("must be an array");
    if (value_.size() > max_items)
      fail("has more than " + std::to_string(max_items) + " items (the limit)");
    for (std::size_t i = 0; i < value_.size(); ++i) each(Field(value_[i], this, i));
  }

 private:
  Field(const nlohmann::json& value, const Field* parent, std::string_view key)
      : value_(value), parent_(parent), key_(key) {}
  Field(const nlohmann::json& value, const Field* parent, std::size_t index)
      : value_(value), parent_(parent), index_(index) {}

  const nlohmann::json& value_;
  // Paths are built only for an error: a state with 100,000 peers reads
  // millions of fields.
  const Field* parent_ = nullptr;
  std::string_view key_;
  std::optional<std::size_t> index_;
};

}  // namespace picket::gateway::channel::detail
