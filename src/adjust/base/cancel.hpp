// Cancellation: servo sends SIGUSR1 (has_cancel: true) and SIGTERM on
// shutdown. Handlers only set an atomic flag; the engine polls it and the
// cancellable clock's sleeps wake up promptly.
#pragma once

#include <atomic>
#include <csignal>

#include "adjust/base/clock.hpp"

namespace adjust {

class CancelToken {
 public:
  void request(int signal_number = 0) {
    m_signal.store(signal_number, std::memory_order_relaxed);
    m_requested.store(true, std::memory_order_release);
  }
  bool requested() const { return m_requested.load(std::memory_order_acquire); }
  int signal_number() const { return m_signal.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> m_requested{false};
  std::atomic<int> m_signal{0};
};

// Route SIGUSR1, SIGTERM and SIGINT to the token (process-wide; call once).
void install_cancel_signal_handlers(CancelToken& token);

// A clock whose sleep_for returns early (within ~50 ms) once cancel is requested.
class CancellableClock final : public Clock {
 public:
  CancellableClock(Clock& inner, const CancelToken& token) : m_inner(&inner), m_token(&token) {}
  std::chrono::system_clock::time_point now() const override { return m_inner->now(); }
  std::chrono::steady_clock::time_point monotonic() const override { return m_inner->monotonic(); }
  void sleep_for(std::chrono::milliseconds duration) override;

 private:
  Clock* m_inner;
  const CancelToken* m_token;
};

}  // namespace adjust
