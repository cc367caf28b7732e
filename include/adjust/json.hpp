// nlohmann/json, included with GCC 12's -Warray-bounds false positive silenced:
// with JSON_DIAGNOSTICS=1 and -DNDEBUG (RelWithDebInfo), constructing a json
// from a string warns inside std::map (set_parents). Include this header
// before anything else that includes <nlohmann/json.hpp>.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#include <nlohmann/json.hpp>
#pragma GCC diagnostic pop
