#include "state/state_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "picket/controller/address_pool.hpp"
#include "picket/controller/service.hpp"
#include "picket/controller/validate.hpp"
#include "picket/gateway/host_network.hpp"
#include "state/state_files.hpp"

namespace picket::controller {

namespace {

constexpr const char* kDatabaseFile = "picket.db";
constexpr const char* kKeyFile = "gateway.key";

gateway::SecretKey read_key(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string text;
  if (!in || !std::getline(in, text)) {
    throw std::runtime_error(
        "cannot read the gateway key " + file.string() +
        "; restore it from backup or move the state directory away to start afresh");
  }
  return gateway::SecretKey::from_base64(text);
}

void write_key(const std::filesystem::path& file, const gateway::SecretKey& key) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::system_error(errno, std::generic_category(), "cannot create " + file.string());
  const std::string text = key.base64() + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    std::filesystem::remove(file);
    throw std::runtime_error("cannot write " + file.string() + "; is the disk full?");
  }
}

}  // namespace

void ensure_private_dir(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  if (::chmod(dir.c_str(), 0700) != 0) {
    throw std::system_error(errno, std::generic_category(),
                            "cannot set mode 0700 on " + dir.string());
  }
}

Settings initial_settings(const StateSeed& seed, const gateway::Key& public_key) {
  Settings settings;
  if (seed.interface_name.empty() || seed.interface_name.size() > 15 ||
      seed.interface_name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") !=
          std::string::npos) {
    throw std::invalid_argument("--interface must be 1-15 characters of a-z, 0-9, '-' and '_'");
  }
  settings.interface_name = seed.interface_name;
  if (seed.listen_port == 0) throw std::invalid_argument("--listen-port must be 1-65535");
  settings.listen_port = seed.listen_port;
  if (!seed.endpoint.empty()) settings.endpoint = validate_endpoint(seed.endpoint);
  settings.ipv4_subnet = gateway::Cidr::parse(seed.ipv4_subnet);
  settings.ipv6_subnet = gateway::Cidr::parse(seed.ipv6_subnet);
  if (!settings.ipv4_subnet.address.is_v4())
    throw std::invalid_argument("--ipv4-subnet must be an IPv4 prefix");
  if (settings.ipv6_subnet.address.is_v4())
    throw std::invalid_argument("--ipv6-subnet must be an IPv6 prefix");
  check_ula_subnet(settings.ipv6_subnet);
  AddressPool check(settings.ipv4_subnet, settings.ipv6_subnet);
  const auto taken = gateway::prefixes_on_other_interfaces(settings.interface_name);
  try {
    check_no_overlap(settings.ipv4_subnet, taken);
    check_no_overlap(settings.ipv6_subnet, taken);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string(e.what()) + " with --ipv4-subnet / --ipv6-subnet");
  }
  settings.public_key = public_key;
  return settings;
}

State open_state(const StateSeed& seed) {
  ensure_private_dir(seed.state_dir);
  const auto db_file = seed.state_dir / kDatabaseFile;
  const auto gateway_key_file = seed.state_dir / kKeyFile;
  const bool existed = std::filesystem::exists(db_file);

  if (!existed) {
    // Validate everything before a file is created, so a typo leaves nothing behind.
    auto private_key = gateway::generate_private_key();
    auto settings = initial_settings(seed, gateway::public_key_of(private_key));
    std::error_code ignored;
    std::filesystem::remove(gateway_key_file,
                            ignored);  // left over from an interrupted first start
    write_key(gateway_key_file, private_key);
    try {
      State state{std::make_unique<Store>(db_file), private_key, true};
      state.store->save_settings(settings);
      return state;
    } catch (...) {
      std::filesystem::remove(db_file, ignored);
      std::filesystem::remove(gateway_key_file, ignored);
      throw;
    }
  }
  auto store = std::make_unique<Store>(db_file);
  finish_interrupted_rotation(seed.state_dir, *store);
  State state{std::move(store), read_key(gateway_key_file), false};
  if (!state.store->settings()) {
    state.store->save_settings(initial_settings(seed, gateway::public_key_of(state.private_key)));
    state.first_start = true;
  }
  return state;
}

}  // namespace picket::controller
