#include "daemon/controller_role.hpp"

#include <sodium.h>

#include <boost/asio/post.hpp>

#include "api/replies.hpp"
#include "common/log.hpp"
#include "picket/controller/render.hpp"
#include "picket/gateway/error.hpp"
#include "store/clock.hpp"
#include "store/device_gateways.hpp"
#include "store/gateway_store.hpp"

namespace picket::controller {

namespace channel = gateway::channel;

namespace {

// The channel key: made on the first start as a controller, then kept in
// the store.
channel::Identity channel_identity(Store& store) {
  auto seed = load_channel_seed(store);
  if (!seed) {
    const auto fresh = channel::Identity::generate();
    seed = fresh.seed();
    save_channel_seed(store, *seed);
    log_info("controller: made the channel key, pin " + fresh.pin());
  }
  auto identity = channel::Identity::from_seed(*seed);
  sodium_memzero(seed->data(), seed->size());
  return identity;
}

FleetOptions fleet_options(const ControllerRoleOptions& options, boost::asio::io_context& io,
                           Store& store, const std::shared_ptr<bool>& alive) {
  FleetOptions fleet;
  fleet.identity = channel_identity(store);
  fleet.address = options.listen;
  fleet.port = options.port;
  fleet.answer_timeout = std::chrono::milliseconds(options.answer_timeout_ms);
  for (auto& gateway : list_gateways(store)) {
    if (gateway.wireguard_key.is_zero()) {
      // Enrolled before gateways had keys of their own (schema 6).
      gateway.wireguard_key = gateway::generate_private_key();
      set_gateway_wireguard_key(store, gateway.name, gateway.wireguard_key);
      log_info("controller: gateway " + gateway.name +
               " now has a WireGuard key of its own; reissue the devices that use it");
    }
    if (gateway.endpoint.empty())
      log_error("controller: gateway " + gateway.name +
                " has no endpoint, so no member config names it; remove it and enrol it "
                "again with `picket gateway add " +
                gateway.name + " --endpoint HOST:PORT`");
    fleet.enrolled[gateway.pin] = {gateway.name, gateway.endpoint, gateway.wireguard_key};
  }
  fleet.on_enrolled = [&io, &store, alive](const std::string& pin, const EnrolledGateway& gateway) {
    boost::asio::post(io, [&store, alive, pin, gateway] {
      if (!*alive) return;
      try {
        insert_gateway(store,
                       {gateway.name, pin, unix_now(), gateway.endpoint, gateway.wireguard_key});
      } catch (const std::exception& e) {
        log_error("controller: gateway " + gateway.name + " enrolled but could not be recorded (" +
                  e.what() + "); after a restart it must enrol again");
      }
    });
  };
  fleet.info = [](std::string_view line) { log_info("controller: " + std::string(line)); };
  fleet.error = [](std::string_view line) { log_error("controller: " + std::string(line)); };
  return fleet;
}

std::string host_of(const std::string& endpoint) {
  if (endpoint.starts_with("[")) {
    const auto end = endpoint.find(']');
    return end == std::string::npos ? std::string() : endpoint.substr(1, end - 1);
  }
  return endpoint.substr(0, endpoint.rfind(':'));
}

}  // namespace

ControllerRole::ControllerRole(const ControllerRoleOptions& options, boost::asio::io_context& io,
                               Store& store)
    : options_(options),
      fleet_(std::make_unique<GatewayFleet>(fleet_options(options, io, store, alive_))) {
  log_info("controller: gateways dial in on " + options.listen + ":" +
           std::to_string(fleet_->port()) + ", pinning " + fleet_->pin());

  hooks_.list = [this, &store] {
    std::map<std::string, std::int64_t> created;
    for (const auto& gateway : list_gateways(store)) created[gateway.name] = gateway.created_at;
    std::vector<api::GatewayHooks::Entry> out;
    for (const auto& status : fleet_->status()) {
      api::GatewayHooks::Entry entry;
      entry.name = status.name;
      entry.pin = status.pin;
      entry.endpoint = status.endpoint;
      entry.public_key = status.public_key.base64();
      entry.fingerprint = key_fingerprint(status.public_key);
      entry.created_at = created.count(status.name) ? created[status.name] : 0;
      entry.connected = status.connected;
      entry.current = status.current;
      entry.applied = status.applied;
      if (status.heard_ago) entry.heard_seconds_ago = status.heard_ago->count();
      out.push_back(std::move(entry));
    }
    return out;
  };
  // The fleet holds every enrolled name (the store's, and those whose
  // record is still on its way): it alone refuses a taken one.
  hooks_.add = [this, &store](const std::string& name, const std::string& endpoint,
                              std::chrono::seconds valid_for) {
    const auto host = dial_host(store);
    channel::EnrolmentToken token;
    try {
      token = fleet_->enrolment_token(host, name, endpoint, valid_for);
    } catch (const gateway::Error& e) {
      throw api::ApiError(409, "gateway_exists", e.what());
    } catch (const std::exception& e) {
      throw api::ApiError(409, "enrolment_refused", e.what());
    }
    api::GatewayHooks::Token out;
    out.text = token.encode();
    out.expires_at = unix_now() + valid_for.count();
    out.controller_pin = token.controller_pin;
    out.controller_address = token.host + ":" + std::to_string(token.port);
    log_info("controller: made an enrolment token for gateway " + name);
    return out;
  };
  hooks_.remove = [this, &store](const std::string& name) {
    // The record first: if it cannot go, the gateway stays admitted and the
    // admin is told so. The devices given to it lose it in the same
    // transaction.
    Store::Transaction tx(store);
    const bool recorded = delete_gateway(store, name);
    device_gateways::drop(store, name);
    tx.commit();
    return fleet_->forget(name) || recorded;
  };
}

std::string ControllerRole::dial_host(Store& store) const {
  if (!options_.host.empty()) return options_.host;
  const auto settings = store.settings();
  const auto host = settings ? host_of(settings->endpoint) : std::string();
  if (host.empty() || host == "127.0.0.1" || host == "localhost" || host == "::1")
    throw api::ApiError(409, "no_channel_host",
                        "gateways need an address to dial this controller at: start picketd "
                        "with --channel-host HOST, or set the endpoint with `picket init "
                        "--endpoint HOST:PORT`");
  return host;
}

}  // namespace picket::controller
