// One client per AWS service endpoint: builds awsJson1_1 and awsQuery
// requests, signs each attempt afresh, retries (standard mode) and maps error
// responses to adjust::Error. Thread-safe: calls may run concurrently.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adjust/aws/credentials/provider.hpp"
#include "adjust/aws/endpoints.hpp"
#include "adjust/aws/http.hpp"
#include "adjust/aws/request_budget.hpp"
#include "adjust/aws/retry.hpp"
#include "adjust/aws/xml.hpp"
#include "adjust/base/clock.hpp"
#include "adjust/base/log.hpp"
#include "adjust/base/result.hpp"

namespace adjust {

enum class AwsProtocol { json, query };

using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct AwsClientOptions {
  ServiceEndpoint endpoint;
  RetryConfig retry;
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds timeout{30000};  // per attempt
  // The run's share of the account's request rates (none: unlimited, as STS is).
  RequestBudget* budget = nullptr;
};

// "Action=A&Version=V&k=v..." with keys and values RFC 3986-encoded.
std::string encode_query_body(std::string_view action, std::string_view version, const QueryParams& params);

class AwsClient {
 public:
  // random: uniform [0, 1) for backoff jitter; defaults to a seeded engine.
  AwsClient(Transport& transport, CredentialsProvider& credentials, Clock& clock, Logger& logger,
            AwsClientOptions options, std::function<double()> random = {});

  // awsJson1_1: POST / with X-Amz-Target "<prefix>.<operation>". Returns the
  // response object ({} for an empty body).
  Result<nlohmann::json> call_json(std::string_view target_prefix, std::string_view operation,
                                   const nlohmann::json& body);

  // awsQuery: POST / with a form body; XML response. sign=false sends the
  // request unsigned (STS AssumeRoleWithWebIdentity).
  Result<XmlDocument> call_query(std::string_view action, std::string_view version, const QueryParams& params,
                                 bool sign = true);

  // awsQuery signed with these credentials instead of the provider's
  // (STS AssumeRole with source credentials).
  Result<XmlDocument> call_query_as(const Credentials& credentials, std::string_view action,
                                    std::string_view version, const QueryParams& params);

  const ServiceEndpoint& endpoint() const { return m_options.endpoint; }
  // Server time minus our clock, learned from clock-skew errors.
  std::chrono::milliseconds clock_offset() const {
    return std::chrono::milliseconds(m_clock_offset_ms.load());
  }
  int retry_quota_available() const { return m_quota.available(); }

 private:
  enum class Auth { provider, given, none };
  // body_secrets: values in the request body an error message must not echo.
  Result<HttpResponse> send_with_retries(std::string_view operation, AwsProtocol protocol,
                                         const HttpRequest& unsigned_request, Auth auth,
                                         const Credentials* given,
                                         const std::vector<std::string>& body_secrets);
  Result<XmlDocument> query(std::string_view action, std::string_view version, const QueryParams& params,
                            Auth auth, const Credentials* given);

  Transport& m_transport;
  CredentialsProvider& m_credentials;
  Clock& m_clock;
  Logger& m_logger;
  AwsClientOptions m_options;
  std::function<double()> m_random;
  RetryQuota m_quota;
  std::atomic<long long> m_clock_offset_ms{0};
};

}  // namespace adjust
