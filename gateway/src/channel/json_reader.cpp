#include "channel/json_reader.hpp"

#include <algorithm>
#include <vector>

namespace picket::gateway::channel::detail {

std::string Field::path() const {
  std::vector<const Field*> chain;
  for (const Field* at = this; at != nullptr; at = at->parent_) chain.push_back(at);
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if ((*it)->index_) {
      out += "[" + std::to_string(*(*it)->index_) + "]";
    } else {
      if (!out.empty()) out += '.';
      out += (*it)->key_;
    }
  }
  return out;
}

void Field::fail(std::string_view what) const {
  throw ProtocolError("field '" + path() + "' " + std::string(what));
}

void Field::expect_object(std::initializer_list<std::string_view> allowed) const {
  if (!value_.is_object()) fail("must be an object");
  for (const auto& item : value_.items()) {
    if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end()) {
      // The unknown key is the other side's field name, not member data, but
      // it is still outside text: only its length is shown.
      fail("holds an unknown field (" + std::to_string(item.key().size()) +
           " bytes); this version reads only the fields it knows");
    }
  }
}

Field Field::required(std::string_view key) const {
  if (auto field = optional(key)) return *field;
  fail("is missing its field '" + std::string(key) + "'");
}

std::optional<Field> Field::optional(std::string_view key) const {
  if (!value_.is_object()) fail("must be an object");
  const auto it = value_.find(key);
  if (it == value_.end()) return std::nullopt;
  return Field(*it, this, key);
}

std::uint64_t Field::unsigned_in(std::uint64_t min, std::uint64_t max) const {
  // A negative number parses as number_integer, a fraction as number_float:
  // both are refused, and so is 1.0.
  if (!value_.is_number_unsigned())
    fail("must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
  const auto number = value_.get<std::uint64_t>();
  if (number < min || number > max)
    fail("must be from " + std::to_string(min) + " to " + std::to_string(max));
  return number;
}

bool Field::boolean() const {
  if (!value_.is_boolean()) fail("must be true or false");
  return value_.get<bool>();
}

const std::string& Field::string(std::size_t max_bytes) const {
  if (!value_.is_string()) fail("must be a string");
  const auto& text = value_.get_ref<const std::string&>();
  if (text.size() > max_bytes) fail("is longer than " + std::to_string(max_bytes) + " bytes");
  if (std::any_of(text.begin(), text.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    fail("holds a control character");
  return text;
}

}  // namespace picket::gateway::channel::detail
