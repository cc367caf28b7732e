#include "adjust/logic/start_state.hpp"

#include "adjust/model/arn.hpp"

namespace adjust {
namespace {

using protocol::Reason;

// A deployment ECS is still carrying out. Without a rolloutState (older
// ECS), a PRIMARY short of its count or another deployment with tasks is one.
const EcsDeployment* deployment_in_progress(const EcsService& service) {
  for (const auto& deployment : service.deployments) {
    if (deployment.rollout_state == RolloutState::in_progress) return &deployment;
  }
  const EcsDeployment* primary = primary_of(service);
  if (primary == nullptr || primary->rollout_state != RolloutState::none) return nullptr;
  if (primary->running_count != primary->desired_count || primary->pending_count > 0) return primary;
  for (const auto& deployment : service.deployments) {
    if (&deployment != primary && deployment.running_count + deployment.pending_count > 0) return &deployment;
  }
  return nullptr;
}

}  // namespace

std::string rollback_point(const EcsService& service) {
  const EcsDeployment* primary = primary_of(service);
  if (primary == nullptr || primary->rollout_state != RolloutState::failed) return service.task_definition;
  // deployments[] lists the newest first.
  for (const auto& deployment : service.deployments) {
    if (&deployment != primary && deployment.rollout_state == RolloutState::completed)
      return deployment.task_definition;
  }
  return "";
}

std::optional<StartRefusal> refuse_to_start(const ComponentState& state) {
  const ComponentConfig& component = *state.config;
  const EcsService& service = state.service;
  const std::string prefix = "component " + component.name + ": service " + component.service_name;
  if (const EcsDeployment* busy = deployment_in_progress(service)) {
    return StartRefusal{Reason::busy, prefix + " is busy: deployment " + busy->id + " of " +
                                          revision_of(busy->task_definition) + " (" +
                                          std::to_string(busy->running_count) + "/" +
                                          std::to_string(busy->desired_count) +
                                          " tasks running) is still in progress; nothing was changed. "
                                          "Adjust again once it has finished"};
  }
  if (component.on_failure == OnFailure::nothing) return std::nullopt;
  const std::string current = revision_of(service.task_definition);
  if (state.task_definition.task_definition.value("status", "") == "INACTIVE") {
    return StartRefusal{Reason::no_rollback_point,
                        prefix + " runs " + current +
                            ", which is INACTIVE (deregistered): a failed change could not be rolled back to "
                            "it; nothing was changed. Deploy an ACTIVE revision first, or set on_failure: "
                            "nothing"};
  }
  if (rollback_point(service).empty()) {
    return StartRefusal{
        Reason::no_rollback_point,
        prefix + " runs " + current +
            ", whose deployment failed, and no completed revision is listed to roll back to; "
            "nothing was changed. Deploy a working revision first, or set on_failure: nothing"};
  }
  return std::nullopt;
}

}  // namespace adjust
