// AWS_RETRY_MODE=adaptive, as the AWS SDKs do it (botocore retries/adaptive.py):
// a client-side sending rate that is off until the first throttling answer,
// then drops to 0.7 x the measured sending rate on every throttle and grows
// back along a CUBIC curve on successes. Pure: time comes in as arguments.
#pragma once

#include <chrono>

namespace adjust {

class AdaptiveRate {
 public:
  using Time = std::chrono::steady_clock::time_point;

  explicit AdaptiveRate(Time start);

  // After each answer, throttled or not.
  void on_response(bool throttled, Time now);

  // Whether a throttle has switched the limit on (before that, no limit).
  bool enabled() const { return m_enabled; }
  // The allowed sending rate, requests per second (meaningful once enabled).
  double rate() const { return m_rate; }
  // The smoothed rate at which answers arrive (what the SDKs call measured_tx_rate).
  double measured_rate() const { return m_measured; }

  static constexpr double k_min_rate = 0.5;  // never slower than one request per 2 s

 private:
  double cubic_success(Time now) const;
  double cubic_throttle(double current, Time now);
  void measure(Time now);

  // CUBIC: the rate at the last throttle, the time to grow back to it, when.
  double m_w_max = k_min_rate;
  double m_k = 0;
  Time m_last_throttle;
  // The measured rate: answers counted per half-second, smoothed.
  double m_measured = 0;
  double m_last_bucket = 0;
  int m_count = 0;
  bool m_enabled = false;
  double m_rate = k_min_rate;
};

}  // namespace adjust
