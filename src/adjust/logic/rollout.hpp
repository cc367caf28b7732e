// Following one deployment to the truth, as a pure state machine: each poll's
// observation goes in, a verdict with evidence and progress comes out. The
// engine fetches tasks and target health only when the tracker asks.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adjust/model/ecs.hpp"
#include "adjust/model/elbv2.hpp"
#include "adjust/model/service_deployment.hpp"
#include "adjust/protocol/status.hpp"

namespace adjust {

// What success means for one component.
struct RolloutTarget {
  std::string deployment_id;             // the deployment we follow; "" = adopt the PRIMARY on our TD
  std::string task_definition;           // ARN the service must end up running
  std::string previous_task_definition;  // what it ran before (to recognise a rollback)
  int desired_count = 0;
  // false: the adjustment did not ask for a count (replicas), so whoever
  // scales the service (Application Auto Scaling) may change it meanwhile and
  // the deployment is judged at the count the service wants then.
  bool count_is_ours = true;
  bool wait_for_drain = false;
  // During settlement the deployment already succeeded: any task failure or
  // unhealthy target is instability, and there is no further progress to make.
  bool settling = false;
  std::chrono::seconds unhealthy_grace{120};
  // The service deployments API: the ARN of the deployment we follow ("" =
  // judge by DescribeServices alone, as before 2024).
  std::string service_deployment;
  // currentServiceDeployment before our UpdateService: a read still showing
  // it is merely stale, not someone else's deployment.
  std::string previous_service_deployment;
  EcsDeploymentConfiguration configuration;  // the service's strategy, bake, hooks
  bool continue_paused_hooks = false;        // config deployment.paused_hooks: continue
  // A verdict against us from DescribeServices alone (rolled back, replaced,
  // count changed) before our deployment was ever seen is taken as a stale
  // read for this long.
  std::chrono::seconds stale_read_grace{30};
  // Following the rollback of our own deployment (StopServiceDeployment):
  // ROLLBACK_SUCCESSFUL is the success, on `task_definition` (the previous one).
  bool rollback_of_record = false;
  // Restoring the previous revision after a failure: it serves again once
  // ECS is done and its tasks are healthy; the failed revision's tasks left
  // to ECS's clean-up do not hold that up (unless wait_for_drain).
  bool restoring = false;
};

struct Observation {
  EcsService service;
  // RUNNING tasks of the service, when fetched (the tracker asked for them).
  std::optional<std::vector<EcsTask>> running_tasks;
  // STOPPED tasks of the service, when fetched for evidence.
  std::vector<EcsTask> stopped_tasks;
  bool evidence_fetched = false;  // stopped_tasks was fetched for this poll (even if empty)
  // Target health per target group ARN, fetched with the running tasks.
  std::map<std::string, std::vector<TargetHealth>> target_health;
  std::chrono::steady_clock::time_point now{};
  // Ours, from DescribeServiceDeployments this poll (service deployments API mode).
  std::optional<ServiceDeployment> deployment;
  // The target groups our revision serves from (its resolved configuration);
  // empty = unknown: a task counts where it is registered.
  std::vector<std::string> serving_target_groups;
};

enum class RolloutVerdict { in_progress, succeeded, rejected, failed };

struct RolloutStatus {
  RolloutVerdict verdict = RolloutVerdict::in_progress;
  // rejected/failed: start_failed, unstable, unschedulable, image_pull_failed,
  // health_check_failed or overwritten; success otherwise.
  protocol::Reason reason = protocol::Reason::success;
  std::string message;  // progress text, or the failure with its evidence
  int percent = 0;
  bool wants_tasks = false;     // fetch running tasks + target health, then step again
  bool wants_evidence = false;  // fetch stopped tasks, then step again
  std::string continue_hook;    // ContinueServiceDeployment(CONTINUE) at this paused hook
};

// The target groups whose health decides for a service: each load balancer's
// group, or both of its blue/green pair when the one in use is unknown.
std::vector<std::string> target_groups_to_check(const EcsService& service,
                                                const std::vector<std::string>& serving_target_groups);

class RolloutTracker {
 public:
  RolloutTracker(std::string component, RolloutTarget target);

  RolloutStatus step(const Observation& observation);
  const RolloutTarget& target() const { return m_target; }
  // The service deployment ours turned out to be (found after UpdateService).
  void bind(std::string service_deployment) { m_target.service_deployment = std::move(service_deployment); }

 private:
  RolloutStatus step_with_record(const Observation& observation);
  std::optional<RolloutStatus> check_replaced(const Observation& observation, const EcsDeployment* ours);
  std::optional<RolloutStatus> check_desired_count(const Observation& observation);
  // A verdict against us read from DescribeServices only: held back until a
  // later look confirms it (eventual consistency right after UpdateService).
  std::optional<RolloutStatus> confirmed(const Observation& observation,
                                         std::optional<RolloutStatus> verdict);
  void collect_evidence(const Observation& observation, const std::string& deployment_id);
  bool wants_evidence(const Observation& observation, const EcsDeployment* ours);
  std::optional<RolloutStatus> check_failures(const Observation& observation, const EcsDeployment& ours);
  // `ecs_done`: ECS says the deployment is finished (SUCCESSFUL, or rolloutState).
  RolloutStatus check_ready(const Observation& observation, const EcsDeployment& ours, bool ecs_done);
  std::string evidence_text() const;
  std::string without_component(const std::string& message) const;
  protocol::Reason failure_reason_for(const EcsDeployment* ours) const;
  RolloutStatus verdict(RolloutVerdict verdict, protocol::Reason reason, std::string message) const;

  std::string m_component;
  RolloutTarget m_target;
  int m_failed_seen = 0;  // highest failedTasks seen on our deployment
  int m_steps_since_evidence = 0;
  std::set<std::string> m_evidence_tasks;
  // How our stopped tasks stopped: each distinct description with a count.
  std::vector<std::pair<std::string, int>> m_evidence;
  std::optional<protocol::Reason> m_evidence_reason;  // most specific reason found so far
  std::set<std::string> m_placement_events;
  std::string m_placement_message;  // the newest placement failure ECS reported
  // Event ids present at the first look: only later events are about us
  // (comparing AWS timestamps with our clock would trust two clocks).
  std::optional<std::set<std::string>> m_events_before;
  std::map<std::string, std::chrono::steady_clock::time_point> m_unhealthy_since;  // by target id
  bool m_seen_ours = false;  // a DescribeServices showed our deployment
  std::optional<std::chrono::steady_clock::time_point> m_first_look;
  std::optional<std::pair<protocol::Reason, std::chrono::steady_clock::time_point>> m_unconfirmed;
  std::optional<std::chrono::steady_clock::time_point> m_bake_started;
};

// The reason a stopped task points to: image_pull_failed, health_check_failed
// or start_failed.
protocol::Reason classify_stopped_task(const EcsTask& task);
// "stopped (EssentialContainerExited): ...; container web exit code 137: OutOfMemoryError..."
std::string describe_stopped_task(const EcsTask& task);

}  // namespace adjust
