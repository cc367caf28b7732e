#include "adjust/engine/engine.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "adjust/engine/apply.hpp"
#include "adjust/engine/follow.hpp"
#include "adjust/engine/prune.hpp"
#include "adjust/engine/read_state.hpp"
#include "adjust/engine/report.hpp"
#include "adjust/engine/rollback.hpp"
#include "adjust/engine/run_state.hpp"
#include "adjust/logic/plan.hpp"
#include "adjust/logic/start_state.hpp"
#include "adjust/logic/strategy.hpp"
#include "adjust/model/arn.hpp"

namespace adjust {
namespace {

using protocol::Reason;
using std::chrono::seconds;

std::vector<const ComponentConfig*> requested_components(const Config& config, const DesiredState& desired) {
  std::vector<const ComponentConfig*> components;
  for (const auto& wanted : desired.components) {
    if (const ComponentConfig* component = config.find_component(wanted.name))
      components.push_back(component);
  }
  return components;
}

// Every component planned, and each one that would change checked to start
// from a settled service (a refusal ends the run before anything changes).
Result<std::vector<ComponentRun>> plan_all(const std::vector<ComponentState>& states,
                                           const DesiredState& desired, Logger& logger,
                                           std::optional<FinalStatus>& refused) {
  std::vector<ComponentRun> runs;
  runs.reserve(states.size());
  for (const auto& state : states) {
    auto plan = make_plan(state, *desired.find(state.config->name));
    if (!plan) return fail(plan.error());
    if (plan->changes_anything() && !refused) {
      if (auto refusal = refuse_to_start(state)) {
        refused = FinalStatus{protocol::Status::failed, refusal->reason, refusal->message};
      } else if (std::string point = rollback_point(state.service); point != plan->current_task_definition) {
        plan->notes.push_back("the current revision " + revision_of(plan->current_task_definition) +
                              " never completed (its deployment failed): a rollback restores " +
                              revision_of(point) + ", the newest that did");
        plan->current_task_definition = point;
      }
    }
    logger.info(describe_plan(*plan));
    runs.emplace_back(std::move(*plan), state.service);
  }
  return runs;
}

FinalStatus dry_run_summary(const std::vector<ComponentRun>& runs) {
  std::string summary;
  for (const auto& run : runs) {
    summary += (summary.empty() ? "" : "; ") + run.name() + ": " +
               (run.plan.changes_anything() ? "would change" : "nothing to change");
  }
  return {protocol::Status::ok, Reason::success, "dry run, nothing changed: " + summary};
}

bool any_failed(const std::vector<ComponentRun>& runs) {
  return std::any_of(runs.begin(), runs.end(),
                     [](const ComponentRun& run) { return run.outcome.has_value(); });
}

seconds timeout_for(const ComponentConfig& component, const EngineOptions& options) {
  return options.timeout.value_or(component.timeout_service_desired_count);
}

// Who to follow after apply: the deployment UpdateService started, or the
// current PRIMARY when nothing changed (a health check).
std::vector<Follower> deployment_followers(const std::vector<ComponentRun*>& started, SteadyTime start,
                                           const EngineOptions& options, const PollPolicy& policy) {
  std::vector<Follower> followers;
  followers.reserve(started.size());
  for (const ComponentRun* run : started) {
    const ComponentConfig& component = *run->plan.config;
    const EcsService& service = run->updated_service ? *run->updated_service : run->service;
    RolloutTarget target = rollout_target(run->target_task_definition, run->plan.current_task_definition,
                                          run->plan.target_desired_count(), service, policy.unhealthy_grace);
    target.wait_for_drain = component.wait_for_drain;
    target.count_is_ours = run->plan.count_requested;
    target.configuration = run->service.deployment_configuration;
    target.continue_paused_hooks = component.deployment.continue_paused_hooks;
    target.previous_service_deployment = run->service.current_service_deployment;
    seconds timeout = timeout_for(component, options);
    Follower& follower =
        followers.emplace_back(*run, RolloutTracker(component.name, target), start + timeout, timeout);
    // A new revision starts a deployment: find ECS's record of it.
    if (run->plan.new_revision && !run->update_unconfirmed) follower.record = Follower::Record::binding;
  }
  return followers;
}

// Strategies with fixed waits (blue/green bake, linear and canary steps)
// that cannot fit the deadline fail before anything changes.
std::optional<FinalStatus> deadline_too_short(const std::vector<ComponentRun>& runs,
                                              const EngineOptions& options) {
  for (const auto& run : runs) {
    if (!run.plan.new_revision) continue;  // no deployment, no bake
    auto shortfall = deadline_shortfall(run.name(), run.service.deployment_configuration,
                                        timeout_for(*run.plan.config, options));
    if (shortfall) return FinalStatus{protocol::Status::failed, Reason::deadline_too_short, *shortfall};
  }
  return std::nullopt;
}

// New revisions are registered at the budget's pace (a burst, then `rate`
// per second): when the last one could only be sent after the deadline,
// fail before anything changes.
std::optional<FinalStatus> registrations_too_slow(const std::vector<ComponentRun>& runs,
                                                  const EngineOptions& options, const RequestBudget* budget) {
  if (budget == nullptr) return std::nullopt;
  int revisions = 0;
  seconds shortest = seconds::max();
  for (const auto& run : runs) {
    if (!run.plan.new_revision) continue;
    ++revisions;
    shortest = std::min(shortest, timeout_for(*run.plan.config, options));
  }
  BucketSize bucket = budget->bucket(ApiFamily::ecs_task_definition_modify);
  double beyond_burst = std::max(0.0, revisions - std::floor(bucket.burst));
  auto floor = seconds(static_cast<long long>(std::ceil(beyond_burst / bucket.rate)));
  if (revisions == 0 || floor < shortest) return std::nullopt;
  char rate[32];
  std::snprintf(rate, sizeof rate, "%g", bucket.rate);
  return FinalStatus{
      protocol::Status::failed, Reason::deadline_too_short,
      std::to_string(revisions) + " new task definition revisions take at least " +
          std::to_string(floor.count()) + " s to register at this run's share of the account's " +
          "RegisterTaskDefinition rate (" + std::to_string(static_cast<int>(bucket.burst)) +
          " at once, then " + rate + " per second), but the deadline is " + std::to_string(shortest.count()) +
          " s; nothing was changed. Adjust fewer components per call, raise the timeout, or raise " +
          "ADJUST_AWS_RATE_SHARE"};
}

// When the whole run must be over, rollback aside: the longest component's
// deadline and settlement window, from when the changes started.
SteadyTime run_deadline(const std::vector<ComponentRun>& runs, SteadyTime start,
                        const EngineOptions& options) {
  seconds longest{0};
  for (const auto& run : runs) {
    const ComponentConfig& component = *run.plan.config;
    longest = std::max(longest,
                       timeout_for(component, options) + options.settlement.value_or(component.settlement));
  }
  return start + longest;
}

// The rollback's budget: at most its own, and never past the run's deadline plus the grace.
seconds rollback_budget(seconds own, SteadyTime deadline, SteadyTime now, const PollPolicy& policy) {
  auto left = std::chrono::duration_cast<seconds>(deadline + policy.rollback_grace - now);
  return std::clamp(left, seconds(0), own);
}

// Settlement: keep watching the ones that succeeded for a while; any failure
// now is instability. The deadline leaves a minute past the window.
std::vector<Follower> settlement_followers(const std::vector<Follower>& followers,
                                           const EngineOptions& options, Clock& clock) {
  std::vector<Follower> settling;
  for (const Follower& follower : followers) {
    const ComponentRun& run = *follower.run;
    seconds window = options.settlement.value_or(run.plan.config->settlement);
    if (run.outcome || follower.last.verdict != RolloutVerdict::succeeded || window.count() <= 0) continue;
    RolloutTarget target = follower.tracker.target();
    target.settling = true;
    SteadyTime now = clock.monotonic();
    Follower& settler = settling.emplace_back(run, RolloutTracker(run.name(), target),
                                              now + window + seconds(60), window + seconds(60), now + window);
    settler.record = follower.record;
    settler.serving_target_groups = follower.serving_target_groups;
  }
  return settling;
}

// A follow's verdicts become the adjustment's outcomes. Returns whether it was cancelled.
bool record_failures(const std::vector<Follower>& followers, const FollowResult& result,
                     std::vector<ComponentRun>& runs) {
  for (std::size_t i = 0; i < followers.size(); ++i) {
    for (auto& run : runs) {
      if (&run != followers[i].run) continue;
      // What a rollback needs to know of ECS's record.
      if (followers[i].record == Follower::Record::api) {
        run.service_deployment = followers[i].tracker.target().service_deployment;
        run.serving_target_groups = followers[i].serving_target_groups;
      }
      if (result.failures[i] && !run.outcome) run.outcome = result.failures[i];
      if (!result.failures[i] && followers[i].last.verdict == RolloutVerdict::succeeded) run.verified = true;
    }
  }
  return result.cancelled;
}

// Someone else's change won over ours and is not rolled back: one more look
// says what the service runs now, so the report names where it was left.
void note_overwritten(const EngineDeps& deps, std::vector<ComponentRun>& runs) {
  std::map<std::string, std::vector<std::string>> names_by_cluster;
  std::vector<ComponentRun*> overwritten;
  for (auto& run : runs) {
    if (!run.service_updated || !run.rollback_note.empty() || !run.outcome ||
        run.outcome->reason != Reason::overwritten)
      continue;
    overwritten.push_back(&run);
    names_by_cluster[run.plan.cluster].push_back(run.plan.service);
  }
  if (overwritten.empty()) return;
  auto described = describe_services_by_cluster(deps.ecs, names_by_cluster, deps.policy.concurrency);
  for (ComponentRun* run : overwritten) {
    const auto& services = described.at(run->plan.cluster);
    if (!services) continue;
    for (const auto& service : services->services) {
      if (!names_service(service, run->plan.service)) continue;
      run->rollback_note = "not rolled back (another change won): the service runs " +
                           revision_and_count(service.task_definition, service.desired_count);
    }
  }
}

}  // namespace

Engine::Engine(EcsApi& ecs, Elbv2Api& elbv2, Clock& clock, const CancelToken& cancel, OutputWriter& output,
               Logger& logger, PollPolicy policy, std::function<double()> random)
    : m_ecs(ecs),
      m_elbv2(elbv2),
      m_clock(clock),
      m_cancel(cancel),
      m_output(output),
      m_logger(logger),
      m_policy(policy),
      m_random(std::move(random)) {}

FinalStatus Engine::run(const Config& config, const DesiredState& desired, const EngineOptions& options) {
  m_outcomes.clear();
  const EngineDeps deps{m_ecs,    m_elbv2,  m_clock,  m_cancel,     m_output,
                        m_logger, m_policy, m_random, m_autoscaling};

  // 1. Read every requested component's service and task definition.
  std::vector<const ComponentConfig*> components = requested_components(config, desired);
  if (components.empty()) return {protocol::Status::ok, Reason::success, "nothing requested"};
  // --dry-run prints only the final line on stdout (the plan goes to stderr).
  if (!options.dry_run) m_output.progress(0, "reading " + std::to_string(components.size()) + " service(s)");
  auto states = read_component_states(m_ecs, components, m_policy.concurrency);
  if (!states) return final_status_for(states.error());
  read_scalable_targets(m_autoscaling, *states, m_logger);

  // 2. Plan all of them before changing anything.
  std::optional<FinalStatus> refused;
  auto planned = plan_all(*states, desired, m_logger, refused);
  if (!planned) return final_status_for(planned.error());
  if (refused) return *refused;
  std::vector<ComponentRun>& runs = *planned;
  if (auto too_short = deadline_too_short(runs, options)) return *too_short;
  if (auto too_slow = registrations_too_slow(runs, options, m_budget)) return *too_slow;
  if (options.dry_run) return dry_run_summary(runs);

  // 3. Apply, several components at once; a failure stops changes not yet started.
  SteadyTime start = m_clock.monotonic();
  std::vector<ComponentRun*> started = apply_all(deps, runs);

  // 4. Follow every deployment together.
  Follow follow(deps);
  std::vector<Follower> followers = deployment_followers(started, start, options, m_policy);
  bool cancelled = m_cancel.requested();
  if (!cancelled && !any_failed(runs)) {
    cancelled = record_failures(followers, follow.run(followers, "deployment", m_cancel), runs);
  }

  // 5. Settlement: keep watching the successful ones for a while.
  if (!cancelled) {
    std::vector<Follower> settling = settlement_followers(followers, options, m_clock);
    if (!settling.empty()) {
      cancelled = record_failures(settling, follow.run(settling, "settlement", m_cancel), runs);
    }
  }

  // 6. Roll back what failed (or everything we changed, on cancel).
  std::vector<ComponentRun*> to_restore = runs_to_restore(runs, cancelled);
  if (!to_restore.empty()) {
    CancelToken restore_anyway;  // after a cancel, restoring is not itself cancelled
    seconds own = cancelled ? m_policy.cancel_rollback_timeout : m_policy.rollback_timeout;
    roll_back(deps, follow, to_restore,
              rollback_budget(own, run_deadline(runs, start, options), m_clock.monotonic(), m_policy),
              cancelled ? restore_anyway : m_cancel);
    // Cancelled while rolling back a failure: the run ends cancelled.
    cancelled = cancelled || m_cancel.requested();
  }

  // 7. Tidy up revisions of the components that succeeded; say where an overwritten one is.
  if (!cancelled) prune_revisions(deps, runs);
  note_overwritten(deps, runs);

  // 8. Report.
  m_outcomes = outcomes_of(runs, cancelled);
  FinalStatus final_status = aggregate_outcomes(m_outcomes);
  if (final_status.status == protocol::Status::ok) m_output.progress(100, "adjust complete");
  return final_status;
}

}  // namespace adjust
