// The end of an adjustment in words: each component's outcome, with what was
// restored or where the service was left.
#pragma once

#include <vector>

#include "adjust/engine/run_state.hpp"

namespace adjust {

// One outcome per run, in order. Writes the on_failure: nothing note into
// runs that were left changed.
std::vector<ComponentOutcome> outcomes_of(std::vector<ComponentRun>& runs, bool cancelled);

}  // namespace adjust
