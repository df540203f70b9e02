#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth/secrets.hpp"

namespace picket::controller::auth {

// Why touch() found no session, so the UI can say it (a person left idle
// reads "logged out after 30 minutes without activity", not an error).
enum class SessionEnd { unknown, idle, expired };

struct Session {
  std::int64_t admin_id = 0;
  std::string username;
  std::int64_t created_at = 0;
  std::int64_t last_seen = 0;
};

// Admin sessions, kept in memory as SHA-256 hashes of their tokens: the
// token itself exists only in the admin's cookie. A restart ends them all.
class SessionTable {
 public:
  static constexpr std::int64_t kIdleTimeout = 30 * 60;
  static constexpr std::int64_t kAbsoluteTimeout = 12 * 60 * 60;
  static constexpr std::size_t kMaxSessions = 1000;

  // `idle_timeout` may only shorten kIdleTimeout (tests do, to see a session
  // end without waiting half an hour).
  explicit SessionTable(std::int64_t idle_timeout = kIdleTimeout);
  std::int64_t idle_timeout() const { return idle_timeout_; }

  // Returns the new session's token (256 random bits).
  std::string create(std::int64_t admin_id, const std::string& username, std::int64_t now);
  // The session for `token` if it exists and has timed out neither way.
  // `renew` refreshes its idle timer: false for reads the page makes on its
  // own (polling), which must not keep an abandoned laptop logged in. When
  // there is no session, `why` (if given) says why.
  std::optional<Session> touch(const std::string& token, std::int64_t now, bool renew = true,
                               SessionEnd* why = nullptr);
  void remove(const std::string& token);
  void remove_admin(std::int64_t admin_id);
  std::size_t size() const { return sessions_.size(); }

  // The session's CSRF token: a keyed hash of the session token under a key
  // that lives in this process only, so nothing more is stored and a page
  // on another origin (which cannot read the HttpOnly cookie) cannot derive it.
  std::string csrf_token(const std::string& session_token) const;

 private:
  struct HashOf {
    std::size_t operator()(const Sha256& hash) const;
  };
  void drop_expired(std::int64_t now);

  std::int64_t idle_timeout_;
  std::array<std::uint8_t, 32> csrf_key_{};
  std::unordered_map<Sha256, Session, HashOf> sessions_;
};

}  // namespace picket::controller::auth
