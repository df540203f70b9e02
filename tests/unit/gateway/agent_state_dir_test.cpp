// picket-gateway enrol and its state directory: what is on disk, and that
// nothing about members ever is.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "agent_fixtures.hpp"
#include "picket/gateway/agent/state_dir.hpp"
#include "picket/gateway/error.hpp"

using namespace picket::gateway;
using namespace picket::gateway::test;
using channel::LeaderEvent;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() /
                  ("picket-agent-" + std::to_string(::getpid()) + "-" + std::to_string(next()));
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  static int next() {
    static int n = 0;
    return ++n;
  }
};

unsigned mode_of(const fs::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string some_token(const std::string& host = "vpn.example.org", std::uint16_t port = 7443) {
  channel::EnrolmentBook book;
  return book
      .issue(host, port, channel::Identity::generate().pin(),
             std::chrono::system_clock::now() + std::chrono::hours(1))
      .encode();
}

}  // namespace

TEST_CASE("agent enrol: a token that names the gateway gives it that name", "[agent]") {
  // The controller expects the token's name in every hello: a gateway
  // enrolled under its host name was refused at each reconnect.
  TempDir tmp;
  const agent::StateDir dir(tmp.path / "state");
  channel::EnrolmentBook book;
  auto token = book.issue("vpn.example.org", 7443, channel::Identity::generate().pin(),
                          std::chrono::system_clock::now() + std::chrono::hours(1));
  token.name = "gw-west";
  CHECK(channel::EnrolmentToken::parse(token.encode()).name == "gw-west");
  CHECK_THROWS_WITH(agent::enrol(dir, token.encode(), "gw-east", false),
                    Catch::Contains("made for gateway 'gw-west'"));
  CHECK_FALSE(dir.enrolled());
  CHECK(agent::enrol(dir, token.encode(), "", false).controller.name == "gw-west");
  CHECK(agent::enrol(dir, token.encode(), "gw-west", true).controller.name == "gw-west");
}

TEST_CASE("agent enrol: writes the channel key and the controller file, owner only", "[agent]") {
  TempDir tmp;
  const agent::StateDir dir(tmp.path / "state");
  channel::EnrolmentBook book;
  const auto pin = channel::Identity::generate().pin();
  const auto token = book.issue("vpn.example.org", 7443, pin,
                                std::chrono::system_clock::now() + std::chrono::hours(1));
  // Pasted with the line end it was copied with.
  const auto result = agent::enrol(dir, token.encode() + "\n", "gw-east", false);
  CHECK(result.controller.host == "vpn.example.org");
  CHECK(result.controller.port == 7443);
  CHECK(result.controller.pin == pin);
  CHECK(result.controller.name == "gw-east");
  REQUIRE(result.controller.enrolment_secret.has_value());
  CHECK(*result.controller.enrolment_secret == token.secret);

  CHECK(mode_of(dir.path()) == 0700);
  CHECK(mode_of(dir.identity_file()) == 0600);
  CHECK(mode_of(dir.controller_file()) == 0600);
  CHECK(dir.load_identity().pin() == result.gateway_pin);
  const auto loaded = dir.load_controller();
  CHECK(loaded.host == "vpn.example.org");
  CHECK(loaded.port == 7443);
  CHECK(loaded.pin == pin);
  CHECK(loaded.name == "gw-east");
  CHECK(loaded.enrolment_secret == token.secret);

  dir.forget_enrolment_secret();
  CHECK_FALSE(dir.load_controller().enrolment_secret.has_value());
  CHECK(read_all(dir.controller_file()).find(token.secret.base64()) == std::string::npos);
  CHECK(mode_of(dir.controller_file()) == 0600);
  CHECK(dir.load_controller().pin == pin);
}

TEST_CASE("agent enrol: a second enrol refuses without --force", "[agent]") {
  TempDir tmp;
  const agent::StateDir dir(tmp.path);
  const auto first = agent::enrol(dir, some_token(), "gw-1", false);
  CHECK_THROWS_WITH(agent::enrol(dir, some_token(), "gw-1", false),
                    Catch::Contains("holds an enrolment already") && Catch::Contains("--force"));
  CHECK(dir.load_identity().pin() == first.gateway_pin);  // untouched
  const auto again = agent::enrol(dir, some_token("10.0.0.1", 9000), "gw-1", true);
  CHECK(again.gateway_pin != first.gateway_pin);
  CHECK(dir.load_controller().host == "10.0.0.1");
  CHECK(dir.load_identity().pin() == again.gateway_pin);
}

TEST_CASE("agent enrol: a bad token or name is refused with what is wrong", "[agent]") {
  TempDir tmp;
  const agent::StateDir dir(tmp.path / "state");
  CHECK_THROWS_WITH(agent::enrol(dir, "", "gw-1", false),
                    Catch::StartsWith("bad enrolment token: ") && Catch::Contains("empty"));
  CHECK_THROWS_WITH(agent::enrol(dir, "not a token!", "gw-1", false),
                    Catch::Contains("bad enrolment token: ") && Catch::Contains("base64url"));
  std::string cut = some_token();
  cut.resize(cut.size() / 2);
  CHECK_THROWS_WITH(agent::enrol(dir, cut, "gw-1", false), Catch::Contains("bad enrolment token"));
  CHECK_THROWS_WITH(agent::enrol(dir, some_token(), "Not_A_Name", false),
                    Catch::Contains("is not a gateway name"));
  // Nothing was written for any of them.
  CHECK_FALSE(fs::exists(dir.path()));
}

