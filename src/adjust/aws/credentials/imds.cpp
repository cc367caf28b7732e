#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "adjust/aws/credentials/detail.hpp"
#include "adjust/aws/credentials/sources.hpp"

namespace adjust {
namespace {

constexpr std::string_view k_ipv4_endpoint = "http://169.254.169.254";
constexpr std::string_view k_ipv6_endpoint = "http://[fd00:ec2::254]";
constexpr std::string_view k_token_path = "/latest/api/token";
constexpr std::string_view k_role_path = "/latest/meta-data/iam/security-credentials/";
constexpr std::string_view k_token_header = "x-aws-ec2-metadata-token";

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

struct ImdsSettings {
  std::string endpoint;
  bool v1_disabled = false;
  std::chrono::milliseconds timeout{1000};
  int attempts = 1;
};

ImdsSettings read_settings(const CredentialContext& context) {
  const auto& env = context.env;
  const auto& profiles = context.profiles;
  ImdsSettings settings;
  auto endpoint = env.non_empty("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (!endpoint) {
    endpoint = profiles.selected_value("ec2_metadata_service_endpoint");
  }
  auto mode = env.non_empty("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
  if (!mode) {
    mode = profiles.selected_value("ec2_metadata_service_endpoint_mode");
  }
  if (endpoint && !endpoint->empty()) {
    settings.endpoint = *endpoint;
    while (settings.endpoint.ends_with('/')) {
      settings.endpoint.pop_back();
    }
  } else if (mode && equals_ignoring_case(*mode, "IPv6")) {
    settings.endpoint = std::string(k_ipv6_endpoint);
  } else {
    settings.endpoint = std::string(k_ipv4_endpoint);
  }
  auto profile_v1_disabled = profiles.selected_value("ec2_metadata_v1_disabled");
  settings.v1_disabled = env_flag(env, "AWS_EC2_METADATA_V1_DISABLED") ||
                         (profile_v1_disabled && equals_ignoring_case(*profile_v1_disabled, "true"));

  // Malformed numbers keep the defaults: IMDS is the last resort and must not hang.
  if (auto timeout = env.non_empty("AWS_METADATA_SERVICE_TIMEOUT")) {
    double seconds = 0;
    auto [end, error] = std::from_chars(timeout->data(), timeout->data() + timeout->size(), seconds);
    if (error == std::errc() && end == timeout->data() + timeout->size() && seconds > 0 && seconds <= 60) {
      settings.timeout = std::chrono::milliseconds(std::llround(seconds * 1000));
    }
  }
  if (auto attempts = env.non_empty("AWS_METADATA_SERVICE_NUM_ATTEMPTS")) {
    int value = 0;
    auto [end, error] = std::from_chars(attempts->data(), attempts->data() + attempts->size(), value);
    if (error == std::errc() && end == attempts->data() + attempts->size() && value >= 1 && value <= 10) {
      settings.attempts = value;
    }
  }
  return settings;
}

// One IMDS session: the token (if any) and the requests made with it.
class ImdsSession {
 public:
  ImdsSession(const CredentialContext& context, ImdsSettings settings)
      : m_context(context), m_settings(std::move(settings)) {}

  // Get a token, or decide on IMDSv1. Returns why IMDS cannot be used, or nullopt when ready.
  std::optional<std::string> open() {
    HttpRequest request = make_request("PUT", k_token_path);
    request.headers.push_back({"x-aws-ec2-metadata-token-ttl-seconds", "21600"});
    auto response = send(request);
    if (response && response->status == 200) {
      m_token = credentials_detail::trim_copy(response->body);
      if (!m_token->empty()) {
        return std::nullopt;
      }
      m_token.reset();
      return "empty IMDSv2 token";
    }
    bool fallback = response ? (response->status == 403 || response->status == 404 || response->status == 405)
                             : response.error().code == ErrorCode::aws_timeout;
    std::string why = response ? "token request returned HTTP " + std::to_string(response->status)
                               : describe(response.error());
    if (!fallback) {
      return why;
    }
    if (m_settings.v1_disabled) {
      return why + " and IMDSv1 is disabled";
    }
    m_context.logger.trace("IMDS: " + why + "; trying IMDSv1");
    return std::nullopt;
  }

  // GET a metadata path; 401 (token expired) gets a new token once.
  Result<HttpResponse> get(std::string_view path) {
    for (;;) {
      HttpRequest request = make_request("GET", path);
      if (m_token) {
        request.headers.push_back({std::string(k_token_header), *m_token});
      }
      auto response = ADJUST_TRY(send(request));
      if (response.status != 401 || m_token_renewed) {
        return response;
      }
      m_token_renewed = true;
      m_token.reset();
      if (auto why = open()) {
        return fail(ErrorCode::credentials, *why);
      }
    }
  }

  std::string describe(const Error& error) const {
    return credentials_detail::describe_transport_error(error, m_settings.timeout);
  }

 private:
  HttpRequest make_request(std::string method, std::string_view path) const {
    HttpRequest request;
    request.method = std::move(method);
    request.url = m_settings.endpoint + std::string(path);
    request.connect_timeout = m_settings.timeout;
    request.timeout = m_settings.timeout;
    return request;
  }

  // Send with the configured attempts; no response and 5xx are retried.
  Result<HttpResponse> send(const HttpRequest& request) {
    Result<HttpResponse> response = fail(ErrorCode::internal, "no attempt");
    for (int attempt = 1; attempt <= m_settings.attempts; ++attempt) {
      response = m_context.transport.send(request);
      if (response && response->status < 500) {
        break;
      }
    }
    return response;
  }

  const CredentialContext& m_context;
  ImdsSettings m_settings;
  std::optional<std::string> m_token;
  bool m_token_renewed = false;
};

std::string http_failure(std::string_view what, const HttpResponse& response) {
  return std::string(what) + " returned HTTP " + std::to_string(response.status);
}

}  // namespace

Result<SourceResult> ImdsCredentials::resolve() {
  if (env_flag(m_context.env, "AWS_EC2_METADATA_DISABLED")) {
    return SourceResult::skip("AWS_EC2_METADATA_DISABLED is set");
  }
  ImdsSession session(m_context, read_settings(m_context));
  if (auto why = session.open()) {
    return SourceResult::skip(*why);
  }

  auto role_response = session.get(k_role_path);
  if (!role_response) {
    return SourceResult::skip(role_response.error().code == ErrorCode::credentials
                                  ? role_response.error().message
                                  : session.describe(role_response.error()));
  }
  if (role_response->status == 404) {
    return SourceResult::skip("no IAM role attached to this instance (HTTP 404)");
  }
  if (role_response->status != 200) {
    return SourceResult::skip(http_failure("role request", *role_response));
  }
  auto body = std::string_view(role_response->body);
  std::string role = credentials_detail::trim_copy(body.substr(0, body.find('\n')));
  if (role.empty()) {
    return SourceResult::skip("no IAM role attached to this instance");
  }

  auto response = session.get(std::string(k_role_path) + role);
  if (!response) {
    return SourceResult::skip(response.error().code == ErrorCode::credentials
                                  ? response.error().message
                                  : session.describe(response.error()));
  }
  if (response->status != 200) {
    return SourceResult::skip(http_failure("credentials request for role " + role, *response));
  }
  auto code = credentials_detail::json_code(response->body);
  if (!code || *code != "Success") {
    return SourceResult::skip("credentials for role " + role + " have Code \"" +
                              code.value_or("").substr(0, 64) + "\", not \"Success\"");
  }
  auto credentials = credentials_detail::parse_credentials_json(response->body, "IMDS role " + role);
  if (!credentials) {
    return SourceResult::skip(credentials.error().message);
  }
  credentials->source = "IMDS (role " + role + ")";
  return SourceResult::yielded(*std::move(credentials));
}

}  // namespace adjust
