#include "auth/sessions.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace picket::controller::auth {

SessionTable::SessionTable(std::int64_t idle_timeout)
    : idle_timeout_(std::clamp<std::int64_t>(idle_timeout, 1, kIdleTimeout)) {
  const auto key = random_bytes(csrf_key_.size());
  std::memcpy(csrf_key_.data(), key.data(), csrf_key_.size());
}

std::size_t SessionTable::HashOf::operator()(const Sha256& hash) const {
  // The key is already a uniformly random hash.
  std::size_t out = 0;
  std::memcpy(&out, hash.data(), sizeof out);
  return out;
}

std::string SessionTable::create(std::int64_t admin_id, const std::string& username,
                                 std::int64_t now) {
  if (sessions_.size() >= kMaxSessions) drop_expired(now);
  if (sessions_.size() >= kMaxSessions)
    throw std::runtime_error("too many open admin sessions; log out elsewhere first");
  auto token = random_token();
  sessions_[sha256(token)] = Session{admin_id, username, now, now};
  return token;
}

std::optional<Session> SessionTable::touch(const std::string& token, std::int64_t now, bool renew,
                                           SessionEnd* why) {
  if (why != nullptr) *why = SessionEnd::unknown;
  if (token.empty()) return std::nullopt;
  // Looking up by hash: timing can at most reveal bits of a hash of the
  // presented token, which says nothing about any valid token.
  const auto it = sessions_.find(sha256(token));
  if (it == sessions_.end()) return std::nullopt;
  auto& session = it->second;
  const bool idle = now - session.last_seen >= idle_timeout_;
  if (idle || now - session.created_at >= kAbsoluteTimeout) {
    if (why != nullptr) *why = idle ? SessionEnd::idle : SessionEnd::expired;
    sessions_.erase(it);
    return std::nullopt;
  }
  if (renew) session.last_seen = now;
  return session;
}

void SessionTable::remove(const std::string& token) {
  sessions_.erase(sha256(token));
}

void SessionTable::remove_admin(std::int64_t admin_id) {
  std::erase_if(sessions_, [&](const auto& entry) { return entry.second.admin_id == admin_id; });
}

void SessionTable::drop_expired(std::int64_t now) {
  std::erase_if(sessions_, [&](const auto& entry) {
    return now - entry.second.last_seen >= idle_timeout_ ||
           now - entry.second.created_at >= kAbsoluteTimeout;
  });
}

std::string SessionTable::csrf_token(const std::string& session_token) const {
  std::array<std::uint8_t, 32> mac{};
  crypto_generichash(mac.data(), mac.size(),
                     reinterpret_cast<const unsigned char*>(session_token.data()),
                     session_token.size(), csrf_key_.data(), csrf_key_.size());
  return base64url(mac);
}

}  // namespace picket::controller::auth
