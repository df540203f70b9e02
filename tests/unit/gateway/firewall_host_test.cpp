#include "picket/gateway/firewall_host.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "picket/gateway/error.hpp"

using namespace picket::gateway;
namespace fs = std::filesystem;

namespace {

struct FakeProc {
  fs::path root = fs::temp_directory_path() / ("picket-proc-" + std::to_string(::getpid()));
  FakeProc() {
    fs::remove_all(root);
    put("net/ipv4/ip_forward", "0");
    put("net/ipv6/conf/all/forwarding", "1");
    put("net/ipv6/conf/eth0/accept_ra", "1");
  }
  ~FakeProc() { fs::remove_all(root); }
  void put(const std::string& key, const std::string& value) {
    fs::create_directories((root / key).parent_path());
    std::ofstream(root / key) << value << "\n";
  }
  std::string get(const std::string& key) {
    std::string value;
    std::ifstream in(root / key);
    std::getline(in, value);
    return value;
  }
};

}  // namespace

TEST_CASE("forwarding: turned on, and only what was changed is put back") {
  FakeProc proc;
  {
    ForwardingGuard guard(std::string("eth0"), proc.root.string());
    CHECK(guard.changed() == 2);  // ip_forward and accept_ra; IPv6 forwarding was already on
    CHECK(proc.get("net/ipv4/ip_forward") == "1");
    CHECK(proc.get("net/ipv6/conf/eth0/accept_ra") == "2");
    // Someone else turns IPv6 forwarding off meanwhile: not ours to restore.
    proc.put("net/ipv6/conf/all/forwarding", "0");
  }
  CHECK(proc.get("net/ipv4/ip_forward") == "0");
  CHECK(proc.get("net/ipv6/conf/eth0/accept_ra") == "1");
  CHECK(proc.get("net/ipv6/conf/all/forwarding") == "0");
}

TEST_CASE("forwarding: accept_ra other than 1 is left alone") {
  FakeProc proc;
  proc.put("net/ipv6/conf/eth0/accept_ra", "0");
  ForwardingGuard guard(std::string("eth0"), proc.root.string());
  CHECK(proc.get("net/ipv6/conf/eth0/accept_ra") == "0");
  CHECK(guard.changed() == 1);
}

TEST_CASE("forwarding: a sysctl that cannot be read is a clear error and nothing stays changed") {
  FakeProc proc;
  fs::remove(proc.root / "net/ipv6/conf/all/forwarding");
  CHECK_THROWS_WITH(ForwardingGuard(std::string("eth0"), proc.root.string()),
                    Catch::Contains("net/ipv6/conf/all/forwarding"));
  CHECK(proc.get("net/ipv4/ip_forward") == "0");
  CHECK(proc.get("net/ipv6/conf/eth0/accept_ra") == "1");
}

TEST_CASE("uplink: an unknown interface is refused by name") {
  CHECK_THROWS_WITH(check_interface_exists("nosuchif0"),
                    Catch::Contains("unknown uplink interface 'nosuchif0'"));
  CHECK_NOTHROW(check_interface_exists("lo"));
}
