#include "adjust/engine/engine.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <set>

#include "adjust/logic/plan.hpp"
#include "adjust/model/arn.hpp"
#include "adjust/logic/rollout.hpp"
#include "adjust/engine/read_state.hpp"
#include "adjust/logic/task_definition.hpp"

namespace adjust {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using SteadyTime = std::chrono::steady_clock::time_point;

// Where a component is in its adjustment.
struct ComponentRun {
  explicit ComponentRun(ComponentPlan component_plan) : plan(std::move(component_plan)) {}

  ComponentPlan plan;
  std::string target_task_definition;   // what the service should run once done
  std::string registered_arn;           // the revision we registered, if any
  bool service_updated = false;         // we called UpdateService (and it may have applied)
  bool update_unconfirmed = false;      // ... but got no readable answer to it
  std::optional<EcsService> updated_service;  // what UpdateService answered
  std::optional<FinalStatus> outcome;   // set once decided
  std::string rollback_note;            // what a rollback restored
  std::optional<FinalStatus> rollback_failure;  // the restore itself failed: why
};

// A follower's running tasks as last fetched, and the deployment counts seen
// then: tasks come and go only as those counts move.
struct RunningTaskCache {
  std::optional<std::vector<EcsTask>> tasks;
  std::string counts;   // every deployment's id and counts when fetched
  int reused = 0;       // polls served from the cache since
};

// One deployment being followed by the polling loop.
struct Follower {
  ComponentRun* run = nullptr;
  RolloutTracker tracker;
  SteadyTime deadline;
  std::optional<SteadyTime> settle_until;   // settlement: succeed only once this passes
  RolloutStatus last;
  bool done = false;
  seconds budget{};   // the deadline as configured, for the timeout message
  RunningTaskCache running;
};

std::string deadline_text(seconds timeout) { return std::to_string(timeout.count()) + " s"; }

std::string revision_and_count(const std::string& arn, int count) {
  return revision_of(arn) + " with " + std::to_string(count) + " task(s)";
}

// A failed mutation that may still have reached ECS: no answer, a 5xx, or an
// answer we could not read. (Throttling, auth and 4xx errors were refused.)
bool may_have_applied(const Error& error) {
  return error.code == ErrorCode::aws_network || error.code == ErrorCode::aws_timeout ||
         error.code == ErrorCode::aws_transient || error.code == ErrorCode::aws_bad_response;
}

// A failed poll worth trying again next time: reads are safe to repeat, so a
// garbled answer counts like a transient error.
bool poll_can_retry(const Error& error) {
  return error.retryable() || error.code == ErrorCode::aws_bad_response;
}

}  // namespace

struct Engine::Impl {
  Impl(Engine& owner, EngineOptions run_options) : engine(owner), options(run_options), cancel(&owner.m_cancel) {}

  Engine& engine;
  EngineOptions options;
  // The token the polling loop obeys; a rollback after cancel uses a fresh one
  // so that restoring the service is not itself cancelled.
  const CancelToken* cancel;
  std::vector<ComponentRun> runs;
  std::mt19937_64 rng{std::random_device{}()};
  SteadyTime last_progress{};
  std::string last_message;
  int poll_number = 0;

  double random01() {
    if (engine.m_random) return engine.m_random();
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  }

  seconds timeout_for(const ComponentConfig& component) const {
    return options.timeout.value_or(component.timeout_service_desired_count);
  }

  // --- applying ------------------------------------------------------------

