#include "store/private_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <string>

#include "picket/controller/store.hpp"

namespace picket::controller {

namespace {

constexpr mode_t kPrivateMode = S_IRUSR | S_IWUSR;

std::mutex& umask_mutex() {
  static std::mutex mutex;
  return mutex;
}

[[noreturn]] void fail(const std::string& doing, const std::filesystem::path& file, int error) {
  throw StoreError("cannot " + doing + " " + file.string() + ": " + std::strerror(error));
}

}  // namespace

void make_private_file(const std::filesystem::path& file) {
  // O_NOFOLLOW: a symlink planted in the state directory must not redirect
  // the database somewhere readable.
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, kPrivateMode);
  if (fd < 0) fail("open the database", file, errno);
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const int error = errno;
    ::close(fd);
    fail("inspect the database", file, error);
  }
  if (!S_ISREG(info.st_mode)) {
    ::close(fd);
    throw StoreError("the database " + file.string() + " is not a regular file");
  }
  if ((info.st_mode & 07777) != kPrivateMode && ::fchmod(fd, kPrivateMode) != 0) {
    const int error = errno;
    ::close(fd);
    fail("make private (mode 0600)", file, error);
  }
  ::close(fd);
}

void tighten_if_present(const std::filesystem::path& file) {
  if (::chmod(file.c_str(), kPrivateMode) != 0 && errno != ENOENT) {
    fail("make private (mode 0600)", file, errno);
  }
}

PrivateUmask::PrivateUmask() {
  umask_mutex().lock();
  previous_ = ::umask(S_IRWXG | S_IRWXO);
}

PrivateUmask::~PrivateUmask() {
  ::umask(static_cast<mode_t>(previous_));
  umask_mutex().unlock();
}

}  // namespace picket::controller
