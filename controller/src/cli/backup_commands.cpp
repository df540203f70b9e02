// picket backup FILE | restore FILE. They read and write the state
// directory themselves rather than asking picketd: a backup then works with
// picketd stopped (and SQLite's backup API gives a consistent copy while it
// runs), restore needs picketd stopped anyway, and picketd never gains a
// route that hands out the gateway key.
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>

#include "cli/commands.hpp"
#include "cli/prompt.hpp"
#include "state/backup_file.hpp"
#include "state/state_files.hpp"
#include "state/state_snapshot.hpp"

namespace picket::controller::cli {

namespace {

// Short passphrases fall to offline guessing even through Argon2id.
constexpr std::size_t kMinPassphrase = 12;

struct WipedString {
  std::string text;
  ~WipedString() { sodium_memzero(text.data(), text.size()); }
};

void write_new_file(const std::filesystem::path& file, const std::vector<std::uint8_t>& bytes) {
  // Written beside the target and renamed, so FILE is either whole or absent;
  // O_EXCL on the target's name refuses to overwrite an older backup.
  if (std::filesystem::exists(file))
    throw CliError(file.string() + " already exists; choose another name");
  const auto temp = file.string() + ".partial";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) throw CliError("cannot create " + temp + ": " + std::strerror(errno));
  std::size_t done = 0;
  bool ok = true;
  while (ok && done < bytes.size()) {
    const auto wrote = ::write(fd, bytes.data() + done, bytes.size() - done);
    ok = wrote > 0;
    if (ok) done += static_cast<std::size_t>(wrote);
  }
  ok = ok && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::link(temp.c_str(), file.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    throw CliError("cannot write " + file.string() + ": " + std::strerror(error));
  }
  ::unlink(temp.c_str());
}

std::vector<std::uint8_t> read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw CliError("cannot read " + file.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void add_backup(CLI::App& app, Context& context) {
  auto* command =
      app.add_subcommand("backup",
                         "write the whole state (gateway key, members, devices, settings) to FILE, "
                         "encrypted with a passphrase");
  static std::filesystem::path file, state_dir = kDefaultStateDir;
  static bool from_stdin = false;
  command->add_option("FILE", file, "the backup file to create")->required();
  command->add_option("--state-dir", state_dir, "picketd's state directory")->capture_default_str();
  command->add_flag("--passphrase-stdin", from_stdin,
                    "read the passphrase from the first line of standard input");
  command->callback([&context] {
    if (!std::filesystem::exists(state_dir / kDatabaseFileName) &&
        std::filesystem::exists(state_dir / kSealedStateFileName)) {
      // Locked mode: the sealed state already is a backup file, under the
      // unlock passphrase; nothing here can read it without that.
      write_new_file(file, read_file(state_dir / kSealedStateFileName));
      if (context.json_output) {
        std::cout << nlohmann::json{{"file", file.string()}, {"locked_mode", true}}.dump(2) << "\n";
      } else {
        std::cout << "picketd runs in locked mode: " << file.string()
                  << " is a copy of the sealed state, encrypted under the unlock passphrase. "
                     "Restore it with `picket restore` and that passphrase.\n";
      }
      return;
    }
    backup::StateCounts counts;
    const auto payload = backup::snapshot_state(state_dir, &counts);
    WipedString passphrase{read_passphrase("Backup passphrase", true, from_stdin)};
    if (passphrase.text.size() < kMinPassphrase) {
      throw CliError("the passphrase must be at least 12 characters; nothing was written");
    }
    write_new_file(file, backup::seal(payload.span(), passphrase.text));
    if (context.json_output) {
      std::cout << nlohmann::json{{"file", file.string()},
                                  {"members", counts.members},
                                  {"devices", counts.devices}}
                       .dump(2)
                << "\n";
    } else {
      std::cout << "Backup written to " << file.string() << " (" << counts.members << " members, "
                << counts.devices
                << " devices). It holds the gateway key and every preshared key: keep it off "
                   "the server, and the passphrase apart from it.\n";
    }
  });
}

void add_restore(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand(
      "restore",
      "bring back the state from an encrypted backup into an empty state directory "
      "(picketd stopped)");
  static std::filesystem::path file, state_dir = kDefaultStateDir;
  static bool from_stdin = false;
  command->add_option("FILE", file, "the backup file")->required();
  command->add_option("--state-dir", state_dir, "picketd's state directory")->capture_default_str();
  command->add_flag("--passphrase-stdin", from_stdin,
                    "read the passphrase from the first line of standard input");
  command->callback([&context] {
    const auto sealed = read_file(file);
    WipedString passphrase{read_passphrase("Backup passphrase", false, from_stdin)};
    backup::StateCounts counts;
    try {
      const auto payload = backup::open(sealed, passphrase.text);
      counts = backup::restore_state(payload.span(), state_dir);
    } catch (const backup::BackupError& e) {
      throw CliError(file.string() + ": " + e.what());
    }
    if (context.json_output) {
      std::cout << nlohmann::json{{"state_dir", state_dir.string()},
                                  {"members", counts.members},
                                  {"devices", counts.devices}}
                       .dump(2)
                << "\n";
    } else {
      std::cout << "Restored " << counts.members << " members and " << counts.devices
                << " devices into " << state_dir.string()
                << ". Start picketd; if the server's address changed, point the endpoint's DNS "
                   "name at it: members keep their configs.\n";
    }
  });
}

}  // namespace

void add_backup_commands(CLI::App& app, Context& context) {
  add_backup(app, context);
  add_restore(app, context);
}

}  // namespace picket::controller::cli
