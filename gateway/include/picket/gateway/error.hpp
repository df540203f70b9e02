#pragma once

#include <stdexcept>
#include <string>

namespace picket::gateway {

// Every failure the gateway library reports to its caller. The message says
// what was wrong and, where it can, what to do about it. It never carries a
// key or a peer's address.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Raised for malformed text handed to a parser (keys, addresses, CIDRs).
// The message quotes the bad value only when it is not secret.
class ParseError : public Error {
 public:
  using Error::Error;
};

}  // namespace picket::gateway
