#pragma once

#include <string_view>

namespace picket::controller::api {

// Whether any JSON object in `text` names a key twice (after unescaping, so
// "a" and "\u0061" are one key). JSON parsers disagree on which value wins,
// so a body with a repeated key could mean one thing to a proxy or a check
// and another to the handler; the API refuses it (400). Text that is not
// JSON has no duplicates here: the handler reports it.
bool has_duplicate_keys(std::string_view text);

}  // namespace picket::controller::api
