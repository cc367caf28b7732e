// The engine end to end, for what only the wire or the process shows: the
// real `adjust` binary against the awssim simulator (fake-only, sim time 10x
// real time) and, for the lossless-clone check, against moto behind it; real
// signals; the --dry-run wiring. The engine's decisions (failures, rollbacks,
// timeouts, settlement, batching, overwritten, ...) are tested in-process in
// test/unit/engine_test.cpp, in milliseconds.
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
#include "support/adjust_run.hpp"
#include "support/moto_fixture.hpp"
#include "support/process.hpp"
#include "support/sim_fixture.hpp"

namespace adjust::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// ---- against moto: the new revision differs only in what was asked ------------------

json moto_ecs(const std::string& endpoint, const std::string& operation, const json& body) {
  auto r =
      http_request("POST", endpoint + "/",
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
  for (const char* field : {"taskDefinitionArn", "revision", "status", "requiresAttributes",
                            "compatibilities", "registeredAt", "registeredBy", "deregisteredAt"}) {
    td.erase(field);
  }
  for (auto& container : td.at("containerDefinitions")) {
    if (!container.contains("environment")) continue;
    auto& env = container.at("environment");
    std::sort(env.begin(), env.end(),
              [](const json& a, const json& b) { return a.at("name") < b.at("name"); });
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

  auto run = run_adjust(
      config_yaml(sim.endpoint(), component_yaml("web")),
      settings_request(
          {{"web", {{"cpu", 0.5}, {"mem", 1}, {"replicas", 3}, {"MODE", "fast"}, {"LOG_LEVEL", "debug"}}}}));
  ASSERT_EQ(run.final.value("status", ""), "ok") << run.dump() << sim.log_tail();
  EXPECT_EQ(run.result.exit_code, 0);

  // Exactly one new revision.
  json listed = moto_ecs(moto->endpoint(), "ListTaskDefinitions", {{"familyPrefix", "web"}});
  EXPECT_EQ(listed.at("taskDefinitionArns"), json({k_arn_prefix + "web:1", k_arn_prefix + "web:2"}))
      << listed;
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

// ---- a converging adjust: ok, JSON lines, monotonic progress --------------------------

TEST(EngineE2e, ConvergingAdjustEndsOkWithMonotonicProgress) {
  SimFixture sim(fast_sim());
  seed(sim);
  sim.set_scenario(scenario("web", "converge"));
  auto run =
      run_adjust(config_yaml(sim.endpoint(), component_yaml("web")), settings_request({{"web", k_new_size}}));
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

// ADJUST_LOG_FORMAT=json: every stderr line is one JSON record for a log
// pipeline; stdout is servo's protocol as ever.
TEST(EngineE2e, JsonLogFormatWritesOneRecordPerStderrLine) {
  SimFixture sim(fast_sim());
  seed(sim);
  sim.set_scenario(scenario("web", "converge"));
  Workdir dir;
  AdjustOptions options;
  options.args = {"--config", dir.write("config.yaml", config_yaml(sim.endpoint(), component_yaml("web"))),
                  "app"};
  options.stdin_text = settings_request({{"web", k_new_size}}).dump();
  options.env = adjust_env(dir);
  options.env.push_back({"ADJUST_LOG_FORMAT", "json"});
  options.unset_env = k_unset;
  AdjustRun run = run_adjust(options);
  ASSERT_EQ(run.final, json({{"status", "ok"}, {"reason", "success"}})) << run.dump();
  int about_web = 0;
  int lines = 0;
  for (const auto& line : lines_of(run.result.err)) {
    if (line.empty()) continue;
    ++lines;
    json record = json::parse(line, nullptr, false);
    ASSERT_TRUE(record.is_object()) << "not a JSON record: " << line;
    EXPECT_TRUE(record.contains("time") && record.contains("level") && record.contains("message")) << line;
    EXPECT_EQ(record.at("time").get<std::string>().size(), 24u) << line;  // 2026-12-03T10:41:35.123Z
    if (record.value("component", "") == "web") ++about_web;
  }
  EXPECT_GE(lines, 2) << run.result.err;
  EXPECT_GE(about_web, 1) << run.result.err;
}

// ---- rejected before any mutation -----------------------------------------------------

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

// ---- a real signal mid-wait ------------------------------------------------------------------

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
  Process adjust({adjust_binary(), "--config", config, "app"}, options);

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
    ASSERT_TRUE(line->contains("progress"))
        << "ended before the signal: " << line->dump() << adjust.log_tail();
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

  // The deployment was still in progress: ECS rolls it back (StopServiceDeployment),
  // and the count, which no revision carries, is put back with UpdateService.
  EXPECT_EQ(sim.count("StopServiceDeployment"), 1);
  json updates = sim.requests("operation=UpdateService");
  ASSERT_EQ(updates.size(), 2u) << updates.dump(1);
  EXPECT_FALSE(updates[1].at("params").contains("taskDefinition")) << updates[1].dump();
  EXPECT_EQ(updates[1].at("params").value("desiredCount", -1), 2);
  expect_primary(sim, "web", "web:1", 2);
}

INSTANTIATE_TEST_SUITE_P(EngineE2e, EngineE2eCancel, ::testing::Values(SIGUSR1, SIGTERM),
                         [](const auto& param_info) {
                           return param_info.param == SIGUSR1 ? "Sigusr1" : "Sigterm";
                         });

// ---- dry run --------------------------------------------------------------------------

TEST(EngineE2e, DryRunPrintsThePlanAndChangesNothing) {
  SimFixture sim(fast_sim());
  seed(sim);
  auto run = run_adjust(config_yaml(sim.endpoint(), component_yaml("web")),
                        settings_request({{"web", k_new_size}}), {"--dry-run"});
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
