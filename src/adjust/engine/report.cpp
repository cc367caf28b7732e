#include "adjust/engine/report.hpp"

namespace adjust {
namespace {

using protocol::Reason;

FinalStatus outcome_of(const ComponentRun& run, bool cancelled) {
  if (cancelled) {
    FinalStatus status{protocol::Status::cancelled, Reason::cancelled, run.name() + ": cancelled"};
    if (run.outcome && run.outcome->status != protocol::Status::cancelled) {
      status.message += " while rolling back (" + run.outcome->message + ")";
    }
    return status;
  }
  if (run.outcome) {
    FinalStatus status = *run.outcome;
    // The restore failed too: whatever the adjustment's verdict, the service needs attention.
    if (run.rollback_failure) {
      status.status = protocol::Status::failed;
      status.reason = run.rollback_failure->reason;
    }
    return status;
  }
  if (run.verified) {
    if (!run.service_updated && !run.plan.changes_anything()) {
      return {protocol::Status::ok, Reason::success, run.name() + ": unchanged and healthy"};
    }
    return FinalStatus::ok();
  }
  // Never followed to a verdict: another component failed first.
  std::string what = run.service_updated           ? "changed, but not followed to the end"
                     : run.plan.changes_anything() ? "not started"
                                                   : "unchanged, not checked";
  return {protocol::Status::failed, Reason::adjust_failed,
          run.name() + ": " + what + ": another component failed first"};
}

}  // namespace

std::vector<ComponentOutcome> outcomes_of(std::vector<ComponentRun>& runs, bool cancelled) {
  std::vector<ComponentOutcome> outcomes;
  for (auto& run : runs) {
    FinalStatus status = outcome_of(run, cancelled);
    bool left_as_is = run.service_updated && run.plan.config->on_failure == OnFailure::nothing &&
                      status.status != protocol::Status::ok && status.reason != Reason::overwritten;
    if (left_as_is) {
      // Say where the service was left, so nobody mistakes it for restored.
      run.rollback_note = std::string("on_failure is nothing: the service ") +
                          (run.update_unconfirmed ? "may have been left on " : "was left on ") +
                          revision_and_count(run.target_task_definition, run.plan.target_desired_count());
    }
    if (!run.rollback_note.empty()) status.message += ". " + run.rollback_note;
    outcomes.push_back({run.name(), status});
  }
  return outcomes;
}

}  // namespace adjust
