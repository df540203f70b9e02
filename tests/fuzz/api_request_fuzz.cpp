// libFuzzer target for the admin API's request bodies and targets: every
// route that reads JSON (members, devices, reissue, expiry, settings, admin
// accounts, setup, login, audit settings), on the fake WireGuard backend with
// a real SQLite store, called the way the unix socket and the HTTP listener
// call it. Bad input must give a 4xx with a JSON error, never a crash, an
// uncaught exception or a 5xx.
//
// Input: byte 0 picks the route, byte 1 the transport; the rest is the body.
// With the top bit of byte 0 set, the rest is "METHOD TARGET\nBODY" instead,
// so targets (percent-encoding, queries) are fuzzed too.
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/api_handler.hpp"
#include "api/metrics.hpp"
#include "auth/accounts.hpp"
#include "picket/controller/service.hpp"
#include "picket/controller/store.hpp"
#include "picket/gateway/fake_backend.hpp"
#include "store/audit_store.hpp"

using namespace picket;
using namespace picket::controller;

namespace {

struct Route {
  const char* method;
  const char* target;
};
// The seizure routes (wipe, burn) are left out: they act on the state
// directory, not on a body worth fuzzing.
constexpr Route kRoutes[] = {
    {"POST", "/api/v1/setup"},
    {"POST", "/api/v1/session"},
    {"POST", "/api/v1/admins"},
    {"PUT", "/api/v1/audit/settings"},
    {"PATCH", "/api/v1/settings"},
    {"POST", "/api/v1/members"},
    {"POST", "/api/v1/members/alice/devices"},
    {"POST", "/api/v1/members/alice/devices/phone/reissue"},
    {"PUT", "/api/v1/members/alice/devices/phone/expiry"},
    {"POST", "/api/v1/members/alice/devices/phone/disable"},
    {"POST", "/api/v1/members/alice/devices/phone/enable"},
    {"GET", "/api/v1/devices"},
};

std::int64_t now = 1'800'000'000;

// One store, service and API for the whole run, rebuilt when the fuzzer's
// adds have filled it, so one input costs a request and not a migration.
struct World {
  std::filesystem::path dir;
  std::unique_ptr<Store> store;
  gateway::FakeBackend backend{"fuzz0"};
  gateway::SecretKey private_key = gateway::generate_private_key();
  std::unique_ptr<Service> service;
  std::unique_ptr<auth::Accounts> accounts;
  std::unique_ptr<AuditStore> audit;
  std::unique_ptr<api::Metrics> metrics;
  std::unique_ptr<api::Api> api;
  int requests = 0;

  World() {
    std::string pattern = (std::filesystem::temp_directory_path() / "picket-fuzz-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) abort();
    dir = pattern;
    store = std::make_unique<Store>(dir / "picket.db");
    Settings settings;
    settings.interface_name = "fuzz0";
    settings.endpoint = "vpn.example.org:51820";
    settings.public_key = gateway::public_key_of(private_key);
    store->save_settings(settings);
    service = std::make_unique<Service>(*store, backend, private_key, [] { return now; });
    service->start();
    accounts = std::make_unique<auth::Accounts>(*store, [] { return now; });
    audit = std::make_unique<AuditStore>(*store);
    metrics = std::make_unique<api::Metrics>(*service);
    api =
        std::make_unique<api::Api>(*service, *accounts, *audit, *metrics, "http://10.77.0.1:8080/");
    service->add_member("alice", "");
    NewDevice phone;
    phone.label = "phone";
    phone.public_key = gateway::public_key_of(gateway::generate_private_key());
    service->add_device("alice", phone);
  }
  ~World() {
    api.reset();
    metrics.reset();
    audit.reset();
    accounts.reset();
    service.reset();
    store.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

std::unique_ptr<World> world;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  if (!world || ++world->requests > 2000) {
    world.reset();
    world = std::make_unique<World>();
  }
  ApiRequest request;
  const std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
  if ((data[0] & 0x80) != 0) {
    const auto space = rest.find(' ');
    const auto newline = rest.find('\n');
    if (space == std::string_view::npos || newline == std::string_view::npos || newline < space)
      return 0;
    request.method = std::string(rest.substr(0, space));
    request.target = std::string(rest.substr(space + 1, newline - space - 1));
    request.body = std::string(rest.substr(newline + 1));
    // Not the seizure routes (see kRoutes).
    if (request.target.find("wipe") != std::string::npos ||
        request.target.find("burn") != std::string::npos ||
        request.target.find("rotate") != std::string::npos)
      return 0;
  } else {
    const auto& route = kRoutes[data[0] % std::size(kRoutes)];
    request.method = route.method;
    request.target = route.target;
    request.body = std::string(rest);
  }
  if ((data[1] & 1) != 0) {
    request.transport = Transport::http;
    request.content_type = "application/json";
    request.host = "10.77.0.1:8080";
    request.origin = "http://10.77.0.1:8080";
    request.sec_fetch_site = "same-origin";
    request.source = "10.77.0.2";
  } else {
    request.transport = Transport::unix_socket;
  }
  const auto response = world->api->handle(request);
  if (response.status >= 500) __builtin_trap();  // bad input is the client's error
  if (response.content_type == "application/json" && !nlohmann::json::accept(response.body))
    __builtin_trap();
  return 0;
}
