// What a service's deployment strategy means for an adjustment, before any
// change: the waits ECS will add (bake, traffic steps) and so the shortest
// time a deployment can take, and a one-line description for people.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "adjust/model/ecs.hpp"

namespace adjust {

struct StrategyWaits {
  std::chrono::seconds minimum{0};  // no deployment of this service can finish sooner
  std::string explanation;          // "bake time 5 min", "9 steps x 6 min + bake time 0 min", ... ("" = none)
};

// The waits ECS puts into every deployment of `configuration`: bake times and
// traffic-shift steps (hooks and health checks only add to them).
StrategyWaits minimum_deployment_time(const EcsDeploymentConfiguration& configuration);

// "ROLLING", "BLUE_GREEN", ...; a strategy this driver does not know, as ECS spelled it.
std::string strategy_name(const EcsDeploymentConfiguration& configuration);

// "BLUE_GREEN (bake 5 min, 1 PAUSE hook)", "ROLLING (early success at 50%, DEFERRED clean-up)".
std::string describe_strategy(const EcsDeploymentConfiguration& configuration);

// Why a deployment cannot finish within `deadline`, or nullopt when it can.
// `component` names it in the message.
std::optional<std::string> deadline_shortfall(const std::string& component,
                                              const EcsDeploymentConfiguration& configuration,
                                              std::chrono::seconds deadline);

// PAUSE hooks configured on the service (each one stops a deployment until
// someone continues it).
int pause_hook_count(const EcsDeploymentConfiguration& configuration);

}  // namespace adjust
