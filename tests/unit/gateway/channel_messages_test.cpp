#include <catch2/catch.hpp>

#include "channel_fixtures.hpp"
#include "picket/gateway/channel/messages.hpp"

using namespace picket::gateway;
using namespace picket::gateway::channel;
using nlohmann::json;
using picket::gateway::test::channel_change;
using picket::gateway::test::channel_state;
using picket::gateway::test::test_secret;

namespace {

template <typename T>
T read_one(Sender from, const Message& message) {
  MessageWriter writer;
  MessageReader reader(from);
  const Message back = reader.read(writer.write(message));
  REQUIRE(std::holds_alternative<T>(back));
  return std::get<T>(back);
}

std::string refusal(Sender from, const std::string& frame) {
  MessageReader reader(from);
  try {
    (void)reader.read(frame);
  } catch (const ProtocolError& e) {
    return e.what();
  }
  FAIL("the frame was accepted");
  return {};
}

}  // namespace

TEST_CASE("channel messages: every message round-trips", "[channel]") {
  CHECK(read_one<Hello>(Sender::gateway, Hello{"gw-1", 42}).applied == 42u);
  CHECK_FALSE(read_one<Hello>(Sender::gateway, Hello{"gw-1", std::nullopt}).applied);
  CHECK(read_one<Hello>(Sender::gateway, Hello{"gw-1", 0}).name == "gw-1");

  const Enrol enrol = read_one<Enrol>(Sender::gateway, Enrol{test_secret(9), "edge-2"});
  CHECK(enrol.secret == test_secret(9));
  CHECK(enrol.name == "edge-2");

  const auto state = read_one<StateMessage>(Sender::controller, StateMessage{7, channel_state(2)});
  CHECK(state.version == 7);
  CHECK(state.state.peers == channel_state(2).peers);

  const auto change =
      read_one<ChangeMessage>(Sender::controller, ChangeMessage{8, channel_change(1)});
  CHECK(change.version == 8);
  CHECK(change.change.put == channel_change(1).put);

  const auto ok = read_one<Applied>(Sender::gateway, Applied{8, 12, std::nullopt});
  CHECK(ok.version == 8);
  CHECK(ok.millis == 12);
  CHECK_FALSE(ok.error);
  CHECK(read_one<Applied>(Sender::gateway, Applied{8, 0, "nft said no"}).error == "nft said no");
  CHECK(read_one<StatsRequest>(Sender::controller, StatsRequest{4}).id == 4);
  const PeerLive live{channel_state(1).peers.at(0).wireguard.public_key, 1'800'000'000, 7, 9};
  const auto stats = read_one<Stats>(Sender::gateway, Stats{4, {live}});
  CHECK(stats.id == 4);
  CHECK(stats.peers == std::vector<PeerLive>{live});

  CHECK(read_one<Resync>(Sender::gateway, Resync{5}).applied == 5u);
  CHECK_FALSE(read_one<Resync>(Sender::gateway, Resync{}).applied);
  (void)read_one<Ping>(Sender::controller, Ping{});
  (void)read_one<Pong>(Sender::gateway, Pong{});
}

TEST_CASE("channel messages: sequence numbers must be exactly the next", "[channel]") {
  MessageWriter writer;
  const std::string first = writer.write(Ping{});
  const std::string second = writer.write(Ping{});
  const std::string third = writer.write(Ping{});

  MessageReader replayed(Sender::controller);
  CHECK_NOTHROW(replayed.read(first));
  CHECK_THROWS_WITH(replayed.read(first), Catch::Contains("replayed, lost or reordered"));

  MessageReader skipped(Sender::controller);
  CHECK_NOTHROW(skipped.read(first));
  CHECK_THROWS_AS(skipped.read(third), ProtocolError);
  // A refused frame does not advance the reader: the next one still fits.
  CHECK_NOTHROW(skipped.read(second));
  CHECK(skipped.last_seq() == 2);

  CHECK_THAT(refusal(Sender::controller, R"({"type":"ping","seq":0})"),
             Catch::Contains("'message.seq'"));
  CHECK_THAT(refusal(Sender::controller, R"({"type":"ping"})"), Catch::Contains("missing"));
}

TEST_CASE("channel messages: malformed frames are refused", "[channel]") {
  const std::string cases[] = {
      R"({"type":"ping","seq":1)",                  // cut off
      R"([1,2])",                                   // not an object
      R"({"type":"teleport","seq":1})",             // unknown type
      R"({"type":"ping","seq":1,"extra":1})",       // unknown field
      R"({"type":"ping","seq":1,"version":3})",     // a field of another type
      R"({"type":"ping","seq":1.5})",               // not a whole number
      R"({"type":"ping","seq":9007199254740992})",  // beyond 2^53 - 1
      R"({"type":"hello","seq":1,"name":"-gw"})",   // not a gateway name
      R"({"type":"hello","seq":1,"name":"GW"})",    // uppercase
      R"({"type":"hello","seq":1,"applied":-1,"name":"gw"})",
      R"({"type":"applied","seq":1,"version":0,"millis":1})",
      R"({"type":"applied","seq":1,"version":2,"millis":1,"error":""})",
      R"({"type":"enrol","seq":1,"name":"gw","secret":"c2hvcnQ"})",
      R"({"type":"ping","seq":1,"type":"pong"})",       // a repeated key
      R"({"type":"stats","seq":1,"id":0,"peers":[]})",  // ids start at 1
      R"({"type":"stats","seq":1,"id":1})",             // no peers
      R"({"type":"stats","seq":1,"id":1,"peers":[{"key":"nope","handshake":1,"rx":0,"tx":0}]})",
      R"({"type":"stats","seq":1,"id":1,"peers":[{"key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",)"
      R"("handshake":0,"rx":0,"tx":0}]})",  // no handshake: not reported
      R"({"type":"stats","seq":1,"id":1,"peers":[{"key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",)"
      R"("handshake":1,"rx":0,"tx":0,"endpoint":"198.51.100.7:1"}]})",  // no endpoint, ever
  };
  for (const std::string& frame : cases) {
    INFO(frame);
    CHECK_THROWS_AS(MessageReader(Sender::gateway).read(frame), ProtocolError);
  }
}

TEST_CASE("channel messages: a change's base must be its version - 1", "[channel]") {
  MessageWriter writer;
  json frame = json::parse(writer.write(ChangeMessage{8, channel_change(0)}));
  frame["base"] = 6;
  CHECK_THAT(refusal(Sender::controller, frame.dump()), Catch::Contains("'message.base'"));
}

TEST_CASE("channel messages: each side may send only its own messages", "[channel]") {
  MessageWriter writer;
  CHECK_THAT(refusal(Sender::controller, writer.write(Hello{"gw", 1})),
             Catch::Contains("may not come from the controller"));
  MessageWriter other;
  CHECK_THAT(refusal(Sender::gateway, other.write(StateMessage{1, channel_state(0)})),
             Catch::Contains("may not come from the gateway"));
  MessageWriter third;
  CHECK_THAT(refusal(Sender::gateway, third.write(StatsRequest{1})),
             Catch::Contains("may not come from the gateway"));
  MessageWriter fourth;
  CHECK_THAT(refusal(Sender::controller, fourth.write(Stats{1, {}})),
             Catch::Contains("may not come from the controller"));
}

TEST_CASE("channel messages: gateway names", "[channel]") {
  CHECK(is_gateway_name("gw-1"));
  CHECK(is_gateway_name(std::string(63, 'a')));
  CHECK_FALSE(is_gateway_name(std::string(64, 'a')));
  CHECK_FALSE(is_gateway_name(""));
  CHECK_FALSE(is_gateway_name("gw-"));
  CHECK_FALSE(is_gateway_name("gw.1"));
  CHECK_FALSE(is_gateway_name("gw_1"));
}
