// Locked mode's in-memory store: sealed after every committed write (never
// after a read or a rollback), and a failed seal undoes the write.
#include <catch2/catch.hpp>
#include <stdexcept>
#include <vector>

#include "picket/controller/store.hpp"
#include "store/storage_full.hpp"
#include "temp_dir.hpp"

using namespace picket::controller;

namespace {

using Image = std::vector<std::uint8_t>;

struct Sealed {
  std::vector<Image> images;
  bool fail = false;
  bool fail_full = false;
  Store::Sealer sealer() {
    return [this](std::span<const std::uint8_t> image) {
      if (fail_full) throw StorageFullError("disk full");
      if (fail) throw std::runtime_error("the disk went away");
      images.emplace_back(image.begin(), image.end());
    };
  }
};

}  // namespace

TEST_CASE("store: an in-memory store is sealed after each commit, not after reads or rollbacks",
          "[store][locked]") {
  auto store = Store::in_memory({});
  Sealed sealed;
  store->seal_with(sealed.sealer());
  REQUIRE(sealed.images.size() == 1);  // sealed once when attached

  store->insert_member("alice", "");
  REQUIRE(sealed.images.size() == 2);
  (void)store->list_members();
  (void)store->member_by_label("alice");
  REQUIRE(sealed.images.size() == 2);
  {
    Store::Transaction tx(*store);
    store->insert_member("bob", "");
    store->insert_member("carol", "");
    REQUIRE(sealed.images.size() == 2);  // not before the commit
    tx.commit();
  }
  REQUIRE(sealed.images.size() == 3);
  {
    Store::Transaction tx(*store);
    store->insert_member("dave", "");
  }  // rolled back
  REQUIRE(sealed.images.size() == 3);

  // The last image is the whole database.
  auto reopened = Store::in_memory(sealed.images.back());
  REQUIRE(reopened->list_members().size() == 3);
  REQUIRE(reopened->member_by_label("carol"));
  REQUIRE_FALSE(reopened->member_by_label("dave"));
}

TEST_CASE("store: a write whose seal fails is undone and reported", "[store][locked]") {
  auto store = Store::in_memory({});
  Sealed sealed;
  store->seal_with(sealed.sealer());
  store->insert_member("alice", "");

  sealed.fail = true;
  REQUIRE_THROWS_WITH(store->insert_member("bob", ""),
                      Catch::Contains("cannot store the encrypted state") &&
                          Catch::Contains("the disk went away") && Catch::Contains("undone"));
  REQUIRE_FALSE(store->member_by_label("bob"));
  {
    Store::Transaction tx(*store);
    store->insert_member("carol", "");
    REQUIRE_THROWS_AS(tx.commit(), StoreError);
  }
  REQUIRE_FALSE(store->member_by_label("carol"));
  sealed.fail_full = true;
  REQUIRE_THROWS_AS(store->delete_member(store->member_by_label("alice")->id), StorageFullError);
  REQUIRE(store->member_by_label("alice"));

  sealed.fail = sealed.fail_full = false;
  store->insert_member("bob", "");
  REQUIRE(store->list_members().size() == 2);
  REQUIRE(Store::in_memory(sealed.images.back())->list_members().size() == 2);
}

TEST_CASE("store: a file-backed store cannot be sealed", "[store][locked]") {
  test::TempDir dir;
  Store store(dir / "picket.db");
  REQUIRE_THROWS_AS(store.seal_with([](std::span<const std::uint8_t>) {}), StoreError);
}
