// STS for tests: records every request and answers from a queue, else with
// credentials derived from the role.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "adjust/aws/sts.hpp"

namespace adjust::testing {

class RecordingSts final : public StsApi {
 public:
  Result<Credentials> assume_role(const Credentials& source, const AssumeRoleRequest& request) override {
    sources.push_back(source);
    assume_requests.push_back(request);
    return next(request.role_arn);
  }
  Result<Credentials> assume_role_with_web_identity(const WebIdentityRequest& request) override {
    web_requests.push_back(request);
    return next(request.role_arn);
  }

  // Credentials every successful call returns unless a queued result comes first.
  static Credentials for_role(const std::string& role_arn) {
    return Credentials{"ASIA" + role_arn.substr(role_arn.size() > 4 ? role_arn.size() - 4 : 0),
                       "sts-secret-for-" + role_arn, "sts-token-for-" + role_arn, std::nullopt, "sts"};
  }

  std::deque<Result<Credentials>> queued;
  std::vector<Credentials> sources;
  std::vector<AssumeRoleRequest> assume_requests;
  std::vector<WebIdentityRequest> web_requests;

 private:
  Result<Credentials> next(const std::string& role_arn) {
    if (!queued.empty()) {
      auto result = std::move(queued.front());
      queued.pop_front();
      return result;
    }
    return for_role(role_arn);
  }
};

}  // namespace adjust::testing
