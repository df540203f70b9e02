#include "state/state_files.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <fstream>
#include <string>
#include <system_error>

namespace picket::controller {

namespace {

[[noreturn]] void fail(const std::string& doing, const std::filesystem::path& file) {
  throw std::system_error(errno, std::generic_category(), "cannot " + doing + " " + file.string());
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::vector<std::filesystem::path> secret_state_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  const std::string db = kDatabaseFileName;
  for (const auto& name :
       {db, db + "-wal", db + "-shm", db + "-journal", std::string(kGatewayKeyFileName),
        std::string(kNextGatewayKeyFileName), std::string(kSealedStateFileName),
        std::string(kSealedStateTempFileName)}) {
    std::error_code ec;
    if (std::filesystem::symlink_status(dir / name, ec).type() !=
        std::filesystem::file_type::not_found)
      out.push_back(dir / name);
  }
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().filename().string().rfind(kRestorePrefix, 0) == 0) out.push_back(entry.path());
  }
  return out;
}

void shred_file(const std::filesystem::path& file) {
  // O_NOFOLLOW: a planted symlink must not make us overwrite another file;
  // a symlink itself is just unlinked.
  const int raw = ::open(file.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (raw < 0 && errno == ELOOP) {
    if (::unlink(file.c_str()) != 0 && errno != ENOENT) fail("unlink", file);
    return;
  }
  if (raw < 0) {
    if (errno == ENOENT) return;
    fail("open for overwriting", file);
  }
  const Fd fd(raw);
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) fail("inspect", file);
  if (S_ISREG(info.st_mode)) {
    std::array<unsigned char, 64 * 1024> noise{};
    off_t done = 0;
    while (done < info.st_size) {
      const auto want =
          static_cast<std::size_t>(std::min<off_t>(info.st_size - done, noise.size()));
      randombytes_buf(noise.data(), want);
      const auto wrote = ::pwrite(fd.get(), noise.data(), want, done);
      if (wrote <= 0) fail("overwrite", file);
      done += wrote;
    }
    if (::fsync(fd.get()) != 0) fail("sync", file);
  }
  if (::unlink(file.c_str()) != 0 && errno != ENOENT) fail("unlink", file);
}

void write_key_file(const std::filesystem::path& file, const gateway::SecretKey& key) {
  const int raw = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (raw < 0) fail("create", file);
  std::string text = key.base64() + "\n";
  bool ok = false;
  {
    const Fd fd(raw);
    ok = ::write(fd.get(), text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
         ::fsync(fd.get()) == 0;
  }
  sodium_memzero(text.data(), text.size());
  if (!ok) {
    const int error = errno;
    ::unlink(file.c_str());
    throw std::system_error(error, std::generic_category(),
                            "cannot write " + file.string() + "; is the disk full?");
  }
}

gateway::SecretKey read_key_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string text;
  if (!in || !std::getline(in, text)) throw std::runtime_error("cannot read " + file.string());
  auto key = gateway::SecretKey::from_base64(text);
  sodium_memzero(text.data(), text.size());
  return key;
}

void sync_directory(const std::filesystem::path& dir) {
  const Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) fail("sync the directory", dir);
}

void finish_interrupted_rotation(const std::filesystem::path& dir, Store& store) {
  const auto next_file = dir / kNextGatewayKeyFileName;
  if (!std::filesystem::exists(next_file)) return;
  const auto settings = store.settings();
  const auto next = read_key_file(next_file);
  if (settings && gateway::public_key_of(next) == settings->public_key) {
    replace_gateway_key(dir);
    return;
  }
  shred_file(next_file);
}

void replace_gateway_key(const std::filesystem::path& dir) {
  // The old key is shredded, not just replaced: a rename would leave its
  // blocks unlinked but intact. In between, only gateway.key.next exists,
  // which finish_interrupted_rotation handles.
  shred_file(dir / kGatewayKeyFileName);
  std::filesystem::rename(dir / kNextGatewayKeyFileName, dir / kGatewayKeyFileName);
  sync_directory(dir);
}

}  // namespace picket::controller
