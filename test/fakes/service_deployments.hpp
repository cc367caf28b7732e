// FakeEcs's service deployments and service revisions (the 2024+ API): the
// records FakeEcs keeps per deployment it starts, and the small pure rules of
// the blue/green, linear and canary stage machine. The lifecycle itself (what
// a reconcile round does to them) is FakeEcs's, in service_deployments.cpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adjust/model/ecs.hpp"
#include "adjust/model/service_deployment.hpp"

namespace adjust::testing {

// An immutable record of what one deployment runs (a rollback reuses its source's).
struct FakeServiceRevision {
  std::string arn;  // .../service-revision/CLUSTER/NAME/N
  std::string service_arn;
  std::string cluster_arn;
  std::string task_definition;
  std::string target_group;  // "" without a load balancer
  std::optional<SystemTime> created_at;
};

struct FakeServiceDeployment {
  std::string arn;  // .../service-deployment/CLUSTER/NAME/ID
  std::string id;
  std::string service_arn;
  std::string cluster_arn;
  DeploymentStrategy strategy = DeploymentStrategy::rolling;
  nlohmann::json configuration = nlohmann::json::object();  // the service's, when it started
  std::string target_revision;
  std::string source_revision;         // "" for a service's first deployment
  std::string deployment_id;           // the ecs-svc/ deployment it started
  std::string rollback_deployment_id;  // the ecs-svc/ deployment rolling it back, if one was started

  ServiceDeploymentStatus status = ServiceDeploymentStatus::pending;
  std::string status_reason;
  std::string stage;    // lifecycleStage ("" for ROLLING)
  int rounds = 0;       // reconcile rounds run since it was created
  int stage_since = 0;  // `rounds` when `stage` was entered
  int shift_step = 0;   // production traffic steps taken
  int shift_round = -1;
  double production_weight = 0;  // the target revision's; the source has 100 - this
  double test_weight = 0;
  int production_shift_seq = -1;  // the DescribeServices seq in which production reached 100%
  int lag_left = 0;               // rounds it stays hidden (FakeEcs::set_current_lag)

  enum class Rollback { none, requested, flipped, redeploying };
  Rollback rollback = Rollback::none;
  int flip_round = 0;
  std::string rollback_reason;
  std::string rollback_revision;

  RollbackMonitor circuit_breaker;
  RollbackMonitor alarms;
  struct Hook {
    std::size_t config = 0;  // index in configuration.lifecycleHooks
    std::string stage;
    LifecycleHookDetail detail;
  };
  std::vector<Hook> hooks;

  // Snapshots taken when it completed (counts are live only while in progress).
  std::optional<ServiceRevisionSummary> frozen_target;
  std::optional<ServiceRevisionSummary> frozen_source;

  std::optional<SystemTime> created_at;
  std::optional<SystemTime> started_at;
  std::optional<SystemTime> finished_at;
  std::optional<SystemTime> stopped_at;
  std::optional<SystemTime> updated_at;
  std::optional<SystemTime> rollback_started_at;

  bool completed() const { return is_completed(status); }
  bool staged() const;  // BLUE_GREEN, LINEAR or CANARY
};

// The lifecycle stages of a staged deployment, in order; "" after the last.
std::string next_stage(const std::string& stage);
inline constexpr const char* k_first_stage = "PRE_SCALE_UP";

// The target revision's production weight after step `step` of `steps`:
// BLUE_GREEN 100 at once, LINEAR evenly, CANARY canaryPercent first.
double production_weight_at(const FakeServiceDeployment& deployment, int step, int steps);

// The PAUSE hooks of `configuration.lifecycleHooks` (their indexes) at `stage`.
std::vector<std::size_t> pause_hooks_at(const nlohmann::json& configuration, const std::string& stage);

}  // namespace adjust::testing
