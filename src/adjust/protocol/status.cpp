#include "adjust/protocol/status.hpp"

namespace adjust {
namespace protocol {

const char* to_string(Status status) {
  switch (status) {
    case protocol::Status::ok:
      return "ok";
    case protocol::Status::failed:
      return "failed";
    case protocol::Status::rejected:
      return "rejected";
    case protocol::Status::cancelled:
      return "cancelled";
  }
  return "failed";
}

const char* to_string(Reason reason) {
  switch (reason) {
    case Reason::success:
      return "success";
    case Reason::usage:
      return "usage";
    case Reason::invalid_input:
      return "invalid-input";
    case Reason::invalid_config:
      return "invalid-config";
    case Reason::invalid_value:
      return "invalid-value";
    case Reason::infeasible:
      return "infeasible";
    case Reason::start_failed:
      return "start-failed";
    case Reason::no_credentials:
      return "no-credentials";
    case Reason::not_found:
      return "not-found";
    case Reason::unsupported_service:
      return "unsupported-service";
    case Reason::throttled:
      return "throttled";
    case Reason::aws_unreachable:
      return "aws-unreachable";
    case Reason::aws_auth:
      return "aws-auth";
    case Reason::aws_error:
      return "aws-error";
    case Reason::timeout:
      return "timeout";
    case Reason::cancelled:
      return "cancelled";
    case Reason::internal_error:
      return "internal-error";
    case Reason::adjust_failed:
      return "adjust-failed";
    case Reason::overwritten:
      return "overwritten";
    case Reason::unstable:
      return "unstable";
    case Reason::unschedulable:
      return "unschedulable";
    case Reason::image_pull_failed:
      return "image-pull-failed";
    case Reason::health_check_failed:
      return "health-check-failed";
    case Reason::alarm_triggered:
      return "alarm-triggered";
    case Reason::deployment_paused:
      return "deployment-paused";
    case Reason::deadline_too_short:
      return "deadline-too-short";
    case Reason::busy:
      return "busy";
    case Reason::no_rollback_point:
      return "no-rollback-point";
    case Reason::service_deleted:
      return "service-deleted";
  }
  return "internal-error";
}

std::optional<Status> parse_status(std::string_view text) {
  for (Status status : k_all_statuses) {
    if (text == to_string(status)) return status;
  }
  return std::nullopt;
}

std::optional<Reason> parse_reason(std::string_view text) {
  for (Reason reason : k_all_reasons) {
    if (text == to_string(reason)) return reason;
  }
  return std::nullopt;
}

}  // namespace protocol

using protocol::Reason;

FinalStatus final_status_for(const Error& error) {
  auto failed = [&](Reason reason) { return FinalStatus{protocol::Status::failed, reason, error.message}; };
  switch (error.code) {
    case ErrorCode::usage:
      return failed(Reason::usage);
    case ErrorCode::invalid_input:
      return failed(Reason::invalid_input);
    case ErrorCode::config:
      return failed(Reason::invalid_config);
    case ErrorCode::rejected_value:
      return {protocol::Status::rejected, Reason::invalid_value, error.message};
    case ErrorCode::infeasible:
      return {protocol::Status::rejected, Reason::infeasible, error.message};
    case ErrorCode::rollout_failed:
      return {protocol::Status::rejected, Reason::start_failed, error.message};
    case ErrorCode::credentials:
      return failed(Reason::no_credentials);
    case ErrorCode::not_found:
      return failed(Reason::not_found);
    case ErrorCode::unsupported:
      return failed(Reason::unsupported_service);
    case ErrorCode::aws_throttled:
      return failed(Reason::throttled);
    case ErrorCode::aws_network:
    case ErrorCode::aws_timeout:
      return failed(Reason::aws_unreachable);
    case ErrorCode::aws_clock_skew:
    case ErrorCode::aws_expired_credentials:
    case ErrorCode::aws_auth:
      return failed(Reason::aws_auth);
    case ErrorCode::aws_transient:
    case ErrorCode::aws_client:
    case ErrorCode::aws_bad_response:
      return failed(Reason::aws_error);
    case ErrorCode::deadline:
      return failed(Reason::timeout);
    case ErrorCode::cancelled:
      return {protocol::Status::cancelled, Reason::cancelled, error.message};
    case ErrorCode::internal:
      return failed(Reason::internal_error);
  }
  return failed(Reason::internal_error);
}

int exit_code_for(const FinalStatus& status) {
  switch (status.status) {
    case protocol::Status::ok:
      return 0;
    case protocol::Status::rejected:
      return 3;
    case protocol::Status::cancelled:
      return 4;
    case protocol::Status::failed:
      return 1;
  }
  return 1;
}

FinalStatus aggregate_outcomes(const std::vector<ComponentOutcome>& outcomes) {
  // The enum is declared in precedence order, mildest first. Between equals,
  // a cause beats a component rolled back only because another failed, so
  // the reason does not depend on the order of the components.
  auto collateral = [](const ComponentOutcome& outcome) {
    return outcome.status.reason == protocol::Reason::adjust_failed;
  };
  const ComponentOutcome* worst = nullptr;
  for (const auto& outcome : outcomes) {
    if (worst == nullptr || outcome.status.status > worst->status.status ||
        (outcome.status.status == worst->status.status && collateral(*worst) && !collateral(outcome))) {
      worst = &outcome;
    }
  }
  if (worst == nullptr || worst->status.status == protocol::Status::ok) return FinalStatus::ok();
  std::string message;
  for (const auto& outcome : outcomes) {
    const FinalStatus& status = outcome.status;
    std::string part = status.status == protocol::Status::ok ? outcome.component + ": ok"
                       : status.message.starts_with(outcome.component + ":")
                           ? status.message
                           : outcome.component + ": " + status.message;
    if (status.status != protocol::Status::ok) {
      part += std::string(" [") + to_string(status.status) + ", " + to_string(status.reason) + "]";
    }
    message += (message.empty() ? "" : " | ") + part;
  }
  return {worst->status.status, worst->status.reason, message};
}

}  // namespace adjust
