// A token bucket that hands out reservations: a caller takes a token now,
// even one not refilled yet, and is told how long to wait before using it.
// Concurrent callers so queue in arrival order and the rate holds exactly.
// Not thread-safe on its own: RequestBudget locks around it.
#pragma once

#include <chrono>

namespace adjust {

class TokenBucket {
 public:
  using Time = std::chrono::steady_clock::time_point;

  // burst: tokens it holds (starts full); rate: tokens refilled per second (> 0).
  TokenBucket(double burst, double rate, Time now);

  // Take one token; the wait before it is there (zero when it is).
  std::chrono::milliseconds reserve(Time now);
  // What reserve() would answer, without taking anything.
  std::chrono::milliseconds wait_for_next(Time now) const;
  // Give back a token reserved but not used.
  void refund();
  // A new refill rate from now on (tokens refilled so far are kept).
  void set_rate(double rate, Time now);

  double burst() const { return m_burst; }
  double rate() const { return m_rate; }

 private:
  void refill(Time now);
  std::chrono::milliseconds wait_for(double deficit) const;

  double m_burst;
  double m_rate;
  double m_tokens;  // negative: reserved ahead of the refill
  Time m_last;
};

}  // namespace adjust
