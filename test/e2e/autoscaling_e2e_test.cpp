// Application Auto Scaling end to end: the real binary against the
// simulator's scalable targets (JSON 1.1, signed for application-autoscaling).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/adjust_e2e.hpp"
#include "support/sim_fixture.hpp"

namespace adjust::testing {
namespace {

using json = nlohmann::json;

// web (2 tasks of web:1) scaled by a target with bounds 2-10.
void seed_autoscaled(SimFixture& sim) {
  json service = service_spec("web");
  service["scalable_target"] = {{"min", 2}, {"max", 10}};
  sim.control("seed",
              {{"cluster", "demo"}, {"task_definitions", {task_definition("web")}}, {"services", {service}}});
}

json target_of(SimFixture& sim) {
  for (const auto& row : sim.state().value("scalable_targets", json::array())) {
    if (row.value("service", "") == "web") return row.value("scalable_target", json());
  }
  return nullptr;
}

const json k_three = {{"cpu", 0.5}, {"mem", 1}, {"replicas", 3}};

TEST(AutoscalingE2e, QueryShowsTheBoundsBesideTheSettings) {
  SimFixture sim(fast_sim());
  seed_autoscaled(sim);
  auto run = run_adjust(config_yaml(sim.endpoint(), component_yaml("web")), json::object(), {"--query"});
  ASSERT_EQ(run.result.exit_code, 0) << run.dump();
  const json& web = run.final.at("application").at("components").at("web");
  EXPECT_EQ(web.at("autoscaling"), json({{"min", 2}, {"max", 10}})) << run.final;
  auto described = sim.requests("operation=DescribeScalableTargets");
  ASSERT_EQ(described.size(), 1u);
  EXPECT_EQ(described[0].value("signing_service", ""), "application-autoscaling");
}

TEST(AutoscalingE2e, ReplicasAreRefusedByDefaultWithNothingChanged) {
  SimFixture sim(fast_sim());
  seed_autoscaled(sim);
  auto run =
      run_adjust(config_yaml(sim.endpoint(), component_yaml("web")), settings_request({{"web", k_three}}));
  EXPECT_EQ(run.final.value("reason", ""), "invalid-config") << run.dump();
  EXPECT_EQ(mutating_calls(sim), 0);
  EXPECT_EQ(sim.count("RegisterScalableTarget"), 0);
}

TEST(AutoscalingE2e, PinnedBoundsArePutBackWhenTheChangeIsRolledBack) {
  SimFixture sim(fast_sim());
  seed_autoscaled(sim);
  sim.set_scenario(scenario("web", "fail_start", {{"failure", "oom"}}));
  auto run =
      run_adjust(config_yaml(sim.endpoint(), component_yaml("web", "    replicas_when_autoscaled: pin\n")),
                 settings_request({{"web", k_three}}));
  EXPECT_EQ(run.final.value("status", ""), "rejected") << run.dump();
  EXPECT_NE(message_of(run).find("Application Auto Scaling bounds put back to 2-10"), std::string::npos)
      << run.dump();
  auto registered = sim.requests("operation=RegisterScalableTarget");
  ASSERT_EQ(registered.size(), 2u) << registered.dump();
  EXPECT_EQ(registered[0].at("params").value("MinCapacity", 0), 3);
  EXPECT_EQ(registered[0].at("params").value("MaxCapacity", 0), 3);
  json target = target_of(sim);
  EXPECT_EQ(target.value("min", 0), 2) << target;
  EXPECT_EQ(target.value("max", 0), 10) << target;
  expect_primary(sim, "web", "web:1", 2);
}

}  // namespace
}  // namespace adjust::testing
