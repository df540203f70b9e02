#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "picket/controller/model.hpp"

struct sqlite3;

namespace picket::controller {

// Any failure of the store. Constraint violations get their own type so the
// API can turn them into 409 Conflict.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
class ConflictError : public StoreError {
 public:
  using StoreError::StoreError;
};

struct DeviceFilter {
  std::optional<std::int64_t> member_id;
  std::optional<bool> enabled;
};

// The SQLite store: WAL, foreign keys, secure_delete, a busy timeout. The
// file is created mode 0600; numbered migrations run in one transaction when
// it is opened. One Store per thread.
class Store {
 public:
  static constexpr int kBusyTimeoutMs = 5000;

  explicit Store(const std::filesystem::path& file);
  ~Store();

  // Locked mode: a database that lives only in memory, loaded from `image`
  // (a serialised SQLite database; empty for a new one) and migrated. It is
  // never written anywhere until seal_with() is called.
  static std::unique_ptr<Store> in_memory(std::span<const std::uint8_t> image);
  // Hands the whole database image to `sealer` now, and again after every
  // write that commits from then on, before the write returns. The sealer
  // must store it durably or throw; when it throws, the store goes back to
  // the last sealed image and the write fails with StoreError, so a failed
  // write changes nothing. Only for a store from in_memory().
  using Sealer = std::function<void(std::span<const std::uint8_t> image)>;
  void seal_with(Sealer sealer);
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  int schema_version();

  // RAII transaction: rolls back unless commit() was called. Nested use is an
  // error (throws StoreError).
  class Transaction {
   public:
    explicit Transaction(Store& store);
    ~Transaction();
    void commit();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

   private:
    Store& store_;
    bool done_ = false;
  };

  std::optional<Settings> settings();
  void save_settings(const Settings& settings);

  // Throws ConflictError when the label is taken.
  Member insert_member(const std::string& label, const std::string& note);
  std::optional<Member> member_by_id(std::int64_t id);
  std::optional<Member> member_by_label(const std::string& label);
  std::vector<Member> list_members();
  std::size_t device_count_of(std::int64_t member_id);
  // Deletes the member and (cascade) its devices.
  void delete_member(std::int64_t id);

  // Inserts `device` (id and created_at are assigned and returned). Throws
  // ConflictError for a duplicate label within the member, public key or
  // address.
  Device insert_device(const Device& device);
  std::optional<Device> device_by_id(std::int64_t id);
  std::optional<Device> device_by_label(std::int64_t member_id, const std::string& label);
  std::optional<Device> device_by_public_key(const gateway::Key& key);
  std::vector<Device> list_devices(const DeviceFilter& filter = {});
  // Updates every mutable column of the row with device.id.
  void update_device(const Device& device);
  void delete_device(std::int64_t id);

  std::vector<std::uint32_t> used_host_indices();
  // The earliest expiry of an enabled device still in the future or past
  // (the caller decides), if any.
  std::optional<std::int64_t> earliest_expiry();

  sqlite3* handle() { return db_; }

 private:
  Store() = default;
  void seal_now();

  sqlite3* db_ = nullptr;
  bool in_memory_ = false;
  Sealer sealer_;
  // What the sealer last stored, to go back to when it fails. Wiped.
  std::vector<std::uint8_t> last_sealed_;
};

}  // namespace picket::controller
