#include "adjust/aws/time.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <ctime>
#include <string>

namespace adjust::aws_time {
namespace {

// AWS timestamps fall well inside [1970, 2200); outside it a system_clock time
// point (nanoseconds, about 292 years either side of 1970) could overflow.
constexpr int k_first_year = 1970;
constexpr int k_last_year = 2199;
constexpr std::chrono::sys_seconds k_end_of_range{
    std::chrono::sys_days{std::chrono::year{k_last_year + 1} / 1 / 1}};

// Read exactly `width` digits at `pos` (no sign: from_chars would take '-').
std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t width) {
  if (pos + width > text.size()) {
    return std::nullopt;
  }
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return std::nullopt;
    }
  }
  int value = 0;
  auto [end, ec] = std::from_chars(text.data() + pos, text.data() + pos + width, value);
  if (ec != std::errc() || end != text.data() + pos + width) {
    return std::nullopt;
  }
  return value;
}

std::optional<TimePoint> make_utc(int year, int month, int day, int hour, int minute, int second) {
  if (year < k_first_year || year > k_last_year || month < 1 || month > 12 || day < 1 || day > 31 ||
      hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  std::time_t seconds = timegm(&tm);
  return std::chrono::system_clock::from_time_t(seconds);
}

}  // namespace

std::optional<TimePoint> parse_iso8601(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  auto year = digits(text, 0, 4);
  auto month = digits(text, 5, 2);
  auto day = digits(text, 8, 2);
  auto hour = digits(text, 11, 2);
  auto minute = digits(text, 14, 2);
  auto second = digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) {
    return std::nullopt;
  }
  auto base = make_utc(*year, *month, *day, *hour, *minute, *second);
  if (!base) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::chrono::microseconds fraction{0};
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    long long scale = 100000;
    long long micros = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      micros += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    fraction = std::chrono::microseconds(micros);
  }
  std::chrono::minutes offset{0};
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos] == '-' ? -1 : 1;
    auto off_hours = digits(text, pos + 1, 2);
    std::size_t minutes_pos = pos + 3 < text.size() && text[pos + 3] == ':' ? pos + 4 : pos + 3;
    auto off_minutes = digits(text, minutes_pos, 2);
    if (!off_hours || !off_minutes) {
      return std::nullopt;
    }
    offset = std::chrono::minutes(sign * (*off_hours * 60 + *off_minutes));
    pos = minutes_pos + 2;
  }
  if (pos != text.size()) {
    return std::nullopt;
  }
  return *base + fraction - offset;
}

std::optional<TimePoint> parse_http_date(std::string_view text) {
  // "Sun, 30 Aug 2015 12:36:00 GMT"
  static constexpr std::array<std::string_view, 12> k_months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto comma = text.find(", ");
  if (comma == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(comma + 2);
  if (rest.size() < 20 || rest[2] != ' ' || rest[6] != ' ' || rest[11] != ' ' || rest[14] != ':' ||
      rest[17] != ':') {
    return std::nullopt;
  }
  int month = 0;
  for (std::size_t i = 0; i < k_months.size(); ++i) {
    if (rest.substr(3, 3) == k_months[i]) {
      month = static_cast<int>(i) + 1;
    }
  }
  auto day = digits(rest, 0, 2);
  auto year = digits(rest, 7, 4);
  auto hour = digits(rest, 12, 2);
  auto minute = digits(rest, 15, 2);
  auto second = digits(rest, 18, 2);
  if (month == 0 || !day || !year || !hour || !minute || !second) {
    return std::nullopt;
  }
  return make_utc(*year, month, *day, *hour, *minute, *second);
}

std::optional<TimePoint> parse_amz_date(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') {
    return std::nullopt;
  }
  auto year = digits(text, 0, 4);
  auto month = digits(text, 4, 2);
  auto day = digits(text, 6, 2);
  auto hour = digits(text, 9, 2);
  auto minute = digits(text, 11, 2);
  auto second = digits(text, 13, 2);
  if (!year || !month || !day || !hour || !minute || !second) {
    return std::nullopt;
  }
  return make_utc(*year, *month, *day, *hour, *minute, *second);
}

std::optional<TimePoint> from_epoch_seconds(double seconds) {
  // (Negated so that NaN is rejected too.)
  if (!(seconds >= 0 && seconds < static_cast<double>(k_end_of_range.time_since_epoch().count()))) {
    return std::nullopt;
  }
  auto micros = static_cast<long long>(std::llround(seconds * 1'000'000.0));
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(micros)));
}

}  // namespace adjust::aws_time
