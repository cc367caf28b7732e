// Diagnostics to stderr with a level. Never pass secrets here: use
// redact_headers() (aws/redact.hpp) for any header dump.
#pragma once

#include <chrono>
#include <functional>
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

// text: "adjust: LEVEL: message" lines, for people. json (ADJUST_LOG_FORMAT=json):
// one object per line, {"time", "level", "component"?, "message"}, for log pipelines.
enum class LogFormat { text, json };
std::optional<LogFormat> parse_log_format(std::string_view text);

class Logger {
 public:
  Logger(std::ostream& out, LogLevel level) : m_out(&out), m_level(level) {}

  bool enabled(LogLevel level) const { return level <= m_level; }
  LogLevel level() const { return m_level; }
  void set_level(LogLevel level) { m_level = level; }
  void set_format(LogFormat format);
  // The servo components of the run: a JSON record whose message is about
  // one ("component web: ..." or "web: ...") names it in "component".
  void set_component_names(std::vector<std::string> names);
  // The clock JSON records are stamped with (tests set a fixed one).
  void set_time_source(std::function<std::chrono::system_clock::time_point()> now);

  void log(LogLevel level, std::string_view message);
  void error(std::string_view message) { log(LogLevel::error, message); }
  void warn(std::string_view message) { log(LogLevel::warn, message); }
  void info(std::string_view message) { log(LogLevel::info, message); }
  void debug(std::string_view message) { log(LogLevel::debug, message); }
  void trace(std::string_view message) { log(LogLevel::trace, message); }

 private:
  std::string component_of(std::string_view message) const;

  std::ostream* m_out;
  LogLevel m_level;
  LogFormat m_format = LogFormat::text;
  std::vector<std::string> m_components;
  std::function<std::chrono::system_clock::time_point()> m_now;
  std::mutex m_mutex;
};

// A logger that discards everything (for tests and pure helpers).
Logger& null_logger();

}  // namespace adjust