TEST_CASE("agent state dir: damaged or readable files are refused with what to do", "[agent]") {
  TempDir tmp;
  const agent::StateDir dir(tmp.path);
  CHECK_THROWS_WITH(dir.load_controller(), Catch::Contains("picket-gateway enrol TOKEN"));
  agent::enrol(dir, some_token(), "gw-1", false);
  fs::permissions(dir.controller_file(), fs::perms::group_read, fs::perm_options::add);
  CHECK_THROWS_WITH(dir.load_controller(), Catch::Contains("chmod 600"));
  {
    std::ofstream out(dir.controller_file(), std::ios::trunc);
    out << R"({"host":"h","port":0,"controller_pin":"x","name":"gw-1"})";
  }
  fs::permissions(dir.controller_file(), fs::perms::owner_read | fs::perms::owner_write);
  CHECK_THROWS_WITH(dir.load_controller(), Catch::Contains("damaged") && Catch::Contains("port") &&
                                               Catch::Contains("enrol --force"));
}

TEST_CASE("agent: enrols over the channel then says hello and the disk holds nothing of members",
          "[agent]") {
  boost::asio::io_context io;
  FakeController controller(io);
  TempDir tmp;
  const agent::StateDir dir(tmp.path / "state");
  const auto token =
      controller.book.issue("127.0.0.1", controller.port(), controller.identity.pin(),
                            std::chrono::system_clock::now() + std::chrono::hours(1));
  agent::enrol(dir, token.encode(), "gw-7", false);
  const GatewayState served = controller.state;

  auto gw = std::make_unique<TestGateway>(io, dir.load_controller(), dir.load_identity());
  gw->on_enrolled = [&] { dir.forget_enrolment_secret(); };
  REQUIRE(run_until(io, [&] { return controller.acknowledged(1); }));
  REQUIRE(controller.events.front().kind == LeaderEvent::Kind::enrol);
  CHECK(controller.events.front().name == "gw-7");
  CHECK(controller.known.at(dir.load_identity().pin()) == "gw-7");
  CHECK(gw->enrolled == 1);
  CHECK_FALSE(gw->agent->enrolling());
  CHECK_FALSE(dir.load_controller().enrolment_secret.has_value());
  CHECK(gw->peer_keys() == keys_of(served.peers));

  // The connection drops: it comes back with hello, not enrol.
  controller.go_down();
  controller.down = false;
  REQUIRE(run_until(io, [&] { return controller.count(LeaderEvent::Kind::hello) == 1; }));
  CHECK(controller.last(LeaderEvent::Kind::hello)->name == "gw-7");
  CHECK(controller.last(LeaderEvent::Kind::hello)->version == 1u);
  CHECK(controller.count(LeaderEvent::Kind::enrol) == 1);

  // And a change with more peers, so the disk had every chance to see them.
  GatewayChange change;
  change.put = {channel_peer(11), channel_peer(12)};
  controller.push(change);
  REQUIRE(run_until(io, [&] { return controller.acknowledged(2); }));

  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir.path()))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"channel.key", "controller.json"});
  std::vector<std::string> leaks = member_data(served);
  for (const auto& item : member_data(controller.state)) leaks.push_back(item);
  leaks.push_back(token.secret.base64());
  for (const auto& name : names) {
    const std::string text = read_all(dir.path() / name);
    for (const auto& item : leaks) CHECK(text.find(item) == std::string::npos);
  }
  gw->check_logs_clean(served);
  gw->check_logs_clean(controller.state);
}

TEST_CASE("agent: a used enrolment token is refused and retried with hello", "[agent]") {
  boost::asio::io_context io;
  FakeController controller(io);
  const auto token =
      controller.book.issue("127.0.0.1", controller.port(), controller.identity.pin(),
                            std::chrono::system_clock::now() + std::chrono::hours(1));
  // Spent already (another gateway, or a run that died before it forgot it).
  REQUIRE(controller.book.consume(token.secret, std::chrono::system_clock::now()) ==
          channel::EnrolmentBook::Check::accepted);
  controller.book.issue("127.0.0.1", controller.port(), controller.identity.pin(),
                        std::chrono::system_clock::now() + std::chrono::hours(1));
  agent::ControllerFile file{"127.0.0.1", controller.port(), controller.identity.pin(), "gw-2",
                             token.secret};
  TestGateway gw(io, file);
  REQUIRE(run_until(io, [&] { return gw.lines_with("without answering the enrolment") >= 1; }));
  CHECK(gw.agent->nodes_built() == 0);
  CHECK(gw.enrolled == 0);
  // Had an earlier run been admitted, hello would now get the state.
  controller.known[gw.identity.pin()] = "gw-2";
  REQUIRE(run_until(io, [&] { return controller.acknowledged(1); }));
  CHECK(gw.enrolled == 1);
  CHECK_FALSE(gw.agent->enrolling());
  CHECK(gw.peer_keys().size() == 3);
}

TEST_CASE("agent enrol: as root, the files take the state directory's owner", "[agent]") {
  if (::geteuid() != 0) return;  // only root can give files away
  TempDir tmp;
  fs::create_directories(tmp.path);
  const uid_t nobody = 65534;
  REQUIRE(::chown(tmp.path.c_str(), nobody, nobody) == 0);
  const agent::StateDir dir(tmp.path);
  agent::enrol(dir, some_token(), "gw-1", false);
  struct stat info {};
  REQUIRE(::stat(dir.identity_file().c_str(), &info) == 0);
  CHECK(info.st_uid == nobody);
  REQUIRE(::stat(dir.controller_file().c_str(), &info) == 0);
  CHECK(info.st_uid == nobody);
  CHECK(info.st_gid == nobody);
  dir.forget_enrolment_secret();
  REQUIRE(::stat(dir.controller_file().c_str(), &info) == 0);
  CHECK(info.st_uid == nobody);
}
