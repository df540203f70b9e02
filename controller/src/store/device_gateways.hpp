#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "picket/controller/store.hpp"

// Which gateway hosts serve a device (schema version 8), on a controller:
// unset, every one (also those enrolled later); set, only the gateways
// named, and an empty list none. Kept out of the devices table, as the
// device's access is.
namespace picket::controller::device_gateways {

using Assignment = std::optional<std::vector<std::string>>;

Assignment load(Store& store, std::int64_t device_id);
// The devices that have a list, by id; the others are on every gateway.
std::map<std::int64_t, std::vector<std::string>> load_all(Store& store);
// Writes (or, for every gateway, deletes) the row. Call inside a transaction.
void save(Store& store, std::int64_t device_id, const Assignment& assignment);
// Takes a removed gateway out of every list, so that a gateway enrolled
// later under the same name serves no device it was not given.
void drop(Store& store, const std::string& gateway);

}  // namespace picket::controller::device_gateways
