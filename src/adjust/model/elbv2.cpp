#include "adjust/model/elbv2.hpp"

#include <charconv>

namespace adjust {

std::optional<int> deregistration_delay_seconds(const TargetGroupAttributes& attributes) {
  for (const auto& [key, value] : attributes) {
    if (key == "deregistration_delay.timeout_seconds") {
      int seconds = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
      if (ec == std::errc() && end == value.data() + value.size()) {
        return seconds;
      }
    }
  }
  return std::nullopt;
}

}  // namespace adjust
