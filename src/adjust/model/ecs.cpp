#include "adjust/model/ecs.hpp"

namespace adjust {

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
      if (deployment.launch_type == "FARGATE" ||
          fargate_provider(deployment.capacity_provider_strategy)) {
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
