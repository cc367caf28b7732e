// Applying plans: register the new revision, then UpdateService; on a
// failure that surely did not reach the service, deregister the revision.
#pragma once

#include <vector>

#include "adjust/engine/run_state.hpp"

namespace adjust {

// Apply every run, several at once; a failure (or cancel) stops changes not
// yet started. A run that failed gets its `outcome`; returns the runs whose
// change went through (or that had nothing to change), to be followed.
std::vector<ComponentRun*> apply_all(const EngineDeps& deps, std::vector<ComponentRun>& runs);

// The UpdateService a run's plan sends (the rollback reads the limits it set).
UpdateServiceRequest update_request_for(const ComponentRun& run);

}  // namespace adjust
