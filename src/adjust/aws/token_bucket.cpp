#include "adjust/aws/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace adjust {

TokenBucket::TokenBucket(double burst, double rate, Time now)
    : m_burst(std::max(burst, 1.0)), m_rate(rate), m_tokens(m_burst), m_last(now) {}

void TokenBucket::refill(Time now) {
  if (now <= m_last) return;
  double elapsed = std::chrono::duration<double>(now - m_last).count();
  m_tokens = std::min(m_burst, m_tokens + elapsed * m_rate);
  m_last = now;
}

std::chrono::milliseconds TokenBucket::wait_for(double deficit) const {
  if (deficit <= 0) return std::chrono::milliseconds(0);
  // Rounded up, so the token is surely there when the wait ends.
  return std::chrono::milliseconds(static_cast<long long>(std::ceil(deficit / m_rate * 1000.0)));
}

std::chrono::milliseconds TokenBucket::reserve(Time now) {
  refill(now);
  m_tokens -= 1.0;
  return wait_for(-m_tokens);
}

std::chrono::milliseconds TokenBucket::wait_for_next(Time now) const {
  TokenBucket copy = *this;
  copy.refill(now);
  return wait_for(1.0 - copy.m_tokens);
}

void TokenBucket::refund() { m_tokens = std::min(m_burst, m_tokens + 1.0); }

void TokenBucket::set_rate(double rate, Time now) {
  refill(now);
  m_rate = rate;
}

}  // namespace adjust
