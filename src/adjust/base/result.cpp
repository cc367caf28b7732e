#include "adjust/base/result.hpp"

namespace adjust {

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::usage:
      return "usage";
    case ErrorCode::invalid_input:
      return "invalid-input";
    case ErrorCode::config:
      return "config";
    case ErrorCode::rejected_value:
      return "rejected-value";
    case ErrorCode::infeasible:
      return "infeasible";
    case ErrorCode::credentials:
      return "credentials";
    case ErrorCode::not_found:
      return "not-found";
    case ErrorCode::unsupported:
      return "unsupported";
    case ErrorCode::aws_throttled:
      return "throttled";
    case ErrorCode::aws_transient:
      return "aws-transient";
    case ErrorCode::aws_network:
      return "network";
    case ErrorCode::aws_timeout:
      return "timeout";
    case ErrorCode::aws_clock_skew:
      return "clock-skew";
    case ErrorCode::aws_expired_credentials:
      return "expired-credentials";
    case ErrorCode::aws_auth:
      return "auth";
    case ErrorCode::aws_client:
      return "aws-error";
    case ErrorCode::aws_bad_response:
      return "bad-response";
    case ErrorCode::rollout_failed:
      return "rollout-failed";
    case ErrorCode::deadline:
      return "deadline";
    case ErrorCode::cancelled:
      return "cancelled";
    case ErrorCode::internal:
      return "internal";
  }
  return "internal";
}

bool Error::retryable() const {
  switch (code) {
    case ErrorCode::aws_throttled:
    case ErrorCode::aws_transient:
    case ErrorCode::aws_network:
    case ErrorCode::aws_timeout:
    case ErrorCode::aws_clock_skew:
    case ErrorCode::aws_expired_credentials:
      return true;
    default:
      return false;
  }
}

}  // namespace adjust
