#include "cli/prompt.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "cli/context.hpp"

namespace picket::controller::cli {

namespace {

constexpr std::size_t kMaxPassphrase = 1024;

// Reads one line from `fd` byte by byte, so nothing beyond it is buffered
// (and left unwiped) in a stream.
bool read_line(int fd, std::string& line) {
  line.clear();
  char c = 0;
  while (true) {
    const auto got = ::read(fd, &c, 1);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return !line.empty();
    if (c == '\n') return true;
    if (line.size() >= kMaxPassphrase) {
      sodium_memzero(line.data(), line.size());
      throw CliError("the passphrase is longer than 1024 bytes");
    }
    line.push_back(c);
  }
}

void strip_cr(std::string& line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
}

class Terminal {
 public:
  Terminal() : fd_(::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)) {
    if (fd_ < 0) {
      throw CliError(
          "there is no terminal to read the passphrase from; pipe it in with "
          "--passphrase-stdin");
    }
    if (::tcgetattr(fd_, &saved_) == 0) {
      termios quiet = saved_;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      quiet.c_lflag |= ECHONL;
      restore_ = ::tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
    }
  }
  ~Terminal() {
    if (restore_) ::tcsetattr(fd_, TCSAFLUSH, &saved_);
    ::close(fd_);
  }
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  std::string ask(const std::string& prompt) {
    (void)!::write(fd_, prompt.data(), prompt.size());
    std::string line;
    if (!read_line(fd_, line)) throw CliError("no passphrase was entered");
    strip_cr(line);
    return line;
  }

 private:
  int fd_;
  termios saved_{};
  bool restore_ = false;
};

}  // namespace

void confirm(const std::string& question, const std::string& expected, const std::string& given) {
  std::string answer = given;
  if (answer.empty()) {
    std::cerr << question << "\nType '" << expected << "' to go on: " << std::flush;
    if (!std::getline(std::cin, answer)) answer.clear();
    // Piped input is not echoed: end the prompt's line ourselves.
    if (::isatty(STDIN_FILENO) == 0) std::cerr << "\n";
    strip_cr(answer);
  }
  if (answer != expected) {
    throw CliError("not confirmed (expected '" + expected + "'); nothing was changed");
  }
}

std::string read_passphrase(const std::string& prompt, bool twice, bool from_stdin) {
  std::string passphrase;
  if (from_stdin) {
    if (!read_line(STDIN_FILENO, passphrase)) throw CliError("standard input holds no passphrase");
    strip_cr(passphrase);
  } else {
    Terminal terminal;
    passphrase = terminal.ask(prompt + ": ");
    if (twice) {
      auto again = terminal.ask("Again: ");
      const bool same = again == passphrase;
      sodium_memzero(again.data(), again.size());
      if (!same) {
        sodium_memzero(passphrase.data(), passphrase.size());
        throw CliError("the two passphrases differ; nothing was written");
      }
    }
  }
  if (passphrase.empty()) throw CliError("the passphrase is empty");
  return passphrase;
}

}  // namespace picket::controller::cli
