// Issue 4, end to end: the real `adjust` binary against the awssim simulator
// (fake-only, sim time 10x real time) and, for the lossless-clone check,
// against moto behind the simulator. Each test asserts on what the binary
// printed and on what AWS saw (the sim's request log, its state, or moto).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/adjust_e2e.hpp"
#include "support/moto_fixture.hpp"
#include "support/process.hpp"
#include "support/sim_fixture.hpp"

namespace adjust::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// ---- 1. against moto: the new revision differs only in what was asked ------------------

json moto_ecs(const std::string& endpoint, const std::string& operation, const json& body) {
  auto r = http_request("POST", endpoint + "/",
                        {"X-Amz-Target: AmazonEC2ContainerServiceV20141113." + operation,
                         "Content-Type: application/x-amz-json-1.1", std::string("X-Amz-Date: ") + k_fake_amz_date,
                         "Authorization: " + fake_sigv4_authorization("ecs")},
                        body.dump());
  EXPECT_EQ(r.status, 200) << operation << ": " << r.body;
  return json::parse(r.body);
}

// The registrable part of a DescribeTaskDefinition answer, environments sorted
// by name (order carries no meaning), tags alongside.
json registrable(json described) {
  json td = described.at("taskDefinition");
  for (const char* field : {"taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities",
                            "registeredAt", "registeredBy", "deregisteredAt"}) {
    td.erase(field);
  }
  for (auto& container : td.at("containerDefinitions")) {
    if (!container.contains("environment")) continue;
    auto& env = container.at("environment");
    std::sort(env.begin(), env.end(), [](const json& a, const json& b) { return a.at("name") < b.at("name"); });
  }
  return {{"taskDefinition", td}, {"tags", described.value("tags", json::array())}};
}

TEST(EngineE2eMoto, AdjustAgainstMotoRegistersOneFaithfulRevisionAndRunsIt) {
  ADJUST_REQUIRE_MOTO(moto);
  moto->reset();
  SeedOptions seed_options;
  seed_options.iam = false;
  json seeded = seed_moto(moto->endpoint(), seed_options);
  SimFixture sim(fast_sim(moto->endpoint()));
  sim.set_scenario(scenario("web", "converge"));

  auto run = run_adjust(config_yaml(sim.endpoint(), component_yaml("web")),
                        settings_request({{"web", {{"cpu", 0.5}, {"mem", 1}, {"replicas", 3},
                                                   {"MODE", "fast"}, {"LOG_LEVEL", "debug"}}}}));
  ASSERT_EQ(run.final.value("status", ""), "ok") << run.dump() << sim.log_tail();
  EXPECT_EQ(run.result.exit_code, 0);

  // Exactly one new revision.
  json listed = moto_ecs(moto->endpoint(), "ListTaskDefinitions", {{"familyPrefix", "web"}});
  EXPECT_EQ(listed.at("taskDefinitionArns"), json({k_arn_prefix + "web:1", k_arn_prefix + "web:2"})) << listed;
  EXPECT_EQ(sim.count("RegisterTaskDefinition"), 1);

  // It differs from web:1 only in the requested values; tags, secrets, logging kept.
  json before = registrable(moto_ecs(moto->endpoint(), "DescribeTaskDefinition",
                                     {{"taskDefinition", "web:1"}, {"include", {"TAGS"}}}));
  json after = registrable(moto_ecs(moto->endpoint(), "DescribeTaskDefinition",
                                    {{"taskDefinition", "web:2"}, {"include", {"TAGS"}}}));
  json expected = before;
  expected["taskDefinition"]["cpu"] = "512";
  expected["taskDefinition"]["memory"] = "1024";
  expected["taskDefinition"]["containerDefinitions"][0]["environment"] =
      json::array({{{"name", "LOG_LEVEL"}, {"value", "debug"}}, {{"name", "MODE"}, {"value", "fast"}}});
  EXPECT_EQ(after, expected) << "diff (expected -> actual): " << json::diff(expected, after).dump(2);
  const json& container = after["taskDefinition"]["containerDefinitions"][0];
  EXPECT_TRUE(container.contains("secrets"));
  EXPECT_TRUE(container.contains("logConfiguration"));
  EXPECT_EQ(after.at("tags"), json::array({{{"key", "team"}, {"value", "platform"}}}));

  // The service runs it at the new count.
  json service = moto_ecs(moto->endpoint(), "DescribeServices", {{"cluster", "demo"}, {"services", {"web"}}})
                     .at("services")
                     .at(0);
  EXPECT_EQ(service.at("taskDefinition"), k_arn_prefix + "web:2");
  EXPECT_EQ(service.at("desiredCount"), 3);
}