  Status apply(ComponentRun& run) {
    const ComponentConfig& component = *run.plan.config;
    run.target_task_definition = run.plan.current_task_definition;
    if (run.plan.new_revision) {
      for (const auto& field : run.plan.new_revision->unknown_fields) {
        engine.m_logger.warn("component " + component.name + ": task definition field " + field +
                             " is neither registrable nor known read-only; it is not copied");
      }
      engine.m_output.progress(0, component.name + ": registering a new task definition revision");
      auto registered = engine.m_ecs.register_task_definition(run.plan.new_revision->register_request);
      if (!registered) {
        return fail(with_context(registered.error(), "component " + component.name + ": register task definition"));
      }
      run.registered_arn = registered->arn();
      run.target_task_definition = run.registered_arn;
      engine.m_logger.info("component " + component.name + ": registered " + revision_of(run.registered_arn));
    }
    if (!run.plan.changes_anything()) return {};
    if (engine.m_cancel.requested()) {
      // Cancelled while registering: leave the service alone, tidy up.
      discard_revision(run);
      return fail(ErrorCode::cancelled, component.name + ": cancelled before the service was updated");
    }

    UpdateServiceRequest request{run.plan.cluster, run.plan.service, {}, run.plan.desired_count, {}};
    if (run.plan.new_revision) request.task_definition = run.target_task_definition;
    const DeploymentOptions& deployment = component.deployment;
    if (deployment.maximum_percent || deployment.minimum_healthy_percent) {
      UpdateServiceRequest::DeploymentLimits limits;
      limits.current = run_service(run).raw.value("deploymentConfiguration", nlohmann::json::object());
      limits.maximum_percent = deployment.maximum_percent;
      limits.minimum_healthy_percent = deployment.minimum_healthy_percent;
      request.deployment_limits = std::move(limits);
    }
    engine.m_output.progress(0, component.name + ": updating service " + run.plan.service);
    auto updated = engine.m_ecs.update_service(request);
    if (!updated) {
      if (may_have_applied(updated.error())) {
        // It may be running now: restore the previous state to be sure.
        run.service_updated = true;
        run.update_unconfirmed = true;
      } else {
        discard_revision(run);
      }
      return fail(with_context(updated.error(), "component " + component.name + ": update service"));
    }
    run.service_updated = true;
    run.updated_service = std::move(*updated);
    return {};
  }

  // Deregister the revision we registered for a service that never got it.
  void discard_revision(ComponentRun& run) {
    if (run.registered_arn.empty()) return;
    std::string revision = revision_of(run.registered_arn);
    if (auto deregistered = engine.m_ecs.deregister_task_definition(run.registered_arn)) {
      run.rollback_note = "Deregistered " + revision + ", which the service never used";
    } else {
      run.rollback_note = "Could not deregister " + revision + ", which the service never used: " +
                          deregistered.error().message;
    }
  }

  // The service as last seen (from the initial read or UpdateService).
  const EcsService& run_service(const ComponentRun& run) const { return m_services.at(&run); }

  // What success means when the service must end up on `task_definition`;
  // the deployment to follow is the PRIMARY on it in `service` (as UpdateService
  // answered), else the tracker adopts it once it appears.
  RolloutTarget target_for(const std::string& task_definition, const std::string& previous, int desired,
                           const EcsService& service) const {
    RolloutTarget target;
    target.task_definition = task_definition;
    target.previous_task_definition = previous;
    target.desired_count = desired;
    target.unhealthy_grace = engine.m_policy.unhealthy_grace;
    for (const auto& deployment : service.deployments) {
      if (deployment.status == "PRIMARY" && deployment.task_definition == task_definition) {
        target.deployment_id = deployment.id;
      }
    }
    return target;
  }

  // Who to follow after apply: the deployment UpdateService started, or the
  // current PRIMARY when nothing changed (a health check).
  Follower follower_for(ComponentRun& run, SteadyTime start) {
    const ComponentConfig& component = *run.plan.config;
    const EcsService& service = run.updated_service ? *run.updated_service : run_service(run);
    RolloutTarget target = target_for(run.target_task_definition, run.plan.current_task_definition,
                                      run.plan.target_desired_count(), service);
    target.wait_for_drain = component.wait_for_drain;
    return Follower{&run, RolloutTracker(component.name, target), start + timeout_for(component), {}, {}, false,
                    timeout_for(component), {}};
  }

  // --- observing -----------------------------------------------------------

  Result<std::vector<EcsTask>> tasks_of(const ComponentRun& run, const std::string& desired_status) {
    auto arns = engine.m_ecs.list_tasks(run.plan.cluster, run.plan.service, desired_status);
    if (!arns) return fail(arns.error());
    // All of them: every running task counts towards readiness, and ListTasks
    // has no order, so the stopped task that explains a failure may be the last.
    if (arns->empty()) return std::vector<EcsTask>{};
    auto described = engine.m_ecs.describe_tasks(run.plan.cluster, *arns);
    if (!described) return fail(described.error());
    return std::move(described->tasks);
  }

