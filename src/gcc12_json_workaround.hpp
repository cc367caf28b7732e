// Private. GCC 12 at -O2 reports a false -Warray-bounds inside nlohmann/json's
// JSON_DIAGNOSTICS parent tracking (basic_json::set_parents on construction
// from a string), which -Werror turns into a build failure. Include this first
// in a .cpp that builds json values; it silences only that warning, only there.
#pragma once

#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Warray-bounds"
#endif
