#include "adjust/aws/client.hpp"
#include "adjust/aws/redact.hpp"

#include <cstdlib>

#include "adjust/aws/errors.hpp"
#include "adjust/aws/sigv4.hpp"
#include "adjust/base/version.hpp"

namespace adjust {
namespace {

using namespace std::chrono_literals;

// SigV4 tolerates about 5 minutes; treat >= 4 as a real skew (aws-sdk-cpp).
constexpr auto k_skew_threshold = 4min;

bool is_success(long status) { return status >= 200 && status < 300; }

std::string user_agent() { return std::string("adjust/") + k_version; }

// Query parameters whose values are secrets, as sent and as encoded in the body.
std::vector<std::string> secret_params(const QueryParams& params) {
  std::vector<std::string> secrets;
  for (const auto& [key, value] : params) {
    if (key == "WebIdentityToken") {
      secrets.push_back(value);
      secrets.push_back(sigv4::uri_encode(value));
    }
  }
  return secrets;
}

}  // namespace

std::string encode_query_body(std::string_view action, std::string_view version, const QueryParams& params) {
  std::string body = "Action=" + sigv4::uri_encode(action) + "&Version=" + sigv4::uri_encode(version);
  for (const auto& [key, value] : params) {
    body += '&';
    body += sigv4::uri_encode(key);
    body += '=';
    body += sigv4::uri_encode(value);
  }
  return body;
}

AwsClient::AwsClient(Transport& transport, CredentialsProvider& credentials, Clock& clock, Logger& logger,
                     AwsClientOptions options, std::function<double()> random)
    : m_transport(transport),
      m_credentials(credentials),
      m_clock(clock),
      m_logger(logger),
      m_options(std::move(options)),
      m_random(random ? std::move(random) : make_default_random()),
      m_quota(m_options.retry.quota_capacity) {}

Result<nlohmann::json> AwsClient::call_json(std::string_view target_prefix, std::string_view operation,
                                            const nlohmann::json& body) {
  HttpRequest request;
  request.url = m_options.endpoint.url + "/";
  request.headers = {
      {"Content-Type", "application/x-amz-json-1.1"},
      {"X-Amz-Target", std::string(target_prefix) + "." + std::string(operation)},
  };
  // replace: never throw on invalid UTF-8 in a caller's string.
  request.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  HttpResponse response =
      ADJUST_TRY(send_with_retries(operation, AwsProtocol::json, request, Auth::provider, nullptr, {}));
  if (response.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return nlohmann::json::object();
  }
  auto parsed = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return fail(ErrorCode::aws_bad_response, std::string(operation) +
                                                 ": response is not a JSON object (HTTP " +
                                                 std::to_string(response.status) + ")");
  }
  return parsed;
}

Result<XmlDocument> AwsClient::call_query(std::string_view action, std::string_view version,
                                          const QueryParams& params, bool sign) {
  return query(action, version, params, sign ? Auth::provider : Auth::none, nullptr);
}

Result<XmlDocument> AwsClient::call_query_as(const Credentials& credentials, std::string_view action,
                                             std::string_view version, const QueryParams& params) {
  return query(action, version, params, Auth::given, &credentials);
}

Result<XmlDocument> AwsClient::query(std::string_view action, std::string_view version,
                                     const QueryParams& params, Auth auth, const Credentials* given) {
  HttpRequest request;
  request.url = m_options.endpoint.url + "/";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.body = encode_query_body(action, version, params);
  HttpResponse response =
      ADJUST_TRY(send_with_retries(action, AwsProtocol::query, request, auth, given, secret_params(params)));
  auto document = parse_xml(response.body);
  if (!document) {
    return fail(with_context(document.error(), std::string(action)));
  }
  return document;
}

