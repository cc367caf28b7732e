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

// Waiting for health checks can take minutes with the task counts standing
// still: reuse the running tasks while every deployment's counts are as
// when they were fetched (a few polls at most), so each such poll costs one
// DescribeTargetHealth instead of ListTasks + DescribeTasks as well. A task
// replaced unseen only delays success: its old target is not healthy.
Result<std::vector<EcsTask>> Follow::running_tasks(Follower& follower, const EcsService& service) {
  constexpr int k_max_reuses = 4;
  std::string counts;
  for (const auto& deployment : service.deployments) {
    counts += deployment.id + ':' + std::to_string(deployment.desired_count) + '/' +
              std::to_string(deployment.running_count) + '/' + std::to_string(deployment.pending_count) +
              '/' + std::to_string(deployment.failed_tasks) + ';';
  }
  RunningTaskCache& cache = follower.running;
  if (cache.tasks && cache.counts == counts && cache.reused < k_max_reuses) {
    ++cache.reused;
    return *cache.tasks;
  }
  cache.tasks = ADJUST_TRY(tasks_of(*follower.run, "RUNNING"));
  cache.counts = std::move(counts);
  cache.reused = 0;
  return *cache.tasks;
}

void Follow::use_describe_services(Follower& follower, const std::string& why) {
  follower.record = Follower::Record::describe_services;
  follower.tracker.bind("");
  if (!m_warned_unavailable.exchange(true)) {
    m_deps.logger.warn(why +
                       "; judging deployments by DescribeServices alone (the IAM actions "
                       "ecs:ListServiceDeployments, ecs:DescribeServiceDeployments and "
                       "ecs:DescribeServiceRevisions give the deployments' own verdicts)");
  }
}

Result<std::optional<ServiceDeployment>> Follow::bind(Follower& follower, const EcsService& service) {
  const ComponentRun& run = *follower.run;
  const std::string& previous = follower.tracker.target().previous_service_deployment;
  std::vector<std::string> candidates;
  auto consider = [&](const std::string& arn) {
    if (!arn.empty() && arn != previous &&
        std::find(candidates.begin(), candidates.end(), arn) == candidates.end())
      candidates.push_back(arn);
  };
  consider(follower.tracker.target().service_deployment);
  if (run.updated_service) consider(run.updated_service->current_service_deployment);
  consider(service.current_service_deployment);
  if (candidates.empty()) {
    // Not shown on the service yet: the newest deployments of the last minutes.
    ListServiceDeploymentsRequest request{
        run.plan.cluster, run.plan.service, m_deps.clock.now() - std::chrono::minutes(10), {}};
    auto listed = ADJUST_TRY(m_deps.ecs.list_service_deployments(request));
    std::sort(listed.begin(), listed.end(),
              [](const auto& a, const auto& b) { return a.created_at > b.created_at; });
    for (const auto& brief : listed) {
      if (candidates.size() < 5) consider(brief.arn);
    }
  }
  if (candidates.empty()) return std::optional<ServiceDeployment>{};
  auto described = ADJUST_TRY(m_deps.ecs.describe_service_deployments(candidates));
  std::vector<std::string> revision_arns;
  for (const auto& deployment : described.deployments) {
    if (deployment.target_revision) revision_arns.push_back(deployment.target_revision->arn);
  }
  auto revisions = ADJUST_TRY(m_deps.ecs.describe_service_revisions(revision_arns));
  // Ours is the one whose target revision runs the task definition we set.
  for (const auto& arn : candidates) {
    for (auto& deployment : described.deployments) {
      if (deployment.arn != arn || !deployment.target_revision) continue;
      for (const auto& revision : revisions.revisions) {
        if (revision.arn != deployment.target_revision->arn ||
            revision.task_definition != follower.tracker.target().task_definition)
          continue;
        follower.record = Follower::Record::api;
        follower.serving_target_groups = revision.resolved_target_groups;
        follower.tracker.bind(deployment.arn);
        m_deps.logger.info(run.name() + ": following service deployment " + deployment.arn);
        return std::optional<ServiceDeployment>(std::move(deployment));
      }
    }
  }
  return std::optional<ServiceDeployment>{};
}

