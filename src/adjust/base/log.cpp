#include "adjust/base/log.hpp"

#include <strings.h>

#include <array>
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

void Logger::log(LogLevel level, std::string_view message) {
  if (!enabled(level)) return;
  std::lock_guard lock(m_mutex);
  *m_out << "adjust: " << to_string(level) << ": " << message << '\n';
  m_out->flush();
}

Logger& null_logger() {
  static std::ostringstream sink;
  static Logger logger(sink, LogLevel::error);
  sink.str({});
  return logger;
}

}  // namespace adjust
