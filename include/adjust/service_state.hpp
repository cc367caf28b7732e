// Reading what a component's service runs now: the service and its task
// definition (with tags), fetched with one batched DescribeServices per
// cluster and one DescribeTaskDefinition per distinct revision.
#pragma once

#include <string>
#include <vector>

#include "adjust/config.hpp"
#include "adjust/descriptors.hpp"
#include "adjust/ecs.hpp"
#include "adjust/result.hpp"

namespace adjust {

struct ComponentState {
  const ComponentConfig* config = nullptr;
  EcsService service;
  EcsTaskDefinition task_definition;
};

// Fails with not_found (missing cluster or service), unsupported (not a
// Fargate service on the ECS deployment controller) or an AWS error.
Result<std::vector<ComponentState>> read_component_states(
    EcsApi& ecs, const std::vector<const ComponentConfig*>& components);

// The values --query reports: task cpu/memory, desired count, and each
// configured environment variable as found in its container.
Result<CurrentValues> current_values(const ComponentState& state);

// The container an environment setting of this component lives in.
Result<std::string> env_container_for(const ComponentConfig& component, const EnvSetting& setting,
                                      const nlohmann::json& task_definition);

}  // namespace adjust
