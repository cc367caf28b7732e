// A manual clock for tests: now() and monotonic() only move when a test
// advances them or code sleeps; every sleep is recorded, and an optional hook
// runs after each one (to act "while" the code under test sleeps).
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <vector>

#include "adjust/base/clock.hpp"

namespace adjust::testing {

// 2024-01-01T00:00:00Z: the credentials tests write their expirations against it.
inline const std::chrono::system_clock::time_point k_new_year_2024{
    std::chrono::sys_days{std::chrono::year{2024} / 1 / 1}};

class FakeClock final : public Clock {
 public:
  // Defaults to 2015-08-30T12:36:00Z, the SigV4 test suite's timestamp.
  explicit FakeClock(std::chrono::system_clock::time_point start =
                         std::chrono::system_clock::time_point(std::chrono::seconds(1440938160)))
      : m_now(start) {}

  std::chrono::system_clock::time_point now() const override {
    std::lock_guard lock(m_mutex);
    return m_now;
  }
  std::chrono::steady_clock::time_point monotonic() const override {
    std::lock_guard lock(m_mutex);
    return m_monotonic;
  }
  void sleep_for(std::chrono::milliseconds duration) override {
    std::function<void()> hook;
    {
      std::lock_guard lock(m_mutex);
      m_sleeps.push_back(duration);
      m_now += duration;
      m_monotonic += duration;
      hook = m_on_sleep;
    }
    if (hook) hook();
  }

  // Called (without the lock held) after every sleep_for().
  void on_sleep(std::function<void()> hook) {
    std::lock_guard lock(m_mutex);
    m_on_sleep = std::move(hook);
  }

  void advance(std::chrono::milliseconds duration) {
    std::lock_guard lock(m_mutex);
    m_now += duration;
    m_monotonic += duration;
  }
  // Move wall-clock time only (simulates a wrong or adjusted system clock).
  void set_now(std::chrono::system_clock::time_point now) {
    std::lock_guard lock(m_mutex);
    m_now = now;
  }
  std::vector<std::chrono::milliseconds> sleeps() const {
    std::lock_guard lock(m_mutex);
    return m_sleeps;
  }
  std::chrono::milliseconds total_slept() const {
    std::lock_guard lock(m_mutex);
    std::chrono::milliseconds total{0};
    for (auto sleep : m_sleeps) {
      total += sleep;
    }
    return total;
  }

 private:
  mutable std::mutex m_mutex;
  std::chrono::system_clock::time_point m_now;
  std::chrono::steady_clock::time_point m_monotonic{};
  std::vector<std::chrono::milliseconds> m_sleeps;
  std::function<void()> m_on_sleep;
};

}  // namespace adjust::testing
