#pragma once

#include <cstdint>
#include <map>

#include "picket/controller/model.hpp"
#include "picket/controller/store.hpp"

// The firewall's rows (schema version 2): what each device may reach and the
// gateway-wide member-to-member switch. Kept out of the devices and settings
// tables so that those stay as the first slice defined them.
namespace picket::controller::device_access {

// A device without a row is unrestricted and in no group.
DeviceAccess load(Store& store, std::int64_t device_id);
std::map<std::int64_t, DeviceAccess> load_all(Store& store);
// Writes (or, for the default, deletes) the row. Call inside a transaction.
void save(Store& store, std::int64_t device_id, const DeviceAccess& access);

bool member_to_member(Store& store);
void save_member_to_member(Store& store, bool allowed);

}  // namespace picket::controller::device_access
