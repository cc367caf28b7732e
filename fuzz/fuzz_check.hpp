// What a fuzz target asserts beyond "no crash, no sanitizer report": a broken
// invariant aborts with a message, so libFuzzer saves the input as a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#define FUZZ_CHECK(condition)                                                                       \
  do {                                                                                              \
    if (!(condition)) {                                                                             \
      std::fprintf(stderr, "fuzz invariant broken at %s:%d: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                                 \
    }                                                                                               \
  } while (0)

namespace adjust::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The input up to its first newline (a header value some targets also try).
inline std::string_view first_line(std::string_view text) { return text.substr(0, text.find('\n')); }

}  // namespace adjust::fuzz
