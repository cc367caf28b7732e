#include "adjust/log.hpp"

#include <strings.h>

#include <array>
#include <sstream>

namespace adjust {

std::optional<LogLevel> parse_log_level(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, LogLevel>, 7> k_names{{
      {"error", LogLevel::error}, {"warn", LogLevel::warn}, {"warning", LogLevel::warn},
      {"info", LogLevel::info},   {"debug", LogLevel::debug}, {"trace", LogLevel::trace},
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
    case LogLevel::error: return "error";
    case LogLevel::warn: return "warn";
    case LogLevel::info: return "info";
    case LogLevel::debug: return "debug";
    case LogLevel::trace: return "trace";
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

bool is_secret_header(std::string_view name) {
  static constexpr std::array<std::string_view, 5> k_secret{
      "authorization", "x-amz-security-token", "x-aws-ec2-metadata-token",
      "x-amz-sso_bearer_token", "proxy-authorization"};
  for (auto secret : k_secret) {
    if (name.size() == secret.size() && strncasecmp(name.data(), secret.data(), name.size()) == 0) {
      return true;
    }
  }
  return false;
}

std::string redact_headers(const HttpHeaders& headers) {
  std::string out;
  for (const auto& header : headers) {
    out += header.name;
    out += ": ";
    out += is_secret_header(header.name) ? std::string("<redacted>") : header.value;
    out += '\n';
  }
  return out;
}

std::vector<std::string> secret_header_values(const HttpHeaders& headers) {
  std::vector<std::string> values;
  for (const auto& header : headers) {
    if (is_secret_header(header.name)) values.push_back(header.value);
  }
  return values;
}

std::string redact_values(std::string text, const std::vector<std::string>& secrets) {
  static constexpr std::string_view k_marker = "<redacted>";
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + k_marker.size())) {
      text.replace(at, secret.size(), k_marker);
    }
  }
  return text;
}

}  // namespace adjust