Result<HttpResponse> AwsClient::send_with_retries(std::string_view operation, AwsProtocol protocol,
                                                  const HttpRequest& unsigned_request, Auth auth,
                                                  const Credentials* given,
                                                  const std::vector<std::string>& body_secrets) {
  const int max_attempts = std::max(1, m_options.retry.max_attempts);
  int attempt = 0;  // attempts made, counting the free ones below
  int counted = 0;  // attempts that count against max_attempts
  int quota_paid = 0;
  bool skew_retried = false;
  bool credentials_refreshed = false;
  while (true) {
    ++attempt;
    ++counted;
    HttpRequest request = unsigned_request;
    request.connect_timeout = m_options.connect_timeout;
    request.timeout = m_options.timeout;
    auto signing_time = m_clock.now() + clock_offset();
    // What an error body echoing the request (AWS quotes the canonical request,
    // session token included, in SignatureDoesNotMatch) must not print.
    std::vector<std::string> secrets = body_secrets;
    if (auth != Auth::none) {
      Credentials credentials;
      if (auth == Auth::given) {
        credentials = *given;
      } else {
        credentials = ADJUST_TRY(m_credentials.get());
      }
      sigv4::SigningParams params;
      params.region = m_options.endpoint.region;
      params.service = m_options.endpoint.signing_name;
      params.time = std::chrono::time_point_cast<std::chrono::system_clock::duration>(signing_time);
      sigv4::sign_in_place(request, credentials, params);
      secrets.push_back(credentials.secret_access_key);
      for (auto& value : secret_header_values(request.headers)) secrets.push_back(std::move(value));
    }
    // Added after signing on purpose: User-Agent is never signed.
    request.headers.push_back({"User-Agent", user_agent()});

    // Retries wait their turn too: AWS counts every attempt against the bucket.
    const std::string& service = m_options.endpoint.signing_name;
    if (m_options.budget != nullptr && !m_options.budget->before_send(service, operation)) {
      return fail(
          ErrorCode::cancelled,
          std::string(operation) + ": not sent: given up while waiting its turn in the request budget");
    }
    auto started = m_clock.monotonic();
    auto sent = m_transport.send(request);
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.monotonic() - started);

    Error error;
    bool skew_detected = false;
    if (sent && is_success(sent->status)) {
      if (m_options.budget != nullptr) m_options.budget->after_answer(service, operation, false);
      m_logger.debug(m_options.endpoint.signing_name + " " + std::string(operation) + " attempt " +
                     std::to_string(attempt) + ": HTTP " + std::to_string(sent->status) + " in " +
                     std::to_string(elapsed.count()) + " ms");
      m_quota.release(quota_paid);
      return std::move(*sent);
    }
    if (sent) {
      auto server = server_time(*sent);
      if (server) {
        auto difference = *server - signing_time;
        skew_detected = difference >= k_skew_threshold || difference <= -k_skew_threshold;
      }
      error = make_aws_error(operation, protocol, *sent, skew_detected, secrets);
      if (m_options.budget != nullptr)
        m_options.budget->after_answer(service, operation, error.code == ErrorCode::aws_throttled);
      if (error.code == ErrorCode::aws_clock_skew && skew_detected) {
        auto offset = std::chrono::duration_cast<std::chrono::milliseconds>(*server - m_clock.now());
        m_clock_offset_ms.store(offset.count());
      }
    } else {
      error = sent.error();
      error.message = std::string(operation) + ": " + error.message;
    }
    m_logger.debug(m_options.endpoint.signing_name + " " + std::string(operation) + " attempt " +
                   std::to_string(attempt) + " failed in " + std::to_string(elapsed.count()) +
                   " ms: " + to_string(error.code) + ": " + error.message);

    // Clock skew: the offset is now stored; retry at once, once, for free.
    if (error.code == ErrorCode::aws_clock_skew && skew_detected && !skew_retried) {
      skew_retried = true;
      --counted;
      continue;
    }
    // Expired credentials: fetch fresh ones and retry once, for free.
    if (error.code == ErrorCode::aws_expired_credentials && auth == Auth::provider &&
        !credentials_refreshed) {
      credentials_refreshed = true;
      m_credentials.invalidate();
      --counted;
      continue;
    }
    if (!is_backoff_retryable(error.code) || counted >= max_attempts) {
      return fail(std::move(error));
    }
    int cost = (error.code == ErrorCode::aws_network || error.code == ErrorCode::aws_timeout)
                   ? m_options.retry.timeout_retry_cost
                   : m_options.retry.retry_cost;
    if (!m_quota.acquire(cost)) {
      m_logger.debug(std::string(operation) + ": retry quota exhausted, not retrying");
      return fail(std::move(error));
    }
    quota_paid += cost;
    auto delay = backoff_delay(m_options.retry, counted, m_random());
    m_logger.debug(std::string(operation) + ": retrying in " + std::to_string(delay.count()) + " ms");
    m_clock.sleep_for(delay);
  }
}

}  // namespace adjust
