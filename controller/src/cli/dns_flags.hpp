#pragma once

#include <CLI/CLI.hpp>

#include "domain/dns_settings.hpp"

namespace picket::controller {

// picketd's --dns-* flags.
void add_dns_flags(CLI::App& app, DnsOptions& options);

}  // namespace picket::controller
