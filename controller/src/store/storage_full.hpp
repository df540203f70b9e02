#pragma once

#include "picket/controller/store.hpp"

namespace picket::controller {

// The disk holding the database is full (SQLITE_FULL): the transaction was
// rolled back, and the same change can succeed once space is freed. The API
// answers 507 so that admins are told what to do, not "internal error".
class StorageFullError : public StoreError {
 public:
  using StoreError::StoreError;
};

}  // namespace picket::controller
