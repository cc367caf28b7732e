#include "adjust/aws/retry.hpp"

#include <algorithm>
#include <charconv>
#include <memory>
#include <random>
#include <string>

#include "adjust/base/numeric.hpp"

namespace adjust {

Result<RetryConfig> retry_config_from_env(const Environment& env) {
  RetryConfig config;
  if (auto mode = env.non_empty("AWS_RETRY_MODE")) {
    if (*mode == "legacy") {
      config.max_attempts = 5;
    } else if (*mode != "standard" && *mode != "adaptive") {
      return fail(ErrorCode::config,
                  "AWS_RETRY_MODE must be legacy, standard or adaptive, not '" + *mode + "'");
    }
  }
  if (auto attempts = env.non_empty("AWS_MAX_ATTEMPTS")) {
    int value = 0;
    auto [end, ec] = std::from_chars(attempts->data(), attempts->data() + attempts->size(), value);
    if (ec != std::errc() || end != attempts->data() + attempts->size() || value < 1) {
      return fail(ErrorCode::config, "AWS_MAX_ATTEMPTS must be a whole number >= 1, not '" + *attempts + "'");
    }
    config.max_attempts = value;
  }
  return config;
}

Result<std::chrono::milliseconds> request_timeout_from_env(const Environment& env) {
  constexpr std::chrono::milliseconds k_default{30000};
  auto text = env.non_empty("ADJUST_AWS_REQUEST_TIMEOUT");
  if (!text) return k_default;
  auto seconds = parse_number(*text);
  // At least 1 ms (curl treats 0 as "no timeout"), at most a day.
  if (!seconds || *seconds < 0.001 || *seconds > 86400) {
    return fail(ErrorCode::config,
                "ADJUST_AWS_REQUEST_TIMEOUT must be a number of seconds between 0.001 and 86400, not '" +
                    *text + "'");
  }
  return std::chrono::milliseconds(static_cast<long long>(*seconds * 1000.0));
}

std::chrono::milliseconds backoff_delay(const RetryConfig& config, int failed_attempt, double random01) {
  // Cap the exponent before shifting so large attempt numbers cannot overflow.
  int exponent = std::clamp(failed_attempt - 1, 0, 30);
  auto uncapped = config.base_delay.count() * (1LL << exponent);
  auto ceiling = std::min<long long>(uncapped, config.max_delay.count());
  double jitter = std::clamp(random01, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<long long>(jitter * static_cast<double>(ceiling)));
}

bool is_backoff_retryable(ErrorCode code) {
  return code == ErrorCode::aws_throttled || code == ErrorCode::aws_transient ||
         code == ErrorCode::aws_network || code == ErrorCode::aws_timeout;
}

bool RetryQuota::acquire(int cost) {
  std::lock_guard lock(m_mutex);
  if (m_available < cost) {
    return false;
  }
  m_available -= cost;
  return true;
}

void RetryQuota::release(int paid) {
  std::lock_guard lock(m_mutex);
  m_available = std::min(m_capacity, m_available + (paid > 0 ? paid : 1));
}

int RetryQuota::available() const {
  std::lock_guard lock(m_mutex);
  return m_available;
}

std::function<double()> make_default_random() {
  struct State {
    std::mutex mutex;
    std::mt19937_64 engine{std::random_device{}()};
    std::uniform_real_distribution<double> distribution{0.0, 1.0};
  };
  auto state = std::make_shared<State>();
  return [state] {
    std::lock_guard lock(state->mutex);
    return state->distribution(state->engine);
  };
}

}  // namespace adjust
