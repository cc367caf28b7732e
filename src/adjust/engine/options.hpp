// How one adjustment is run: the servo request's control overrides and the
// polling cadence. Plain values, shared by Engine and its phases.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>

#include "adjust/base/parallel.hpp"

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
  std::chrono::seconds early_period{300};      // use early_max for this long
  double jitter = 0.2;                         // ± fraction
  std::chrono::seconds progress_every{15};     // at least one progress line this often
  std::chrono::seconds unhealthy_grace{120};   // a target unhealthy this long fails the rollout
  std::chrono::seconds rollback_timeout{600};  // waiting for a rollback to be healthy
  std::chrono::seconds cancel_rollback_timeout{120};
  // The run's deadline (timeout + settlement) bounds the rollback too: it gets
  // what is left, plus this grace to send the restore and watch it.
  std::chrono::seconds rollback_grace{30};
  int max_consecutive_poll_errors = 5;  // AWS errors tolerated while waiting
  // How long to look for the service deployment our UpdateService started
  // (ListServiceDeployments can lag) before judging by DescribeServices alone.
  std::chrono::seconds binding_window{15};
  // A follower's task and target-health look-up is reused while its
  // deployments show no movement, but never for longer than this.
  std::chrono::seconds lookup_refresh{30};
  // Components whose AWS calls (read, apply, task look-ups, rollback) run at
  // once; 1 = one after another.
  std::size_t concurrency = k_default_aws_concurrency;
};

}  // namespace adjust
