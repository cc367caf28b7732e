#include "adjust/aws/endpoints.hpp"

namespace adjust {

std::string_view signing_name(AwsService service) {
  switch (service) {
    case AwsService::ecs:
      return "ecs";
    case AwsService::elbv2:
      return "elasticloadbalancing";
    case AwsService::sts:
      return "sts";
    case AwsService::autoscaling:
      return "application-autoscaling";
  }
  return "ecs";
}

std::string_view endpoint_env_name(AwsService service) {
  switch (service) {
    case AwsService::ecs:
      return "AWS_ENDPOINT_URL_ECS";
    case AwsService::elbv2:
      return "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2";
    case AwsService::sts:
      return "AWS_ENDPOINT_URL_STS";
    case AwsService::autoscaling:
      return "AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING";
  }
  return "AWS_ENDPOINT_URL";
}

namespace {

Result<std::string> checked_url(std::string url, std::string_view origin) {
  if (!url.starts_with("https://") && !url.starts_with("http://")) {
    return fail(ErrorCode::config,
                std::string(origin) + ": endpoint URL must start with https:// or http://: " + url);
  }
  while (url.ends_with('/')) {
    url.pop_back();
  }
  return url;
}

}  // namespace

Result<ServiceEndpoint> resolve_endpoint(AwsService service, std::string_view region,
                                         std::string_view config_endpoint_url, const Environment& env) {
  if (region.empty()) {
    return fail(ErrorCode::config, "no AWS region configured");
  }
  ServiceEndpoint endpoint;
  endpoint.signing_name = std::string(signing_name(service));
  endpoint.region = std::string(region);
  if (!env_flag(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) {
    if (!config_endpoint_url.empty()) {
      endpoint.url = ADJUST_TRY(checked_url(std::string(config_endpoint_url), "config endpoint_url"));
      return endpoint;
    }
    for (auto name : {endpoint_env_name(service), std::string_view("AWS_ENDPOINT_URL")}) {
      if (auto value = env.non_empty(name)) {
        endpoint.url = ADJUST_TRY(checked_url(*value, name));
        return endpoint;
      }
    }
  }
  std::string suffix = region.starts_with("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com";
  endpoint.url = "https://" + endpoint.signing_name + "." + std::string(region) + suffix;
  return endpoint;
}

}  // namespace adjust
