// What credential providers need from AWS STS. The credentials module codes
// against this interface; sts_client.cpp implements it over the Query client.
#pragma once

#include <optional>
#include <string>

#include "adjust/aws/credentials/provider.hpp"
#include "adjust/base/result.hpp"

namespace adjust {

struct AssumeRoleRequest {
  std::string role_arn;
  std::string role_session_name;
  std::string external_id;  // empty when not set
  std::optional<int> duration_seconds;
};

struct WebIdentityRequest {
  std::string role_arn;
  std::string role_session_name;
  std::string web_identity_token;  // the token file's content
  std::optional<int> duration_seconds;
};

class StsApi {
 public:
  virtual ~StsApi() = default;
  // Signed STS AssumeRole with the source credentials.
  virtual Result<Credentials> assume_role(const Credentials& source, const AssumeRoleRequest& request) = 0;
  // Unsigned STS AssumeRoleWithWebIdentity.
  virtual Result<Credentials> assume_role_with_web_identity(const WebIdentityRequest& request) = 0;
};

}  // namespace adjust
