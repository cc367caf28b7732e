#include <gtest/gtest.h>

#include <unistd.h>

#include "adjust/base/cancel.hpp"
#include "fakes/clock.hpp"

namespace adjust {
namespace {

using testing::FakeClock;

TEST(Cancel, CancellableClockSleepsTheWholeDurationInSlices) {
  FakeClock inner;
  CancelToken token;
  CancellableClock clock(inner, token);
  auto start = clock.monotonic();
  clock.sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(clock.monotonic() - start, std::chrono::milliseconds(500));
  EXPECT_EQ(inner.sleeps().size(), 10U);
}

TEST(Cancel, CancellableClockWakesUpOnceCancelIsRequested) {
  FakeClock inner;
  CancelToken token;
  CancellableClock clock(inner, token);
  inner.on_sleep([&] {
    if (inner.sleeps().size() == 3) token.request(SIGUSR1);
  });
  clock.sleep_for(std::chrono::seconds(60));
  EXPECT_EQ(inner.sleeps().size(), 3U);
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
