#include "adjust/aws/sts_client.hpp"

#include "adjust/aws/client.hpp"
#include "adjust/aws/time.hpp"

namespace adjust {
namespace {

Result<const XmlElement*> sts_result(const XmlDocument& document, std::string_view operation) {
  std::string result = std::string(operation) + "Result";
  const XmlElement* found = document.root.child(result);
  if (document.root.name != std::string(operation) + "Response" || found == nullptr) {
    return fail(ErrorCode::aws_bad_response, std::string(operation) + " response: expected <" +
                                                 std::string(operation) + "Response><" + result + ">, got <" +
                                                 document.root.name + ">");
  }
  return found;
}

}  // namespace

Result<Credentials> decode_sts_credentials(const XmlDocument& document, std::string_view operation,
                                           std::string source) {
  const XmlElement* result = ADJUST_TRY(sts_result(document, operation));
  const XmlElement* xml = result->child("Credentials");
  std::string what = std::string(operation) + " response";
  if (xml == nullptr) {
    return fail(ErrorCode::aws_bad_response, what + ": <Credentials> is missing");
  }
  Credentials credentials;
  credentials.access_key_id = xml->text_at({"AccessKeyId"});
  credentials.secret_access_key = xml->text_at({"SecretAccessKey"});
  credentials.session_token = xml->text_at({"SessionToken"});
  credentials.source = std::move(source);
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return fail(ErrorCode::aws_bad_response, what + ": <Credentials> lacks AccessKeyId or SecretAccessKey");
  }
  std::string expiration = xml->text_at({"Expiration"});
  if (!expiration.empty()) {
    auto parsed = aws_time::parse_iso8601(expiration);
    if (!parsed) {
      return fail(ErrorCode::aws_bad_response, what + ": Expiration is not ISO 8601: " + expiration);
    }
    credentials.expiration = *parsed;
  }
  return credentials;
}

Result<CallerIdentity> decode_caller_identity(const XmlDocument& document) {
  const XmlElement* result = ADJUST_TRY(sts_result(document, "GetCallerIdentity"));
  return CallerIdentity{result->text_at({"Account"}), result->text_at({"Arn"}), result->text_at({"UserId"})};
}

Result<Credentials> StsClient::assume_role(const Credentials& source, const AssumeRoleRequest& request) {
  QueryParams params{{"RoleArn", request.role_arn}, {"RoleSessionName", request.role_session_name}};
  if (!request.external_id.empty()) {
    params.emplace_back("ExternalId", request.external_id);
  }
  if (request.duration_seconds) {
    params.emplace_back("DurationSeconds", std::to_string(*request.duration_seconds));
  }
  auto document = ADJUST_TRY(m_client.call_query_as(source, "AssumeRole", k_sts_version, params));
  return decode_sts_credentials(document, "AssumeRole", "assume-role " + request.role_arn);
}

Result<Credentials> StsClient::assume_role_with_web_identity(const WebIdentityRequest& request) {
  QueryParams params{{"RoleArn", request.role_arn},
                     {"RoleSessionName", request.role_session_name},
                     {"WebIdentityToken", request.web_identity_token}};
  if (request.duration_seconds) {
    params.emplace_back("DurationSeconds", std::to_string(*request.duration_seconds));
  }
  auto document =
      ADJUST_TRY(m_client.call_query("AssumeRoleWithWebIdentity", k_sts_version, params, /*sign=*/false));
  return decode_sts_credentials(document, "AssumeRoleWithWebIdentity", "web-identity " + request.role_arn);
}

Result<CallerIdentity> StsClient::get_caller_identity() {
  auto document = ADJUST_TRY(m_client.call_query("GetCallerIdentity", k_sts_version, {}));
  return decode_caller_identity(document);
}

}  // namespace adjust
