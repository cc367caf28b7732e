// What ECS's own record of our deployment (the service deployments API) says:
// done, failed and why, rolling back, paused at a hook, or at which stage it
// is. Pure; the rollout tracker combines it with the live fleet, because
// SUCCESSFUL alone does not mean every serving task is new and healthy.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "adjust/model/ecs.hpp"
#include "adjust/model/service_deployment.hpp"
#include "adjust/protocol/status.hpp"

namespace adjust {

struct DeploymentReading {
  enum class Kind {
    in_progress,   // keep following; `stage` and `percent` say where it is
    successful,    // ECS is done: now the live fleet must agree
    rolling_back,  // ECS (or someone) is rolling it back: follow to the end
    ended,         // completed without success: `status`/`reason`/`message`
    paused,        // waiting at a PAUSE hook: `hook_id`
  };
  Kind kind = Kind::in_progress;
  protocol::Status status = protocol::Status::failed;   // ended
  protocol::Reason reason = protocol::Reason::success;  // ended
  // ended by the circuit breaker: the tracker names the cause from the
  // stopped tasks (start-failed, image-pull-failed, health-check-failed).
  bool breaker = false;
  std::string message;  // ended / rolling_back / paused: what happened, with ECS's evidence
  std::string hook_id;  // paused
  std::string stage;    // in_progress: "bake time, 3 min 10 s left", "production traffic 40%", ...
  int percent = 0;      // in_progress: progress through the stages (0-99)
};

// `bake_elapsed`: how long the deployment has been in BAKE_TIME, as we saw it.
DeploymentReading read_deployment(const ServiceDeployment& deployment,
                                  const EcsDeploymentConfiguration& configuration,
                                  std::optional<std::chrono::seconds> bake_elapsed);

// "2 min 5 s"
std::string duration_text(std::chrono::seconds duration);

}  // namespace adjust
