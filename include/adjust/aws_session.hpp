// Everything needed to talk to AWS for one run, built from the config and the
// environment: profile files, region, endpoints, the credential chain (with
// STS for assumed roles) and the ECS / ELBv2 clients.
#pragma once

#include <memory>

#include "adjust/clock.hpp"
#include "adjust/config.hpp"
#include "adjust/ecs.hpp"
#include "adjust/elbv2.hpp"
#include "adjust/environment.hpp"
#include "adjust/http.hpp"
#include "adjust/log.hpp"
#include "adjust/result.hpp"

namespace adjust {

class AwsSession {
 public:
  virtual ~AwsSession() = default;
  virtual EcsApi& ecs() = 0;
  virtual Elbv2Api& elbv2() = 0;
  virtual const std::string& region() const = 0;
};

// Fails (ErrorCode::config) for an unresolvable region, a malformed profile
// file or a bad endpoint URL. Missing credentials surface on the first call.
Result<std::unique_ptr<AwsSession>> open_aws_session(const Config& config, const Environment& env,
                                                     Transport& transport, Clock& clock,
                                                     Logger& logger);

}  // namespace adjust
