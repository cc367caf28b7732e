// The run's request budget: token buckets per AWS throttling family, shared
// by every thread, and the SDKs' adaptive sending rate.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "adjust/aws/adaptive_rate.hpp"
#include "adjust/aws/request_budget.hpp"
#include "adjust/aws/token_bucket.hpp"
#include "adjust/base/environment.hpp"
#include "fakes/clock.hpp"

namespace adjust::testing {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

// Time stands still and sleeps only record how long each caller was told to
// wait: the waits handed out are the send times the budget planned.
class StillClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return {}; }
  std::chrono::steady_clock::time_point monotonic() const override {
    std::lock_guard lock(m_mutex);
    return m_monotonic;
  }
  void sleep_for(milliseconds duration) override {
    std::lock_guard lock(m_mutex);
    m_sleeps.push_back(duration);
  }
  void advance(milliseconds duration) {
    std::lock_guard lock(m_mutex);
    m_monotonic += duration;
  }
  std::vector<milliseconds> sleeps() const {
    std::lock_guard lock(m_mutex);
    return m_sleeps;
  }

 private:
  mutable std::mutex m_mutex;
  std::chrono::steady_clock::time_point m_monotonic{std::chrono::hours(1)};
  std::vector<milliseconds> m_sleeps;
};

TEST(TokenBucket, HandsOutTheBurstThenOneTokenPerRefillInterval) {
  TokenBucket::Time t0{std::chrono::hours(1)};
  TokenBucket bucket(3, 2, t0);  // 3 at once, then 2 per second
  EXPECT_EQ(bucket.reserve(t0), 0ms);
  EXPECT_EQ(bucket.reserve(t0), 0ms);
  EXPECT_EQ(bucket.reserve(t0), 0ms);
  EXPECT_EQ(bucket.reserve(t0), 500ms);   // reserved ahead: the next token
  EXPECT_EQ(bucket.reserve(t0), 1000ms);  // and the one after it
  // Two seconds later the reservations are paid and 2 more tokens are there.
  EXPECT_EQ(bucket.reserve(t0 + 2s), 0ms);
  EXPECT_EQ(bucket.wait_for_next(t0 + 2s), 0ms);
  EXPECT_EQ(bucket.reserve(t0 + 2s), 0ms);
  EXPECT_EQ(bucket.wait_for_next(t0 + 2s), 500ms);
}

TEST(TokenBucket, NeverHoldsMoreThanItsBurst) {
  TokenBucket::Time t0{std::chrono::hours(1)};
  TokenBucket bucket(2, 1, t0);
  int free = 0;
  for (int i = 0; i < 10; ++i) free += bucket.reserve(t0 + 1h) == 0ms ? 1 : 0;
  EXPECT_EQ(free, 2);
}

TEST(RequestBudget, FamiliesFollowAwsThrottlingTable) {
  EXPECT_EQ(family_of("ecs", "RegisterTaskDefinition"), ApiFamily::ecs_task_definition_modify);
  EXPECT_EQ(family_of("ecs", "DeregisterTaskDefinition"), ApiFamily::ecs_task_definition_modify);
  EXPECT_EQ(family_of("ecs", "DescribeServices"), ApiFamily::ecs_service_read);
  EXPECT_EQ(family_of("ecs", "ListTasks"), ApiFamily::ecs_cluster_resource_read);
  EXPECT_EQ(family_of("ecs", "UpdateService"), ApiFamily::ecs_service_modify);
  EXPECT_EQ(family_of("ecs", "DescribeServiceDeployments"), ApiFamily::ecs_service_deployment);
  EXPECT_EQ(family_of("ecs", "DescribeServiceRevisions"), ApiFamily::ecs_service_revision);
  EXPECT_EQ(family_of("elasticloadbalancing", "DescribeTargetHealth"), ApiFamily::elbv2_describe);
  EXPECT_EQ(family_of("application-autoscaling", "DescribeScalableTargets"),
            ApiFamily::application_autoscaling);
  EXPECT_EQ(family_of("sts", "AssumeRole"), ApiFamily::unlimited);
  EXPECT_EQ(aws_bucket(ApiFamily::ecs_task_definition_modify).burst, 20);
  EXPECT_EQ(aws_bucket(ApiFamily::ecs_task_definition_modify).rate, 1);
  EXPECT_EQ(aws_bucket(ApiFamily::ecs_service_modify).rate, 5);
}

