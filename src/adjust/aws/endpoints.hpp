// Which URL each AWS service is called at, and the name it is signed with.
#pragma once

#include <string>
#include <string_view>

#include "adjust/base/environment.hpp"
#include "adjust/base/result.hpp"

namespace adjust {

enum class AwsService { ecs, elbv2, sts, autoscaling };  // autoscaling: Application Auto Scaling

struct ServiceEndpoint {
  std::string url;           // scheme://host[:port] with no trailing slash
  std::string signing_name;  // "ecs", "elasticloadbalancing", "sts", "application-autoscaling"
  std::string region;        // the signing region (unchanged by overrides)
};

std::string_view signing_name(AwsService service);
// The AWS_ENDPOINT_URL_<SERVICE> variable name for this service.
std::string_view endpoint_env_name(AwsService service);

// config endpoint_url > AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL > the
// regional default; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true disables all
// overrides. Fails with ErrorCode::config for an empty region or a URL that is
// not http(s).
Result<ServiceEndpoint> resolve_endpoint(AwsService service, std::string_view region,
                                         std::string_view config_endpoint_url, const Environment& env);

}  // namespace adjust
