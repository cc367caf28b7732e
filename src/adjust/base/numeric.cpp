#include "adjust/base/numeric.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>

namespace adjust {

namespace {

constexpr double k_tolerance = 1e-9;
// Beyond this, doubles are not exact integers and int64 formatting would mislead.
constexpr double k_max_exact_integer = 9007199254740992.0;  // 2^53

std::string_view trim(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && blank(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && blank(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

std::optional<double> parse_number(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
  }
  if (text.empty()) {
    return std::nullopt;
  }
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::general);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> json_to_number(const nlohmann::json& value) {
  if (value.is_number()) {
    double number = value.get<double>();
    if (!std::isfinite(number)) {
      return std::nullopt;
    }
    return number;
  }
  if (value.is_string()) {
    return parse_number(value.get_ref<const std::string&>());
  }
  return std::nullopt;
}

std::string format_number(double value) {
  if (is_integral(value) && std::fabs(value) < k_max_exact_integer) {
    return std::to_string(static_cast<std::int64_t>(std::llround(value)));
  }
  std::array<char, 64> buffer{};
  // 15 significant digits: what a double holds reliably, so 0.1 + 0.2 reads "0.3".
  auto [ptr, ec] =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::general, 15);
  if (ec != std::errc()) {
    return std::to_string(value);
  }
  return std::string(buffer.data(), ptr);
}

nlohmann::json number_to_json(double value) {
  if (is_integral(value) && std::fabs(value) < k_max_exact_integer) {
    return static_cast<std::int64_t>(std::llround(value));
  }
  return value;
}

std::optional<std::string> format_scalar(const nlohmann::json& value) {
  if (value.is_string()) {
    return value.get<std::string>();
  }
  if (value.is_boolean()) {
    return value.get<bool>() ? std::string("true") : std::string("false");
  }
  if (value.is_number_integer()) {
    return value.dump();
  }
  if (value.is_number_float()) {
    return format_number(value.get<double>());
  }
  return std::nullopt;
}

bool is_integral(double value) {
  if (!std::isfinite(value)) {
    return false;
  }
  double rounded = std::round(value);
  return std::fabs(value - rounded) <= k_tolerance * std::max(1.0, std::fabs(rounded));
}

bool nearly_equal(double a, double b) {
  return std::fabs(a - b) <= k_tolerance * std::max({1.0, std::fabs(a), std::fabs(b)});
}

bool is_step_aligned(double value, double min, double step) {
  if (step == 0) {
    return true;
  }
  return is_integral((value - min) / step);
}

}  // namespace adjust
