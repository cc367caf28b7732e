// The protocol's vocabulary for how a run ended: a closed set of statuses and
// reasons (so a typo does not compile), the final line that carries them, and
// the rules that map errors and per-component outcomes onto it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adjust/base/result.hpp"

namespace adjust {
namespace protocol {

// In servo-agg's precedence order, mildest first (aggregate_outcomes ranks by it).
enum class Status { ok, failed, rejected, cancelled };

// Why, in the kebab-case words servo sees.
enum class Reason {
  success,
  usage,
  invalid_input,
  invalid_config,
  invalid_value,
  infeasible,
  start_failed,
  no_credentials,
  not_found,
  unsupported_service,
  throttled,
  aws_unreachable,
  aws_auth,
  aws_error,
  timeout,
  cancelled,
  internal_error,
  adjust_failed,
  overwritten,
  unstable,
  unschedulable,
  image_pull_failed,
  health_check_failed,
  alarm_triggered,     // a CloudWatch alarm rolled the deployment back (rejected)
  deployment_paused,   // the deployment waits at a lifecycle hook (failed)
  deadline_too_short,  // the strategy's waits cannot fit the deadline (failed, nothing changed)
  busy,                // another deployment of the service is in progress (failed, nothing changed)
  no_rollback_point,   // nothing known-good to roll back to (failed, nothing changed)
  service_deleted,     // the service was deleted (or is being deleted) mid-run (failed)
};

// Every value, for parsing and tests.
inline constexpr Status k_all_statuses[] = {Status::ok, Status::failed, Status::rejected, Status::cancelled};
inline constexpr Reason k_all_reasons[] = {
    Reason::success,
    Reason::usage,
    Reason::invalid_input,
    Reason::invalid_config,
    Reason::invalid_value,
    Reason::infeasible,
    Reason::start_failed,
    Reason::no_credentials,
    Reason::not_found,
    Reason::unsupported_service,
    Reason::throttled,
    Reason::aws_unreachable,
    Reason::aws_auth,
    Reason::aws_error,
    Reason::timeout,
    Reason::cancelled,
    Reason::internal_error,
    Reason::adjust_failed,
    Reason::overwritten,
    Reason::unstable,
    Reason::unschedulable,
    Reason::image_pull_failed,
    Reason::health_check_failed,
    Reason::alarm_triggered,
    Reason::deployment_paused,
    Reason::deadline_too_short,
    Reason::busy,
    Reason::no_rollback_point,
    Reason::service_deleted,
};

const char* to_string(Status status);
const char* to_string(Reason reason);
std::optional<Status> parse_status(std::string_view text);
std::optional<Reason> parse_reason(std::string_view text);

}  // namespace protocol

// The protocol's final line.
struct FinalStatus {
  protocol::Status status = protocol::Status::ok;
  protocol::Reason reason = protocol::Reason::success;
  std::string message;  // empty for ok

  static FinalStatus ok() { return {protocol::Status::ok, protocol::Reason::success, ""}; }
};

// The status, reason and exit code that an error ends a run with.
FinalStatus final_status_for(const Error& error);
int exit_code_for(const FinalStatus& status);

// One component's outcome, for the final line.
struct ComponentOutcome {
  std::string component;
  FinalStatus status;
};

// Combine per-component outcomes: cancelled > rejected > failed > ok (servo-agg's
// precedence), with a message naming each component's outcome.
FinalStatus aggregate_outcomes(const std::vector<ComponentOutcome>& outcomes);

}  // namespace adjust
