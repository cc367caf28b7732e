#include "adjust/aws/errors.hpp"
#include "adjust/aws/redact.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "adjust/aws/time.hpp"
#include "adjust/aws/xml.hpp"
#include "adjust/base/log.hpp"

namespace adjust {
namespace {

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& set, std::string_view code) {
  return std::find(set.begin(), set.end(), code) != set.end();
}

// botocore's throttling codes, minus LimitExceededException: on ECS that is a
// quota (task definition revisions...), which no amount of retrying fixes.
constexpr std::array<std::string_view, 13> k_throttling{"Throttling",
                                                        "ThrottlingException",
                                                        "ThrottledException",
                                                        "RequestThrottledException",
                                                        "TooManyRequestsException",
                                                        "ProvisionedThroughputExceededException",
                                                        "TransactionInProgressException",
                                                        "RequestLimitExceeded",
                                                        "BandwidthLimitExceeded",
                                                        "RequestThrottled",
                                                        "SlowDown",
                                                        "PriorRequestNotComplete",
                                                        "EC2ThrottledException"};

constexpr std::array<std::string_view, 10> k_transient{"RequestTimeout",
                                                       "RequestTimeoutException",
                                                       "InternalFailure",
                                                       "InternalError",
                                                       "InternalServerError",
                                                       "ServiceUnavailable",
                                                       "ServiceUnavailableException",
                                                       "ServerException",
                                                       "HealthUnavailable",
                                                       "IDPCommunicationError"};

constexpr std::array<std::string_view, 6> k_clock_skew{"AuthFailure",          "InvalidSignatureException",
                                                       "RequestExpired",       "RequestInTheFuture",
                                                       "RequestTimeTooSkewed", "SignatureDoesNotMatch"};

constexpr std::array<std::string_view, 3> k_expired{"ExpiredToken", "ExpiredTokenException", "InvalidToken"};

constexpr std::array<std::string_view, 8> k_auth{"UnrecognizedClientException",
                                                 "InvalidSignatureException",
                                                 "SignatureDoesNotMatch",
                                                 "InvalidClientTokenId",
                                                 "AuthFailure",
                                                 "MissingAuthenticationToken",
                                                 "IncompleteSignature",
                                                 "MissingAuthenticationTokenException"};

constexpr std::array<std::string_view, 3> k_not_found{"ClusterNotFoundException", "ServiceNotFoundException",
                                                      "TargetGroupNotFound"};

std::string first_non_space(std::string_view body) {
  auto pos = body.find_first_not_of(" \t\r\n");
  return pos == std::string_view::npos ? std::string() : std::string(1, body[pos]);
}

void parse_json_body(const HttpResponse& response, AwsErrorDetails& details) {
  auto body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) {
    return;
  }
  if (details.code.empty()) {
    for (const char* key : {"__type", "code", "Code"}) {
      auto found = body.find(key);
      if (found != body.end() && found->is_string()) {
        details.code = sanitize_error_code(found->get<std::string>());
        break;
      }
    }
  }
  for (const char* key : {"message", "Message", "errorMessage"}) {
    auto found = body.find(key);
    if (found != body.end() && found->is_string()) {
      details.message = found->get<std::string>();
      break;
    }
  }
}

void parse_xml_body(const HttpResponse& response, AwsErrorDetails& details) {
  auto document = parse_xml(response.body);
  if (!document) {
    return;
  }
  const XmlElement& root = document->root;
  const XmlElement* error = nullptr;
  if (root.name == "ErrorResponse") {
    // Standard awsQuery shape; moto (and some proxies) nest it under <Errors>.
    error = root.child("Error");
    if (error == nullptr) error = root.find({"Errors", "Error"});
  } else if (root.name == "Response") {
    error = root.find({"Errors", "Error"});
  } else if (root.name == "Error") {
    error = &root;
  }
  if (error != nullptr && details.code.empty()) {
    details.code = sanitize_error_code(error->text_at({"Code"}));
  }
  if (error != nullptr) {
    details.message = error->text_at({"Message"});
  }
  for (auto name : {"RequestId", "RequestID"}) {
    if (const auto* id = root.child(name); id != nullptr && details.request_id.empty()) {
      details.request_id = id->text;
    }
  }
}

