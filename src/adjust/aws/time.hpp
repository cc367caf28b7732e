// Parsing the time formats AWS responses use. Private to the AWS client code.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace adjust::aws_time {

using TimePoint = std::chrono::system_clock::time_point;

// "2026-08-30T12:36:00Z", "2026-08-30T12:36:00.123Z", "...+02:00".
std::optional<TimePoint> parse_iso8601(std::string_view text);
// RFC 1123 "Sun, 30 Aug 2015 12:36:00 GMT" (the HTTP Date header).
std::optional<TimePoint> parse_http_date(std::string_view text);
// "20150830T123600Z" (the x-amz-date header).
std::optional<TimePoint> parse_amz_date(std::string_view text);
// ECS timestamps: epoch seconds with a fraction.
std::optional<TimePoint> from_epoch_seconds(double seconds);

// Every parser above gives nullopt for a time outside the years 1970-2199.

}  // namespace adjust::aws_time
