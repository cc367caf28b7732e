// Rolling back: put the previous revision and count back, wait (bounded) for
// it to be healthy, then deregister the revision we created. Each run's
// `rollback_note` (and `rollback_failure`) says how that went; its `outcome`,
// the adjustment's verdict, is left as it was.
#pragma once

#include <chrono>
#include <vector>

#include "adjust/engine/follow.hpp"
#include "adjust/engine/run_state.hpp"

namespace adjust {

// Who to roll back: what failed (or everything we changed, on cancel), on
// on_failure: rollback. A failure in one component rolls back the others we
// changed too, so the application is never left half-adjusted: those get an
// adjust-failed outcome here.
std::vector<ComponentRun*> runs_to_restore(std::vector<ComponentRun>& runs, bool cancelled);

// `cancel` is the token the wait obeys: the run's own when rolling back a
// failure, a fresh one when rolling back because the run was cancelled (so
// the restore itself is not cancelled).
void roll_back(const EngineDeps& deps, Follow& follow, const std::vector<ComponentRun*>& to_restore,
               std::chrono::seconds timeout, const CancelToken& cancel);

}  // namespace adjust
