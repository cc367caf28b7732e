// parallel_for: every item once, bounded threads, in order when limit is 1,
// and exceptions surface on the caller.
#include "adjust/base/parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace adjust {
namespace {

using namespace std::chrono_literals;

TEST(ParallelFor, CallsEveryIndexExactlyOnce) {
  std::vector<std::atomic<int>> calls(100);
  parallel_for(calls.size(), 8, [&](std::size_t i) { ++calls[i]; });
  for (std::size_t i = 0; i < calls.size(); ++i) EXPECT_EQ(calls[i].load(), 1) << i;
}

TEST(ParallelFor, LimitOneRunsInOrderOnTheCallingThread) {
  std::vector<std::size_t> order;
  std::set<std::thread::id> threads;
  parallel_for(5, 1, [&](std::size_t i) {
    order.push_back(i);
    threads.insert(std::this_thread::get_id());
  });
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(threads, std::set<std::thread::id>{std::this_thread::get_id()});
}

// Each item waits (bounded) until `limit` items are running at once: that
// only happens if they really run concurrently; more never run together.
TEST(ParallelFor, RunsUpToLimitItemsAtOnceAndNoMore) {
  constexpr std::size_t k_limit = 4;
  std::atomic<std::size_t> running{0};
  std::atomic<std::size_t> most{0};
  std::atomic<bool> reached{false};
  parallel_for(12, k_limit, [&](std::size_t) {
    std::size_t now = ++running;
    std::size_t seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    if (now == k_limit) reached = true;
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!reached && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    --running;
  });
  EXPECT_TRUE(reached.load());
  EXPECT_EQ(most.load(), k_limit);
}

TEST(ParallelFor, RethrowsTheFirstExceptionAfterEveryItemRan) {
  std::atomic<int> calls{0};
  EXPECT_THROW(parallel_for(20, 4,
                            [&](std::size_t i) {
                              ++calls;
                              if (i == 3) throw std::runtime_error("boom");
                            }),
               std::runtime_error);
  EXPECT_EQ(calls.load(), 20);
}

TEST(ParallelFor, NothingToDoCallsNothing) {
  bool called = false;
  parallel_for(0, 8, [&](std::size_t) { called = true; });
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace adjust
