// Locked mode's store: the database lives in SQLite's memory VFS and is
// handed, whole, to a sealer after every commit. Sealing the whole image
// costs a copy and an encryption per write (milliseconds at thousands of
// devices) and buys an at-rest file that is one authenticated ciphertext,
// with no WAL, journal or free page that could hold plaintext.
#include <sodium.h>

#include <algorithm>
#include <memory>
#include <string>

#include "picket/controller/store.hpp"
#include "store/connection.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"
#include "store/storage_full.hpp"

namespace picket::controller {

namespace {

// Loads `image` into `db`'s main schema, owned and resizable by SQLite.
void load_image(sqlite3* db, std::span<const std::uint8_t> image, const char* doing) {
  auto* copy = static_cast<unsigned char*>(sqlite3_malloc64(image.size()));
  if (copy == nullptr) throw StoreError(std::string("out of memory while ") + doing);
  std::copy(image.begin(), image.end(), copy);
  // Bytes 18 and 19 say WAL (2) or rollback (1); memory databases cannot be WAL.
  if (image.size() >= 100) copy[18] = copy[19] = 1;
  const int rc =
      sqlite3_deserialize(db, "main", copy, static_cast<sqlite3_int64>(image.size()),
                          static_cast<sqlite3_int64>(image.size()),
                          SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
  if (rc != SQLITE_OK) sqlite::raise(db, rc, doing);
}

}  // namespace

void forget_sealed_image(std::vector<std::uint8_t>& image) {
  if (!image.empty()) sodium_memzero(image.data(), image.size());
  image.clear();
  image.shrink_to_fit();
}

std::unique_ptr<Store> Store::in_memory(std::span<const std::uint8_t> image) {
  std::unique_ptr<Store> store(new Store());
  store->in_memory_ = true;
  const int rc = sqlite3_open_v2(":memory:", &store->db_, SQLITE_OPEN_READWRITE, nullptr);
  if (rc != SQLITE_OK) {
    throw StoreError(std::string("cannot open an in-memory database: ") + sqlite3_errstr(rc));
  }
  if (!image.empty()) load_image(store->db_, image, "loading the unlocked state");
  configure_connection(store->db_);
  const auto check = sqlite::query_text(store->db_, "PRAGMA quick_check", "checking the database");
  if (check != "ok") throw StoreError("the unlocked state's database is damaged: " + *check);
  migrate(store->db_);
  return store;
}

void Store::seal_with(Sealer sealer) {
  if (!in_memory_) throw StoreError("only an in-memory store can be sealed");
  sealer_ = std::move(sealer);
  seal_now();
  sqlite::set_after_commit(db_, [this] { seal_now(); });
}

void Store::seal_now() {
  sqlite3_int64 size = 0;
  // NOCOPY: the memory VFS hands out its own buffer, so no second plaintext
  // copy is made for the sealer.
  unsigned char* data = sqlite3_serialize(db_, "main", &size, SQLITE_SERIALIZE_NOCOPY);
  const bool borrowed = data != nullptr;
  if (data == nullptr) data = sqlite3_serialize(db_, "main", &size, 0);
  if (data == nullptr) throw StoreError("cannot serialise the in-memory database to seal it");
  const std::span<const std::uint8_t> image(data, static_cast<std::size_t>(size));
  const auto release = [&] {
    if (borrowed) return;
    sodium_memzero(data, static_cast<std::size_t>(size));
    sqlite3_free(data);
  };
  // The write is committed in memory only: go back to what is sealed.
  const auto undo = [&] {
    release();
    if (!last_sealed_.empty()) load_image(db_, last_sealed_, "going back to the sealed state");
  };
  try {
    sealer_(image);
  } catch (const StorageFullError&) {
    undo();
    throw;
  } catch (const std::exception& e) {
    undo();
    throw StoreError(std::string("cannot store the encrypted state: ") + e.what() +
                     "; the change was undone");
  }
  // Never let the vector reallocate: the old buffer would be freed unwiped.
  if (last_sealed_.capacity() < image.size()) {
    std::vector<std::uint8_t> bigger;
    bigger.reserve(image.size() + image.size() / 4);
    forget_sealed_image(last_sealed_);
    last_sealed_ = std::move(bigger);
  }
  last_sealed_.assign(image.begin(), image.end());
  release();
}

}  // namespace picket::controller
