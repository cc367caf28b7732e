// Errors as values: a closed set of codes, a message, and for AWS errors the
// service's own code and request id. Our code returns Result<T>; exceptions
// from libraries are caught in the one adapter that calls each library.
#pragma once

#include <string>
#include <utility>

// One implementation for every compiler: std::expected is not used, because
// clang 14 (the fuzz compiler) cannot compile libstdc++ 12's <expected>, and
// g++ and clang must build the same code. Code names adjust::expected and
// adjust::unexpected (or just Result, Status and fail), never std::.
#include "adjust/base/expected_compat.hpp"
namespace adjust {
using compat::expected;
using compat::unexpected;
}  // namespace adjust

namespace adjust {

enum class ErrorCode {
  usage,                    // bad command line (exit 2, nothing on stdout)
  invalid_input,            // stdin is not a valid adjust request
  config,                   // config.yaml missing or invalid
  rejected_value,           // a requested value is not allowed by the config
  infeasible,               // a requested size Fargate or the task definition cannot run
  credentials,              // no credential source yielded credentials
  not_found,                // cluster, service or task definition does not exist
  unsupported,              // the service is not something we can adjust (not Fargate, ...)
  aws_throttled,            // ThrottlingException and friends
  aws_transient,            // HTTP 5xx, ServiceUnavailable, RequestTimeout...
  aws_network,              // connection refused/reset, DNS, TLS
  aws_timeout,              // request took longer than its timeout
  aws_clock_skew,           // signature expired / not yet current
  aws_expired_credentials,  // ExpiredToken and friends
  aws_auth,                 // signature mismatch, unknown key, access denied
  aws_client,               // any other 4xx from AWS (validation, ClientException)
  aws_bad_response,         // a response we could not decode
  rollout_failed,           // the new deployment failed (rejected)
  deadline,                 // the overall deadline passed
  cancelled,                // SIGUSR1/SIGTERM
  internal,                 // a bug
};

const char* to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;
  std::string aws_code;    // e.g. "ThrottlingException"; empty when not from AWS
  std::string request_id;  // AWS request id, when known
  int http_status = 0;

  // Whether repeating the same call may succeed (throttling, 5xx, network...).
  bool retryable() const;
};

template <class T>
using Result = expected<T, Error>;

// A Result<void> that carries no value.
using Status = expected<void, Error>;

inline unexpected<Error> fail(ErrorCode code, std::string message) {
  return unexpected<Error>(Error{code, std::move(message), {}, {}, 0});
}

inline unexpected<Error> fail(Error error) { return unexpected<Error>(std::move(error)); }

// Prefix an error's message with what we were doing: "describe service web: ...".
inline Error with_context(Error error, const std::string& context) {
  error.message = context + ": " + error.message;
  return error;
}

}  // namespace adjust

// Propagate the error of a Result-returning expression, else yield its value.
// (A GCC/Clang statement expression, as expected has no monadic ops in GCC 12.)
#define ADJUST_TRY(expr)                                                        \
  __extension__({                                                               \
    auto adjust_try_result_ = (expr);                                           \
    if (!adjust_try_result_) return ::adjust::fail(adjust_try_result_.error()); \
    std::move(*adjust_try_result_);                                             \
  })

// Propagate the error of a Status-returning expression.
#define ADJUST_CHECK(expr)                                                          \
  do {                                                                              \
    auto adjust_check_result_ = (expr);                                             \
    if (!adjust_check_result_) return ::adjust::fail(adjust_check_result_.error()); \
  } while (0)
