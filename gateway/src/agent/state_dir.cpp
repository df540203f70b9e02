#include "picket/gateway/agent/state_dir.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "picket/gateway/channel/codec.hpp"
#include "picket/gateway/channel/enrolment.hpp"
#include "picket/gateway/channel/messages.hpp"
#include "picket/gateway/error.hpp"

namespace picket::gateway::agent {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::size_t kMaxControllerFileBytes = 4096;

std::string again_hint() {
  return "enrol again: picket-gateway enrol --force TOKEN (with a new token from the controller)";
}

// Every file here is secret or says where the controller is: owner only.
void check_private(const fs::path& file) {
  struct stat info {};
  if (::lstat(file.c_str(), &info) != 0)
    throw Error(
        "cannot read " + file.string() + ": " + std::strerror(errno) +
        (errno == ENOENT ? "; this gateway is not enrolled: picket-gateway enrol TOKEN" : ""));
  if (!S_ISREG(info.st_mode))
    throw Error(file.string() + " is not a regular file; " + again_hint());
  if ((info.st_mode & 077) != 0)
    throw Error(file.string() + " may be read by others than its owner; chmod 600 " +
                file.string());
}

// Root runs enrol; the service runs as the directory's owner (picket). A
// file root leaves behind in a directory picket owns would be unreadable to
// the service, and systemd only hands over a directory whose top it must
// change, so each file takes the directory's owner here.
void give_to_directory_owner(const fs::path& file) {
  if (::geteuid() != 0) return;
  struct stat dir {};
  if (::stat(file.parent_path().c_str(), &dir) != 0 || dir.st_uid == 0) return;
  if (::lchown(file.c_str(), dir.st_uid, dir.st_gid) != 0)
    throw Error("cannot give " + file.string() +
                " to the owner of its directory: " + std::strerror(errno));
}

void write_all(int fd, std::string_view text, const std::string& name) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error("cannot write " + name + ": " + std::strerror(errno));
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Beside the target, synced, renamed over it, and the directory synced, so
// that a power cut leaves the old file or the new one, never half of one.
void replace_file(const fs::path& file, std::string_view text) {
  const std::string name = file.string();
  const std::string temporary = name + ".new";
  ::unlink(temporary.c_str());
  const int fd =
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) throw Error("cannot write beside " + name + ": " + std::strerror(errno));
  try {
    write_all(fd, text, temporary);
    if (::fsync(fd) != 0) throw Error("cannot sync " + temporary + ": " + std::strerror(errno));
    give_to_directory_owner(temporary);
  } catch (...) {
    ::close(fd);
    ::unlink(temporary.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(temporary.c_str(), name.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temporary.c_str());
    throw Error("cannot replace " + name + ": " + reason);
  }
  const int dir = ::open(file.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

std::string encode(const ControllerFile& controller) {
  json body = {{"host", controller.host},
               {"port", controller.port},
               {"controller_pin", controller.pin},
               {"name", controller.name}};
  if (controller.enrolment_secret) body["enrolment_secret"] = controller.enrolment_secret->base64();
  return body.dump(2) + "\n";
}

ControllerFile decode(const json& body, const std::string& name) {
  const auto damaged = [&](const std::string& what) {
    return Error(name + " is damaged (" + what + "); " + again_hint());
  };
  if (!body.is_object()) throw damaged("not a JSON object");
  for (const auto& [key, value] : body.items())
    if (key != "host" && key != "port" && key != "controller_pin" && key != "name" &&
        key != "enrolment_secret")
      throw damaged("unknown field '" + key + "'");
  const auto text = [&](const char* field) {
    const auto it = body.find(field);
    if (it == body.end() || !it->is_string())
      throw damaged(std::string("'") + field + "' must be a string");
    return it->get<std::string>();
  };
  ControllerFile out;
  out.host = text("host");
  const auto port = body.find("port");
  if (port == body.end() || !port->is_number_unsigned() || port->get<std::uint64_t>() == 0 ||
      port->get<std::uint64_t>() > 65535)
    throw damaged("'port' must be a number from 1 to 65535");
  out.port = static_cast<std::uint16_t>(port->get<std::uint64_t>());
  out.pin = text("controller_pin");
  if (!channel::is_pin(out.pin)) throw damaged("'controller_pin' is not a key pin");
  out.name = text("name");
  if (!channel::is_gateway_name(out.name)) throw damaged("'name' is not a gateway name");
  if (out.host.empty()) throw damaged("'host' is empty");
  if (body.contains("enrolment_secret")) {
    std::string secret = text("enrolment_secret");
    try {
      out.enrolment_secret = SecretKey::from_base64(secret);
    } catch (const ParseError&) {
      sodium_memzero(secret.data(), secret.size());
      throw damaged("'enrolment_secret' is not 32 bytes of base64");
    }
    sodium_memzero(secret.data(), secret.size());
  }
  return out;
}

}  // namespace

bool StateDir::enrolled() const {
  std::error_code ec;
  return fs::exists(controller_file(), ec);
}

void StateDir::prepare() const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec)
    throw Error("cannot create the state directory " + dir_.string() + ": " + ec.message() +
                "; pass a writable one with --state-dir");
  if (!fs::is_directory(dir_))
    throw Error(dir_.string() + " is not a directory; pass another with --state-dir");
  // The channel key is in here: nobody but the owner may even list it.
  if (::chmod(dir_.c_str(), 0700) != 0)
    throw Error("cannot make " + dir_.string() + " mode 0700: " + std::strerror(errno));
}

