// What the driver reads of ECS: services, deployments, tasks and task
// definitions as typed values. A service keeps its raw JSON too (a task does
// not: a poll may describe thousands). Task definitions stay JSON for lossless
// cloning. No I/O here: aws/ecs_client.hpp fetches and decodes them.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace adjust {

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
  // advancedConfiguration (blue/green, linear, canary): the other target group
  // of the pair; each deployment's new tasks register in one of the two.
  std::string alternate_target_group_arn;
};

struct EcsCapacityProvider {
  std::string capacity_provider;  // "FARGATE", "FARGATE_SPOT", ...
  int weight = 0;
  int base = 0;
};

// deploymentConfiguration.strategy; `unknown` for a value ECS may add later.
enum class DeploymentStrategy { rolling, blue_green, linear, canary, unknown };
const char* to_string(DeploymentStrategy strategy);  // "ROLLING", "BLUE_GREEN", ...
DeploymentStrategy parse_deployment_strategy(std::string_view text);

struct LifecycleHookConfig {
  std::string target_type;  // AWS_LAMBDA | PAUSE
  std::string target_arn;
  std::vector<std::string> stages;
  std::optional<int> timeout_minutes;  // timeoutConfiguration.timeoutInMinutes (ECS default 1440)
  std::string timeout_action;          // CONTINUE | ROLLBACK (ECS default ROLLBACK)
};

// earlySuccessCriteria (rolling, Sep 2026): ECS calls the deployment
// SUCCESSFUL with only part of the new tasks healthy.
struct EarlySuccessCriteria {
  bool enable = false;
  std::optional<double> healthy_percent;
  std::string source_cleanup;  // BLOCKING | DEFERRED
};

struct EcsDeploymentConfiguration {
  bool circuit_breaker_enable = false;
  bool circuit_breaker_rollback = false;
  std::optional<int> maximum_percent;
  std::optional<int> minimum_healthy_percent;
  DeploymentStrategy strategy = DeploymentStrategy::rolling;  // absent = ROLLING
  std::string strategy_text;                                  // as ECS spelled it ("" = absent)
  std::optional<int> bake_time_minutes;
  std::optional<double> linear_step_percent;
  std::optional<int> linear_step_bake_minutes;
  std::optional<double> canary_percent;
  std::optional<int> canary_bake_minutes;
  std::vector<LifecycleHookConfig> lifecycle_hooks;
  bool alarms_enable = false;
  bool alarms_rollback = false;
  std::vector<std::string> alarm_names;
  std::optional<EarlySuccessCriteria> early_success;
};

// A deployment's place in its service; `unknown` for a value ECS may add later
// (treated like any non-PRIMARY deployment).
enum class DeploymentStatus { unknown, primary, active, inactive };

// rolloutState: `none` when ECS does not report one (older deployments);
// `unknown` for a value it may add later (neither done nor failed).
enum class RolloutState { none, unknown, in_progress, completed, failed };

// ECS's spelling: "PRIMARY", "IN_PROGRESS", ... ("" for none).
const char* to_string(DeploymentStatus status);
const char* to_string(RolloutState state);
DeploymentStatus parse_deployment_status(std::string_view text);
RolloutState parse_rollout_state(std::string_view text);

struct EcsDeployment {
  std::string id;  // "ecs-svc/..."
  DeploymentStatus status = DeploymentStatus::unknown;
  std::string task_definition;
  int desired_count = 0;
  int pending_count = 0;
  int running_count = 0;
  int failed_tasks = 0;
  std::optional<std::chrono::system_clock::time_point> created_at;
  std::optional<std::chrono::system_clock::time_point> updated_at;
  RolloutState rollout_state = RolloutState::none;
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
  std::string current_service_deployment;  // ARN of the newest service deployment ("" = not reported)
  nlohmann::json raw;
};

struct EcsServices {
  std::vector<EcsService> services;
  std::vector<EcsFailure> failures;
};

struct EcsTaskDefinition {
  nlohmann::json task_definition;                 // the whole object, as returned
  nlohmann::json tags = nlohmann::json::array();  // [{"key", "value"}]
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
  std::string ipv6;          // the ENI's IPv6 address (dual-stack / IPv6 subnets), else ""
  std::optional<std::chrono::system_clock::time_point> started_at;
  std::optional<std::chrono::system_clock::time_point> stopped_at;
  std::vector<EcsContainerState> containers;
};

struct EcsTasks {
  std::vector<EcsTask> tasks;
  std::vector<EcsFailure> failures;
};

// launchType FARGATE, a FARGATE/FARGATE_SPOT capacity provider, or a
// platformFamily with FARGATE deployments.
bool is_fargate(const EcsService& service);

// The service's PRIMARY deployment, or nullptr (an odd answer without one).
const EcsDeployment* primary_of(const EcsService& service);

}  // namespace adjust