  // Waiting for health checks can take minutes with the task counts standing
  // still: reuse the running tasks while every deployment's counts are as
  // when they were fetched (a few polls at most), so each such poll costs one
  // DescribeTargetHealth instead of ListTasks + DescribeTasks as well. A task
  // replaced unseen only delays success: its old target is not healthy.
  Result<std::vector<EcsTask>> running_tasks(Follower& follower, const EcsService& service) {
    constexpr int k_max_reuses = 4;
    std::string counts;
    for (const auto& deployment : service.deployments) {
      counts += deployment.id + ':' + std::to_string(deployment.desired_count) + '/' +
                std::to_string(deployment.running_count) + '/' +
                std::to_string(deployment.pending_count) + '/' + std::to_string(deployment.failed_tasks) + ';';
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

  // Step one follower with a fresh service view, fetching tasks, target health
  // and evidence only when the tracker asks.
  Result<RolloutStatus> observe(Follower& follower, EcsService service) {
    Observation observation;
    observation.service = std::move(service);
    observation.now = engine.m_clock.monotonic();
    RolloutStatus status = follower.tracker.step(observation);
    if (status.wants_evidence) {
      observation.stopped_tasks = ADJUST_TRY(tasks_of(*follower.run, "STOPPED"));
      observation.evidence_fetched = true;
      status = follower.tracker.step(observation);
    }
    if (status.wants_tasks) {
      observation.running_tasks = ADJUST_TRY(running_tasks(follower, observation.service));
      for (const auto& lb : observation.service.load_balancers) {
        if (lb.target_group_arn.empty() || observation.target_health.contains(lb.target_group_arn)) continue;
        observation.target_health[lb.target_group_arn] =
            ADJUST_TRY(engine.m_elbv2.describe_target_health(lb.target_group_arn));
      }
      observation.evidence_fetched = true;  // don't fetch evidence twice in one poll
      status = follower.tracker.step(observation);
    }
    return status;
  }

  milliseconds next_interval(SteadyTime started) {
    ++poll_number;
    auto elapsed = engine.m_clock.monotonic() - started;
    milliseconds cap = elapsed < engine.m_policy.early_period ? engine.m_policy.early_max : engine.m_policy.late_max;
    // 1 s, 1 s, 2 s, 2 s, 3 s, ... up to the cap.
    milliseconds base = std::min(cap, engine.m_policy.first * ((poll_number + 1) / 2));
    double factor = 1.0 + engine.m_policy.jitter * (2.0 * random01() - 1.0);
    return milliseconds(static_cast<long long>(static_cast<double>(base.count()) * factor));
  }

  // Intervals run from the start of one poll to the next, so a poll that
  // takes long (many components, slow AWS) does not push every later look,
  // and the final one, back. A poll slower than its interval still leaves a
  // quarter of the interval as a pause, so polls never run back to back.
  milliseconds wait_after(SteadyTime poll_started, milliseconds interval) const {
    auto spent = std::chrono::duration_cast<milliseconds>(engine.m_clock.monotonic() - poll_started);
    return std::max(interval / 4, interval - spent);
  }

  void report_progress(const std::vector<Follower*>& followers, bool force) {
    int total = 0;
    std::string message;
    for (const Follower* follower : followers) {
      total += follower->done && follower->last.verdict == RolloutVerdict::succeeded ? 100 : follower->last.percent;
      if (!follower->last.message.empty()) message += (message.empty() ? "" : "; ") + follower->last.message;
    }
    int percent = followers.empty() ? 100 : total / static_cast<int>(followers.size());
    auto now = engine.m_clock.monotonic();
    if (force || message != last_message || now - last_progress >= engine.m_policy.progress_every) {
      engine.m_output.progress(std::min(percent, 99), message);
      last_message = message;
      last_progress = now;
    }
  }

  // One look at every undecided follower: one DescribeServices per cluster
  // per 10 services, then each follower's own look-ups, all at once. Returns
  // false if no follower is left; sets poll_failed on an AWS error.
  bool poll(const std::vector<Follower*>& followers, const char* phase, int consecutive_errors, bool& poll_failed) {
    std::map<std::string, std::vector<Follower*>> by_cluster;
    std::map<std::string, std::vector<std::string>> names_by_cluster;
    for (Follower* follower : followers) {
      if (follower->done) continue;
      by_cluster[follower->run->plan.cluster].push_back(follower);
      names_by_cluster[follower->run->plan.cluster].push_back(follower->run->plan.service);
    }
    if (by_cluster.empty()) return false;

    auto give_up = [&](const Error& error) {
      return !poll_can_retry(error) || consecutive_errors + 1 >= engine.m_policy.max_consecutive_poll_errors;
    };
    auto described = describe_services_by_cluster(engine.m_ecs, names_by_cluster, engine.m_policy.concurrency);
    // Each service is moved out of the answer, not copied (two components
    // on one service get a copy each).
    std::vector<std::pair<Follower*, EcsService>> observed;
    std::map<const EcsService*, std::size_t> taken;
    for (auto& [cluster, members] : by_cluster) {
      auto& services = described.at(cluster);
      if (!services) {
        poll_failed = true;
        engine.m_logger.warn(std::string(phase) + ": " + services.error().message);
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
          poll_failed = true;
          engine.m_logger.warn(std::string(phase) + ": DescribeServices did not return service " + name);
          if (missing || consecutive_errors + 1 >= engine.m_policy.max_consecutive_poll_errors) {
            decide(*follower, {"failed", "not-found", follower->run->plan.config->name + ": service " + name +
                                                         (missing ? " disappeared" : " is missing from DescribeServices")});
          }
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
    std::vector<Result<RolloutStatus>> statuses(observed.size());
    parallel_for(observed.size(), engine.m_policy.concurrency, [&](std::size_t i) {
      statuses[i] = observe(*observed[i].first, std::move(observed[i].second));
    });
    for (std::size_t i = 0; i < observed.size(); ++i) {
      Follower* follower = observed[i].first;
      const auto& status = statuses[i];
      if (!status) {
        poll_failed = true;
        engine.m_logger.warn(std::string(phase) + ": " + status.error().message);
        if (give_up(status.error())) decide(*follower, final_status_for(status.error()));
        continue;
      }
      follower->last = *status;
      settle_or_decide(*follower);
    }
    return true;
  }

  // Poll until every follower is decided, its deadline passes, or cancel.
  // Returns false when cancelled.
  bool follow(std::vector<Follower*> followers, const char* phase) {
    SteadyTime started = engine.m_clock.monotonic();
    poll_number = 0;
    int consecutive_errors = 0;
    for (;;) {
      if (cancel->requested()) return false;
      SteadyTime poll_started = engine.m_clock.monotonic();
      bool poll_failed = false;
      if (!poll(followers, phase, consecutive_errors, poll_failed)) break;
      consecutive_errors = poll_failed ? consecutive_errors + 1 : 0;

      auto now = engine.m_clock.monotonic();
      for (Follower* follower : followers) {
        if (follower->done) continue;
        if (follower->settle_until && now >= *follower->settle_until &&
            follower->last.verdict == RolloutVerdict::succeeded) {
          follower->done = true;
        } else if (now >= follower->deadline) {
          const ComponentConfig& component = *follower->run->plan.config;
          decide(*follower, {"failed", "timeout",
                             component.name + ": " + phase + " did not finish within " +
                                 deadline_text(follower->budget) +
                                 " (last seen: " + follower->last.message + ")"});
        }
      }
      report_progress(followers, false);
      if (std::all_of(followers.begin(), followers.end(), [](const Follower* f) { return f->done; })) break;
      CancellableClock(engine.m_clock, *cancel).sleep_for(wait_after(poll_started, next_interval(started)));
    }
    return !cancel->requested();
  }

  void settle_or_decide(Follower& follower) {
    switch (follower.last.verdict) {
      case RolloutVerdict::in_progress:
        return;
      case RolloutVerdict::succeeded:
        if (!follower.settle_until) follower.done = true;
        return;
      case RolloutVerdict::rejected:
        decide(follower, {"rejected", follower.last.reason, follower.last.message});
        return;
      case RolloutVerdict::failed:
        decide(follower, {"failed", follower.last.reason, follower.last.message});
        return;
    }
  }

  void decide(Follower& follower, FinalStatus status) {
    follower.done = true;
    follower.last.verdict = status.status == "rejected" ? RolloutVerdict::rejected : RolloutVerdict::failed;
    if (!follower.run->outcome) follower.run->outcome = std::move(status);
  }

  // --- rolling back --------------------------------------------------------

  // Restore the previous revision and count, wait (bounded) for it to be
  // healthy, then deregister the revision we created.
  void roll_back(std::vector<ComponentRun*> to_restore, seconds timeout) {
    std::vector<Follower> followers;
    followers.reserve(to_restore.size());
    SteadyTime start = engine.m_clock.monotonic();
    std::vector<Result<EcsService>> restored(to_restore.size());
    std::vector<char> restore_maybe_applied(to_restore.size(), 0);
    parallel_for(to_restore.size(), engine.m_policy.concurrency, [&](std::size_t i) {
      const ComponentRun& run = *to_restore[i];
      UpdateServiceRequest request{run.plan.cluster, run.plan.service, run.plan.current_task_definition,
                                   run.plan.current_desired_count, {}};
      engine.m_output.progress(0, run.plan.config->name + ": rolling back to " +
                                      revision_of(run.plan.current_task_definition));
      auto updated = engine.m_ecs.update_service(request);
      bool maybe_applied = !updated && may_have_applied(updated.error());
      // Restoring is idempotent: when it was refused or its answer was lost, send it once more.
      if (!updated && poll_can_retry(updated.error())) {
        updated = engine.m_ecs.update_service(request);
        maybe_applied = maybe_applied || (!updated && may_have_applied(updated.error()));
      }
      restored[i] = std::move(updated);
      restore_maybe_applied[i] = maybe_applied ? 1 : 0;
    });
    for (std::size_t i = 0; i < to_restore.size(); ++i) {
      ComponentRun* run = to_restore[i];
      const auto& updated = restored[i];
      bool maybe_restored = restore_maybe_applied[i] != 0;
      if (!updated) {
        run->rollback_failure = final_status_for(updated.error());
        bool known = !run->update_unconfirmed && !maybe_restored;
        run->rollback_note = "Rollback to " + revision_of(run->plan.current_task_definition) + " failed: " +
                             updated.error().message + "; the service " + (known ? "was left on " : "may still be on ") +
                             revision_and_count(run->target_task_definition, run->plan.target_desired_count());
        continue;
      }
      RolloutTarget target = target_for(run->plan.current_task_definition, run->target_task_definition,
                                        run->plan.current_desired_count, *updated);
      followers.push_back(Follower{run, RolloutTracker(run->plan.config->name + " (rollback)", target),
                                   start + timeout, {}, {}, false, timeout, {}});
    }
    // The rollback's own verdicts must not overwrite the adjustment's outcome.
    std::map<ComponentRun*, std::optional<FinalStatus>> saved;
    for (auto& follower : followers) {
      saved[follower.run] = follower.run->outcome;
      follower.run->outcome.reset();
    }
    std::vector<Follower*> pointers;
    for (auto& follower : followers) pointers.push_back(&follower);
    bool completed = follow(pointers, "rollback");
    auto healthy = [completed](const Follower& follower) {
      return completed && !follower.run->outcome && follower.last.verdict == RolloutVerdict::succeeded;
    };
    // Each note is written by the one call that owns its component.
    parallel_for(followers.size(), engine.m_policy.concurrency, [&](std::size_t i) {
      ComponentRun* run = followers[i].run;
      if (!healthy(followers[i])) return;
      run->rollback_note = "Rolled back to " + revision_of(run->plan.current_task_definition) + " with " +
                           std::to_string(run->plan.current_desired_count) + " task(s), healthy";
      if (run->registered_arn.empty()) return;
      if (auto deregistered = engine.m_ecs.deregister_task_definition(run->registered_arn)) {
        run->rollback_note += "; deregistered " + revision_of(run->registered_arn);
      } else {
        run->rollback_note += "; could not deregister " + revision_of(run->registered_arn) + ": " +
                              deregistered.error().message;
      }
    });
    for (auto& follower : followers) {
      ComponentRun* run = follower.run;
      if (!healthy(follower) && !completed) {
        run->rollback_note = "Rolled back to " + revision_and_count(run->plan.current_task_definition,
                                                                   run->plan.current_desired_count) +
                             "; cancelled before it was seen healthy";
      } else if (!healthy(follower)) {
        run->rollback_note = "Rolled back to " + revision_of(run->plan.current_task_definition) +
                             " but it is not healthy yet (" +
                             (run->outcome ? run->outcome->message : follower.last.message) + ")";
      }
      run->outcome = saved[run];
    }
  }

  // keep_revisions: deregister all but the newest N revisions this driver
  // created (tagged), never one a service in this run uses.
  void prune_revisions(ComponentRun& run, const std::set<std::string>& in_use) {
    int keep = run.plan.config->keep_revisions;
    if (keep <= 0 || run.registered_arn.empty() || !run.plan.new_revision) return;
    std::string family = run.plan.new_revision->register_request.value("family", std::string());
    auto arns = engine.m_ecs.list_task_definitions(family);
    if (!arns) {
      engine.m_logger.warn("keep_revisions: cannot list revisions of " + family + ": " + arns.error().message);
      return;
    }
    int kept = 0;
    std::vector<std::string> removed;
    constexpr size_t k_max_scanned = 50;  // bounded cost per adjustment
    if (arns->size() > k_max_scanned) {
      engine.m_logger.info("keep_revisions: looking at the newest " + std::to_string(k_max_scanned) + " of " +
                           std::to_string(arns->size()) + (arns->size() >= 100 ? " or more" : "") +
                           " revisions of " + family + "; older ones are left for later adjustments");
    }
    for (size_t i = 0; i < arns->size() && i < k_max_scanned; ++i) {
      const std::string& arn = (*arns)[i];
      auto described = engine.m_ecs.describe_task_definition(arn);
      if (!described || !has_created_by_tag(described->tags)) continue;
      if (kept < keep || in_use.contains(arn)) {
        ++kept;
        continue;
      }
      if (auto deregistered = engine.m_ecs.deregister_task_definition(arn)) {
        removed.push_back(revision_of(arn));
      } else {
        engine.m_logger.warn("keep_revisions: cannot deregister " + revision_of(arn) + ": " +
                             deregistered.error().message);
      }
    }
    if (!removed.empty()) {
      std::string list;
      for (const auto& revision : removed) list += (list.empty() ? "" : ", ") + revision;
      engine.m_logger.info("component " + run.plan.config->name + ": keep_revisions " +
                           std::to_string(keep) + ": deregistered " + list);
    }
  }

  std::set<std::string> task_definitions_in_use() const {
    std::set<std::string> in_use;
    auto add = [&in_use](const EcsService& service) {
      in_use.insert(service.task_definition);
      for (const auto& deployment : service.deployments) in_use.insert(deployment.task_definition);
    };
    for (const auto& [run, service] : m_services) add(service);
    for (const auto& run : runs) {
      if (run.updated_service) add(*run.updated_service);
      in_use.insert(run.target_task_definition);
      in_use.insert(run.plan.current_task_definition);
    }
    return in_use;
  }

  std::map<const ComponentRun*, EcsService> m_services;
};

Engine::Engine(EcsApi& ecs, Elbv2Api& elbv2, Clock& clock, const CancelToken& cancel,
               OutputWriter& output, Logger& logger, PollPolicy policy, std::function<double()> random)
    : m_ecs(ecs), m_elbv2(elbv2), m_clock(clock), m_cancel(cancel), m_output(output), m_logger(logger),
      m_policy(policy), m_random(std::move(random)) {}

FinalStatus Engine::run(const Config& config, const DesiredState& desired, const EngineOptions& options) {
  Impl impl(*this, options);
  m_outcomes.clear();

  // 1. Read every requested component's service and task definition.
  std::vector<const ComponentConfig*> components;
  for (const auto& wanted : desired.components) {
    if (const ComponentConfig* component = config.find_component(wanted.name)) components.push_back(component);
  }
  if (components.empty()) return {"ok", "success", "nothing requested"};
  // --dry-run prints only the final line on stdout (the plan goes to stderr).
  if (!options.dry_run) m_output.progress(0, "reading " + std::to_string(components.size()) + " service(s)");
  auto states = read_component_states(m_ecs, components, m_policy.concurrency);
  if (!states) return final_status_for(states.error());

  // 2. Plan all of them before changing anything.
  impl.runs.reserve(states->size());
  for (const auto& state : *states) {
    auto plan = make_plan(state, *desired.find(state.config->name));
    if (!plan) return final_status_for(plan.error());
    m_logger.info(describe_plan(*plan));
    impl.runs.emplace_back(std::move(*plan));
  }
  for (size_t i = 0; i < impl.runs.size(); ++i) impl.m_services[&impl.runs[i]] = (*states)[i].service;
  if (options.dry_run) {
    std::string summary;
    for (const auto& run : impl.runs) {
      summary += (summary.empty() ? "" : "; ") + run.plan.config->name + ": " +
                 (run.plan.changes_anything() ? "would change" : "nothing to change");
    }
    return {"ok", "success", "dry run, nothing changed: " + summary};
  }

  // 3. Apply, several components at once; a failure stops changes not yet started.
  SteadyTime start = m_clock.monotonic();
  std::vector<std::optional<Status>> applied(impl.runs.size());
  std::atomic<bool> apply_stopped{false};
  parallel_for(impl.runs.size(), m_policy.concurrency, [&](std::size_t i) {
    if (apply_stopped || m_cancel.requested()) return;
    applied[i] = impl.apply(impl.runs[i]);
    if (!*applied[i]) apply_stopped = true;
  });
  std::vector<Follower> followers;
  followers.reserve(impl.runs.size());
  for (std::size_t i = 0; i < impl.runs.size(); ++i) {
    if (!applied[i]) continue;  // not started: an earlier failure or cancel
    if (!*applied[i]) {
      impl.runs[i].outcome = final_status_for(applied[i]->error());
      continue;
    }
    followers.push_back(impl.follower_for(impl.runs[i], start));
  }

  // 4. Follow every deployment together.
  bool cancelled = m_cancel.requested();
  bool apply_failed = std::any_of(impl.runs.begin(), impl.runs.end(), [](const ComponentRun& r) { return r.outcome.has_value(); });
  if (!cancelled && !apply_failed) {
    std::vector<Follower*> pointers;
    for (auto& follower : followers) pointers.push_back(&follower);
    cancelled = !impl.follow(pointers, "deployment");
  }

  // 5. Settlement: keep watching the successful ones for a while.
  if (!cancelled) {
    std::vector<Follower> settling;
    settling.reserve(followers.size());
    for (auto& follower : followers) {
      ComponentRun& run = *follower.run;
      seconds window = options.settlement.value_or(run.plan.config->settlement);
      if (run.outcome || follower.last.verdict != RolloutVerdict::succeeded || window.count() <= 0) continue;
      RolloutTarget target = follower.tracker.target();
      target.settling = true;
      SteadyTime now = m_clock.monotonic();
      settling.push_back(Follower{&run, RolloutTracker(run.plan.config->name, target), now + window + seconds(60),
                                  now + window, {}, false, window + seconds(60), {}});
    }
    if (!settling.empty()) {
      std::vector<Follower*> pointers;
      for (auto& follower : settling) pointers.push_back(&follower);
      cancelled = !impl.follow(pointers, "settlement");
    }
  }

  // 6. Roll back what failed (or everything we changed, on cancel).
  std::vector<ComponentRun*> to_restore;
  for (auto& run : impl.runs) {
    bool ours_to_fix = run.service_updated && run.plan.config->on_failure == OnFailure::rollback;
    bool failed = run.outcome.has_value() && run.outcome->reason != "overwritten";
    if (ours_to_fix && (failed || cancelled)) to_restore.push_back(&run);
  }
  // A failure in one component rolls back the others we changed too, so the
  // application is never left half-adjusted.
  bool any_failed = std::any_of(impl.runs.begin(), impl.runs.end(), [](const ComponentRun& r) { return r.outcome.has_value(); });
  if (any_failed && !cancelled) {
    for (auto& run : impl.runs) {
      if (run.service_updated && !run.outcome && run.plan.config->on_failure == OnFailure::rollback) {
        run.outcome = FinalStatus{"failed", "adjust-failed",
                                  run.plan.config->name + ": adjusted, but rolled back because another component failed"};
        to_restore.push_back(&run);
      }
    }
  }
  if (!to_restore.empty()) {
    seconds budget = cancelled ? m_policy.cancel_rollback_timeout : m_policy.rollback_timeout;
    CancelToken restore_anyway;
    if (cancelled) impl.cancel = &restore_anyway;
    impl.roll_back(to_restore, budget);
    // Cancelled while rolling back a failure: the run ends cancelled.
    cancelled = cancelled || m_cancel.requested();
  }

  // 7. Tidy up revisions of the components that succeeded.
  if (!cancelled) {
    std::set<std::string> in_use = impl.task_definitions_in_use();
    for (auto& run : impl.runs) {
      if (!run.outcome && run.service_updated) impl.prune_revisions(run, in_use);
    }
  }

  // 8. Outcomes.
  for (auto& run : impl.runs) {
    FinalStatus status;
    if (cancelled) {
      status = {"cancelled", "cancelled", run.plan.config->name + ": cancelled"};
      if (run.outcome && run.outcome->status != "cancelled") status.message += " while rolling back (" + run.outcome->message + ")";
    } else if (run.outcome) {
      status = *run.outcome;
      // The restore failed too: whatever the adjustment's verdict, the service needs attention.
      if (run.rollback_failure) {
        status.status = "failed";
        status.reason = run.rollback_failure->reason;
      }
    } else if (!run.service_updated && !run.plan.changes_anything()) {
      status = {"ok", "success", run.plan.config->name + ": unchanged and healthy"};
    } else {
      status = FinalStatus::ok();
    }
    bool left_as_is = run.service_updated && run.plan.config->on_failure == OnFailure::nothing &&
                      (cancelled || (run.outcome && run.outcome->reason != "overwritten"));
    if (left_as_is) {
      // Say where the service was left, so nobody mistakes it for restored.
      run.rollback_note = std::string("on_failure is nothing: the service ") +
                          (run.update_unconfirmed ? "may have been left on " : "was left on ") +
                          revision_and_count(run.target_task_definition, run.plan.target_desired_count());
    }
    if (!run.rollback_note.empty()) status.message += ". " + run.rollback_note;
    m_outcomes.push_back({run.plan.config->name, status});
  }
  FinalStatus final_status = aggregate_outcomes(m_outcomes);
  if (final_status.status == "ok") m_output.progress(100, "adjust complete");
  return final_status;
}

FinalStatus aggregate_outcomes(const std::vector<ComponentOutcome>& outcomes) {
  auto rank = [](const std::string& status) {
    if (status == "cancelled") return 4;
    if (status == "rejected") return 3;
    if (status == "failed") return 2;
    return 1;
  };
  const ComponentOutcome* worst = nullptr;
  for (const auto& outcome : outcomes) {
    if (worst == nullptr || rank(outcome.status.status) > rank(worst->status.status)) worst = &outcome;
  }
  if (worst == nullptr || worst->status.status == "ok") return FinalStatus::ok();
  std::string message;
  for (const auto& outcome : outcomes) {
    std::string part = outcome.status.status == "ok"
                           ? outcome.component + ": ok"
                           : outcome.status.message.starts_with(outcome.component + ":")
                                 ? outcome.status.message
                                 : outcome.component + ": " + outcome.status.message;
    if (outcome.status.status != "ok") part += " [" + outcome.status.status + ", " + outcome.status.reason + "]";
    message += (message.empty() ? "" : " | ") + part;
  }
  return {worst->status.status, worst->status.reason, message};
}

}  // namespace adjust