TEST(RequestBudget, KeepsItsShareOfEachAwsBucket) {
  StillClock clock;
  RequestBudget half(clock, {0.5, false});
  EXPECT_EQ(half.bucket(ApiFamily::ecs_task_definition_modify).burst, 10);
  EXPECT_EQ(half.bucket(ApiFamily::ecs_task_definition_modify).rate, 0.5);
  EXPECT_EQ(half.bucket(ApiFamily::elbv2_describe).rate, 5);
  RequestBudget tiny(clock, {0.01, false});
  EXPECT_EQ(tiny.bucket(ApiFamily::ecs_task_definition_modify).burst, 1) << "at least one request at once";
}

// 8 threads register 40 revisions at once: the waits handed out are exactly
// the burst at once and then one per refill interval, none shared, none lost.
TEST(RequestBudget, HoldsTheConfiguredRateUnderConcurrency) {
  StillClock clock;
  RequestBudget budget(clock, {0.5, false});  // RegisterTaskDefinition: 10 at once, then 0.5/s
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) budget.before_send("ecs", "RegisterTaskDefinition");
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<milliseconds> waits = clock.sleeps();
  std::sort(waits.begin(), waits.end());
  ASSERT_EQ(waits.size(), 30u) << "the first 10 do not wait";
  for (std::size_t i = 0; i < waits.size(); ++i) EXPECT_EQ(waits[i], milliseconds(2000 * (i + 1))) << i;
  EXPECT_EQ(budget.waits(), 30);
  // Other families are not held up by this one.
  budget.before_send("ecs", "DescribeServices");
  EXPECT_EQ(clock.sleeps().size(), 30u);
}

TEST(RequestBudget, EveryElbCallAlsoTakesFromTheAccountWideElbBucket) {
  StillClock clock;
  RequestBudget budget(clock, {1.0, false});
  // DescribeTargetHealth (40, 10/s) and the ELB account bucket (40, 10/s):
  // another ELB action spends the account bucket for everyone.
  for (int i = 0; i < 20; ++i) budget.before_send("elasticloadbalancing", "DescribeTargetGroupAttributes");
  for (int i = 0; i < 20; ++i) budget.before_send("elasticloadbalancing", "DescribeTargetHealth");
  EXPECT_TRUE(clock.sleeps().empty());
  budget.before_send("elasticloadbalancing", "DescribeTargetHealth");
  ASSERT_EQ(clock.sleeps().size(), 1u) << "the 41st ELB call waits for the account bucket";
  EXPECT_EQ(clock.sleeps()[0], 100ms);
}

// A change still waiting its turn when another component fails is not sent,
// and its token goes back to the bucket.
TEST(RequestBudget, AWaitGivenUpReturnsItsToken) {
  StillClock clock;
  RequestBudget budget(clock, {0.05, false});  // RegisterTaskDefinition: 1 at once, then 1 per 20 s
  ASSERT_TRUE(budget.before_send("ecs", "RegisterTaskDefinition"));
  std::atomic<bool> stopped{true};
  {
    RequestBudget::GiveUpWhen give_up(stopped);
    EXPECT_FALSE(budget.before_send("ecs", "RegisterTaskDefinition"));
  }
  std::atomic<bool> running{false};
  RequestBudget::GiveUpWhen give_up(running);
  ASSERT_TRUE(budget.before_send("ecs", "RegisterTaskDefinition"));
  milliseconds waited{0};
  for (auto sleep : clock.sleeps()) waited += sleep;
  EXPECT_EQ(waited, 20000ms) << "the next token, not the one after it: the given-up one came back";
}

TEST(RequestBudget, StsIsNotCounted) {
  StillClock clock;
  RequestBudget budget(clock, {0.01, false});
  for (int i = 0; i < 100; ++i) budget.before_send("sts", "AssumeRole");
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(RequestBudget, ShareAndModeComeFromTheEnvironment) {
  auto defaults = request_budget_from_env(MapEnvironment{});
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->share, 0.5);
  EXPECT_FALSE(defaults->adaptive);
  auto quarter = request_budget_from_env(
      MapEnvironment({{"ADJUST_AWS_RATE_SHARE", "25%"}, {"AWS_RETRY_MODE", "adaptive"}}));
  ASSERT_TRUE(quarter);
  EXPECT_EQ(quarter->share, 0.25);
  EXPECT_TRUE(quarter->adaptive);
  for (const char* bad : {"0", "101", "half", "-5", "50%%"}) {
    auto parsed = request_budget_from_env(MapEnvironment({{"ADJUST_AWS_RATE_SHARE", std::string(bad)}}));
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::config);
    EXPECT_NE(parsed.error().message.find("ADJUST_AWS_RATE_SHARE"), std::string::npos);
  }
}

