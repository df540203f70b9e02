#pragma once

#include <string>

namespace picket::controller::cli {

// The typed confirmation of a destructive command: `given` (from a
// --confirm flag) when not empty, else one line read from standard input
// after printing `question` to stderr. Throws CliError unless it equals
// `expected`, saying that nothing was changed.
void confirm(const std::string& question, const std::string& expected, const std::string& given);

// A passphrase from the controlling terminal with echo off (asked twice when
// `twice`), or the first line of standard input when `from_stdin`. Never
// from argv: arguments show in `ps` and shell history. Throws CliError.
// The caller wipes the returned string (sodium_memzero) when done.
std::string read_passphrase(const std::string& prompt, bool twice, bool from_stdin);

}  // namespace picket::controller::cli
