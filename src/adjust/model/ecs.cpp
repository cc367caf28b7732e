#include "adjust/model/ecs.hpp"

namespace adjust {

const char* to_string(DeploymentStatus status) {
  switch (status) {
    case DeploymentStatus::primary:
      return "PRIMARY";
    case DeploymentStatus::active:
      return "ACTIVE";
    case DeploymentStatus::inactive:
      return "INACTIVE";
    case DeploymentStatus::unknown:
      return "UNKNOWN";
  }
  return "UNKNOWN";
}

const char* to_string(RolloutState state) {
  switch (state) {
    case RolloutState::none:
      return "";
    case RolloutState::in_progress:
      return "IN_PROGRESS";
    case RolloutState::completed:
      return "COMPLETED";
    case RolloutState::failed:
      return "FAILED";
    case RolloutState::unknown:
      return "UNKNOWN";
  }
  return "UNKNOWN";
}

DeploymentStatus parse_deployment_status(std::string_view text) {
  if (text == "PRIMARY") return DeploymentStatus::primary;
  if (text == "ACTIVE") return DeploymentStatus::active;
  if (text == "INACTIVE") return DeploymentStatus::inactive;
  return DeploymentStatus::unknown;
}

RolloutState parse_rollout_state(std::string_view text) {
  if (text.empty()) return RolloutState::none;
  if (text == "IN_PROGRESS") return RolloutState::in_progress;
  if (text == "COMPLETED") return RolloutState::completed;
  if (text == "FAILED") return RolloutState::failed;
  return RolloutState::unknown;
}

const char* to_string(DeploymentStrategy strategy) {
  switch (strategy) {
    case DeploymentStrategy::rolling:
      return "ROLLING";
    case DeploymentStrategy::blue_green:
      return "BLUE_GREEN";
    case DeploymentStrategy::linear:
      return "LINEAR";
    case DeploymentStrategy::canary:
      return "CANARY";
    case DeploymentStrategy::unknown:
      return "UNKNOWN";
  }
  return "UNKNOWN";
}

DeploymentStrategy parse_deployment_strategy(std::string_view text) {
  if (text.empty() || text == "ROLLING") return DeploymentStrategy::rolling;
  if (text == "BLUE_GREEN") return DeploymentStrategy::blue_green;
  if (text == "LINEAR") return DeploymentStrategy::linear;
  if (text == "CANARY") return DeploymentStrategy::canary;
  return DeploymentStrategy::unknown;
}

const EcsDeployment* primary_of(const EcsService& service) {
  for (const auto& deployment : service.deployments) {
    if (deployment.status == DeploymentStatus::primary) return &deployment;
  }
  return nullptr;
}

bool is_fargate(const EcsService& service) {
  auto fargate_provider = [](const std::vector<EcsCapacityProvider>& strategy) {
    for (const auto& item : strategy) {
      if (item.capacity_provider == "FARGATE" || item.capacity_provider == "FARGATE_SPOT") {
        return true;
      }
    }
    return false;
  };
  if (service.launch_type == "FARGATE" || fargate_provider(service.capacity_provider_strategy)) {
    return true;
  }
  if (!service.launch_type.empty()) {
    return false;  // EC2, EXTERNAL, MANAGED_INSTANCES
  }
  if (!service.platform_family.empty()) {
    for (const auto& deployment : service.deployments) {
      if (deployment.launch_type == "FARGATE" || fargate_provider(deployment.capacity_provider_strategy)) {
        return true;
      }
    }
  }
  return false;
}

std::string EcsTaskDefinition::arn() const {
  auto found = task_definition.find("taskDefinitionArn");
  if (found != task_definition.end() && found->is_string()) {
    return found->get<std::string>();
  }
  return {};
}

}  // namespace adjust
