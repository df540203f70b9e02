#pragma once

#include <optional>

#include "picket/controller/model.hpp"
#include "picket/controller/store.hpp"

namespace picket::controller {

std::optional<DnsSettings> load_dns_settings(Store& store);
void save_dns_settings(Store& store, const DnsSettings& settings);

}  // namespace picket::controller
