// Issue 12, end to end: the driver is not alone. A run killed with SIGKILL
// leaves its deployment going; the next run must not build on it. Two runs
// at once on one service: what each reports must match what runs.
#include <gtest/gtest.h>
#include <signal.h>

#include <iostream>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>

#include "support/adjust_e2e.hpp"
#include "support/adjust_run.hpp"
#include "support/sim_fixture.hpp"

namespace adjust::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

const json k_bigger = {{"cpu", 0.5}, {"mem", 1}, {"replicas", 3}, {"MODE", "fast"}, {"LOG_LEVEL", "debug"}};
const json k_other = {{"cpu", 1}, {"mem", 2}, {"replicas", 2}, {"MODE", "fast"}, {"LOG_LEVEL", "info"}};

// The revision a run registered ("web:2"), from its log; "" if none.
std::string registered_by(const AdjustRun& run) {
  std::smatch found;
  static const std::regex registered("registered (web:[0-9]+)");
  return std::regex_search(run.result.err, found, registered) ? found[1].str() : "";
}

TEST(RestartE2e, ARunKilledMidDeploymentLeavesTheNextOneBusyAndUnchanged) {
  SimFixture sim(fast_sim());
  seed(sim);
  // The new revision never starts and no circuit breaker ends it: the
  // killed run's deployment stays in progress.
  sim.set_scenario(scenario("web", "fail_start", {{"failure", "oom"}, {"breaker", false}}));
  json ids = sim.control("rules", {{"rules",
                                    {{{"service", "ecs"},
                                      {"operation", "DescribeServices"},
                                      {"after", {{"operation", "UpdateService"}, {"count", 1}}},
                                      {"call", 1},
                                      {"action", "delay"},
                                      {"delay_ms", 500}}}}})
                 .at("ids");
  Workdir dir;
  AdjustOptions killed;
  killed.args = {"--config", dir.write("config.yaml", config_yaml(sim.endpoint(), component_yaml("web"))),
                 "app"};
  killed.stdin_path = dir.write("request.json", settings_request({{"web", k_bigger}}).dump());
  killed.env = adjust_env(dir);
  killed.unset_env = k_unset;
  killed.sim = &sim;
  killed.hold_rule = ids.at(0).get<int>();
  killed.act = [](int pid) { ASSERT_EQ(::kill(pid, SIGKILL), 0); };
  AdjustRun first = run_adjust(killed);
  EXPECT_EQ(first.result.exit_code, 128 + SIGKILL) << first.dump();
  expect_primary(sim, "web", "web:2", 3);  // the killed run's change, still deploying

  int mutating_before = mutating_calls(sim);
  AdjustRun second =
      run_adjust(config_yaml(sim.endpoint(), component_yaml("web")), settings_request({{"web", k_other}}));
  EXPECT_EQ(second.final.value("status", ""), "failed") << second.dump();
  EXPECT_EQ(second.final.value("reason", ""), "busy") << second.dump();
  EXPECT_NE(message_of(second).find("of web:2"), std::string::npos) << second.dump();
  EXPECT_EQ(mutating_calls(sim), mutating_before) << "the second run changed something";
  expect_primary(sim, "web", "web:2", 3);
}

TEST(RestartE2e, TwoRunsAtOnceReportWhatRuns) {
  SimFixture sim(fast_sim());
  seed(sim);
  sim.set_scenario(scenario("web", "converge"));
  const std::string config = config_yaml(sim.endpoint(), component_yaml("web"));
  AdjustRun a;
  AdjustRun b;
  std::thread other([&] { b = run_adjust(config, settings_request({{"web", k_other}})); });
  a = run_adjust(config, settings_request({{"web", k_bigger}}));
  other.join();

  json state = sim.state();
  const json* primary = primary_of(service_in(state, "web"));
  ASSERT_NE(primary, nullptr) << state.dump();
  std::string running = primary->at("taskDefinition").get<std::string>();
  running = running.substr(running.rfind('/') + 1);
  int ok_runs = 0;
  for (const auto* run : {&a, &b}) {
    const std::string status = run->final.value("status", "");
    std::cout << "[ run ] " << registered_by(*run) << " " << run->final.dump() << " in "
              << run->elapsed.count() << " s\n";
    SCOPED_TRACE(run->dump());
    if (status == "ok") {
      ++ok_runs;
      EXPECT_EQ(registered_by(*run), running) << "reported ok, but another revision runs";
    } else {
      // Whatever it says, it must not claim the service runs its change.
      EXPECT_NE(run->final.value("reason", ""), "success");
    }
  }
  EXPECT_LE(ok_runs, 1) << "two different changes cannot both be what runs";
  const int desired = service_in(state, "web").at("desiredCount").get<int>();
  if (a.final.value("status", "") == "ok") {
    EXPECT_EQ(desired, 3);
  }
  if (b.final.value("status", "") == "ok") {
    EXPECT_EQ(desired, 2);
  }
}

}  // namespace
}  // namespace adjust::testing
