#pragma once

#include <string>
#include <vector>

namespace picket::controller::cli {

// Prints rows as aligned columns, the first row being the header.
void print_table(const std::vector<std::vector<std::string>>& rows);

// "never", "3 s ago", "2 min ago", "5 h ago", "4 d ago"
std::string age(std::int64_t then, std::int64_t now);
// "1.2 MiB"
std::string bytes(std::uint64_t count);

}  // namespace picket::controller::cli
