// Time behind an interface: signing reads now(), deadlines use monotonic(),
// waiting goes through sleep_for() so tests run instantly with a fake clock.
#pragma once

#include <chrono>

namespace adjust {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time (for SigV4 timestamps and credential expiry).
  virtual std::chrono::system_clock::time_point now() const = 0;
  // Monotonic time (for deadlines and intervals).
  virtual std::chrono::steady_clock::time_point monotonic() const = 0;
  // Wait; may return early when the clock is interrupted (cancel).
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override;
  std::chrono::steady_clock::time_point monotonic() const override;
  void sleep_for(std::chrono::milliseconds duration) override;
};

}  // namespace adjust
