#include "adjust/aws/credentials/detail.hpp"
#include "adjust/aws/credentials/sources.hpp"
#include "adjust/aws/time.hpp"

namespace adjust {

Result<SourceResult> EnvironmentCredentials::resolve() {
  auto access_key = m_env.non_empty("AWS_ACCESS_KEY_ID");
  auto secret = m_env.non_empty("AWS_SECRET_ACCESS_KEY");
  if (!access_key && !secret) {
    return SourceResult::skip("AWS_ACCESS_KEY_ID not set");
  }
  if (!secret) {
    return fail(ErrorCode::credentials,
                "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both or neither");
  }
  if (!access_key) {
    return fail(ErrorCode::credentials,
                "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not; set both or neither");
  }
  Credentials credentials;
  credentials.access_key_id = *access_key;
  credentials.secret_access_key = *secret;
  auto token = m_env.non_empty("AWS_SESSION_TOKEN");
  if (!token) {
    token = m_env.non_empty("AWS_SECURITY_TOKEN");  // boto2-era name, still honoured by botocore
  }
  credentials.session_token = token.value_or("");
  if (auto expiration = m_env.non_empty("AWS_CREDENTIAL_EXPIRATION")) {
    credentials.expiration = aws_time::parse_iso8601(*expiration);
    if (!credentials.expiration) {
      return fail(ErrorCode::credentials,
                  "AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time (e.g. 2024-01-01T00:00:00Z)");
    }
  }
  credentials.source = "environment";
  return SourceResult::yielded(std::move(credentials));
}

}  // namespace adjust
