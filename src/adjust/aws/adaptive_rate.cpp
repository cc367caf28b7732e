#include "adjust/aws/adaptive_rate.hpp"

#include <algorithm>
#include <cmath>

namespace adjust {
namespace {

// The SDKs' constants (botocore CubicCalculator / RateClocker / ClientRateLimiter).
constexpr double k_scale = 0.4;         // CUBIC C
constexpr double k_beta = 0.7;          // multiplicative decrease
constexpr double k_smoothing = 0.8;     // weight of the newest measurement
constexpr double k_bucket_scale = 2.0;  // measure in half-second buckets
constexpr double k_max_over_measured = 2.0;

double seconds_of(AdaptiveRate::Time time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

}  // namespace

AdaptiveRate::AdaptiveRate(Time start)
    : m_k(std::cbrt(m_w_max * (1 - k_beta) / k_scale)),
      m_last_throttle(start),
      m_last_bucket(std::floor(seconds_of(start) * k_bucket_scale) / k_bucket_scale) {}

double AdaptiveRate::cubic_success(Time now) const {
  double dt = std::chrono::duration<double>(now - m_last_throttle).count();
  return k_scale * std::pow(dt - m_k, 3) + m_w_max;
}

double AdaptiveRate::cubic_throttle(double current, Time now) {
  m_w_max = current;
  m_k = std::cbrt(m_w_max * (1 - k_beta) / k_scale);
  m_last_throttle = now;
  return current * k_beta;
}

void AdaptiveRate::measure(Time now) {
  double bucket = std::floor(seconds_of(now) * k_bucket_scale) / k_bucket_scale;
  ++m_count;
  if (bucket > m_last_bucket) {
    double current = m_count / (bucket - m_last_bucket);
    m_measured = current * k_smoothing + m_measured * (1 - k_smoothing);
    m_count = 0;
    m_last_bucket = bucket;
  }
}

void AdaptiveRate::on_response(bool throttled, Time now) {
  measure(now);
  double next = 0;
  if (!throttled) {
    next = cubic_success(now);
  } else {
    double current = m_enabled ? std::min(m_measured, m_rate) : m_measured;
    next = cubic_throttle(current, now);
    m_enabled = true;
  }
  m_rate = std::max(k_min_rate, std::min(next, k_max_over_measured * m_measured));
}

}  // namespace adjust
