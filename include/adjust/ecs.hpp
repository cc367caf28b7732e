// ECS (awsJson1_1) calls the driver makes, behind EcsApi so the engine can
// be tested with an in-memory fake. Typed views hold what the engine reads;
// a service keeps its raw JSON too (a task does not: a poll may describe
// thousands). Task definitions stay JSON for lossless cloning.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include "adjust/result.hpp"

namespace adjust {

class AwsClient;

inline constexpr const char* k_ecs_target_prefix = "AmazonEC2ContainerServiceV20141113";

struct EcsFailure {
  std::string arn;
  std::string reason;  // e.g. "MISSING"
  std::string detail;
};

struct EcsLoadBalancer {
  std::string target_group_arn;    // empty for classic ELBs
  std::string load_balancer_name;  // classic ELB only
  std::string container_name;
  int container_port = 0;
};

struct EcsCapacityProvider {
  std::string capacity_provider;  // "FARGATE", "FARGATE_SPOT", ...
  int weight = 0;
  int base = 0;
};

struct EcsDeploymentConfiguration {
  bool circuit_breaker_enable = false;
  bool circuit_breaker_rollback = false;
  std::optional<int> maximum_percent;
  std::optional<int> minimum_healthy_percent;
};

struct EcsDeployment {
  std::string id;      // "ecs-svc/..."
  std::string status;  // PRIMARY | ACTIVE | INACTIVE
  std::string task_definition;
  int desired_count = 0;
  int pending_count = 0;
  int running_count = 0;
  int failed_tasks = 0;
  std::optional<std::chrono::system_clock::time_point> created_at;
  std::optional<std::chrono::system_clock::time_point> updated_at;
  std::string rollout_state;  // COMPLETED | FAILED | IN_PROGRESS | "" (not reported)
  std::string rollout_state_reason;
  std::string launch_type;
  std::string platform_family;
  std::vector<EcsCapacityProvider> capacity_provider_strategy;
};

struct EcsServiceEvent {
  std::string id;
  std::optional<std::chrono::system_clock::time_point> created_at;
  std::string message;
};

struct EcsService {
  std::string arn;
  std::string name;
  std::string cluster_arn;
  std::string status;  // ACTIVE | DRAINING | INACTIVE
  int desired_count = 0;
  int running_count = 0;
  int pending_count = 0;
  std::string launch_type;  // empty when a capacity provider strategy is used
  std::vector<EcsCapacityProvider> capacity_provider_strategy;
  std::string platform_family;
  std::string platform_version;
  std::string task_definition;
  std::vector<EcsDeployment> deployments;
  std::vector<EcsServiceEvent> events;  // newest first
  std::vector<EcsLoadBalancer> load_balancers;
  EcsDeploymentConfiguration deployment_configuration;
  std::string deployment_controller_type;  // ECS | CODE_DEPLOY | EXTERNAL ("" = ECS)
  nlohmann::json raw;
};

struct EcsServices {
  std::vector<EcsService> services;
  std::vector<EcsFailure> failures;
};

struct EcsTaskDefinition {
  nlohmann::json task_definition;                   // the whole object, as returned
  nlohmann::json tags = nlohmann::json::array();    // [{"key", "value"}]
  std::string arn() const;
};

struct EcsContainerState {
  std::string name;
  std::string last_status;
  std::optional<int> exit_code;
  std::string reason;
};

struct EcsTask {
  std::string arn;
  std::string task_definition_arn;
  std::string last_status;
  std::string desired_status;
  std::string started_by;  // the deployment id for service tasks
  std::string group;       // "service:<name>"
  std::string stop_code;
  std::string stopped_reason;
  std::string health_status;
  std::string private_ipv4;  // "" until the ENI has an address
  std::optional<std::chrono::system_clock::time_point> started_at;
  std::optional<std::chrono::system_clock::time_point> stopped_at;
  std::vector<EcsContainerState> containers;
};

struct EcsTasks {
  std::vector<EcsTask> tasks;
  std::vector<EcsFailure> failures;
};

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
  // The full UpdateService request; returns the updated service.
  virtual Result<EcsService> update_service(const nlohmann::json& request) = 0;
  // All pages. desired_status: RUNNING | PENDING | STOPPED.
  virtual Result<std::vector<std::string>> list_tasks(const std::string& cluster,
                                                      const std::string& service,
                                                      const std::string& desired_status) = 0;
  // Any number of ARNs; sent 100 per call.
  virtual Result<EcsTasks> describe_tasks(const std::string& cluster,
                                          const std::vector<std::string>& tasks) = 0;
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
  Result<EcsService> update_service(const nlohmann::json& request) override;
  Result<std::vector<std::string>> list_tasks(const std::string& cluster, const std::string& service,
                                              const std::string& desired_status) override;
  Result<EcsTasks> describe_tasks(const std::string& cluster,
                                  const std::vector<std::string>& tasks) override;

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
Result<EcsTask> decode_ecs_task(const nlohmann::json& json, const std::string& what = "ECS task",
                                const std::string& base_path = "");

// launchType FARGATE, a FARGATE/FARGATE_SPOT capacity provider, or a
// platformFamily with FARGATE deployments.
bool is_fargate(const EcsService& service);

}  // namespace adjust
