#include "picket/gateway/channel/messages.hpp"

#include <sodium.h>

#include <algorithm>

#include "channel/base64url.hpp"
#include "channel/json_reader.hpp"

namespace picket::gateway::channel {

using detail::Field;
using nlohmann::json;

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
// clang 14 (the fuzz build) deduces no aggregate template arguments by itself.
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

json encode_body(const Message& message) {
  return std::visit(
      Overloaded{
          [](const Hello& m) {
            json out = {{"name", m.name}};
            if (m.applied) out["applied"] = *m.applied;
            return out;
          },
          [](const Enrol& m) {
            return json{{"name", m.name}, {"secret", detail::base64url(m.secret.bytes())}};
          },
          [](const StateMessage& m) {
            return json{{"version", m.version}, {"state", encode_state(m.state)}};
          },
          [](const ChangeMessage& m) {
            return json{{"version", m.version},
                        {"base", m.version - 1},
                        {"change", encode_change(m.change)}};
          },
          [](const Applied& m) {
            json out = {{"version", m.version}, {"millis", m.millis}};
            if (m.error) out["error"] = *m.error;
            return out;
          },
          [](const Resync& m) {
            json out = json::object();
            if (m.applied) out["applied"] = *m.applied;
            return out;
          },
          [](const Ping&) { return json::object(); },
          [](const Pong&) { return json::object(); },
          [](const StatsRequest& m) {
            return json{{"id", m.id}};
          },
          [](const Stats& m) {
            return json{{"id", m.id}, {"peers", encode_live(m.peers)}};
          },
      },
      message);
}

std::string read_name(const Field& field) {
  const std::string& name = field.string(kMaxGatewayName);
  if (!is_gateway_name(name))
    field.fail(
        "must be 1 to 63 lowercase letters, digits and '-', not starting or ending with '-'");
  return name;
}

std::optional<std::uint64_t> read_applied(const Field& root) {
  if (const auto applied = root.optional("applied")) return applied->unsigned_in(0, kMaxCounter);
  return std::nullopt;
}

bool sent_by(const Message& message, Sender from) {
  const bool controller = std::holds_alternative<StateMessage>(message) ||
                          std::holds_alternative<ChangeMessage>(message) ||
                          std::holds_alternative<StatsRequest>(message);
  const bool gateway =
      std::holds_alternative<Hello>(message) || std::holds_alternative<Enrol>(message) ||
      std::holds_alternative<Applied>(message) || std::holds_alternative<Resync>(message) ||
      std::holds_alternative<Stats>(message);
  return from == Sender::controller ? !gateway : !controller;
}

Message decode_body(const Field& root, std::string_view type) {
  if (type == "hello") {
    root.expect_object({"type", "seq", "name", "applied"});
    return Hello{read_name(root.required("name")), read_applied(root)};
  }
  if (type == "enrol") {
    root.expect_object({"type", "seq", "name", "secret"});
    const Field secret = root.required("secret");
    auto bytes = detail::from_base64url_32(secret.string(64));
    if (!bytes) secret.fail("must be the token's secret: 43 base64url characters");
    Enrol enrol{SecretKey(*bytes), read_name(root.required("name"))};
    sodium_memzero(bytes->data(), bytes->size());
    return enrol;
  }
  if (type == "state") {
    root.expect_object({"type", "seq", "version", "state"});
    const std::uint64_t version = root.required("version").unsigned_in(1, kMaxCounter);
    const Field state = root.required("state");
    return StateMessage{version, decode_state(state.json(), "state")};
  }
  if (type == "change") {
    root.expect_object({"type", "seq", "version", "base", "change"});
    const std::uint64_t version = root.required("version").unsigned_in(1, kMaxCounter);
    const Field base = root.required("base");
    if (base.unsigned_in(0, kMaxCounter) != version - 1)
      base.fail("must be version - 1: a change takes one version to the next");
    return ChangeMessage{version, decode_change(root.required("change").json(), "change")};
  }
  if (type == "applied") {
    root.expect_object({"type", "seq", "version", "millis", "error"});
    Applied applied;
    applied.version = root.required("version").unsigned_in(1, kMaxCounter);
    applied.millis = root.required("millis").unsigned_in(0, kMaxCounter);
    if (const auto error = root.optional("error")) {
      applied.error = error->string(kMaxErrorBytes);
      if (applied.error->empty()) error->fail("must not be empty (leave it out on success)");
    }
    return applied;
  }
  if (type == "resync") {
    root.expect_object({"type", "seq", "applied"});
    return Resync{read_applied(root)};
  }
  if (type == "ping") {
    root.expect_object({"type", "seq"});
    return Ping{};
  }
  if (type == "pong") {
    root.expect_object({"type", "seq"});
    return Pong{};
  }
  if (type == "stats_request") {
    root.expect_object({"type", "seq", "id"});
    return StatsRequest{root.required("id").unsigned_in(1, kMaxCounter)};
  }
  if (type == "stats") {
    root.expect_object({"type", "seq", "id", "peers"});
    return Stats{root.required("id").unsigned_in(1, kMaxCounter),
                 decode_live(root.required("peers").json(), "peers")};
  }
  root.required("type").fail("names no message type this version knows");
}

}  // namespace

std::string_view type_name(const Message& message) {
  static constexpr std::string_view kNames[] = {"hello",         "enrol",  "state", "change",
                                                "applied",       "resync", "ping",  "pong",
                                                "stats_request", "stats"};
  static_assert(std::size(kNames) == std::variant_size_v<Message>);
  return kNames[message.index()];
}

bool is_gateway_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxGatewayName || name.front() == '-' || name.back() == '-')
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::string MessageWriter::write(const Message& message) {
  json out = encode_body(message);
  out["type"] = type_name(message);
  out["seq"] = ++seq_;
  return out.dump();
}

Message MessageReader::read(std::string_view frame) {
  const json parsed = parse_json(frame);
  const Field root(parsed, "message");
  root.expect_object({"type", "seq", "name", "applied", "secret", "version", "state", "base",
                      "change", "millis", "error", "id", "peers"});
  const std::string type = root.required("type").string(16);
  const Field seq = root.required("seq");
  const std::uint64_t number = seq.unsigned_in(1, kMaxCounter);
  if (number != seq_ + 1)
    seq.fail("is " + std::to_string(number) + " where " + std::to_string(seq_ + 1) +
             " was next: a frame was replayed, lost or reordered");
  Message message = decode_body(root, type);
  if (!sent_by(message, from_))
    throw ProtocolError("a " + type + " message may not come from the " +
                        (from_ == Sender::controller ? "controller" : "gateway"));
  seq_ = number;
  return message;
}

}  // namespace picket::gateway::channel