// ---- 7. a converging adjust: ok, JSON lines, monotonic progress --------------------------

TEST(EngineE2e, ConvergingAdjustEndsOkWithMonotonicProgress) {
  SimFixture sim(fast_sim());
  seed(sim);
  sim.set_scenario(scenario("web", "converge"));
  auto run = run_adjust(config_yaml(sim.endpoint(), component_yaml("web")), settings_request({{"web", k_new_size}}));
  ASSERT_EQ(run.final, json({{"status", "ok"}, {"reason", "success"}})) << run.dump();
  EXPECT_EQ(run.result.exit_code, 0);
  ASSERT_GE(run.lines.size(), 2u);
  int last = -1;
  bool saw_all_running = false;
  for (std::size_t i = 0; i + 1 < run.lines.size(); ++i) {
    const json& line = run.lines[i];
    ASSERT_TRUE(line.contains("progress") && line.at("progress").is_number_integer()) << line;
    ASSERT_TRUE(line.contains("message") && line.at("message").is_string()) << line;
    int percent = line.at("progress");
    EXPECT_GE(percent, last) << "progress went down at line " << i << ": " << run.result.out;
    EXPECT_LE(percent, 100);
    last = percent;
    if (line.at("message").get<std::string>().find("3/3 new tasks running") != std::string::npos) {
      saw_all_running = true;
    }
  }
  EXPECT_TRUE(saw_all_running) << run.result.out;
  EXPECT_EQ(run.lines[run.lines.size() - 2].at("progress"), 100);
  expect_primary(sim, "web", "web:2", 3);
  EXPECT_EQ(sim.count("RegisterTaskDefinition"), 1);
  EXPECT_EQ(sim.count("DeregisterTaskDefinition"), 0);
}

// ---- 2. rejected before any mutation -----------------------------------------------------

TEST(EngineE2e, InfeasibleFargateSizeIsRejectedBeforeAnyMutation) {
  SimFixture sim(fast_sim());
  seed(sim);
  auto run = run_adjust(config_yaml(sim.endpoint(), component_yaml("web")),
                        settings_request({{"web", {{"cpu", 0.25}, {"mem", 4}}}}));
  EXPECT_EQ(run.final.value("status", ""), "rejected") << run.dump();
  EXPECT_EQ(run.final.value("reason", ""), "infeasible") << run.dump();
  EXPECT_EQ(run.result.exit_code, 3);
  EXPECT_NE(message_of(run).find("not a valid Fargate size"), std::string::npos) << message_of(run);
  EXPECT_EQ(mutating_calls(sim), 0) << sim.requests().dump(1);
}

TEST(EngineE2e, ContainerHardLimitAboveNewTaskMemoryIsRejectedAndNothingRegistered) {
  SimFixture sim(fast_sim());
  json td = task_definition("web", {{"memory", 1536}});
  td["cpu"] = "512";
  td["memory"] = "2048";
  sim.control("seed", {{"cluster", "demo"}, {"task_definitions", {td}}, {"services", {service_spec("web")}}});
  auto run = run_adjust(config_yaml(sim.endpoint(), component_yaml("web")),
                        settings_request({{"web", {{"mem", 1}}}}));
  EXPECT_EQ(run.final.value("status", ""), "rejected") << run.dump();
  EXPECT_EQ(run.final.value("reason", ""), "infeasible") << run.dump();
  EXPECT_EQ(run.result.exit_code, 3);
  EXPECT_NE(message_of(run).find("1536"), std::string::npos) << message_of(run);
  EXPECT_EQ(mutating_calls(sim), 0) << sim.requests().dump(1);
}