// A one-line, bounded excerpt of a body we could not parse (HTML from a proxy).
std::string body_excerpt(std::string_view body) {
  std::string out;
  for (char c : body.substr(0, 160)) {
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  if (body.size() > 160) {
    out += "...";
  }
  return out;
}

}  // namespace

std::string sanitize_error_code(std::string_view raw) {
  auto hash = raw.rfind('#');
  if (hash != std::string_view::npos) {
    raw = raw.substr(hash + 1);
  }
  auto colon = raw.find(':');
  if (colon != std::string_view::npos) {
    raw = raw.substr(0, colon);
  }
  auto begin = raw.find_first_not_of(" \t\r\n");
  auto end = raw.find_last_not_of(" \t\r\n");
  if (begin == std::string_view::npos) {
    return {};
  }
  return std::string(raw.substr(begin, end - begin + 1));
}

AwsErrorDetails parse_aws_error(AwsProtocol protocol, const HttpResponse& response) {
  AwsErrorDetails details;
  if (protocol == AwsProtocol::json) {
    if (auto header = response.header("X-Amzn-ErrorType")) {
      details.code = sanitize_error_code(*header);
    }
  }
  std::string first = first_non_space(response.body);
  if (first == "{") {
    parse_json_body(response, details);
  } else if (first == "<") {
    parse_xml_body(response, details);
  }
  if (details.request_id.empty()) {
    for (auto name : {"x-amzn-RequestId", "x-amz-request-id", "x-amzn-request-id"}) {
      if (auto id = response.header(name)) {
        details.request_id = *id;
        break;
      }
    }
  }
  return details;
}

bool is_clock_skew_code(std::string_view code) { return contains(k_clock_skew, code); }

ErrorCode classify_aws_error(std::string_view code, long http_status, bool skew_detected) {
  if (!code.empty()) {
    if (skew_detected && is_clock_skew_code(code)) {
      return ErrorCode::aws_clock_skew;
    }
    if (contains(k_throttling, code)) {
      return ErrorCode::aws_throttled;
    }
    if (contains(k_transient, code)) {
      return ErrorCode::aws_transient;
    }
    if (contains(k_expired, code) || code == "RequestExpired") {
      return ErrorCode::aws_expired_credentials;
    }
    if (code == "RequestTimeTooSkewed" || code == "RequestInTheFuture") {
      return ErrorCode::aws_clock_skew;
    }
    if (contains(k_auth, code) || code.starts_with("AccessDenied")) {
      return ErrorCode::aws_auth;
    }
    if (contains(k_not_found, code)) {
      return ErrorCode::not_found;
    }
  }
  if (http_status == 429) {
    return ErrorCode::aws_throttled;
  }
  if (http_status >= 500 || http_status == 408) {
    return ErrorCode::aws_transient;
  }
  if (code.empty() && (http_status == 401 || http_status == 403)) {
    return ErrorCode::aws_auth;
  }
  return ErrorCode::aws_client;
}

Error make_aws_error(std::string_view operation, AwsProtocol protocol, const HttpResponse& response,
                     bool skew_detected, const std::vector<std::string>& secrets) {
  AwsErrorDetails details = parse_aws_error(protocol, response);
  Error error;
  error.code = classify_aws_error(details.code, response.status, skew_detected);
  error.aws_code = details.code;
  error.request_id = details.request_id;
  error.http_status = static_cast<int>(response.status);
  std::string message(operation);
  if (!details.code.empty()) {
    message += ": " + details.code;
    if (!details.message.empty()) {
      message += ": " + details.message;
    }
  } else {
    message += ": HTTP " + std::to_string(response.status);
    if (!details.message.empty()) {
      message += ": " + details.message;
    } else if (!response.body.empty()) {
      // Redacted before the cut, which could split a secret.
      message += ": " + body_excerpt(redact_values(response.body, secrets));
    }
  }
  if (!details.request_id.empty()) {
    message += " (request id " + details.request_id + ")";
  }
  error.message = redact_values(std::move(message), secrets);
  return error;
}

std::optional<std::chrono::system_clock::time_point> server_time(const HttpResponse& response) {
  if (auto amz = response.header("x-amz-date")) {
    if (auto parsed = aws_time::parse_amz_date(*amz)) {
      return parsed;
    }
  }
  if (auto date = response.header("Date")) {
    return aws_time::parse_http_date(*date);
  }
  return std::nullopt;
}

}  // namespace adjust
