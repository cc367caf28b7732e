// What a component's service runs now, as read (engine/read_state.cpp does
// the reading): whether it can be adjusted at all, and the current value of
// each configured setting. Pure.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "adjust/base/result.hpp"
#include "adjust/config/config.hpp"
#include "adjust/logic/descriptors.hpp"
#include "adjust/model/autoscaling.hpp"
#include "adjust/model/ecs.hpp"

namespace adjust {

struct ComponentState {
  const ComponentConfig* config = nullptr;
  EcsService service;
  EcsTaskDefinition task_definition;
  // Application Auto Scaling's target for the service's count, if any (also
  // none when it could not be read).
  std::optional<ScalableTarget> scalable_target;
};

// not_found (the service is not ACTIVE) or unsupported (not a Fargate service
// on the ECS deployment controller).
Status check_adjustable(const ComponentConfig& component, const EcsService& service);

// The values --query reports: task cpu/memory, desired count, and each
// configured environment variable as found in its container.
Result<CurrentValues> current_values(const ComponentState& state);

// The container an environment setting of this component lives in.
Result<std::string> env_container_for(const ComponentConfig& component, const EnvSetting& setting,
                                      const nlohmann::json& task_definition);

}  // namespace adjust
