#include "cli/output_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "cli/context.hpp"
#include "picket/controller/render.hpp"

namespace picket::controller::cli {

namespace {

std::string reason() {
  return std::strerror(errno);
}

void write_all(int fd, const std::string& text, const std::string& target) {
  if (::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) != 0)
    throw CliError("cannot write " + target + ": " + reason());
  std::size_t done = 0;
  while (done < text.size()) {
    const auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw CliError("cannot write " + target + ": " + reason());
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) throw CliError("cannot write " + target + ": " + reason());
}

}  // namespace

OutputFiles::OutputFiles(const std::string& conf_path, const std::string& svg_path) {
  try {
    if (!conf_path.empty()) add(conf_path, false);
    if (!svg_path.empty()) add(svg_path, true);
  } catch (...) {
    for (auto& file : files_) {
      ::close(file.fd);
      ::unlink(file.temporary.c_str());
    }
    throw;
  }
}

OutputFiles::~OutputFiles() {
  for (auto& file : files_) {
    if (file.fd >= 0) ::close(file.fd);
    if (!file.temporary.empty()) ::unlink(file.temporary.c_str());
  }
}

void OutputFiles::add(const std::string& target, bool svg) {
  struct stat info {};
  if (::lstat(target.c_str(), &info) == 0 && !S_ISREG(info.st_mode)) {
    throw CliError(target +
                   " exists and is not a regular file (a link, directory or device); name a new "
                   "file for the config, which holds a private key");
  }
  const std::filesystem::path path(target);
  const auto directory = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string temporary = (directory / ("." + path.filename().string() + ".XXXXXX")).string();
  // mkstemp makes it 0600 and O_EXCL: no one else's file, no link followed.
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0) {
    throw CliError("cannot write " + target + ": " + reason() + " (in " + directory.string() +
                   "); nothing was changed");
  }
  files_.push_back({target, temporary, fd, svg});
}

void OutputFiles::write(const std::string& config) {
  for (auto& file : files_)
    write_all(file.fd, file.svg ? render_qr_svg(config) : config, file.target);
}

void OutputFiles::commit() {
  for (auto& file : files_) {
    ::close(file.fd);
    file.fd = -1;
    if (::rename(file.temporary.c_str(), file.target.c_str()) != 0) {
      const std::string kept = file.temporary;
      file.temporary.clear();  // it holds the only copy of the config: keep it
      throw CliError("cannot rename " + kept + " to " + file.target + ": " + reason() +
                     "; the file is complete under its temporary name");
    }
    file.temporary.clear();
  }
}

}  // namespace picket::controller::cli
