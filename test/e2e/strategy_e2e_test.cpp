// Deployment truth end to end: the real `adjust` binary against the simulator
// modelling ECS as it runs today (service deployments API, BLUE_GREEN, LINEAR,
// CANARY, bake, alarms, PAUSE hooks, early success, stale reads), sim time 60x
// real time so a minute of bake takes a second. Each case asserts the final
// status and reason, when `ok` came relative to the simulated production
// traffic shift, and what the service runs afterwards.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/adjust_e2e.hpp"
#include "support/sim_fixture.hpp"

namespace adjust::testing {
namespace {

using json = nlohmann::json;

constexpr const char* k_alarm = "web-5xx";

struct Strategy {
  const char* name;
  json configuration;  // deploymentConfiguration members
};

const std::vector<Strategy>& strategies() {
  static const std::vector<Strategy> all = {
      {"ROLLING", json::object()},
      {"BLUE_GREEN", {{"bakeTimeInMinutes", 1}}},
      {"LINEAR",
       {{"bakeTimeInMinutes", 1},
        {"linearConfiguration", {{"stepPercent", 50.0}, {"stepBakeTimeInMinutes", 1}}}}},
      {"CANARY",
       {{"bakeTimeInMinutes", 1},
        {"canaryConfiguration", {{"canaryPercent", 10.0}, {"canaryBakeTimeInMinutes", 1}}}}},
  };
  return all;
}

SimFixture::Options quick_sim() {
  SimFixture::Options options = fast_sim();
  options.time_factor = 60.0;
  return options;
}

// web on web:1 behind web-tg (and web-alt-tg for the traffic strategies).
void seed_strategy(SimFixture& sim, const Strategy& strategy, json extra_configuration = json::object()) {
  json configuration = strategy.configuration;
  configuration.update(extra_configuration);
  sim.control("seed", {{"cluster", "demo"},
                       {"task_definitions", {task_definition("web")}},
                       {"services", {strategy_service_spec("web", strategy.name, configuration)}}});
}

// A deadline well above the strategies' 2-minute waits (which pass in 2 s at 60x).
AdjustRun adjust_to(SimFixture& sim, const json& settings, int timeout_seconds = 600,
                    const std::string& extra_yaml = {}) {
  json request = settings_request({{"web", settings}});
  request["control"] = {{"timeout", timeout_seconds}};
  return run_adjust(config_yaml(sim.endpoint(), component_yaml("web", extra_yaml)), request);
}

const json k_bigger = {{"cpu", 0.5}, {"mem", 1}, {"replicas", 2}, {"MODE", "fast"}, {"LOG_LEVEL", "info"}};

// The service deployment the sim made for `revision` (e.g. "web:2").
json service_deployment_for(SimFixture& sim, const std::string& revision) {
  json state = sim.state();
  json found;
  for (const auto& row : state.value("service_deployments", json::array())) {
    if (row.value("task_definition", "") == k_arn_prefix + revision) found = row;
  }
  return found;
}

double number_or(const json& object, const char* key, double fallback) {
  auto found = object.find(key);
  return found != object.end() && found->is_number() ? found->get<double>() : fallback;
}

// The sim time of the driver's last AWS call: the look that decided.
double last_call_sim_time(SimFixture& sim) {
  json requests = sim.requests();
  return requests.empty() ? 0.0 : number_or(requests.back(), "sim_time", 0.0);
}

class StrategyE2e : public ::testing::TestWithParam<Strategy> {};

TEST_P(StrategyE2e, SuccessIsOkOnlyAfterProductionTrafficMovedAndEcsFinished) {
  SimFixture sim(quick_sim());
  seed_strategy(sim, GetParam());
  sim.set_scenario(scenario("web", "converge"));
  auto run = adjust_to(sim, k_bigger);
  ASSERT_EQ(run.final, json({{"status", "ok"}, {"reason", "success"}})) << run.dump() << sim.log_tail();
  expect_primary(sim, "web", "web:2", 2);
  json deployment = service_deployment_for(sim, "web:2");
  ASSERT_TRUE(deployment.is_object()) << sim.state().dump();
  EXPECT_EQ(deployment.value("status", ""), "SUCCESSFUL");
  double decided = last_call_sim_time(sim);
  EXPECT_GE(decided, number_or(deployment, "finished_sim", 1e18)) << "ok before ECS finished: " << deployment;
  if (std::string(GetParam().name) != "ROLLING") {  // a rolling deployment shifts no traffic weights
    EXPECT_GE(decided, number_or(deployment, "production_shift_sim", 1e18))
        << "ok before traffic moved: " << deployment;
  }
  EXPECT_GE(sim.count("DescribeServiceDeployments"), 1);
}

TEST_P(StrategyE2e, CircuitBreakerRollbackIsRejectedWithTheEvidence) {
  SimFixture sim(quick_sim());
  seed_strategy(sim, GetParam());
  sim.set_scenario(scenario("web", "breaker_rollback", {{"failure", "oom"}}));
  auto run = adjust_to(sim, k_bigger);
  EXPECT_EQ(run.final.value("status", ""), "rejected") << run.dump();
  EXPECT_EQ(run.final.value("reason", ""), "start-failed") << run.dump();
  EXPECT_NE(message_of(run).find("OutOfMemoryError"), std::string::npos) << run.dump();
  expect_primary(sim, "web", "web:1", 2);
}

TEST_P(StrategyE2e, AlarmRollbackIsRejectedNamingTheAlarm) {
  SimFixture sim(quick_sim());
  seed_strategy(sim, GetParam(),
                {{"alarms", {{"alarmNames", {k_alarm}}, {"enable", true}, {"rollback", true}}}});
  sim.set_scenario(scenario("web", "converge", {{"alarm_in_bake", k_alarm}}));
  auto run = adjust_to(sim, k_bigger);
  EXPECT_EQ(run.final.value("status", ""), "rejected") << run.dump();
  EXPECT_EQ(run.final.value("reason", ""), "alarm-triggered") << run.dump();
  EXPECT_NE(message_of(run).find(k_alarm), std::string::npos) << run.dump();
  expect_primary(sim, "web", "web:1", 2);
}

TEST_P(StrategyE2e, PausedHookFailsFastAndIsRolledBack) {
  SimFixture sim(quick_sim());
  seed_strategy(sim, GetParam(),
                {{"lifecycleHooks",
                  {{{"targetType", "PAUSE"},
                    {"lifecycleStages", {"POST_SCALE_UP"}},
                    {"timeoutConfiguration", {{"timeoutInMinutes", 1440}, {"action", "ROLLBACK"}}}}}}});
  sim.set_scenario(scenario("web", "converge"));
  auto run = adjust_to(sim, k_bigger);
  EXPECT_EQ(run.final.value("status", ""), "failed") << run.dump();
  EXPECT_EQ(run.final.value("reason", ""), "deployment-paused") << run.dump();
  EXPECT_LT(run.elapsed.count(), 60.0) << "no silent wait to the deadline";
  EXPECT_GE(sim.count("ContinueServiceDeployment"), 1) << "rolled back at the hook";
  expect_primary(sim, "web", "web:1", 2);
}

TEST_P(StrategyE2e, PausedHookIsContinuedWhenConfigured) {
  SimFixture sim(quick_sim());
  seed_strategy(sim, GetParam(),
                {{"lifecycleHooks", {{{"targetType", "PAUSE"}, {"lifecycleStages", {"POST_SCALE_UP"}}}}}});
  sim.set_scenario(scenario("web", "converge"));
  auto run = adjust_to(sim, k_bigger, 600, "    deployment: {paused_hooks: continue}\n");
  ASSERT_EQ(run.final, json({{"status", "ok"}, {"reason", "success"}})) << run.dump();
  EXPECT_EQ(sim.count("ContinueServiceDeployment"), 1);
  expect_primary(sim, "web", "web:2", 2);
}

TEST_P(StrategyE2e, DeploymentsApiDeniedFallsBackToTheSameVerdict) {
  SimFixture sim(quick_sim());
  seed_strategy(sim, GetParam());
  sim.control("config", {{"deployments_api", "denied"}});
  sim.set_scenario(scenario("web", "converge"));
  auto run = adjust_to(sim, k_bigger);
  ASSERT_EQ(run.final, json({{"status", "ok"}, {"reason", "success"}})) << run.dump();
  EXPECT_NE(run.result.err.find("DescribeServices alone"), std::string::npos) << run.result.err;
  expect_primary(sim, "web", "web:2", 2);
  json deployment = service_deployment_for(sim, "web:2");
  EXPECT_EQ(deployment.value("status", ""), "SUCCESSFUL") << "ok only once ECS finished: " << deployment;
}

INSTANTIATE_TEST_SUITE_P(EveryStrategy, StrategyE2e, ::testing::ValuesIn(strategies()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// ---- strategy-specific ----------------------------------------------------------------

TEST(StrategyE2eOnce, BakeLongerThanTheDeadlineFailsBeforeAnyChange) {
  SimFixture sim(quick_sim());
  seed_strategy(sim, {"BLUE_GREEN", {{"bakeTimeInMinutes", 30}}});
  auto run = adjust_to(sim, k_bigger, 1200);
  EXPECT_EQ(run.final.value("status", ""), "failed") << run.dump();
  EXPECT_EQ(run.final.value("reason", ""), "deadline-too-short") << run.dump();
  EXPECT_NE(message_of(run).find("1800 s"), std::string::npos) << run.dump();
  EXPECT_EQ(mutating_calls(sim), 0);
}

TEST(StrategyE2eOnce, TwoBlueGreenAdjustmentsInARowBothEndOkAcrossTheTargetGroupSwap) {
  SimFixture sim(quick_sim());
  seed_strategy(sim, strategies()[1]);
  sim.set_scenario(scenario("web", "converge"));
  auto first = adjust_to(sim, k_bigger);
  ASSERT_EQ(first.final, json({{"status", "ok"}, {"reason", "success"}})) << first.dump();
  json second_settings = k_bigger;
  second_settings["MODE"] = "safe";
  auto second = adjust_to(sim, second_settings);
  ASSERT_EQ(second.final, json({{"status", "ok"}, {"reason", "success"}})) << second.dump() << sim.log_tail();
  expect_primary(sim, "web", "web:3", 2);
  json a = service_deployment_for(sim, "web:2");
  json b = service_deployment_for(sim, "web:3");
  EXPECT_NE(a.value("target_groups", json()), b.value("target_groups", json())) << a << "\n" << b;
}

TEST(StrategyE2eOnce, EarlySuccessWithOldTasksServingIsNeverOk) {
  SimFixture sim(quick_sim());
  seed_strategy(sim, strategies()[0],
                {{"earlySuccessCriteria",
                  {{"enable", true}, {"healthyPercent", 50}, {"sourceServiceRevisionCleanup", "DEFERRED"}}}});
  sim.set_scenario(scenario("web", "converge"));
  auto run = adjust_to(sim, k_bigger, 15);
  EXPECT_EQ(run.final.value("status", ""), "failed") << run.dump();
  EXPECT_EQ(run.final.value("reason", ""), "timeout") << run.dump();
  EXPECT_NE(message_of(run).find("old task"), std::string::npos) << run.dump();
  json deployment = service_deployment_for(sim, "web:2");
  EXPECT_EQ(deployment.value("status", ""), "SUCCESSFUL") << "ECS itself called it done: " << deployment;
}

TEST(StrategyE2eOnce, EarlySuccessIsOkOnceTheOldTasksAreGone) {
  SimFixture sim(quick_sim());
  seed_strategy(sim, strategies()[0],
                {{"earlySuccessCriteria",
                  {{"enable", true}, {"healthyPercent", 50}, {"sourceServiceRevisionCleanup", "DEFERRED"}}}});
  sim.set_scenario(scenario("web", "converge", {{"deferred_cleanup_seconds", 60}}));
  auto run = adjust_to(sim, k_bigger);
  ASSERT_EQ(run.final, json({{"status", "ok"}, {"reason", "success"}})) << run.dump();
  expect_primary(sim, "web", "web:2", 2);
}

TEST(StrategyE2eOnce, StaleDescribeServicesAfterUpdateLeavesTheVerdictUnchanged) {
  SimFixture sim(quick_sim());
  seed_strategy(sim, strategies()[0]);
  sim.set_scenario(scenario("web", "converge", {{"stale_describes", 3}, {"current_lag", 2}}));
  auto run = adjust_to(sim, k_bigger);
  ASSERT_EQ(run.final, json({{"status", "ok"}, {"reason", "success"}})) << run.dump();
  expect_primary(sim, "web", "web:2", 2);
}

TEST(StrategyE2eOnce, StaleReadsWithoutTheDeploymentsApiLeaveTheVerdictUnchanged) {
  SimFixture sim(quick_sim());
  seed_strategy(sim, strategies()[0]);
  sim.control("config", {{"deployments_api", "unsupported"}});
  sim.set_scenario(scenario("web", "converge", {{"stale_describes", 3}}));
  auto run = adjust_to(sim, k_bigger);
  ASSERT_EQ(run.final, json({{"status", "ok"}, {"reason", "success"}})) << run.dump();
  expect_primary(sim, "web", "web:2", 2);
}

}  // namespace
}  // namespace adjust::testing
