// ECS (awsJson1_1) calls the driver makes, behind EcsApi so the engine can
// be tested with an in-memory fake, and the decoders from JSON to the values
// in model/ecs.hpp.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include "adjust/base/result.hpp"
#include "adjust/model/ecs.hpp"
#include "adjust/model/service_deployment.hpp"

namespace adjust {

class AwsClient;

inline constexpr const char* k_ecs_target_prefix = "AmazonEC2ContainerServiceV20141113";

// UpdateService with only what the driver changes; what is absent is left as
// the service has it.
struct UpdateServiceRequest {
  std::string cluster;
  std::string service;
  std::optional<std::string> task_definition;
  std::optional<int> desired_count;
  // ECS replaces the whole deploymentConfiguration it is sent, so the limits
  // are applied over the service's current one (raw, so the circuit breaker,
  // alarms, strategy and fields unknown to us stay as they are).
  struct DeploymentLimits {
    nlohmann::json current = nlohmann::json::object();
    std::optional<int> maximum_percent;
    std::optional<int> minimum_healthy_percent;
  };
  std::optional<DeploymentLimits> deployment_limits;
};

// The wire form of an UpdateService request.
nlohmann::json to_json(const UpdateServiceRequest& request);

// ListServiceDeployments for one service; created_after filters on
// createdAt.after, statuses on status[] (empty = all).
struct ListServiceDeploymentsRequest {
  std::string cluster;
  std::string service;
  std::optional<SystemTime> created_after;
  std::vector<ServiceDeploymentStatus> statuses;
};

struct ServiceDeployments {
  std::vector<ServiceDeployment> deployments;
  std::vector<EcsFailure> failures;
};

struct ServiceRevisions {
  std::vector<ServiceRevision> revisions;
  std::vector<EcsFailure> failures;
};

// StopServiceDeployment's stopType.
enum class StopType { rollback, abort };
// ContinueServiceDeployment's action at a paused lifecycle hook.
enum class HookAction { resume, rollback };  // CONTINUE | ROLLBACK

class EcsApi {
 public:
  virtual ~EcsApi() = default;
  // Any number of names or ARNs; sent 10 per call, results merged in order.
  virtual Result<EcsServices> describe_services(const std::string& cluster,
                                                const std::vector<std::string>& services) = 0;
  // family, family:revision or ARN; includes tags.
  virtual Result<EcsTaskDefinition> describe_task_definition(const std::string& reference) = 0;
  // The full RegisterTaskDefinition request; returns the registered definition.
  virtual Result<EcsTaskDefinition> register_task_definition(const nlohmann::json& request) = 0;
  virtual Result<EcsTaskDefinition> deregister_task_definition(const std::string& arn) = 0;
  // ACTIVE revisions of a family, newest first (one page: at most 100).
  virtual Result<std::vector<std::string>> list_task_definitions(const std::string& family) = 0;
  // Returns the service as UpdateService answered.
  virtual Result<EcsService> update_service(const UpdateServiceRequest& request) = 0;
  // All pages. desired_status: RUNNING | PENDING | STOPPED.
  virtual Result<std::vector<std::string>> list_tasks(const std::string& cluster, const std::string& service,
                                                      const std::string& desired_status) = 0;
  // Any number of ARNs; sent 100 per call.
  virtual Result<EcsTasks> describe_tasks(const std::string& cluster,
                                          const std::vector<std::string>& tasks) = 0;
  // Every service ARN of a cluster (all pages, 100 per page). A test double
  // without it answers UnsupportedFeatureException.
  virtual Result<std::vector<std::string>> list_services(const std::string& cluster);

  // ---- the service deployments API (2024+) ----
  // An ECS without it (an older endpoint, a test double) answers every call
  // with UnsupportedFeatureException; callers fall back to DescribeServices.
  // All pages (100 per page, at most 10 pages), in ECS's order.
  virtual Result<std::vector<ServiceDeploymentBrief>> list_service_deployments(
      const ListServiceDeploymentsRequest& request);
  // Any number of ARNs; sent 20 per call, results merged in order.
  virtual Result<ServiceDeployments> describe_service_deployments(const std::vector<std::string>& arns);
  // Any number of ARNs; sent 20 per call.
  virtual Result<ServiceRevisions> describe_service_revisions(const std::vector<std::string>& arns);
  virtual Status stop_service_deployment(const std::string& arn, StopType stop_type);
  virtual Status continue_service_deployment(const std::string& arn, const std::string& hook_id,
                                             HookAction action);
};

class EcsClient final : public EcsApi {
 public:
  explicit EcsClient(AwsClient& client) : m_client(client) {}
  Result<EcsServices> describe_services(const std::string& cluster,
                                        const std::vector<std::string>& services) override;
  Result<EcsTaskDefinition> describe_task_definition(const std::string& reference) override;
  Result<EcsTaskDefinition> register_task_definition(const nlohmann::json& request) override;
  Result<EcsTaskDefinition> deregister_task_definition(const std::string& arn) override;
  Result<std::vector<std::string>> list_task_definitions(const std::string& family) override;
  Result<EcsService> update_service(const UpdateServiceRequest& request) override;
  Result<std::vector<std::string>> list_services(const std::string& cluster) override;
  Result<std::vector<std::string>> list_tasks(const std::string& cluster, const std::string& service,
                                              const std::string& desired_status) override;
  Result<EcsTasks> describe_tasks(const std::string& cluster, const std::vector<std::string>& tasks) override;
  Result<std::vector<ServiceDeploymentBrief>> list_service_deployments(
      const ListServiceDeploymentsRequest& request) override;
  Result<ServiceDeployments> describe_service_deployments(const std::vector<std::string>& arns) override;
  Result<ServiceRevisions> describe_service_revisions(const std::vector<std::string>& arns) override;
  Status stop_service_deployment(const std::string& arn, StopType stop_type) override;
  Status continue_service_deployment(const std::string& arn, const std::string& hook_id,
                                     HookAction action) override;

 private:
  AwsClient& m_client;
};

// Decoders (also for fakes and recorded responses). `what` names the source
// in error messages; errors are ErrorCode::aws_bad_response with a JSON path.
// base_path: where `json` sits in the response, e.g. "/services/3".
Result<EcsService> decode_ecs_service(const nlohmann::json& json, const std::string& what = "ECS service",
                                      const std::string& base_path = "");
// The same, moving `json` into EcsService::raw instead of copying it (a
// service with its 100 events is tens of KiB, decoded on every poll).
Result<EcsService> decode_ecs_service(nlohmann::json&& json, const std::string& what = "ECS service",
                                      const std::string& base_path = "");
Result<ServiceDeployment> decode_service_deployment(const nlohmann::json& json,
                                                    const std::string& what = "service deployment",
                                                    const std::string& base_path = "");
Result<ServiceRevision> decode_service_revision(const nlohmann::json& json,
                                                const std::string& what = "service revision",
                                                const std::string& base_path = "");
Result<ServiceDeploymentBrief> decode_service_deployment_brief(const nlohmann::json& json,
                                                               const std::string& what = "service deployment",
                                                               const std::string& base_path = "");
Result<EcsTask> decode_ecs_task(const nlohmann::json& json, const std::string& what = "ECS task",
                                const std::string& base_path = "");

}  // namespace adjust
