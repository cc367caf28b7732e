// Whether a service is in a state the driver may start changing, and which
// revision a rollback would return it to. Pure: the service and its current
// task definition as read, nothing else.
#pragma once

#include <optional>
#include <string>

#include "adjust/logic/current.hpp"
#include "adjust/protocol/status.hpp"

namespace adjust {

struct StartRefusal {
  protocol::Reason reason;  // busy | no_rollback_point
  std::string message;
};

// Refuses a change when another deployment is still in progress (a CI
// deploy, another servo, a run that was killed) or when nothing known-good
// is left to roll back to (the current revision is INACTIVE, or it never
// completed and no completed one is listed), unless on_failure is `nothing`.
std::optional<StartRefusal> refuse_to_start(const ComponentState& state);

// The revision a rollback restores: the current one, unless its deployment
// failed; then the newest one listed whose deployment completed ("" if none).
std::string rollback_point(const EcsService& service);

}  // namespace adjust