// Answers arriving at 10 per second for 5 s, then a throttle: the SDKs'
// rule cuts the rate to 0.7 x the measured rate; successes then grow it
// back along the cubic curve, past the rate at the throttle.
TEST(AdaptiveRate, SlowsOnThrottlingAndRecovers) {
  AdaptiveRate::Time t{std::chrono::hours(1)};
  AdaptiveRate rate(t);
  for (int i = 0; i < 50; ++i) {
    t += 100ms;
    rate.on_response(false, t);
  }
  EXPECT_FALSE(rate.enabled()) << "no limit before the first throttle";
  double measured = rate.measured_rate();
  EXPECT_NEAR(measured, 10.0, 0.5);
  t += 100ms;
  rate.on_response(true, t);
  ASSERT_TRUE(rate.enabled());
  double cut = rate.rate();
  EXPECT_NEAR(cut, 0.7 * measured, 0.8);
  EXPECT_LT(cut, measured);
  // Two more throttles in a row: slower still.
  t += 100ms;
  rate.on_response(true, t);
  EXPECT_LT(rate.rate(), cut);
  double floor_rate = rate.rate();
  // Successes at the allowed pace: the rate climbs back and recovers.
  double previous = floor_rate;
  bool rose = false;
  for (int i = 0; i < 200; ++i) {
    t += milliseconds(static_cast<long long>(1000 / std::max(rate.rate(), 1.0)));
    rate.on_response(false, t);
    rose = rose || rate.rate() > previous;
    previous = rate.rate();
  }
  EXPECT_TRUE(rose);
  EXPECT_GT(rate.rate(), cut) << "recovered past the first cut";
  EXPECT_GE(rate.rate(), AdaptiveRate::k_min_rate);
}

TEST(AdaptiveRate, NeverGoesBelowTheMinimum) {
  AdaptiveRate::Time t{std::chrono::hours(1)};
  AdaptiveRate rate(t);
  for (int i = 0; i < 20; ++i) {
    t += 3s;
    rate.on_response(true, t);
  }
  EXPECT_EQ(rate.rate(), AdaptiveRate::k_min_rate);
}

// In adaptive mode a throttle on one family paces that family (and not the others).
TEST(RequestBudget, AdaptiveModePacesTheThrottledFamilyOnly) {
  StillClock clock;
  RequestBudget budget(clock, {1.0, true});
  EXPECT_FALSE(budget.adaptive_rate(ApiFamily::ecs_service_modify));
  for (int i = 0; i < 10; ++i) {
    clock.advance(100ms);
    budget.before_send("ecs", "UpdateService");
    budget.after_answer("ecs", "UpdateService", i == 9);
  }
  auto limited = budget.adaptive_rate(ApiFamily::ecs_service_modify);
  ASSERT_TRUE(limited);
  EXPECT_LT(*limited, 10.0);
  std::size_t before = clock.sleeps().size();
  // Its bucket holds about one second's worth at the new rate.
  for (int i = 0; i < 20; ++i) budget.before_send("ecs", "UpdateService");
  EXPECT_GT(clock.sleeps().size(), before) << "UpdateService now waits for the adaptive rate";
  std::size_t after = clock.sleeps().size();
  for (int i = 0; i < 20; ++i) budget.before_send("ecs", "DescribeServices");
  EXPECT_EQ(clock.sleeps().size(), after);
  EXPECT_FALSE(budget.adaptive_rate(ApiFamily::ecs_service_read));
}

TEST(RequestBudget, StandardModeLearnsNothingFromThrottles) {
  StillClock clock;
  RequestBudget budget(clock, {1.0, false});
  for (int i = 0; i < 5; ++i) budget.after_answer("ecs", "UpdateService", true);
  EXPECT_FALSE(budget.adaptive_rate(ApiFamily::ecs_service_modify));
}

}  // namespace
}  // namespace adjust::testing
