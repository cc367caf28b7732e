// Issue 13, end to end: the driver shares the account's API buckets with
// everyone else. The simulator enforces AWS's buckets account-wide (POST
// config "buckets"), so what it throttles is what AWS would have throttled.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/adjust_e2e.hpp"
#include "support/adjust_run.hpp"
#include "support/sim_fixture.hpp"

namespace adjust::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

std::vector<std::string> service_names(const std::string& prefix, int count) {
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i) names.push_back(prefix + (i < 10 ? "0" : "") + std::to_string(i));
  return names;
}

AdjustRun adjust_all(SimFixture& sim, const std::vector<std::string>& names, const EnvVars& extra_env,
                     const json& control = json::object()) {
  std::string components;
  std::map<std::string, json> request;
  for (const auto& name : names) {
    components += component_yaml(name);
    request[name] = {{"cpu", 0.5}, {"mem", 1}};
  }
  Workdir dir;
  AdjustOptions options;
  options.args = {"--config", dir.write("config.yaml", config_yaml(sim.endpoint(), components)), "app"};
  json body = settings_request(request);
  body["control"] = control;
  options.stdin_text = body.dump();
  options.env = adjust_env(dir);
  options.env.insert(options.env.end(), extra_env.begin(), extra_env.end());
  options.unset_env = k_unset;
  options.timeout = 150s;
  AdjustRun run = run_adjust(options);
  for (const auto& line : run.bad_lines) ADD_FAILURE() << "stdout line is not a JSON object: " << line;
  return run;
}

int throttled(SimFixture& sim) {
  int count = 0;
  for (const auto& row : sim.requests()) count += row.value("throttled", false) ? 1 : 0;
  return count;
}

// Two drivers at once, each at its default share (half of every bucket),
// register and deploy 12 services each: together they fit the account's
// RegisterTaskDefinition bucket (20 at once, then 1 per second), so AWS
// throttles nothing and both end ok.
TEST(RequestBudgetE2e, TwoDriversAtTheirDefaultShareAreNeverThrottled) {
  SimFixture sim(fast_sim());
  std::vector<std::string> first = service_names("a", 12);
  std::vector<std::string> second = service_names("b", 12);
  std::vector<std::string> all = first;
  all.insert(all.end(), second.begin(), second.end());
  seed(sim, all);
  sim.set_scenario(scenario("*", "converge"));
  sim.control("config", {{"buckets", "aws"}});
  AdjustRun other;
  std::thread running([&] { other = adjust_all(sim, second, {}); });
  AdjustRun run = adjust_all(sim, first, {});
  running.join();
  EXPECT_EQ(run.final.value("status", ""), "ok") << run.dump();
  EXPECT_EQ(other.final.value("status", ""), "ok") << other.dump();
  EXPECT_EQ(sim.count("RegisterTaskDefinition"), 24);
  EXPECT_EQ(throttled(sim), 0) << sim.state().at("buckets").dump();
}

// Fifty new revisions at the default share (10 at once, then one every 2 s)
// need 80 s: a call whose deadline is a minute is refused before it starts.
TEST(RequestBudgetE2e, RegistrationsThatCannotFitTheDeadlineAreRefusedBeforeAnyChange) {
  SimFixture sim(fast_sim());
  std::vector<std::string> names = service_names("s", 50);
  seed(sim, names);
  sim.control("config", {{"buckets", "aws"}});
  AdjustRun run = adjust_all(sim, names, {}, {{"timeout", 60}});
  ASSERT_EQ(run.final.value("status", ""), "failed") << run.dump();
  EXPECT_EQ(run.final.value("reason", ""), "deadline-too-short") << run.dump();
  const std::string message = run.final.value("message", "");
  EXPECT_NE(message.find("50 new task definition revisions take at least 80 s to register"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("nothing was changed"), std::string::npos) << message;
  EXPECT_EQ(mutating_calls(sim), 0);
}

// Someone else has spent the account's RegisterTaskDefinition budget: 5
// registrations are left and nothing refills. The other 45 are throttled (one
// attempt each, so the test does not sit through the retries) or never
// start, and the run fails. Each component's part of
// the final line is what happened to it, checked against what AWS saw.
TEST(RequestBudgetE2e, AnAccountBudgetSpentByOthersNamesEachComponentsTrueOutcome) {
  SimFixture sim(fast_sim());
  std::vector<std::string> names = service_names("s", 50);
  seed(sim, names);
  sim.set_scenario(scenario("*", "converge"));
  sim.control("config",
              {{"buckets", {{"families", {{"ecs_task_definition_modify", {{"burst", 5}, {"rate", 0}}}}}}}});
  AdjustRun run = adjust_all(sim, names, {{"ADJUST_AWS_RATE_SHARE", "100"}, {"AWS_MAX_ATTEMPTS", "1"}});
  ASSERT_EQ(run.final.value("status", ""), "failed") << run.dump();
  EXPECT_EQ(run.final.value("reason", ""), "throttled") << run.dump();
  const std::string message = run.final.value("message", "");

  // What AWS saw, per service: registered, updated to the new revision.
  std::set<std::string> updated;
  for (const auto& row : sim.requests("operation=UpdateService")) {
    const json& params = row.at("params");
    if (row.value("status", 0) == 200 && params.value("taskDefinition", "").find(":2") != std::string::npos)
      updated.insert(params.value("service", ""));
  }
  std::set<std::string> registered;
  for (const auto& row : sim.requests("operation=RegisterTaskDefinition")) {
    if (row.value("status", 0) == 200) registered.insert(row.at("params").value("family", ""));
  }
  ASSERT_EQ(registered.size(), 5u);
  // Whether any of the 5 reached UpdateService before the first throttle
  // stopped the run is a race: each outcome below is checked against what
  // AWS saw, either way.

  int not_started = 0;
  int throttled_parts = 0;
  for (const auto& name : names) {
    std::smatch part;
    std::regex own("(?:^| \\| )(" + name + ": [^|]*)");
    ASSERT_TRUE(std::regex_search(message, part, own)) << name << " missing from: " << message;
    const std::string text = part[1].str();
    EXPECT_EQ(text.find(name + ": ok"), std::string::npos) << text;
    if (updated.contains(name)) {
      EXPECT_NE(text.find("Rolled back to " + name + ":1"), std::string::npos) << text;
    } else if (text.find("[failed, throttled]") != std::string::npos) {
      ++throttled_parts;
      EXPECT_NE(text.find("register task definition"), std::string::npos) << text;
    } else {
      ++not_started;
      EXPECT_NE(text.find(name + ": not started: another component failed first"), std::string::npos) << text;
    }
  }
  EXPECT_GE(throttled_parts, 1);
  EXPECT_GE(not_started, 1);
  // Every service runs its old revision again; none was left half-changed.
  for (const auto& name : names) expect_primary(sim, name, name + ":1", 2);
}

}  // namespace
}  // namespace adjust::testing
