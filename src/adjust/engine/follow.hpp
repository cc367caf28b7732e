// Following deployments to a verdict: one polling loop for every follower
// (one DescribeServices per 10 services of a cluster per poll, ECS's records
// read together), each follower's tasks and target health fetched only when
// its tracker asks and its deployment moved, and progress lines.
#pragma once

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "adjust/engine/deployment_records.hpp"
#include "adjust/engine/follower.hpp"

namespace adjust {

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
  explicit Follow(const EngineDeps& deps) : m_deps(deps), m_records(deps) {}

  // Poll until every follower is decided, its deadline passes, or `cancel`.
  // `phase` names the wait in messages ("deployment", "settlement", "rollback").
  FollowResult run(std::vector<Follower>& followers, const char* phase, const CancelToken& cancel);

 private:
  enum class Poll { nothing_left, ok, failed };

  Poll poll(std::vector<Follower>& followers, const char* phase, int consecutive_errors);
  Result<RolloutStatus> observe(Follower& follower, EcsService service,
                                std::optional<ServiceDeployment> record);
  void continue_hook(Follower& follower, const std::string& hook_id);
  Result<std::vector<EcsTask>> tasks_of(const ComponentRun& run, const std::string& desired_status);
  // The follower's running tasks and target health: fetched, or its last look
  // while nothing moved.
  Status look_up(Follower& follower, Observation& observation);
  std::chrono::milliseconds next_interval(SteadyTime started);
  std::chrono::milliseconds wait_after(SteadyTime poll_started, std::chrono::milliseconds interval) const;
  // A line when the message changes, and at least every progress_every.
  void report_progress(const std::vector<Follower>& followers);
  double random01();

  const EngineDeps& m_deps;
  DeploymentRecords m_records;
  std::mt19937_64 m_rng{std::random_device{}()};
  SteadyTime m_last_progress{};
  std::string m_last_message;
  int m_poll_number = 0;
};

}  // namespace adjust
