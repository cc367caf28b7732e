#include "adjust/base/log.hpp"

#include <strings.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <sstream>

namespace adjust {

std::optional<LogLevel> parse_log_level(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, LogLevel>, 7> k_names{{
      {"error", LogLevel::error},
      {"warn", LogLevel::warn},
      {"warning", LogLevel::warn},
      {"info", LogLevel::info},
      {"debug", LogLevel::debug},
      {"trace", LogLevel::trace},
      {"verbose", LogLevel::debug},
  }};
  for (const auto& [name, level] : k_names) {
    if (text.size() == name.size() && strncasecmp(text.data(), name.data(), name.size()) == 0) {
      return level;
    }
  }
  return std::nullopt;
}

const char* to_string(LogLevel level) {
  switch (level) {
    case LogLevel::error:
      return "error";
    case LogLevel::warn:
      return "warn";
    case LogLevel::info:
      return "info";
    case LogLevel::debug:
      return "debug";
    case LogLevel::trace:
      return "trace";
  }
  return "info";
}

std::optional<LogFormat> parse_log_format(std::string_view text) {
  if (text == "text") return LogFormat::text;
  if (text == "json") return LogFormat::json;
  return std::nullopt;
}

namespace {

// 2026-12-03T10:41:35.123Z
std::string utc_millis(std::chrono::system_clock::time_point time) {
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[96];  // room for any int the format could print
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900,
                parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                static_cast<int>(millis % 1000));
  return text;
}

}  // namespace

void Logger::set_format(LogFormat format) {
  std::lock_guard lock(m_mutex);
  m_format = format;
}

void Logger::set_component_names(std::vector<std::string> names) {
  std::lock_guard lock(m_mutex);
  // Longest first, so "web-api: ..." is not taken for "web".
  std::sort(names.begin(), names.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  m_components = std::move(names);
}

void Logger::set_time_source(std::function<std::chrono::system_clock::time_point()> now) {
  std::lock_guard lock(m_mutex);
  m_now = std::move(now);
}

std::string Logger::component_of(std::string_view message) const {
  if (message.starts_with("component ")) message.remove_prefix(10);
  for (const auto& name : m_components) {
    if (message.size() > name.size() && message.starts_with(name) && message[name.size()] == ':') return name;
  }
  return "";
}

void Logger::log(LogLevel level, std::string_view message) {
  if (!enabled(level)) return;
  std::lock_guard lock(m_mutex);
  if (m_format == LogFormat::text) {
    *m_out << "adjust: " << to_string(level) << ": " << message << '\n';
  } else {
    nlohmann::ordered_json record;
    record["time"] = utc_millis(m_now ? m_now() : std::chrono::system_clock::now());
    record["level"] = to_string(level);
    if (std::string component = component_of(message); !component.empty()) record["component"] = component;
    record["message"] = std::string(message);
    // replace: a message quoting an AWS answer may hold invalid UTF-8.
    *m_out << record.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
  }
  m_out->flush();
}

Logger& null_logger() {
  static std::ostringstream sink;
  static Logger logger(sink, LogLevel::error);
  sink.str({});
  return logger;
}

}  // namespace adjust