// ---- 2. deployments that fail: rejected with evidence, fast, rolled back -----------------

struct FailureCase {
  const char* name;
  json scenario_extra;
  const char* scenario;
  const char* reason;
  const char* evidence;  // must appear in the message
};

class EngineE2eFailure : public ::testing::TestWithParam<FailureCase> {};

TEST_P(EngineE2eFailure, EndsRejectedWithEvidenceQuicklyAndRollsBack) {
  const FailureCase& c = GetParam();
  SimFixture sim(fast_sim());
  seed(sim);
  sim.set_scenario(scenario("web", c.scenario, c.scenario_extra));
  auto run = run_adjust(config_yaml(sim.endpoint(), component_yaml("web")), settings_request({{"web", k_new_size}}));
  EXPECT_EQ(run.final.value("status", ""), "rejected") << run.dump();
  EXPECT_EQ(run.final.value("reason", ""), c.reason) << run.dump();
  EXPECT_EQ(run.result.exit_code, 3);
  EXPECT_NE(message_of(run).find(c.evidence), std::string::npos) << message_of(run);
  EXPECT_NE(message_of(run).find("Rolled back to web:1"), std::string::npos) << message_of(run);
  // The deadline is 300 s: the verdict comes from evidence, not from waiting it out.
  EXPECT_LT(run.elapsed, 60s);
  expect_primary(sim, "web", "web:1", 2);
  // The restore is an UpdateService back to web:1 at the old count, and the revision is gone.
  json updates = sim.requests("operation=UpdateService");
  ASSERT_FALSE(updates.empty());
  EXPECT_EQ(updates.back().at("params").value("taskDefinition", ""), k_arn_prefix + "web:1") << updates.dump(1);
  EXPECT_EQ(updates.back().at("params").value("desiredCount", -1), 2) << updates.dump(1);
  json deregistered = sim.requests("operation=DeregisterTaskDefinition");
  ASSERT_EQ(deregistered.size(), 1u);
  EXPECT_EQ(deregistered[0].at("params").value("taskDefinition", ""), k_arn_prefix + "web:2");
}

