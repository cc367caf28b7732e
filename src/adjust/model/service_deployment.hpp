// What ECS's service deployments API tells about one deployment (2024+):
// its status, lifecycle stage, traffic weights, hooks, breaker and alarms,
// and the immutable service revision it deploys. Values only; aws/ecs_client
// fetches and decodes them (shapes as in botocore's ECS model).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adjust {

using SystemTime = std::chrono::system_clock::time_point;

// ServiceDeployment.status; `unknown` for a value ECS may add later.
enum class ServiceDeploymentStatus {
  unknown,
  pending,
  in_progress,
  stop_requested,
  rollback_requested,
  rollback_in_progress,
  successful,
  stopped,
  rollback_successful,
  rollback_failed,
};
const char* to_string(ServiceDeploymentStatus status);  // ECS's spelling, "" for unknown
ServiceDeploymentStatus parse_service_deployment_status(std::string_view text);
// SUCCESSFUL, STOPPED, ROLLBACK_SUCCESSFUL or ROLLBACK_FAILED: ECS is done with it.
bool is_completed(ServiceDeploymentStatus status);

// A revision's part in a deployment; counts are live while it is in progress
// and a frozen snapshot once it completed.
struct ServiceRevisionSummary {
  std::string arn;
  int requested_task_count = 0;
  int running_task_count = 0;
  int pending_task_count = 0;
  std::optional<double> requested_test_traffic_weight;
  std::optional<double> requested_production_traffic_weight;
};

struct LifecycleHookDetail {
  std::string hook_id;
  std::string target_type;  // AWS_LAMBDA | PAUSE
  std::string target_arn;
  std::string status;  // AWAITING_ACTION | IN_PROGRESS | SUCCEEDED | FAILED | TIMED_OUT
  std::optional<SystemTime> expires_at;
  std::string timeout_action;  // CONTINUE | ROLLBACK
};

// deploymentCircuitBreaker / alarms of a service deployment.
struct RollbackMonitor {
  std::string status;  // TRIGGERED | MONITORING | MONITORING_COMPLETE | DISABLED ("" = absent)
  int failure_count = 0;
  int threshold = 0;
  std::vector<std::string> alarm_names;
  std::vector<std::string> triggered_alarm_names;
};

struct ServiceDeployment {
  std::string arn;
  std::string service_arn;
  std::string cluster_arn;
  std::optional<SystemTime> created_at;
  std::optional<SystemTime> started_at;
  std::optional<SystemTime> finished_at;
  std::optional<SystemTime> stopped_at;
  std::optional<SystemTime> updated_at;
  std::vector<ServiceRevisionSummary> source_revisions;
  std::optional<ServiceRevisionSummary> target_revision;
  ServiceDeploymentStatus status = ServiceDeploymentStatus::unknown;
  std::string status_text;  // as ECS spelled it (also when unknown to us)
  std::string status_reason;
  std::string lifecycle_stage;  // RECONCILE_SERVICE, PRE_SCALE_UP, ... ("" when not reported)
  std::vector<LifecycleHookDetail> lifecycle_hooks;
  std::string rollback_reason;            // rollback.reason
  std::string rollback_service_revision;  // rollback.serviceRevisionArn: what it rolled back to
  std::optional<SystemTime> rollback_started_at;
  RollbackMonitor circuit_breaker;
  RollbackMonitor alarms;
};

// The first lifecycle hook of `deployment` with `status` (e.g. AWAITING_ACTION), or null.
const LifecycleHookDetail* find_hook(const ServiceDeployment& deployment, std::string_view status);

struct ServiceDeploymentBrief {
  std::string arn;
  std::string service_arn;
  std::string cluster_arn;
  std::optional<SystemTime> created_at;
  std::optional<SystemTime> started_at;
  std::optional<SystemTime> finished_at;
  std::string target_service_revision_arn;
  ServiceDeploymentStatus status = ServiceDeploymentStatus::unknown;
  std::string status_reason;
};

// An immutable record of what one deployment runs.
struct ServiceRevision {
  std::string arn;
  std::string service_arn;
  std::string cluster_arn;
  std::string task_definition;
  std::optional<SystemTime> created_at;
  // resolvedConfiguration.loadBalancers[].targetGroupArn: the target groups
  // this revision's tasks actually serve from (blue/green alternates them).
  std::vector<std::string> resolved_target_groups;
};

}  // namespace adjust
