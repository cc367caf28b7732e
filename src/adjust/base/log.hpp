// Diagnostics to stderr with a level. Never pass secrets here: use
// redact_headers() (aws/redact.hpp) for any header dump.
#pragma once

#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace adjust {

enum class LogLevel { error = 0, warn = 1, info = 2, debug = 3, trace = 4 };

std::optional<LogLevel> parse_log_level(std::string_view text);
const char* to_string(LogLevel level);

class Logger {
 public:
  Logger(std::ostream& out, LogLevel level) : m_out(&out), m_level(level) {}

  bool enabled(LogLevel level) const { return level <= m_level; }
  LogLevel level() const { return m_level; }
  void set_level(LogLevel level) { m_level = level; }

  void log(LogLevel level, std::string_view message);
  void error(std::string_view message) { log(LogLevel::error, message); }
  void warn(std::string_view message) { log(LogLevel::warn, message); }
  void info(std::string_view message) { log(LogLevel::info, message); }
  void debug(std::string_view message) { log(LogLevel::debug, message); }
  void trace(std::string_view message) { log(LogLevel::trace, message); }

 private:
  std::ostream* m_out;
  LogLevel m_level;
  std::mutex m_mutex;
};

// A logger that discards everything (for tests and pure helpers).
Logger& null_logger();

}  // namespace adjust
