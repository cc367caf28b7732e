#include "adjust/aws/session.hpp"

#include <array>

#include "adjust/aws/client.hpp"
#include "adjust/aws/credentials/sources.hpp"
#include "adjust/aws/endpoints.hpp"
#include "adjust/aws/profile.hpp"
#include "adjust/aws/region.hpp"
#include "adjust/aws/retry.hpp"
#include "adjust/aws/sts_client.hpp"
#include "adjust/base/file_source.hpp"

namespace adjust {
namespace {

// STS's own client never signs with the chain (AssumeRole signs with the
// source credentials, web identity is unsigned), so it gets no provider.
class NoCredentials final : public CredentialsProvider {
 public:
  Result<Credentials> get() override {
    return fail(ErrorCode::credentials, "STS calls are signed with their source credentials");
  }
};

AwsClientOptions client_options(ServiceEndpoint endpoint, const RetryConfig& retry,
                                std::chrono::milliseconds timeout, RequestBudget* budget = nullptr) {
  AwsClientOptions options{std::move(endpoint), retry};
  options.timeout = timeout;
  options.budget = budget;
  return options;
}

class RealAwsSession final : public AwsSession {
 public:
  RealAwsSession(std::string region, Transport& transport, Clock& clock, Logger& logger,
                 const Environment& env, RetryConfig retry, std::chrono::milliseconds timeout,
                 RequestBudgetConfig budget, ServiceEndpoint ecs_endpoint, ServiceEndpoint elbv2_endpoint,
                 ServiceEndpoint sts_endpoint, ServiceEndpoint autoscaling_endpoint, ProfileFiles profiles)
      : m_region(std::move(region)),
        m_profiles(std::move(profiles)),
        m_budget(clock, budget),
        m_endpoints{std::move(ecs_endpoint), std::move(elbv2_endpoint), std::move(sts_endpoint),
                    std::move(autoscaling_endpoint)},
        m_sts_client(transport, m_no_credentials, clock, logger,
                     client_options(endpoint(AwsService::sts), retry, timeout)),
        m_sts(m_sts_client),
        m_credentials(make_default_credentials_chain(
            CredentialContext{env, m_profiles, local_file_source(), transport, m_sts, clock, logger})),
        m_signed_sts_client(transport, *m_credentials, clock, logger,
                            client_options(endpoint(AwsService::sts), retry, timeout)),
        m_signed_sts(m_signed_sts_client),
        m_ecs_client(transport, *m_credentials, clock, logger,
                     client_options(endpoint(AwsService::ecs), retry, timeout, &m_budget)),
        m_elbv2_client(transport, *m_credentials, clock, logger,
                       client_options(endpoint(AwsService::elbv2), retry, timeout, &m_budget)),
        m_autoscaling_client(transport, *m_credentials, clock, logger,
                             client_options(endpoint(AwsService::autoscaling), retry, timeout, &m_budget)),
        m_ecs(m_ecs_client),
        m_elbv2(m_elbv2_client),
        m_autoscaling(m_autoscaling_client) {}

  EcsApi& ecs() override { return m_ecs; }
  Elbv2Api& elbv2() override { return m_elbv2; }
  AutoScalingApi& autoscaling() override { return m_autoscaling; }
  const RequestBudget& budget() const override { return m_budget; }
  const std::string& region() const override { return m_region; }
  const ServiceEndpoint& endpoint(AwsService service) const override {
    return m_endpoints[static_cast<std::size_t>(service)];
  }
  Result<std::string> credential_source() override {
    auto credentials = ADJUST_TRY(m_credentials->get());
    return std::move(credentials.source);
  }
  Result<CallerIdentity> caller_identity() override { return m_signed_sts.get_caller_identity(); }

 private:
  std::string m_region;
  ProfileFiles m_profiles;
  RequestBudget m_budget;
  std::array<ServiceEndpoint, 4> m_endpoints;  // indexed by AwsService
  NoCredentials m_no_credentials;
  AwsClient m_sts_client;
  StsClient m_sts;
  std::unique_ptr<CredentialsProvider> m_credentials;
  AwsClient m_signed_sts_client;  // GetCallerIdentity only
  StsClient m_signed_sts;
  AwsClient m_ecs_client;
  AwsClient m_elbv2_client;
  AwsClient m_autoscaling_client;
  EcsClient m_ecs;
  Elbv2Client m_elbv2;
  AutoScalingClient m_autoscaling;
};

}  // namespace

Result<std::unique_ptr<AwsSession>> open_aws_session(const AwsSettings& settings, const Environment& env,
                                                     Transport& transport, Clock& clock, Logger& logger) {
  ProfileFiles profiles = ADJUST_TRY(load_profile_files(env, local_file_source()));
  std::string region = ADJUST_TRY(resolve_region(settings.region, env, profiles));
  RetryConfig retry = ADJUST_TRY(retry_config_from_env(env));
  std::chrono::milliseconds timeout = ADJUST_TRY(request_timeout_from_env(env));
  RequestBudgetConfig budget = ADJUST_TRY(request_budget_from_env(env));
  std::string endpoint_url = settings.endpoint_url.value_or("");
  ServiceEndpoint ecs = ADJUST_TRY(resolve_endpoint(AwsService::ecs, region, endpoint_url, env));
  ServiceEndpoint elbv2 = ADJUST_TRY(resolve_endpoint(AwsService::elbv2, region, endpoint_url, env));
  ServiceEndpoint sts = ADJUST_TRY(resolve_endpoint(AwsService::sts, region, endpoint_url, env));
  ServiceEndpoint autoscaling =
      ADJUST_TRY(resolve_endpoint(AwsService::autoscaling, region, endpoint_url, env));
  logger.debug("region " + region + ", ECS endpoint " + ecs.url);
  return std::unique_ptr<AwsSession>(std::make_unique<RealAwsSession>(
      std::move(region), transport, clock, logger, env, retry, timeout, budget, std::move(ecs),
      std::move(elbv2), std::move(sts), std::move(autoscaling), std::move(profiles)));
}

}  // namespace adjust
