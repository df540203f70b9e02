#pragma once

#include <stdexcept>

namespace picket::controller {

// Domain errors, mapped to HTTP status codes by the API. Validation failures
// are std::invalid_argument (400); store conflicts are ConflictError (409).
class NotFoundError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A change the interface refused; the database was left as it was.
class ApplyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace picket::controller