channel::Identity StateDir::load_identity() const {
  check_private(identity_file());
  return channel::Identity::load(identity_file());
}

ControllerFile StateDir::load_controller() const {
  const fs::path file = controller_file();
  check_private(file);
  std::ifstream in(file, std::ios::binary);
  std::string text(kMaxControllerFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw Error("cannot read " + file.string());
  if (text.size() > kMaxControllerFileBytes)
    throw Error(file.string() + " is larger than any controller file; " + again_hint());
  json body;
  try {
    body = json::parse(text);
  } catch (const json::exception&) {
    sodium_memzero(text.data(), text.size());
    throw Error(file.string() + " is not JSON; " + again_hint());
  }
  sodium_memzero(text.data(), text.size());
  return decode(body, file.string());
}

void StateDir::save_controller(const ControllerFile& controller) const {
  std::string text = encode(controller);
  try {
    replace_file(controller_file(), text);
  } catch (...) {
    sodium_memzero(text.data(), text.size());
    throw;
  }
  sodium_memzero(text.data(), text.size());
}

void StateDir::forget_enrolment_secret() const {
  ControllerFile controller = load_controller();
  if (!controller.enrolment_secret) return;
  controller.enrolment_secret.reset();
  save_controller(controller);
}

std::optional<std::string> host_gateway_name() {
  char buffer[256] = {};
  if (::gethostname(buffer, sizeof buffer - 1) != 0) return std::nullopt;
  std::string name(buffer);
  // "gw1.example.org" enrols as "gw1".
  name = name.substr(0, name.find('.'));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!channel::is_gateway_name(name)) return std::nullopt;
  return name;
}

EnrolResult enrol(const StateDir& dir, std::string_view token_text, const std::string& asked,
                  bool force) {
  if (!asked.empty() && !channel::is_gateway_name(asked))
    throw Error("'" + asked +
                "' is not a gateway name: 1 to 63 lowercase letters, digits and '-', not "
                "starting or ending with '-'");
  channel::EnrolmentToken token;
  try {
    token = channel::EnrolmentToken::parse(token_text);
  } catch (const channel::ProtocolError& e) {
    throw Error(std::string("bad enrolment token: ") + e.what());
  }
  // The controller enrols the gateway under the name its token was made
  // for, and expects that name in every hello afterwards.
  std::string name = token.name;
  if (!name.empty() && !asked.empty() && asked != name)
    throw Error("this token was made for gateway '" + name +
                "'; leave out --name, or make a token for '" + asked +
                "' on the controller (picket gateway add " + asked + ")");
  if (name.empty()) name = asked;
  if (name.empty()) {
    const auto from_host = host_gateway_name();
    if (!from_host)
      throw Error("this host's name is not a gateway name (a DNS label); pass --name NAME");
    name = *from_host;
  }
  if (dir.enrolled() && !force)
    throw Error(dir.path().string() +
                " holds an enrolment already; picket-gateway enrol --force replaces it (this "
                "gateway then has a new key, and the controller must admit it again)");
  dir.prepare();
  const auto identity = channel::Identity::generate();
  ControllerFile controller{token.host, token.port, token.controller_pin, name, token.secret};
  // The controller file last: a directory without it is not enrolled, and
  // a second enrol needs no --force after a failure half-way.
  std::error_code ignored;
  fs::remove(dir.controller_file(), ignored);
  identity.save(dir.identity_file());
  give_to_directory_owner(dir.identity_file());
  dir.save_controller(controller);
  return {std::move(controller), identity.pin()};
}

}  // namespace picket::gateway::agent
