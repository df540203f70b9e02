#pragma once

#include <filesystem>

namespace picket::controller {

// Creates `file` with mode 0600 if missing and tightens it to 0600 if it is
// wider. Done before SQLite opens it: SQLite gives the -wal and -shm files
// the main file's mode, so this keeps the whole database private without
// relying on the umask of whoever started the daemon.
void make_private_file(const std::filesystem::path& file);

// Tightens `file` to 0600 if it exists (the -wal/-shm files).
void tighten_if_present(const std::filesystem::path& file);

// Sets umask 077 for its lifetime. umask is per process, so openings are
// serialized to restore the previous mask correctly.
class PrivateUmask {
 public:
  PrivateUmask();
  ~PrivateUmask();
  PrivateUmask(const PrivateUmask&) = delete;
  PrivateUmask& operator=(const PrivateUmask&) = delete;

 private:
  unsigned previous_;
};

}  // namespace picket::controller
