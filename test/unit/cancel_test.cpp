#include <gtest/gtest.h>

#include <unistd.h>

#include "adjust/base/cancel.hpp"

namespace adjust {
namespace {

// A manual clock: sleeping advances time and counts the slices slept.
class StepClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return {}; }
  std::chrono::steady_clock::time_point monotonic() const override { return m_now; }
  void sleep_for(std::chrono::milliseconds duration) override {
    m_now += duration;
    ++slices;
    if (on_sleep) on_sleep();
  }
  std::function<void()> on_sleep;
  int slices = 0;

 private:
  std::chrono::steady_clock::time_point m_now{};
};

TEST(Cancel, CancellableClockSleepsTheWholeDurationInSlices) {
  StepClock inner;
  CancelToken token;
  CancellableClock clock(inner, token);
  auto start = clock.monotonic();
  clock.sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(clock.monotonic() - start, std::chrono::milliseconds(500));
  EXPECT_EQ(inner.slices, 10);
}

TEST(Cancel, CancellableClockWakesUpOnceCancelIsRequested) {
  StepClock inner;
  CancelToken token;
  CancellableClock clock(inner, token);
  inner.on_sleep = [&] {
    if (inner.slices == 3) token.request(SIGUSR1);
  };
  clock.sleep_for(std::chrono::seconds(60));
  EXPECT_EQ(inner.slices, 3);
  EXPECT_EQ(token.signal_number(), SIGUSR1);
}

TEST(Cancel, SignalsReachTheToken) {
  CancelToken token;
  install_cancel_signal_handlers(token);
  EXPECT_FALSE(token.requested());
  ASSERT_EQ(raise(SIGUSR1), 0);
  EXPECT_TRUE(token.requested());
  EXPECT_EQ(token.signal_number(), SIGUSR1);
  // Restore defaults so later tests are not affected.
  signal(SIGUSR1, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
}

}  // namespace
}  // namespace adjust
