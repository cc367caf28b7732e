#include "adjust/engine/apply.hpp"

#include <atomic>

#include "adjust/aws/request_budget.hpp"
#include "adjust/base/parallel.hpp"

namespace adjust {
namespace {

// Deregister the revision we registered for a service that never got it.
void discard_revision(const EngineDeps& deps, ComponentRun& run) {
  if (run.registered_arn.empty()) return;
  std::string revision = revision_of(run.registered_arn);
  if (auto deregistered = deps.ecs.deregister_task_definition(run.registered_arn)) {
    run.rollback_note = "Deregistered " + revision + ", which the service never used";
  } else {
    run.rollback_note = "The service never used " + revision + "; " +
                        could_not_deregister(run.registered_arn, deregistered.error());
  }
}

// `stopped`: another component failed; a run that has not updated its
// service yet leaves it alone.
Status apply(const EngineDeps& deps, ComponentRun& run, const std::atomic<bool>& stopped) {
  const ComponentConfig& component = *run.plan.config;
  run.target_task_definition = run.plan.current_task_definition;
  if (run.plan.new_revision) {
    for (const auto& field : run.plan.new_revision->unknown_fields) {
      deps.logger.warn("component " + component.name + ": task definition field " + field +
                       " is neither registrable nor known read-only; it is not copied");
    }
    deps.output.progress(0, component.name + ": registering a new task definition revision");
    auto registered = [&] {
      RequestBudget::GiveUpWhen give_up(stopped);
      return deps.ecs.register_task_definition(run.plan.new_revision->register_request);
    }();
    if (!registered && stopped && registered.error().code == ErrorCode::cancelled) {
      run.abandoned = true;  // never sent: it was still waiting its turn
      return {};
    }
    if (!registered) {
      return fail(
          with_context(registered.error(), "component " + component.name + ": register task definition"));
    }
    run.registered_arn = registered->arn();
    run.target_task_definition = run.registered_arn;
    deps.logger.info("component " + component.name + ": registered " + revision_of(run.registered_arn));
  }
  if (!run.plan.changes_anything()) return {};
  if (stopped) {
    // The registration waited its turn in the request budget meanwhile.
    discard_revision(deps, run);
    run.abandoned = true;
    return {};
  }
  if (deps.cancel.requested()) {
    // Cancelled while registering: leave the service alone, tidy up.
    discard_revision(deps, run);
    return fail(ErrorCode::cancelled, component.name + ": cancelled before the service was updated");
  }

  if (run.plan.pin) {
    // First, so the scaler does not move the count we are about to set.
    const ComponentPlan::Pin& pin = *run.plan.pin;
    Status pinned = deps.autoscaling == nullptr
                        ? fail(ErrorCode::internal, "no Application Auto Scaling client")
                        : deps.autoscaling->register_scalable_target(pin.resource_id, pin.count, pin.count);
    if (!pinned) {
      discard_revision(deps, run);
      return fail(with_context(pinned.error(), "component " + component.name +
                                                   ": pin the Application Auto Scaling bounds at " +
                                                   std::to_string(pin.count)));
    }
    run.bounds_pinned = true;
    deps.logger.info("component " + component.name + ": Application Auto Scaling bounds pinned at " +
                     std::to_string(pin.count));
    if (!run.plan.new_revision && !run.plan.desired_count) return {};  // the count is already right
  }
  UpdateServiceRequest request = update_request_for(run);
  deps.output.progress(0, component.name + ": updating service " + run.plan.service);
  auto updated = [&] {
    RequestBudget::GiveUpWhen give_up(stopped);
    return deps.ecs.update_service(request);
  }();
  if (!updated && stopped && updated.error().code == ErrorCode::cancelled) {
    discard_revision(deps, run);  // never sent: it was still waiting its turn
    run.abandoned = true;
    return {};
  }
  if (!updated) {
    if (may_have_applied(updated.error())) {
      // It may be running now: restore the previous state to be sure.
      run.service_updated = true;
      run.update_unconfirmed = true;
    } else {
      discard_revision(deps, run);
    }
    return fail(with_context(updated.error(), "component " + component.name + ": update service"));
  }
  run.service_updated = true;
  run.updated_service = std::move(*updated);
  return {};
}

}  // namespace

UpdateServiceRequest update_request_for(const ComponentRun& run) {
  UpdateServiceRequest request{run.plan.cluster, run.plan.service, {}, run.plan.desired_count, {}};
  if (run.plan.new_revision) request.task_definition = run.target_task_definition;
  const DeploymentOptions& deployment = run.plan.config->deployment;
  if (deployment.maximum_percent || deployment.minimum_healthy_percent) {
    UpdateServiceRequest::DeploymentLimits limits;
    limits.current = run.service.raw.value("deploymentConfiguration", nlohmann::json::object());
    limits.maximum_percent = deployment.maximum_percent;
    limits.minimum_healthy_percent = deployment.minimum_healthy_percent;
    request.deployment_limits = std::move(limits);
  }
  return request;
}

std::vector<ComponentRun*> apply_all(const EngineDeps& deps, std::vector<ComponentRun>& runs) {
  std::vector<std::optional<Status>> applied(runs.size());
  std::atomic<bool> stopped{false};
  parallel_for(runs.size(), deps.policy.concurrency, [&](std::size_t i) {
    if (stopped || deps.cancel.requested()) return;
    applied[i] = apply(deps, runs[i], stopped);
    if (!*applied[i]) stopped = true;
  });
  std::vector<ComponentRun*> started;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (!applied[i] || runs[i].abandoned) continue;  // not started: an earlier failure or cancel
    if (!*applied[i]) {
      runs[i].outcome = final_status_for(applied[i]->error());
      continue;
    }
    started.push_back(&runs[i]);
  }
  return started;
}

}  // namespace adjust