INSTANTIATE_TEST_SUITE_P(
    EngineE2e, EngineE2eFailure,
    ::testing::Values(
        FailureCase{"FailStartOom", {{"failure", "oom"}}, "fail_start", "start-failed", "OutOfMemoryError"},
        FailureCase{"BreakerRollbackImagePull", {{"failure", "image_pull"}}, "breaker_rollback", "image-pull-failed",
                    "CannotPullContainerError"},
        FailureCase{"NeverHealthy", json::object(), "unhealthy", "health-check-failed", "health check"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(EngineE2e, OnFailureNothingLeavesTheNewRevisionAndSaysSo) {
  SimFixture sim(fast_sim());
  seed(sim);
  // No ECS circuit breaker either, so nothing but the driver could move the service.
  sim.set_scenario(scenario("web", "fail_start", {{"failure", "oom"}, {"breaker", false}}));
  auto run = run_adjust(config_yaml(sim.endpoint(), component_yaml("web", "    on_failure: nothing\n")),
                        settings_request({{"web", k_new_size}}));
  EXPECT_EQ(run.final.value("status", ""), "rejected") << run.dump();
  EXPECT_EQ(run.final.value("reason", ""), "start-failed") << run.dump();
  EXPECT_LT(run.elapsed, 60s);
  EXPECT_EQ(sim.count("UpdateService"), 1);
  EXPECT_EQ(sim.count("DeregisterTaskDefinition"), 0);
  expect_primary(sim, "web", "web:2", 3);
  EXPECT_NE(message_of(run).find("on_failure is nothing: the service was left on web:2 with 3 task(s)"), std::string::npos) << message_of(run);
  EXPECT_EQ(message_of(run).find("Rolled back"), std::string::npos) << message_of(run);
}

// ---- 3. / 4. nothing to change; replicas only --------------------------------------------

TEST(EngineE2e, CurrentValuesRegisterNothingAndUpdateNothing) {
  SimFixture sim(fast_sim());
  seed(sim);
  auto run = run_adjust(config_yaml(sim.endpoint(), component_yaml("web")),
                        settings_request({{"web", {{"cpu", 0.25}, {"mem", 0.5}, {"replicas", 2}, {"MODE", "safe"},
                                                   {"LOG_LEVEL", "info"}, {"GOGC", 100}}}}));
  EXPECT_EQ(run.final.value("status", ""), "ok") << run.dump();
  EXPECT_EQ(run.result.exit_code, 0);
  EXPECT_EQ(mutating_calls(sim), 0) << sim.requests().dump(1);
  expect_primary(sim, "web", "web:1", 2);
}

TEST(EngineE2e, ReplicasOnlyIsOneUpdateServiceWithDesiredCountOnly) {
  SimFixture sim(fast_sim());
  seed(sim);
  sim.set_scenario(scenario("web", "converge"));
  auto run = run_adjust(config_yaml(sim.endpoint(), component_yaml("web")),
                        settings_request({{"web", {{"replicas", 4}}}}));
  EXPECT_EQ(run.final.value("status", ""), "ok") << run.dump();
  EXPECT_EQ(sim.count("RegisterTaskDefinition"), 0);
  json updates = sim.requests("operation=UpdateService");
  ASSERT_EQ(updates.size(), 1u) << updates.dump(1);
  EXPECT_EQ(updates[0].at("params"), json({{"cluster", "demo"}, {"service", "web"}, {"desiredCount", 4}}));
  expect_primary(sim, "web", "web:1", 4);
}

// ---- 5. cancel mid-wait ------------------------------------------------------------------

class EngineE2eCancel : public ::testing::TestWithParam<int> {};

TEST_P(EngineE2eCancel, SignalMidWaitEndsCancelledAndRestoresTheService) {
  SimFixture sim(fast_sim());
  seed(sim);
  sim.set_scenario(scenario("web", "stall"));
  Workdir dir;
  std::string config = dir.write("config.yaml", config_yaml(sim.endpoint(), component_yaml("web")));
  std::string input = dir.write("request.json", settings_request({{"web", k_new_size}}).dump());
  Process::Options options;
  options.env = adjust_env(dir);
  options.stdout_pipe = true;
  options.stdin_path = input;
  // Process has no unset list: blank the variables that could redirect the binary.
  for (const auto& name : k_unset) options.env.emplace_back(name, "");
  Process adjust({ADJUST_BINARY, "--config", config, "app"}, options);

  std::vector<json> lines;
  auto read_line = [&](std::chrono::milliseconds timeout) -> std::optional<json> {
    auto line = adjust.read_stdout_line(timeout);
    if (!line) return std::nullopt;
    json parsed = json::parse(*line, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << *line;
    lines.push_back(parsed);
    return parsed;
  };
  // Wait until it is following the deployment (the stalled tasks never run).
  bool waiting = false;
  while (auto line = read_line(30s)) {
    ASSERT_TRUE(line->contains("progress")) << "ended before the signal: " << line->dump() << adjust.log_tail();
    if (line->value("message", "").find("new tasks running") != std::string::npos) {
      waiting = true;
      break;
    }
  }
  ASSERT_TRUE(waiting) << adjust.log_tail();
  ASSERT_EQ(sim.count("UpdateService"), 1);

  ASSERT_EQ(::kill(adjust.pid(), GetParam()), 0);
  std::optional<json> final;
  while (auto line = read_line(60s)) {
    if (line->contains("status")) {
      final = *line;
      break;
    }
  }
  ASSERT_TRUE(final.has_value()) << adjust.log_tail();
  EXPECT_EQ(final->value("status", ""), "cancelled") << final->dump();
  EXPECT_EQ(final->value("reason", ""), "cancelled") << final->dump();
  EXPECT_FALSE(adjust.read_stdout_line(5s).has_value()) << "output after the final line";
  EXPECT_EQ(adjust.wait_exit(10s), std::optional<int>(4));

  json updates = sim.requests("operation=UpdateService");
  ASSERT_EQ(updates.size(), 2u) << updates.dump(1);
  EXPECT_EQ(updates[1].at("params").value("taskDefinition", ""), k_arn_prefix + "web:1");
  EXPECT_EQ(updates[1].at("params").value("desiredCount", -1), 2);
  expect_primary(sim, "web", "web:1", 2);
}

INSTANTIATE_TEST_SUITE_P(EngineE2e, EngineE2eCancel, ::testing::Values(SIGUSR1, SIGTERM),
                         [](const auto& param_info) { return param_info.param == SIGUSR1 ? "Sigusr1" : "Sigterm"; });

// ---- 6. two components in one call -------------------------------------------------------

std::set<std::string> named_services(const json& entry) {
  std::set<std::string> names;
  for (const auto& name : entry.at("params").value("services", json::array())) names.insert(name.get<std::string>());
  return names;
}

TEST(EngineE2e, TwoComponentsConvergeWithOneDescribeServicesPerPoll) {
  SimFixture sim(fast_sim());
  seed(sim, {"web", "api"});
  sim.set_scenario(scenario("*", "converge"));
  auto run = run_adjust(config_yaml(sim.endpoint(), component_yaml("web") + component_yaml("api")),
                        settings_request({{"web", k_new_size}, {"api", {{"cpu", 0.5}, {"mem", 2}}}}));
  ASSERT_EQ(run.final.value("status", ""), "ok") << run.dump();
  expect_primary(sim, "web", "web:2", 3);
  expect_primary(sim, "api", "api:2", 2);

  // One batched DescribeServices per poll: every request names both services,
  // except a tail after one of them finished, which names only the other.
  json describes = sim.requests("operation=DescribeServices");
  int both = 0;
  std::optional<std::set<std::string>> tail;
  for (const auto& entry : describes) {
    auto names = named_services(entry);
    if (names == std::set<std::string>{"web", "api"}) {
      EXPECT_FALSE(tail.has_value()) << "both named again after a single-service poll: " << describes.dump(1);
      ++both;
    } else {
      ASSERT_EQ(names.size(), 1u) << entry.dump();
      if (tail) {
        EXPECT_EQ(names, *tail) << describes.dump(1);
      }
      tail = names;
    }
  }
  EXPECT_GE(both, 3) << describes.dump(1);  // the initial read plus at least two polls
}

// Twelve components: applied several at once (two UpdateService calls overlap
// in time at the sim), and each poll asks DescribeServices about every
// service still followed in ceil(n / 10) calls of at most 10 names.
TEST(EngineE2e, ManyComponentsApplyConcurrentlyAndPollInBatchesOfTen) {
  SimFixture sim(fast_sim());
  std::vector<std::string> names;
  std::string components;
  std::map<std::string, json> request;
  for (int i = 0; i < 12; ++i) {
    names.push_back("svc" + std::to_string(i));
    components += component_yaml(names.back());
    request[names.back()] = {{"cpu", 0.5}, {"mem", 1}};
  }
  seed(sim, names);
  sim.set_scenario(scenario("*", "converge"));
  sim.add_rule({{"match", {{"service", "ecs"}, {"operation", "UpdateService"}}}, {"action", "delay"}, {"delay_ms", 300}});
  auto run = run_adjust(config_yaml(sim.endpoint(), components), settings_request(request));
  ASSERT_EQ(run.final.value("status", ""), "ok") << run.dump();
  for (const auto& name : names) expect_primary(sim, name, name + ":2", 2);

  json updates = sim.requests("operation=UpdateService");
  ASSERT_EQ(updates.size(), names.size());
  bool overlap = false;
  for (std::size_t i = 0; i < updates.size(); ++i) {
    for (std::size_t j = i + 1; j < updates.size(); ++j) {
      overlap = overlap || (updates[i].at("time").get<double>() < updates[j].at("done").get<double>() &&
                            updates[j].at("time").get<double>() < updates[i].at("done").get<double>());
    }
  }
  EXPECT_TRUE(overlap) << "UpdateService calls ran one after another: " << updates.dump(1);

  // Polls after the apply: a poll ends when a service is named again.
  int last_update = 0;
  for (const auto& update : updates) last_update = std::max(last_update, update.at("seq").get<int>());
  std::vector<std::pair<int, std::set<std::string>>> polls;  // calls, names
  for (const auto& entry : sim.requests("operation=DescribeServices")) {
    if (entry.at("seq").get<int>() < last_update) continue;
    auto listed = named_services(entry);
    EXPECT_LE(listed.size(), 10u) << entry.dump();
    bool repeats = polls.empty() || std::any_of(listed.begin(), listed.end(), [&](const std::string& name) {
      return polls.back().second.contains(name);
    });
    if (repeats) polls.push_back({0, {}});
    ++polls.back().first;
    polls.back().second.insert(listed.begin(), listed.end());
  }
  ASSERT_GE(polls.size(), 2u);
  EXPECT_EQ(polls.front().second.size(), names.size());
  for (const auto& [calls, listed] : polls) {
    EXPECT_EQ(static_cast<std::size_t>(calls), (listed.size() + 9) / 10) << "a poll of " << listed.size() << " services";
  }
}

// While the new tasks run but their targets are not healthy yet, a poll asks
// for target health only: the running tasks are reused while the counts stand.
TEST(EngineE2e, WaitingForHealthChecksDoesNotRelistTheSameTasks) {
  SimFixture sim(fast_sim());
  seed(sim);
  sim.set_scenario(scenario("web", "converge", {{"health_delay", 40}}));  // 4 s at 10x
  auto run = run_adjust(config_yaml(sim.endpoint(), component_yaml("web")), settings_request({{"web", k_new_size}}));
  ASSERT_EQ(run.final.value("status", ""), "ok") << run.dump();
  expect_primary(sim, "web", "web:2", 3);
  int listed = sim.count("ListTasks");
  int health = sim.count("DescribeTargetHealth");
  EXPECT_GE(listed, 1);
  EXPECT_LT(listed, health) << "every poll listed the tasks again";
  EXPECT_EQ(sim.count("DescribeTasks"), listed);
}

TEST(EngineE2e, OneFailingComponentRejectsAndRollsBackBoth) {
  SimFixture sim(fast_sim());
  seed(sim, {"web", "api"});
  sim.set_scenario(scenario("web", "converge"));
  sim.set_scenario(scenario("api", "fail_start", {{"failure", "oom"}}));
  auto run = run_adjust(config_yaml(sim.endpoint(), component_yaml("web") + component_yaml("api")),
                        settings_request({{"web", k_new_size}, {"api", {{"cpu", 0.5}, {"mem", 2}}}}));
  EXPECT_EQ(run.final.value("status", ""), "rejected") << run.dump();
  EXPECT_EQ(run.final.value("reason", ""), "start-failed") << run.dump();
  EXPECT_EQ(run.result.exit_code, 3);
  std::string message = message_of(run);
  EXPECT_NE(message.find("api: "), std::string::npos) << message;
  EXPECT_NE(message.find("OutOfMemoryError"), std::string::npos) << message;
  EXPECT_NE(message.find("web: "), std::string::npos) << message;
  EXPECT_NE(message.find("another component failed"), std::string::npos) << message;
  EXPECT_NE(message.find("Rolled back to web:1"), std::string::npos) << message;
  EXPECT_NE(message.find("Rolled back to api:1"), std::string::npos) << message;
  EXPECT_LT(run.elapsed, 60s);
  expect_primary(sim, "web", "web:1", 2);
  expect_primary(sim, "api", "api:1", 2);
}

// ---- 8. timeout --------------------------------------------------------------------------

TEST(EngineE2e, StalledDeploymentTimesOutAndRollsBack) {
  SimFixture sim(fast_sim());
  seed(sim);
  sim.set_scenario(scenario("web", "stall"));
  std::string component = component_yaml("web");
  component.replace(component.find("timeout_service_desired_count: 300"), 34, "timeout_service_desired_count: 3");
  auto run = run_adjust(config_yaml(sim.endpoint(), component), settings_request({{"web", k_new_size}}));
  EXPECT_EQ(run.final.value("status", ""), "failed") << run.dump();
  EXPECT_EQ(run.final.value("reason", ""), "timeout") << run.dump();
  EXPECT_EQ(run.result.exit_code, 1);
  EXPECT_NE(message_of(run).find("did not finish within 3 s"), std::string::npos) << message_of(run);
  EXPECT_NE(message_of(run).find("Rolled back to web:1"), std::string::npos) << message_of(run);
  EXPECT_LT(run.elapsed, 30s);
  expect_primary(sim, "web", "web:1", 2);
}

// ---- 9. dry run --------------------------------------------------------------------------

TEST(EngineE2e, DryRunPrintsThePlanAndChangesNothing) {
  SimFixture sim(fast_sim());
  seed(sim);
  auto run = run_adjust(config_yaml(sim.endpoint(), component_yaml("web")), settings_request({{"web", k_new_size}}),
                        {"--dry-run"});
  ASSERT_EQ(run.lines.size(), 1u) << run.dump();
  EXPECT_EQ(run.final.value("status", ""), "ok") << run.dump();
  EXPECT_EQ(run.result.exit_code, 0);
  EXPECT_NE(run.result.err.find("register a new revision"), std::string::npos) << run.result.err;
  EXPECT_NE(run.result.err.find("desired count 2 -> 3"), std::string::npos) << run.result.err;
  EXPECT_NE(run.result.err.find("fast"), std::string::npos) << run.result.err;
  EXPECT_NE(run.result.err.find("512"), std::string::npos) << run.result.err;
  EXPECT_EQ(mutating_calls(sim), 0) << sim.requests().dump(1);
  EXPECT_GE(sim.count("DescribeServices"), 1);
}

}  // namespace
}  // namespace adjust::testing

namespace adjust::testing {
namespace {

TEST(EngineE2e, DeploymentPercentagesAreSentWithTheServicesOwnCircuitBreaker) {
  SimFixture sim(fast_sim());
  seed(sim);
  sim.set_scenario(scenario("web", "converge"));
  std::string extra = "    deployment: {maximum_percent: 150, minimum_healthy_percent: 50}\n";
  auto run = run_adjust(config_yaml(sim.endpoint(), component_yaml("web", extra)),
                        settings_request({{"web", {{"replicas", 3}}}}));
  EXPECT_EQ(run.final.value("status", ""), "ok") << run.dump();
  json updates = sim.requests("operation=UpdateService");
  ASSERT_EQ(updates.size(), 1u) << updates.dump(1);
  const json& configuration = updates[0].at("params").at("deploymentConfiguration");
  EXPECT_EQ(configuration.at("maximumPercent"), 150);
  EXPECT_EQ(configuration.at("minimumHealthyPercent"), 50);
  EXPECT_EQ(configuration.at("deploymentCircuitBreaker"), json({{"enable", true}, {"rollback", true}}))
      << "the service's breaker settings must be sent back unchanged";
}

TEST(EngineE2e, SettlementKeepsWatchingAfterSuccessThenEndsOk) {
  SimFixture sim(fast_sim());
  seed(sim);
  sim.set_scenario(scenario("web", "converge"));
  json request = settings_request({{"web", {{"replicas", 3}}}});
  request["control"] = {{"settlement", 3}};
  auto started = std::chrono::steady_clock::now();
  auto run = run_adjust(config_yaml(sim.endpoint(), component_yaml("web")), request);
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(run.final.value("status", ""), "ok") << run.dump();
  EXPECT_GE(elapsed, std::chrono::seconds(3)) << "the settlement window was not waited for";
  expect_primary(sim, "web", "web:1", 3);
}

}  // namespace
}  // namespace adjust::testing
