#include "adjust/aws/credentials/detail.hpp"

#include "adjust/aws/time.hpp"

#include <nlohmann/json.hpp>

namespace adjust::credentials_detail {

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
    credentials.expiration = aws_time::parse_iso8601(*expiration);
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
