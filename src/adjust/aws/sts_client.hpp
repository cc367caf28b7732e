// StsApi over the Query client, plus GetCallerIdentity as a cheap check of
// the credentials in use.
#pragma once

#include <string>

#include "adjust/aws/sts.hpp"
#include "adjust/aws/xml.hpp"
#include "adjust/base/result.hpp"

namespace adjust {

class AwsClient;

inline constexpr const char* k_sts_version = "2011-06-15";

struct CallerIdentity {
  std::string account;
  std::string arn;
  std::string user_id;
};

class StsClient final : public StsApi {
 public:
  // The client's own credentials provider is used only by get_caller_identity:
  // AssumeRole signs with the source credentials, web identity is unsigned.
  explicit StsClient(AwsClient& client) : m_client(client) {}

  Result<Credentials> assume_role(const Credentials& source, const AssumeRoleRequest& request) override;
  Result<Credentials> assume_role_with_web_identity(const WebIdentityRequest& request) override;
  Result<CallerIdentity> get_caller_identity();

 private:
  AwsClient& m_client;
};

// <XResponse><XResult><Credentials>…; `source` goes into Credentials::source.
Result<Credentials> decode_sts_credentials(const XmlDocument& document, std::string_view operation,
                                           std::string source);
Result<CallerIdentity> decode_caller_identity(const XmlDocument& document);

}  // namespace adjust
