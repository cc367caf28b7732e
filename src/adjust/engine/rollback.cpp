#include "adjust/engine/rollback.hpp"

#include <algorithm>

#include "adjust/base/parallel.hpp"
#include "adjust/engine/apply.hpp"

namespace adjust {
namespace {

struct RestoreAnswer {
  Result<EcsService> service = EcsService{};
  bool maybe_applied = false;  // it failed, but may have reached ECS
  bool by_record = false;      // ECS rolls our deployment back itself (StopServiceDeployment)
};

// Our deployment is still in progress: ask ECS to roll it back, the way it
// intends (under blue/green an instant traffic flip; a second UpdateService
// would start another deployment with its own bake). Nothing when it has
// completed, or cannot be asked: then UpdateService restores.
bool roll_back_in_ecs(const EngineDeps& deps, const ComponentRun& run) {
  if (run.service_deployment.empty()) return false;
  auto described = deps.ecs.describe_service_deployments({run.service_deployment});
  if (!described || described->deployments.empty()) return false;
  const ServiceDeployment& deployment = described->deployments.front();
  if (is_completed(deployment.status)) return false;
  bool already = deployment.status == ServiceDeploymentStatus::rollback_requested ||
                 deployment.status == ServiceDeploymentStatus::rollback_in_progress;
  if (!already) {
    const LifecycleHookDetail* paused = find_hook(deployment, "AWAITING_ACTION");
    Status requested = paused != nullptr
                           ? deps.ecs.continue_service_deployment(run.service_deployment, paused->hook_id,
                                                                  HookAction::rollback)
                           : deps.ecs.stop_service_deployment(run.service_deployment, StopType::rollback);
    if (!requested) {
      deps.logger.warn(run.name() + ": " +
                       (paused ? "ContinueServiceDeployment(ROLLBACK)" : "StopServiceDeployment(ROLLBACK)") +
                       ": " + requested.error().message + "; restoring with UpdateService instead");
      return false;
    }
  }
  deps.output.progress(0, run.name() + ": ECS is rolling deployment " + revision_of(run.service_deployment) +
                              " back to " + revision_of(run.plan.current_task_definition));
  return true;
}

// The deployment limits (maximumPercent, minimumHealthyPercent) as they were
// before our update, when our update changed them.
std::optional<UpdateServiceRequest::DeploymentLimits> limits_to_restore(const ComponentRun& run) {
  auto applied = update_request_for(run).deployment_limits;
  if (!applied) return std::nullopt;
  const nlohmann::json& before = applied->current;
  auto previous = [&before](const char* key) -> std::optional<int> {
    auto found = before.find(key);
    if (found == before.end() || !found->is_number_integer()) return std::nullopt;
    return found->get<int>();
  };
  UpdateServiceRequest::DeploymentLimits limits;
  limits.current = before;
  limits.maximum_percent = previous("maximumPercent");
  limits.minimum_healthy_percent = previous("minimumHealthyPercent");
  bool same = (!applied->maximum_percent || applied->maximum_percent == limits.maximum_percent) &&
              (!applied->minimum_healthy_percent ||
               applied->minimum_healthy_percent == limits.minimum_healthy_percent);
  if (same) return std::nullopt;
  return limits;
}

RestoreAnswer restore(const EngineDeps& deps, const ComponentRun& run) {
  auto limits = limits_to_restore(run);
  if (roll_back_in_ecs(deps, run)) {
    RestoreAnswer answer{run.service, false, true};
    bool count_changed = run.plan.current_desired_count != run.plan.target_desired_count();
    if (count_changed || limits) {
      // The count and the limits are not part of a revision: put them back ourselves.
      std::optional<int> count;
      if (count_changed) count = run.plan.current_desired_count;
      UpdateServiceRequest put_back{run.plan.cluster, run.plan.service, {}, count, limits};
      if (auto updated = deps.ecs.update_service(put_back); !updated) {
        answer.service = fail(updated.error());
        answer.maybe_applied = may_have_applied(updated.error());
      }
    }
    return answer;
  }
  // The count goes back only if we changed it: otherwise it is whoever
  // scales the service's, and may have moved meanwhile.
  std::optional<int> count;
  if (run.plan.desired_count) count = run.plan.current_desired_count;
  UpdateServiceRequest request{run.plan.cluster, run.plan.service, run.plan.current_task_definition, count,
                               limits};
  deps.output.progress(0, run.name() + ": rolling back to " + revision_of(run.plan.current_task_definition));
  auto updated = deps.ecs.update_service(request);
  bool maybe_applied = !updated && may_have_applied(updated.error());
  // Restoring is idempotent: when it was refused or its answer was lost, send it once more.
  if (!updated && worth_retrying(updated.error())) {
    updated = deps.ecs.update_service(request);
    maybe_applied = maybe_applied || (!updated && may_have_applied(updated.error()));
  }
  return {std::move(updated), maybe_applied};
}

// The restore was refused or lost: say where the service may be now.
void note_restore_failed(ComponentRun& run, const Error& error, bool maybe_restored) {
  run.rollback_failure = final_status_for(error);
  bool known = !run.update_unconfirmed && !maybe_restored;
  run.rollback_note = "Rollback to " + revision_of(run.plan.current_task_definition) +
                      " failed: " + error.message + "; the service " +
                      (known ? "was left on " : "may still be on ") +
                      revision_and_count(run.target_task_definition, run.plan.target_desired_count());
}

// Healthy again: say so, and deregister the revision we created.
void note_restored(const EngineDeps& deps, ComponentRun& run) {
  run.rollback_note = "Rolled back to " + revision_of(run.plan.current_task_definition) + " with " +
                      std::to_string(run.plan.current_desired_count) + " task(s), healthy";
  if (run.registered_arn.empty()) return;
  if (auto deregistered = deps.ecs.deregister_task_definition(run.registered_arn)) {
    run.rollback_note += "; deregistered " + revision_of(run.registered_arn);
  } else {
    run.rollback_note += "; " + could_not_deregister(run.registered_arn, deregistered.error());
  }
}

}  // namespace

std::vector<ComponentRun*> runs_to_restore(std::vector<ComponentRun>& runs, bool cancelled) {
  std::vector<ComponentRun*> to_restore;
  for (auto& run : runs) {
    bool ours_to_fix =
        (run.service_updated || run.bounds_pinned) && run.plan.config->on_failure == OnFailure::rollback;
    // Someone else deployed over our change: restoring would undo theirs,
    // cancel or not. A deleted service has nothing to restore.
    bool nothing_to_restore =
        run.outcome.has_value() && (run.outcome->reason == protocol::Reason::overwritten ||
                                    run.outcome->reason == protocol::Reason::service_deleted);
    if (ours_to_fix && !nothing_to_restore && (run.outcome.has_value() || cancelled))
      to_restore.push_back(&run);
  }
  bool any_failed =
      std::any_of(runs.begin(), runs.end(), [](const ComponentRun& r) { return r.outcome.has_value(); });
  if (any_failed && !cancelled) {
    for (auto& run : runs) {
      if (run.service_updated && !run.outcome && run.plan.config->on_failure == OnFailure::rollback) {
        run.outcome =
            FinalStatus{protocol::Status::failed, protocol::Reason::adjust_failed,
                        run.name() + ": adjusted, but rolled back because another component failed"};
        to_restore.push_back(&run);
      }
    }
  }
  return to_restore;
}

// The scalable target's bounds as they were, before the count goes back.
std::string put_back_bounds(const EngineDeps& deps, const ComponentRun& run) {
  if (!run.bounds_pinned || !run.plan.pin || deps.autoscaling == nullptr) return "";
  const ComponentPlan::Pin& pin = *run.plan.pin;
  std::string bounds = std::to_string(pin.previous_min) + "-" + std::to_string(pin.previous_max);
  Status restored =
      deps.autoscaling->register_scalable_target(pin.resource_id, pin.previous_min, pin.previous_max);
  return restored ? "; Application Auto Scaling bounds put back to " + bounds
                  : "; could not put the Application Auto Scaling bounds back to " + bounds + ": " +
                        restored.error().message;
}

void roll_back(const EngineDeps& deps, Follow& follow, const std::vector<ComponentRun*>& to_restore,
               std::chrono::seconds timeout, const CancelToken& cancel) {
  SteadyTime start = deps.clock.monotonic();
  std::vector<std::string> bounds_notes;
  for (const ComponentRun* run : to_restore) bounds_notes.push_back(put_back_bounds(deps, *run));
  std::vector<RestoreAnswer> answers(to_restore.size());
  parallel_for(to_restore.size(), deps.policy.concurrency,
               [&](std::size_t i) { answers[i] = restore(deps, *to_restore[i]); });

  std::vector<ComponentRun*> restoring;
  std::vector<bool> by_ecs;  // per restoring run: ECS rolls back itself
  std::vector<Follower> followers;
  followers.reserve(to_restore.size());
  for (std::size_t i = 0; i < to_restore.size(); ++i) {
    ComponentRun& run = *to_restore[i];
    const RestoreAnswer& answer = answers[i];
    if (!answer.service) {
      note_restore_failed(run, answer.service.error(), answer.maybe_applied);
      continue;
    }
    RolloutTarget target =
        rollout_target(run.plan.current_task_definition, run.target_task_definition,
                       run.plan.current_desired_count, *answer.service, deps.policy.unhealthy_grace);
    target.configuration = run.service.deployment_configuration;
    target.restoring = true;
    target.count_is_ours = run.plan.desired_count.has_value();
    if (answer.by_record) {
      // Follow our own deployment to ROLLBACK_SUCCESSFUL.
      target.deployment_id.clear();
      target.service_deployment = run.service_deployment;
      target.rollback_of_record = true;
    } else if (answer.service->current_service_deployment != run.service_deployment) {
      target.previous_service_deployment = run.service_deployment;
    }
    restoring.push_back(&run);
    by_ecs.push_back(answer.by_record);
    Follower& follower = followers.emplace_back(run, RolloutTracker(run.name() + " (rollback)", target),
                                                start + timeout, timeout);
    if (answer.by_record) {
      follower.record = Follower::Record::api;
    } else if (!run.service_deployment.empty() &&
               answer.service->current_service_deployment != run.service_deployment &&
               run.plan.current_task_definition != run.target_task_definition) {
      follower.record = Follower::Record::binding;  // UpdateService started a deployment: find it
    }
  }

  FollowResult followed = follow.run(followers, "rollback", cancel);
  auto healthy = [&](std::size_t i) {
    return !followed.cancelled && !followed.failures[i] &&
           followers[i].last.verdict == RolloutVerdict::succeeded;
  };
  // Each note is written by the one call that owns its component.
  parallel_for(followers.size(), deps.policy.concurrency, [&](std::size_t i) {
    if (healthy(i)) note_restored(deps, *restoring[i]);
  });
  for (std::size_t i = 0; i < followers.size(); ++i) {
    if (healthy(i)) continue;
    ComponentRun& run = *restoring[i];
    // When ECS rolls back, it goes on after we stop watching; an UpdateService restore is already applied.
    std::string started = by_ecs[i] ? "ECS is rolling back to " : "Rolled back to ";
    if (followed.cancelled) {
      run.rollback_note =
          started + revision_and_count(run.plan.current_task_definition, run.plan.current_desired_count) +
          (by_ecs[i] ? "; cancelled before it finished" : "; cancelled before it was seen healthy");
    } else {
      run.rollback_note =
          started + revision_and_count(run.plan.current_task_definition, run.plan.current_desired_count) +
          (by_ecs[i] ? " but has not finished (" : " but it is not healthy yet (") +
          (followed.failures[i] ? followed.failures[i]->message : followers[i].last.message) + ")";
    }
  }
  for (std::size_t i = 0; i < to_restore.size(); ++i) to_restore[i]->rollback_note += bounds_notes[i];
}

}  // namespace adjust
