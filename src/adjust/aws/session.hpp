// Everything needed to talk to AWS for one run, built from the config and the
// environment: profile files, region, endpoints, the credential chain (with
// STS for assumed roles) and the ECS / ELBv2 / Application Auto Scaling clients.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "adjust/aws/autoscaling_client.hpp"
#include "adjust/aws/ecs_client.hpp"
#include "adjust/aws/elbv2_client.hpp"
#include "adjust/aws/endpoints.hpp"
#include "adjust/aws/http.hpp"
#include "adjust/aws/request_budget.hpp"
#include "adjust/aws/sts_client.hpp"
#include "adjust/base/clock.hpp"
#include "adjust/base/environment.hpp"
#include "adjust/base/log.hpp"
#include "adjust/base/result.hpp"

namespace adjust {

// What a session needs from the configuration (config.yaml's aws keys).
struct AwsSettings {
  std::optional<std::string> region;
  std::optional<std::string> endpoint_url;
};

class AwsSession {
 public:
  virtual ~AwsSession() = default;
  virtual EcsApi& ecs() = 0;
  virtual Elbv2Api& elbv2() = 0;
  virtual AutoScalingApi& autoscaling() = 0;
  // The run's share of the account's request rates, shared by every client.
  virtual const RequestBudget& budget() const = 0;
  virtual const std::string& region() const = 0;
  // Where each service's calls go (for adjust doctor).
  virtual const ServiceEndpoint& endpoint(AwsService service) const = 0;
  // Which source of the chain answered ("environment", "profile \"dev\"", ...):
  // never the secrets themselves.
  virtual Result<std::string> credential_source() = 0;
  // STS GetCallerIdentity signed with the chain's credentials: whose they are.
  virtual Result<CallerIdentity> caller_identity() = 0;
};

// Fails (ErrorCode::config) for an unresolvable region, a malformed profile
// file or a bad endpoint URL. Missing credentials surface on the first call.
Result<std::unique_ptr<AwsSession>> open_aws_session(const AwsSettings& settings, const Environment& env,
                                                     Transport& transport, Clock& clock, Logger& logger);

}  // namespace adjust
