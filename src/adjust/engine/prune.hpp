// keep_revisions: after a successful adjustment, deregister all but the
// newest N revisions this driver created (tagged), never one in use.
#pragma once

#include <vector>

#include "adjust/engine/run_state.hpp"

namespace adjust {

// Prunes the family of every run that registered a revision and succeeded.
void prune_revisions(const EngineDeps& deps, const std::vector<ComponentRun>& runs);

}  // namespace adjust