std::map<std::string, ServiceDeployment> Follow::fetch_records(const std::vector<Follower*>& followers) {
  std::map<std::string, ServiceDeployment> records;
  std::vector<std::string> arns;
  for (const Follower* follower : followers) {
    if (follower->record == Follower::Record::api)
      arns.push_back(follower->tracker.target().service_deployment);
  }
  if (arns.empty()) return records;
  auto described = m_deps.ecs.describe_service_deployments(arns);
  if (!described) {
    // Denied now (a policy changed mid-run) or a failed read: this poll
    // judges by DescribeServices; a lasting denial switches for good.
    if (deployments_api_unavailable(described.error())) {
      for (Follower* follower : followers) {
        if (follower->record == Follower::Record::api)
          use_describe_services(*follower, "DescribeServiceDeployments: " + described.error().message);
      }
    } else {
      m_deps.logger.warn("DescribeServiceDeployments: " + described.error().message);
    }
    return records;
  }
  for (auto& deployment : described->deployments) records.emplace(deployment.arn, std::move(deployment));
  return records;
}

// A poll without a readable record of the deployment (the read failed, the
// record was missing, or its status was absent or unknown) is judged by
// DescribeServices; three in a row and the follower stops asking, so an
// answer that is always odd cannot hold the verdict until the deadline.
std::optional<ServiceDeployment> Follow::readable_record(
    Follower& follower, const std::map<std::string, ServiceDeployment>& records) {
  constexpr int k_unreadable_limit = 3;
  if (follower.record != Follower::Record::api) return std::nullopt;
  auto found = records.find(follower.tracker.target().service_deployment);
  if (found != records.end() && found->second.status != ServiceDeploymentStatus::unknown) {
    follower.unreadable_records = 0;
    return found->second;
  }
  if (++follower.unreadable_records >= k_unreadable_limit) {
    std::string what = found == records.end() ? std::string("no record")
                       : found->second.status_text.empty()
                           ? std::string("a record without a status")
                           : "a record with the unknown status " + found->second.status_text;
    use_describe_services(follower,
                          follower.run->name() + ": ECS's record of the deployment could not be read " +
                              std::to_string(k_unreadable_limit) + " times in a row (" + what + ")");
  }
  return std::nullopt;
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

// Step one follower with a fresh service view (and ECS's record of its
// deployment), fetching tasks, target health and evidence only when the
// tracker asks.
Result<RolloutStatus> Follow::observe(Follower& follower, EcsService service,
                                      std::optional<ServiceDeployment> record) {
  if (follower.record == Follower::Record::binding) {
    auto bound = bind(follower, service);
    SteadyTime now = m_deps.clock.monotonic();
    if (!follower.binding_since) follower.binding_since = now;
    if (!bound && deployments_api_unavailable(bound.error())) {
      use_describe_services(
          follower, "the ECS service deployments API is not available (" + bound.error().message + ")");
    } else if (bound && *bound) {
      record = std::move(*bound);
    } else if (now - *follower.binding_since >= m_deps.policy.binding_window) {
      use_describe_services(follower, follower.run->name() +
                                          ": could not find the service deployment this adjustment started" +
                                          (bound ? "" : " (" + bound.error().message + ")"));
    }
  }
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
    observation.running_tasks = ADJUST_TRY(running_tasks(follower, observation.service));
    for (const auto& group : target_groups_to_check(observation.service, observation.serving_target_groups)) {
      observation.target_health[group] = ADJUST_TRY(m_deps.elbv2.describe_target_health(group));
    }
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
  std::vector<Follower*> observing;
  for (auto& entry : observed) observing.push_back(entry.first);
  std::map<std::string, ServiceDeployment> records = fetch_records(observing);
  std::vector<Result<RolloutStatus>> statuses(observed.size());
  parallel_for(observed.size(), m_deps.policy.concurrency, [&](std::size_t i) {
    Follower& follower = *observed[i].first;
    statuses[i] = observe(follower, std::move(observed[i].second), readable_record(follower, records));
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
