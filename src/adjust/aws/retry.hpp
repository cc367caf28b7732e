// The standard-mode retry policy: how many attempts, how long to back off,
// and the per-client retry quota that stops retry storms.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>

#include "adjust/base/environment.hpp"
#include "adjust/base/result.hpp"

namespace adjust {

struct RetryConfig {
  int max_attempts = 3;  // including the first
  std::chrono::milliseconds base_delay{1000};
  std::chrono::milliseconds max_delay{20000};
  int quota_capacity = 500;
  int retry_cost = 5;
  int timeout_retry_cost = 10;  // network errors and timeouts
};

// AWS_MAX_ATTEMPTS (>= 1) and AWS_RETRY_MODE (legacy: 5 attempts; standard,
// adaptive: 3). Fails with ErrorCode::config on a malformed value.
Result<RetryConfig> retry_config_from_env(const Environment& env);

// ADJUST_AWS_REQUEST_TIMEOUT: seconds one attempt may take (decimals allowed,
// > 0; default 30), so a stalled connection is retried (or reported) sooner.
// Fails with ErrorCode::config on a malformed value.
Result<std::chrono::milliseconds> request_timeout_from_env(const Environment& env);

// Full jitter: random01 × min(base × 2^(failed_attempt − 1), max_delay).
std::chrono::milliseconds backoff_delay(const RetryConfig& config, int failed_attempt, double random01);

// Whether the retry loop may retry an error of this code (throttling, 5xx,
// network, timeout). Clock skew and expired credentials are handled apart.
bool is_backoff_retryable(ErrorCode code);

// Token bucket shared by every call of one client (thread-safe).
class RetryQuota {
 public:
  explicit RetryQuota(int capacity) : m_capacity(capacity), m_available(capacity) {}
  // Take the cost of one retry; false (nothing taken) when not enough is left.
  bool acquire(int cost);
  // After a success: give back what this call paid, or 1 when it paid nothing.
  void release(int paid);
  int available() const;

 private:
  int m_capacity;
  int m_available;
  mutable std::mutex m_mutex;
};

// A thread-safe uniform [0, 1) source seeded from std::random_device.
std::function<double()> make_default_random();

}  // namespace adjust
