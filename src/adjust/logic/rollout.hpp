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
#include "adjust/protocol/status.hpp"

namespace adjust {

// What success means for one component.
struct RolloutTarget {
  std::string deployment_id;             // the deployment we follow; "" = adopt the PRIMARY on our TD
  std::string task_definition;           // ARN the service must end up running
  std::string previous_task_definition;  // what it ran before (to recognise a rollback)
  int desired_count = 0;
  bool wait_for_drain = false;
  // During settlement the deployment already succeeded: any task failure or
  // unhealthy target is instability, and there is no further progress to make.
  bool settling = false;
  std::chrono::seconds unhealthy_grace{120};
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
};

class RolloutTracker {
 public:
  RolloutTracker(std::string component, RolloutTarget target);

  RolloutStatus step(const Observation& observation);
  const RolloutTarget& target() const { return m_target; }

 private:
  std::optional<RolloutStatus> check_replaced(const Observation& observation,
                                              const EcsDeployment* ours) const;
  void collect_evidence(const Observation& observation, const std::string& deployment_id);
  bool wants_evidence(const Observation& observation, const EcsDeployment* ours);
  std::optional<RolloutStatus> check_failures(const Observation& observation, const EcsDeployment& ours);
  RolloutStatus check_ready(const Observation& observation, const EcsDeployment& ours);
  std::string evidence_text() const;
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
};

// The reason a stopped task points to: image_pull_failed, health_check_failed
// or start_failed.
protocol::Reason classify_stopped_task(const EcsTask& task);
// "stopped (EssentialContainerExited): ...; container web exit code 137: OutOfMemoryError..."
std::string describe_stopped_task(const EcsTask& task);

}  // namespace adjust
