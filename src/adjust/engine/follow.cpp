#include "adjust/engine/follow.hpp"

#include <algorithm>
#include <map>

#include "adjust/base/parallel.hpp"
#include "adjust/engine/read_state.hpp"

namespace adjust {
namespace {

using protocol::Reason;
using std::chrono::milliseconds;

std::string deadline_text(std::chrono::seconds timeout) { return std::to_string(timeout.count()) + " s"; }

// Decided: it failed (or was rejected) with `status`; the first verdict stands.
void decide(Follower& follower, FinalStatus status) {
  follower.done = true;
  follower.last.verdict =
      status.status == protocol::Status::rejected ? RolloutVerdict::rejected : RolloutVerdict::failed;
  if (!follower.failure) follower.failure = std::move(status);
}

void settle_or_decide(Follower& follower) {
  switch (follower.last.verdict) {
    case RolloutVerdict::in_progress:
      return;
    case RolloutVerdict::succeeded:
      if (!follower.settle_until) follower.done = true;
      return;
    case RolloutVerdict::rejected:
      decide(follower, {protocol::Status::rejected, follower.last.reason, follower.last.message});
      return;
    case RolloutVerdict::failed:
      decide(follower, {protocol::Status::failed, follower.last.reason, follower.last.message});
      return;
  }
}

}  // namespace

RolloutTarget rollout_target(const std::string& task_definition, const std::string& previous, int desired,
                             const EcsService& service, std::chrono::seconds unhealthy_grace) {
  RolloutTarget target;
  target.task_definition = task_definition;
  target.previous_task_definition = previous;
  target.desired_count = desired;
  target.unhealthy_grace = unhealthy_grace;
  if (const EcsDeployment* primary = primary_of(service);
      primary != nullptr && primary->task_definition == task_definition) {
    target.deployment_id = primary->id;
  }
  return target;
}

double Follow::random01() {
  if (m_deps.random) return m_deps.random();
  return std::uniform_real_distribution<double>(0.0, 1.0)(m_rng);
}

Result<std::vector<EcsTask>> Follow::tasks_of(const ComponentRun& run, const std::string& desired_status) {
  auto arns = m_deps.ecs.list_tasks(run.plan.cluster, run.plan.service, desired_status);
  if (!arns) return fail(arns.error());
  // All of them: every running task counts towards readiness, and ListTasks
  // has no order, so the stopped task that explains a failure may be the last.
  if (arns->empty()) return std::vector<EcsTask>{};
  auto described = m_deps.ecs.describe_tasks(run.plan.cluster, *arns);
  if (!described) return fail(described.error());
  return std::move(described->tasks);
}

void Follow::continue_hook(Follower& follower, const std::string& hook_id) {
  if (follower.continued_hooks.contains(hook_id)) return;
  const std::string& arn = follower.tracker.target().service_deployment;
  auto continued = m_deps.ecs.continue_service_deployment(arn, hook_id, HookAction::resume);
  if (!continued) {
    m_deps.logger.warn(follower.run->name() + ": ContinueServiceDeployment at hook " + hook_id + ": " +
                       continued.error().message);
    return;  // tried again next poll
  }
  follower.continued_hooks.insert(hook_id);
  m_deps.logger.info(follower.run->name() + ": continued the deployment paused at lifecycle hook " + hook_id);
}

// Tasks and targets move as the deployments do: while nothing in them moved
// since the last look (and no unhealthy target's grace is running), that
// look stands in for a new one, refreshed at least every lookup_refresh. So
// waiting for health checks costs no look-ups until ECS moves (a new task
// healthy lets the old one drain), and a moved count costs one.
Status Follow::look_up(Follower& follower, Observation& observation) {
  LastLook& look = follower.look;
  std::string signature = look_signature(observation.service, observation.deployment);
  bool unhealthy_seen = false;
  for (const auto& [group, targets] : look.target_health) {
    for (const auto& target : targets)
      unhealthy_seen = unhealthy_seen || target.state.starts_with("unhealthy");
  }
  bool fresh = observation.now - look.at < m_deps.policy.lookup_refresh;
  if (look.running_tasks && look.signature == signature && fresh && !unhealthy_seen &&
      !follower.tracker.target().settling) {
    observation.running_tasks = look.running_tasks;
    observation.target_health = look.target_health;
    return {};
  }
  observation.running_tasks = ADJUST_TRY(tasks_of(*follower.run, "RUNNING"));
  for (const auto& group : target_groups_to_check(observation.service, observation.serving_target_groups)) {
    observation.target_health[group] = ADJUST_TRY(m_deps.elbv2.describe_target_health(group));
  }
  look =
      LastLook{observation.running_tasks, observation.target_health, std::move(signature), observation.now};
  return {};
}

// Step one follower with a fresh service view (and ECS's record of its
// deployment), fetching tasks, target health and evidence only when the
// tracker asks.
Result<RolloutStatus> Follow::observe(Follower& follower, EcsService service,
                                      std::optional<ServiceDeployment> record) {
  Observation observation;
  observation.service = std::move(service);
  observation.now = m_deps.clock.monotonic();
  if (follower.record == Follower::Record::api && record) {
    observation.deployment = std::move(record);
    observation.serving_target_groups = follower.serving_target_groups;
  }
  RolloutStatus status = follower.tracker.step(observation);
  if (status.wants_evidence) {
    observation.stopped_tasks = ADJUST_TRY(tasks_of(*follower.run, "STOPPED"));
    observation.evidence_fetched = true;
    status = follower.tracker.step(observation);
  }
  if (status.wants_tasks) {
    ADJUST_CHECK(look_up(follower, observation));
    observation.evidence_fetched = true;  // don't fetch evidence twice in one poll
    status = follower.tracker.step(observation);
  }
  if (!status.continue_hook.empty()) continue_hook(follower, status.continue_hook);
  return status;
}

milliseconds Follow::next_interval(SteadyTime started) {
  const PollPolicy& policy = m_deps.policy;
  ++m_poll_number;
  auto elapsed = m_deps.clock.monotonic() - started;
  milliseconds cap = elapsed < policy.early_period ? policy.early_max : policy.late_max;
  // 1 s, 1 s, 2 s, 2 s, 3 s, ... up to the cap.
  milliseconds base = std::min(cap, policy.first * ((m_poll_number + 1) / 2));
  double factor = 1.0 + policy.jitter * (2.0 * random01() - 1.0);
  return milliseconds(static_cast<long long>(static_cast<double>(base.count()) * factor));
}

// Intervals run from the start of one poll to the next, so a poll that
// takes long (many components, slow AWS) does not push every later look,
// and the final one, back. A poll slower than its interval still leaves a
// quarter of the interval as a pause, so polls never run back to back.
milliseconds Follow::wait_after(SteadyTime poll_started, milliseconds interval) const {
  auto spent = std::chrono::duration_cast<milliseconds>(m_deps.clock.monotonic() - poll_started);
  return std::max(interval / 4, interval - spent);
}

void Follow::report_progress(const std::vector<Follower>& followers) {
  int total = 0;
  std::string message;
  for (const Follower& follower : followers) {
    total +=
        follower.done && follower.last.verdict == RolloutVerdict::succeeded ? 100 : follower.last.percent;
    if (!follower.last.message.empty()) message += (message.empty() ? "" : "; ") + follower.last.message;
  }
  int percent = followers.empty() ? 100 : total / static_cast<int>(followers.size());
  auto now = m_deps.clock.monotonic();
  if (message != m_last_message || now - m_last_progress >= m_deps.policy.progress_every) {
    m_deps.output.progress(std::min(percent, 99), message);
    m_last_message = message;
    m_last_progress = now;
  }
}

// One look at every undecided follower: one DescribeServices per cluster,
// then each follower's own look-ups, all at once.
Follow::Poll Follow::poll(std::vector<Follower>& followers, const char* phase, int consecutive_errors) {
  std::map<std::string, std::vector<Follower*>> by_cluster;
  std::map<std::string, std::vector<std::string>> names_by_cluster;
  for (Follower& follower : followers) {
    if (follower.done) continue;
    by_cluster[follower.run->plan.cluster].push_back(&follower);
    names_by_cluster[follower.run->plan.cluster].push_back(follower.run->plan.service);
  }
  if (by_cluster.empty()) return Poll::nothing_left;

  const int max_errors = m_deps.policy.max_consecutive_poll_errors;
  bool failed = false;
  auto give_up = [&](const Error& error) {
    return !worth_retrying(error) || consecutive_errors + 1 >= max_errors;
  };
  auto described = describe_services_by_cluster(m_deps.ecs, names_by_cluster, m_deps.policy.concurrency);
  // Each service is moved out of the answer, not copied (two components
  // on one service get a copy each).
  std::vector<std::pair<Follower*, EcsService>> observed;
  std::map<const EcsService*, std::size_t> taken;
  for (auto& [cluster, members] : by_cluster) {
    auto& services = described.at(cluster);
    if (!services) {
      failed = true;
      m_deps.logger.warn(std::string(phase) + ": " + services.error().message);
      if (give_up(services.error())) {
        for (Follower* follower : members) decide(*follower, final_status_for(services.error()));
      }
      continue;
    }
    for (Follower* follower : members) {
      EcsService* service = nullptr;
      for (auto& candidate : services->services) {
        if (names_service(candidate, follower->run->plan.service)) service = &candidate;
      }
      if (service == nullptr) {
        // Gone only when ECS says so (MISSING); an answer that merely lacks
        // it is a failed poll.
        const std::string& name = follower->run->plan.service;
        bool missing = std::any_of(services->failures.begin(), services->failures.end(),
                                   [&](const EcsFailure& f) { return names_service(f.arn, name); });
        failed = true;
        m_deps.logger.warn(std::string(phase) + ": DescribeServices did not return service " + name);
        if (missing) {
          decide(*follower, {protocol::Status::failed, Reason::service_deleted,
                             follower->run->name() + ": service " + name + " was deleted"});
        } else if (consecutive_errors + 1 >= max_errors) {
          decide(*follower,
                 {protocol::Status::failed, Reason::not_found,
                  follower->run->name() + ": service " + name + " is missing from DescribeServices"});
        }
        continue;
      }
      if (!service->status.empty() && service->status != "ACTIVE") {
        // DRAINING: being deleted; its count drops to 0, which must not read as done.
        decide(*follower, {protocol::Status::failed, Reason::service_deleted,
                           follower->run->name() + ": service " + service->name + " is " + service->status +
                               " (being deleted)"});
        continue;
      }
      if (auto earlier = taken.find(service); earlier != taken.end()) {
        EcsService copy = observed[earlier->second].second;
        observed.emplace_back(follower, std::move(copy));
      } else {
        taken.emplace(service, observed.size());
        observed.emplace_back(follower, std::move(*service));
      }
    }
  }
  std::vector<std::pair<Follower*, const EcsService*>> observing;
  for (auto& [follower, service] : observed) observing.emplace_back(follower, &service);
  std::vector<std::optional<ServiceDeployment>> records = m_records.read(observing);
  std::vector<Result<RolloutStatus>> statuses(observed.size());
  parallel_for(observed.size(), m_deps.policy.concurrency, [&](std::size_t i) {
    statuses[i] = observe(*observed[i].first, std::move(observed[i].second), std::move(records[i]));
  });
  for (std::size_t i = 0; i < observed.size(); ++i) {
    Follower* follower = observed[i].first;
    const auto& status = statuses[i];
    if (!status) {
      failed = true;
      m_deps.logger.warn(std::string(phase) + ": " + status.error().message);
      if (give_up(status.error())) decide(*follower, final_status_for(status.error()));
      continue;
    }
    follower->last = *status;
    settle_or_decide(*follower);
  }
  return failed ? Poll::failed : Poll::ok;
}

FollowResult Follow::run(std::vector<Follower>& followers, const char* phase, const CancelToken& cancel) {
  auto result = [&followers](bool cancelled) {
    FollowResult out{cancelled, {}};
    for (const Follower& follower : followers) out.failures.push_back(follower.failure);
    return out;
  };
  SteadyTime started = m_deps.clock.monotonic();
  m_poll_number = 0;
  int consecutive_errors = 0;
  for (;;) {
    if (cancel.requested()) return result(true);
    SteadyTime poll_started = m_deps.clock.monotonic();
    Poll polled = poll(followers, phase, consecutive_errors);
    if (polled == Poll::nothing_left) break;
    consecutive_errors = polled == Poll::failed ? consecutive_errors + 1 : 0;

    auto now = m_deps.clock.monotonic();
    for (Follower& follower : followers) {
      if (follower.done) continue;
      if (follower.settle_until && now >= *follower.settle_until &&
          follower.last.verdict == RolloutVerdict::succeeded) {
        follower.done = true;
      } else if (now >= follower.deadline) {
        decide(follower,
               {protocol::Status::failed, Reason::timeout,
                follower.run->name() + ": " + phase + " did not finish within " +
                    deadline_text(follower.budget) + " (last seen: " + follower.last.message + ")"});
      }
    }
    report_progress(followers);
    if (std::all_of(followers.begin(), followers.end(), [](const Follower& f) { return f.done; })) break;
    CancellableClock(m_deps.clock, cancel).sleep_for(wait_after(poll_started, next_interval(started)));
  }
  return result(cancel.requested());
}

}  // namespace adjust
