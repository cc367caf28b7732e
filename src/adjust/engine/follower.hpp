// One deployment being followed by the polling loop, and what it remembers
// between polls.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adjust/engine/run_state.hpp"
#include "adjust/logic/rollout.hpp"

namespace adjust {

using SteadyTime = std::chrono::steady_clock::time_point;

// A follower's last task and target-health look-up, and how its deployments
// looked then. Tasks and targets move as the deployments do, so while
// nothing in them moved the look is reused (PollPolicy::lookup_refresh).
struct LastLook {
  std::optional<std::vector<EcsTask>> running_tasks;
  std::map<std::string, std::vector<TargetHealth>> target_health;
  std::string signature;  // see look_signature()
  SteadyTime at{};
};

// What moves when tasks or targets do: every deployment's state and counts,
// the service's desired count and newest events, ECS's record's status and
// stage.
std::string look_signature(const EcsService& service, const std::optional<ServiceDeployment>& record);

struct Follower {
  Follower(const ComponentRun& component_run, RolloutTracker rollout_tracker, SteadyTime until,
           std::chrono::seconds configured_budget, std::optional<SteadyTime> settle = {})
      : run(&component_run),
        tracker(std::move(rollout_tracker)),
        deadline(until),
        settle_until(settle),
        budget(configured_budget) {}

  // How this follower learns ECS's verdict: from the service deployments API
  // (once the deployment our UpdateService started is found: `binding`), or
  // from DescribeServices alone.
  enum class Record { binding, api, describe_services };

  const ComponentRun* run;
  RolloutTracker tracker;
  Record record = Record::describe_services;
  std::vector<std::string> serving_target_groups;  // api: our revision's target groups
  std::optional<SteadyTime> binding_since;
  int unreadable_records = 0;  // api: polls in a row without a record we could read
  std::set<std::string> continued_hooks;
  SteadyTime deadline;
  std::optional<SteadyTime> settle_until;  // settlement: succeed only once this passes
  std::chrono::seconds budget{};           // the deadline as configured, for the timeout message
  RolloutStatus last;
  bool done = false;
  std::optional<FinalStatus> failure;  // why it failed, once decided
  LastLook look;
};

}  // namespace adjust
