// The waits a service's deployment strategy imposes, and the up-front
// deadline check built on them.
#include <gtest/gtest.h>

#include "adjust/logic/strategy.hpp"

namespace adjust {
namespace {

using std::chrono::seconds;

EcsDeploymentConfiguration with_strategy(DeploymentStrategy strategy) {
  EcsDeploymentConfiguration configuration;
  configuration.strategy = strategy;
  return configuration;
}

TEST(Strategy, RollingHasNoFixedWait) {
  EXPECT_EQ(minimum_deployment_time(with_strategy(DeploymentStrategy::rolling)).minimum, seconds(0));
  EXPECT_FALSE(deadline_shortfall("web", with_strategy(DeploymentStrategy::rolling), seconds(1)));
}

TEST(Strategy, BlueGreenWaitsItsBakeTime) {
  auto configuration = with_strategy(DeploymentStrategy::blue_green);
  configuration.bake_time_minutes = 5;
  EXPECT_EQ(minimum_deployment_time(configuration).minimum, seconds(300));
  EXPECT_FALSE(deadline_shortfall("web", configuration, seconds(301)));
  auto shortfall = deadline_shortfall("web", configuration, seconds(120));
  ASSERT_TRUE(shortfall);
  EXPECT_NE(shortfall->find("BLUE_GREEN"), std::string::npos) << *shortfall;
  EXPECT_NE(shortfall->find("at least 300 s (bake time 5 min)"), std::string::npos) << *shortfall;
  EXPECT_NE(shortfall->find("deadline is 120 s"), std::string::npos) << *shortfall;
  EXPECT_NE(shortfall->find("timeout_service_desired_count"), std::string::npos) << *shortfall;
}

TEST(Strategy, LinearWaitsBetweenStepsButNotAfterTheLast) {
  auto configuration = with_strategy(DeploymentStrategy::linear);
  configuration.linear_step_percent = 25;
  configuration.linear_step_bake_minutes = 2;
  configuration.bake_time_minutes = 1;
  // 25, 50, 75, 100: three waits of 2 min, then the bake.
  EXPECT_EQ(minimum_deployment_time(configuration).minimum, seconds((3 * 2 + 1) * 60));
  // ECS's defaults: steps of 10% every 6 min (9 waits).
  EXPECT_EQ(minimum_deployment_time(with_strategy(DeploymentStrategy::linear)).minimum, seconds(9 * 6 * 60));
}

TEST(Strategy, CanaryWaitsItsCanaryBakeAndTheBake) {
  auto configuration = with_strategy(DeploymentStrategy::canary);
  configuration.canary_bake_minutes = 3;
  configuration.bake_time_minutes = 2;
  EXPECT_EQ(minimum_deployment_time(configuration).minimum, seconds(300));
  EXPECT_EQ(minimum_deployment_time(with_strategy(DeploymentStrategy::canary)).minimum, seconds(600));
}

TEST(Strategy, DescriptionNamesStrategyAndItsWaits) {
  auto configuration = with_strategy(DeploymentStrategy::blue_green);
  configuration.bake_time_minutes = 5;
  configuration.lifecycle_hooks.push_back({"PAUSE", "", {"POST_SCALE_UP"}, std::nullopt, ""});
  EXPECT_EQ(describe_strategy(configuration), "BLUE_GREEN (bake 5 min, 1 PAUSE hook(s))");
  auto rolling = with_strategy(DeploymentStrategy::rolling);
  rolling.early_success = EarlySuccessCriteria{true, 50.0, "DEFERRED"};
  EXPECT_EQ(describe_strategy(rolling), "ROLLING (early success at 50%, DEFERRED clean-up)");
}

}  // namespace
}  // namespace adjust
