#pragma once

namespace adjust {
inline constexpr const char* k_version = ADJUST_VERSION;
}  // namespace adjust
