// The adjustment itself: read every component's service, plan all of them
// (nothing changes in AWS if any plan fails), apply, follow every deployment
// in one polling loop (one batched DescribeServices per cluster per poll),
// roll back what failed, optionally watch a settlement window, and report.
#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include "adjust/base/cancel.hpp"
#include "adjust/base/clock.hpp"
#include "adjust/config/config.hpp"
#include "adjust/aws/ecs_client.hpp"
#include "adjust/aws/elbv2_client.hpp"
#include "adjust/base/log.hpp"
#include "adjust/protocol/output.hpp"
#include "adjust/base/parallel.hpp"
#include "adjust/logic/desired.hpp"

namespace adjust {

struct EngineOptions {
  bool dry_run = false;
  std::optional<std::chrono::seconds> timeout;     // control.timeout: overrides the config's
  std::optional<std::chrono::seconds> settlement;  // control.settlement: overrides the config's
};

// How often to look. Quick at first (deployments that are nearly done finish
// promptly), slower later; jittered so many drivers don't poll in step.
struct PollPolicy {
  std::chrono::milliseconds first{1000};
  std::chrono::milliseconds early_max{4000};
  std::chrono::milliseconds late_max{10000};
  std::chrono::seconds early_period{300};           // use early_max for this long
  double jitter = 0.2;                              // ± fraction
  std::chrono::seconds progress_every{15};          // at least one progress line this often
  std::chrono::seconds unhealthy_grace{120};        // a target unhealthy this long fails the rollout
  std::chrono::seconds rollback_timeout{600};       // waiting for a rollback to be healthy
  std::chrono::seconds cancel_rollback_timeout{120};
  int max_consecutive_poll_errors = 5;              // AWS errors tolerated while waiting
  // Components whose AWS calls (read, apply, task look-ups, rollback) run at
  // once; 1 = one after another.
  std::size_t concurrency = k_default_aws_concurrency;
};

// One component's outcome, for the final line.
struct ComponentOutcome {
  std::string component;
  FinalStatus status;
};

// `clock` is a plain clock: the engine makes its own waits wake up on cancel.
class Engine {
 public:
  Engine(EcsApi& ecs, Elbv2Api& elbv2, Clock& clock, const CancelToken& cancel, OutputWriter& output,
         Logger& logger, PollPolicy policy = {}, std::function<double()> random = {});

  FinalStatus run(const Config& config, const DesiredState& desired, const EngineOptions& options);

  const std::vector<ComponentOutcome>& outcomes() const { return m_outcomes; }

 private:
  struct Impl;
  EcsApi& m_ecs;
  Elbv2Api& m_elbv2;
  Clock& m_clock;
  const CancelToken& m_cancel;
  OutputWriter& m_output;
  Logger& m_logger;
  PollPolicy m_policy;
  std::function<double()> m_random;
  std::vector<ComponentOutcome> m_outcomes;
};

// Combine per-component outcomes: cancelled > rejected > failed > ok (servo-agg's
// precedence), with a message naming each component's outcome.
FinalStatus aggregate_outcomes(const std::vector<ComponentOutcome>& outcomes);

}  // namespace adjust
