#include "credentials_detail.hpp"


#include <nlohmann/json.hpp>

namespace adjust::credentials_detail {
namespace {

// Reads exactly `digits` decimal digits at `pos`, advancing it.
std::optional<int> read_number(std::string_view text, std::size_t& pos, std::size_t digits) {
  if (pos + digits > text.size()) {
    return std::nullopt;
  }
  int value = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  pos += digits;
  return value;
}

bool expect(std::string_view text, std::size_t& pos, char wanted) {
  if (pos < text.size() && (text[pos] == wanted ||
                            (wanted == 'T' && (text[pos] == 't' || text[pos] == ' ')))) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text) {
  using namespace std::chrono;
  std::size_t pos = 0;
  auto year = read_number(text, pos, 4);
  if (!year || !expect(text, pos, '-')) return std::nullopt;
  auto month = read_number(text, pos, 2);
  if (!month || !expect(text, pos, '-')) return std::nullopt;
  auto day = read_number(text, pos, 2);
  if (!day || !expect(text, pos, 'T')) return std::nullopt;
  auto hour = read_number(text, pos, 2);
  if (!hour || !expect(text, pos, ':')) return std::nullopt;
  auto minute = read_number(text, pos, 2);
  if (!minute || !expect(text, pos, ':')) return std::nullopt;
  auto second = read_number(text, pos, 2);
  if (!second) return std::nullopt;

  year_month_day date{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                      std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok() || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  system_clock::time_point time = sys_days{date} + hours{*hour} + minutes{*minute} + seconds{*second};

  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    long long fraction_ms = 0;
    int scale = 100;
    std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      fraction_ms += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
    time += milliseconds{fraction_ms};
  }
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    bool east = text[pos] == '+';
    ++pos;
    auto offset_hours = read_number(text, pos, 2);
    if (!offset_hours) return std::nullopt;
    expect(text, pos, ':');
    auto offset_minutes = read_number(text, pos, 2);
    if (!offset_minutes) return std::nullopt;
    auto offset = hours{*offset_hours} + minutes{*offset_minutes};
    time = east ? time - offset : time + offset;
  } else {
    return std::nullopt;  // without a zone the instant is ambiguous
  }
  if (pos != text.size()) {
    return std::nullopt;
  }
  return time;
}

Result<Credentials> parse_credentials_json(std::string_view body, std::string_view what) {
  auto document = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  auto bad = [&](std::string reason) {
    return fail(ErrorCode::aws_bad_response, std::string(what) + ": " + reason);
  };
  if (document.is_discarded() || !document.is_object()) {
    return bad("response is not a JSON object");
  }
  auto text = [&](const char* key) -> std::optional<std::string> {
    auto found = document.find(key);
    if (found == document.end() || !found->is_string() || found->get_ref<const std::string&>().empty()) {
      return std::nullopt;
    }
    return found->get<std::string>();
  };
  Credentials credentials;
  auto access_key = text("AccessKeyId");
  auto secret = text("SecretAccessKey");
  if (!access_key) return bad("response has no AccessKeyId");
  if (!secret) return bad("response has no SecretAccessKey");
  credentials.access_key_id = *access_key;
  credentials.secret_access_key = *secret;
  credentials.session_token = text("Token").value_or("");
  if (auto expiration = text("Expiration")) {
    credentials.expiration = parse_iso8601(*expiration);
    if (!credentials.expiration) {
      return bad("Expiration is not an ISO 8601 time");
    }
  }
  return credentials;
}

std::optional<std::string> json_code(std::string_view body) {
  auto document = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object()) {
    return std::nullopt;
  }
  auto found = document.find("Code");
  if (found == document.end() || !found->is_string()) {
    return std::nullopt;
  }
  return found->get<std::string>();
}

std::string describe_duration(std::chrono::milliseconds duration) {
  if (duration.count() % 1000 == 0) {
    return std::to_string(duration.count() / 1000) + " s";
  }
  return std::to_string(duration.count()) + " ms";
}

std::string default_session_name(const Clock& clock) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch());
  return "adjust-" + std::to_string(seconds.count());
}

std::string trim_copy(std::string_view text) {
  constexpr std::string_view k_blanks = " \t\r\n\f\v";
  auto first = text.find_first_not_of(k_blanks);
  if (first == std::string_view::npos) {
    return {};
  }
  auto last = text.find_last_not_of(k_blanks);
  return std::string(text.substr(first, last - first + 1));
}

std::string describe_transport_error(const Error& error, std::chrono::milliseconds timeout) {
  if (error.code == ErrorCode::aws_timeout) {
    return "timed out after " + describe_duration(timeout);
  }
  return "unreachable: " + error.message;
}

}  // namespace adjust::credentials_detail
