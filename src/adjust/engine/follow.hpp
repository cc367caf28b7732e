// Following deployments to a verdict: one polling loop for every follower
// (one DescribeServices per cluster per poll), each follower's tasks and
// target health fetched only when its tracker asks, and progress lines.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "adjust/engine/run_state.hpp"
#include "adjust/logic/rollout.hpp"

namespace adjust {

using SteadyTime = std::chrono::steady_clock::time_point;

// A follower's running tasks as last fetched, and the deployment counts seen
// then: tasks come and go only as those counts move.
struct RunningTaskCache {
  std::optional<std::vector<EcsTask>> tasks;
  std::string counts;  // every deployment's id and counts when fetched
  int reused = 0;      // polls served from the cache since
};

// One deployment being followed by the polling loop.
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
  RunningTaskCache running;
};

// How a follow ended: cancelled, or each follower's failure (nullopt where it
// succeeded), in the order of the followers given.
struct FollowResult {
  bool cancelled = false;
  std::vector<std::optional<FinalStatus>> failures;
};

// What success means when the service must end up on `task_definition`; the
// deployment to follow is the PRIMARY on it in `service` (as UpdateService
// answered), else the tracker adopts it once it appears.
RolloutTarget rollout_target(const std::string& task_definition, const std::string& previous, int desired,
                             const EcsService& service, std::chrono::seconds unhealthy_grace);

// The polling loop. One per adjustment: the progress line is not repeated
// from one phase to the next.
class Follow {
 public:
  explicit Follow(const EngineDeps& deps) : m_deps(deps) {}

  // Poll until every follower is decided, its deadline passes, or `cancel`.
  // `phase` names the wait in messages ("deployment", "settlement", "rollback").
  FollowResult run(std::vector<Follower>& followers, const char* phase, const CancelToken& cancel);

 private:
  enum class Poll { nothing_left, ok, failed };

  Poll poll(std::vector<Follower>& followers, const char* phase, int consecutive_errors);
  Result<RolloutStatus> observe(Follower& follower, EcsService service,
                                std::optional<ServiceDeployment> record);
  // Find the service deployment our UpdateService started; returns it once found.
  Result<std::optional<ServiceDeployment>> bind(Follower& follower, const EcsService& service);
  // ECS's record of each API follower's deployment, one call per 20.
  std::map<std::string, ServiceDeployment> fetch_records(const std::vector<Follower*>& followers);
  std::optional<ServiceDeployment> readable_record(Follower& follower,
                                                   const std::map<std::string, ServiceDeployment>& records);
  void use_describe_services(Follower& follower, const std::string& why);
  void continue_hook(Follower& follower, const std::string& hook_id);
  Result<std::vector<EcsTask>> tasks_of(const ComponentRun& run, const std::string& desired_status);
  Result<std::vector<EcsTask>> running_tasks(Follower& follower, const EcsService& service);
  std::chrono::milliseconds next_interval(SteadyTime started);
  std::chrono::milliseconds wait_after(SteadyTime poll_started, std::chrono::milliseconds interval) const;
  // A line when the message changes, and at least every progress_every.
  void report_progress(const std::vector<Follower>& followers);
  double random01();

  const EngineDeps& m_deps;
  std::mt19937_64 m_rng{std::random_device{}()};
  SteadyTime m_last_progress{};
  std::string m_last_message;
  int m_poll_number = 0;
  std::atomic<bool> m_warned_unavailable{false};  // said once that the deployments API is unavailable
};

}  // namespace adjust
