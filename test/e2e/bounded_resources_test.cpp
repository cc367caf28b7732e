// Issue 5, bounded resources: the real binary against the simulator serving
// what a large service looks like: a DescribeServices answer with 500 events
// and 200 deployments, a 64 KiB task definition with 10 containers, 1,000
// running or stopped tasks across 10 ListTasks pages. Each outcome depends on
// the last item of its list (so nothing may be dropped), and the child's peak
// RSS stays under a fixed bound, close to that of a small service's run.
#include <gtest/gtest.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/adjust_run.hpp"
#include "support/sim_fixture.hpp"

namespace adjust::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

const std::string k_account_arn = "arn:aws:ecs:us-east-1:123456789012:";
const std::string k_target_group =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/0123456789abcdef";

// Peak RSS bound for every run here: a small service's run peaks at about
// 15 MiB (libcurl, OpenSSL and the allocator's arenas), the large ones here
// measured at most 5 MiB above it (the 500-event service, kept as JSON while
// it is followed). 64 MiB leaves room for another allocator or libcurl build.
// The growth bound, 60% above the largest growth measured, is the sharper
// one: keeping each described task's JSON, as the decoder once did, put the
// 1,000-task runs 9 MiB above the small one.
constexpr long k_rss_bound_kib = 64 * 1024;
constexpr long k_rss_growth_kib = 8 * 1024;

SimFixture::Options fast_sim() {
  SimFixture::Options options;
  options.time_factor = 10.0;
  options.lifetime_seconds = 300;
  return options;
}

json scenario(const std::string& kind, json extra = json::object()) {
  json body = {{"cluster", "demo"}, {"service", "web"},  {"scenario", kind},
               {"step", 2},         {"health_delay", 4}, {"drain_delay", 2}};
  body.update(extra);
  return body;
}

json small_task_definition(const std::string& family) {
  return {{"family", family},
          {"cpu", "256"},
          {"memory", "512"},
          {"networkMode", "awsvpc"},
          {"requiresCompatibilities", {"FARGATE"}},
          {"containerDefinitions",
           {{{"name", "web"},
             {"image", "nginx:1.25"},
             {"essential", true},
             {"portMappings", {{{"containerPort", 8080}, {"protocol", "tcp"}}}},
             {"environment", {{{"name", "MODE"}, {"value", "safe"}}}}}}}};
}

json service(const std::string& family, int desired) {
  return {{"serviceName", "web"},
          {"desiredCount", desired},
          {"taskDefinition", family + ":1"},
          {"loadBalancers",
           {{{"targetGroupArn", k_target_group}, {"containerName", "web"}, {"containerPort", 8080}}}}};
}

// Component web: `environment` settings, other component keys in `extra`.
std::string config_yaml(const std::string& endpoint, const std::string& environment,
                        const std::string& extra = "") {
  std::string yaml = "fargate:\n  region: us-east-1\n  endpoint_url: " + endpoint +
                     "\n  web:\n    service_name: web\n    cluster: demo\n" + extra;
  yaml +=
      "    settings:\n"
      "      cpu: {type: enum, values: ['0.25', '0.5', '1', '2']}\n"
      "      mem: {type: range, min: 0.5, max: 4, step: 0.5}\n"
      "      replicas: {min: 1, max: 1000}\n"
      "    environment:\n" +
      environment;
  return yaml;
}

const std::string k_mode_env = "      MODE: {type: enum, values: [safe, fast]}\n";

std::string request(const json& settings) { return adjust_request("web", settings); }

struct Outcome {
  CommandResult result;
  std::vector<json> lines;
  json final;
  std::string describe() const {
    const std::string& err = result.err;
    return "exit " + std::to_string(result.exit_code) + (result.timed_out ? " (timed out)" : "") +
           "\nstdout:\n" + result.out + "\nstderr (tail):\n" +
           err.substr(err.size() > 4000 ? err.size() - 4000 : 0);
  }
  std::string message() const { return final.value("message", std::string()); }
};

Outcome adjust_with(const std::string& config, const std::string& stdin_text) {
  Workdir home;
  EnvVars env = {{"AWS_ACCESS_KEY_ID", "AKIDBOUNDED"},
                 {"AWS_SECRET_ACCESS_KEY", "bounded-secret"},
                 {"AWS_EC2_METADATA_DISABLED", "true"},
                 {"ADJUST_LOG_LEVEL", "info"}};
  Outcome outcome;
  auto options = clean_options(home, env, {"--config", home.write("config.yaml", config), "app"}, stdin_text);
  options.timeout = 180s;
  outcome.result = run_adjust(options).result;
  outcome.lines = parse_json_lines(outcome.result.out).every;
  if (!outcome.lines.empty()) outcome.final = outcome.lines.back();
  return outcome;
}

// The same adjustment on a small service (2 tasks, one container, a few
// events): the yardstick for the large runs' memory.
long small_service_peak_rss_kib() {
  static const long peak = [] {
    SimFixture sim(fast_sim());
    sim.control("seed", {{"cluster", "demo"},
                         {"task_definition", small_task_definition("web")},
                         {"service", service("web", 2)}});
    sim.set_scenario(scenario("converge"));
    auto outcome = adjust_with(config_yaml(sim.endpoint(), k_mode_env),
                               request({{"cpu", 0.5}, {"mem", 1}, {"MODE", "fast"}}));
    EXPECT_EQ(outcome.final.value("status", ""), "ok") << outcome.describe();
    return outcome.result.max_rss_kib;
  }();
  return peak;
}

void expect_bounded_memory(const Outcome& outcome, const std::string& what) {
  long peak = outcome.result.max_rss_kib;
  long small = small_service_peak_rss_kib();
  std::cout << "[ peak RSS ] " << what << ": " << peak << " KiB (small service: " << small << " KiB)\n";
  if (adjust_binary_is_sanitized()) {
    std::cout << "[ peak RSS ] not asserted: ASan inflates RSS (the functional assertions ran)\n";
    return;
  }
  ASSERT_GT(peak, 0);
  EXPECT_LT(peak, k_rss_bound_kib) << what;
  EXPECT_LT(peak, small + k_rss_growth_kib) << what;
}

// ---- 500 events, 200 deployments ------------------------------------------------------------

TEST(BoundedResources, PlacementFailureThatIsTheLastOf500EventsIsReported) {
  SimFixture sim(fast_sim());
  // History older than anything the model makes: 500 events (newest first, as
  // ECS lists them) and 200 finished deployments.
  json events = json::array();
  for (int i = 0; i < 500; ++i) {
    char id[40];
    std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
    events.push_back({{"id", id},
                      {"createdAt", 1.7e9 - i * 60},
                      {"message", "(service web) has reached a steady state. (history " + std::to_string(i) +
                                      ": " + std::string(120, 'h') + ")"}});
  }
  json deployments = json::array();
  for (int i = 0; i < 200; ++i) {
    deployments.push_back({{"id", "ecs-svc/9" + std::to_string(100000000000000000LL + i)},
                           {"status", "ACTIVE"},
                           {"taskDefinition", k_account_arn + "task-definition/web:1"},
                           {"desiredCount", 0},
                           {"pendingCount", 0},
                           {"runningCount", 0},
                           {"failedTasks", 0},
                           {"createdAt", 1.6e9 + i},
                           {"updatedAt", 1.6e9 + i},
                           {"launchType", "FARGATE"},
                           {"rolloutState", "COMPLETED"},
                           {"rolloutStateReason", "history"}});
  }
  json spec = service("web", 2);
  spec["history_events"] = events;
  spec["history_deployments"] = deployments;
  sim.control("seed",
              {{"cluster", "demo"}, {"task_definition", small_task_definition("web")}, {"service", spec}});
  // Oldest first: our deployment and the newest placement failure come last.
  sim.control("config", {{"oldest_first", true}});
  sim.set_scenario(scenario("unplaceable", {{"event_interval", 4}}));

  auto outcome = adjust_with(config_yaml(sim.endpoint(), k_mode_env),
                             request({{"cpu", 0.5}, {"mem", 1}, {"MODE", "fast"}}));

  EXPECT_EQ(outcome.final.value("status", ""), "rejected") << outcome.describe();
  EXPECT_EQ(outcome.final.value("reason", ""), "unschedulable") << outcome.describe();
  EXPECT_NE(
      outcome.message().find("ECS cannot place the new tasks: (service web) was unable to place a task"),
      std::string::npos)
      << outcome.message();
  EXPECT_NE(outcome.message().find("Rolled back to web:1"), std::string::npos) << outcome.message();
  // What the binary read: at least 500 events and 200 deployments, ours last.
  json state = sim.state().at("services").at(0);
  EXPECT_GE(state.at("events").size(), 502u);
  EXPECT_GE(state.at("deployments").size(), 201u);
  expect_bounded_memory(outcome, "DescribeServices with 500 events and 200 deployments");
}

// ---- a 64 KiB task definition with 10 containers ---------------------------------------------

json big_container(int n) {
  std::string name = "c" + std::to_string(n);
  json container = {{"name", name},
                    {"image", "123456789012.dkr.ecr.us-east-1.amazonaws.com/" + name + ":1.2.3"},
                    {"cpu", 64},
                    {"memoryReservation", 128},
                    {"essential", n == 1}};
  for (int p = 0; p < 4; ++p) {
    container["portMappings"].push_back({{"containerPort", 8000 + n * 10 + p},
                                         {"protocol", "tcp"},
                                         {"name", name + "-port-" + std::to_string(p)},
                                         {"appProtocol", "http"}});
  }
  for (int s = 0; s < 8; ++s) {
    container["secrets"].push_back({{"name", "SECRET_" + std::to_string(s)},
                                    {"valueFrom", "arn:aws:secretsmanager:us-east-1:123456789012:secret:" +
                                                      name + "/s" + std::to_string(s) + "-AbCdEf"}});
  }
  for (int m = 0; m < 3; ++m) {
    container["mountPoints"].push_back({{"sourceVolume", "vol" + std::to_string(m)},
                                        {"containerPath", "/mnt/" + name + "/" + std::to_string(m)},
                                        {"readOnly", m == 0}});
  }
  for (int l = 0; l < 6; ++l) {
    container["dockerLabels"]["com.example." + name + ".label" + std::to_string(l)] =
        "value-" + std::to_string(l);
  }
  container["ulimits"] = {{{"name", "nofile"}, {"softLimit", 65536}, {"hardLimit", 65536}}};
  container["logConfiguration"] = {
      {"logDriver", "awslogs"},
      {"options",
       {{"awslogs-group", "/ecs/big"}, {"awslogs-region", "us-east-1"}, {"awslogs-stream-prefix", name}}}};
  container["healthCheck"] = {
      {"command",
       {"CMD-SHELL", "curl -f http://localhost:" + std::to_string(8000 + n * 10) + "/health || exit 1"}},
      {"interval", 30},
      {"timeout", 5},
      {"retries", 3},
      {"startPeriod", 10}};
  if (n > 1) container["dependsOn"] = {{{"containerName", "c1"}, {"condition", "START"}}};
  container["environment"] = json::array();
  if (n == 10) container["environment"].push_back({{"name", "LEVEL"}, {"value", "low"}});
  return container;
}

// Ten containers, padded with environment variables to just under 64 KiB
// (ECS's limit for a task definition).
json big_task_definition() {
  json td = {{"family", "big"},
             {"cpu", "1024"},
             {"memory", "2048"},
             {"networkMode", "awsvpc"},
             {"requiresCompatibilities", {"FARGATE"}},
             {"taskRoleArn", "arn:aws:iam::123456789012:role/big-task"},
             {"executionRoleArn", "arn:aws:iam::123456789012:role/big-exec"},
             {"ephemeralStorage", {{"sizeInGiB", 30}}},
             {"runtimePlatform", {{"cpuArchitecture", "X86_64"}, {"operatingSystemFamily", "LINUX"}}},
             {"tags", {{{"key", "team"}, {"value", "platform"}}}}};
  for (int v = 0; v < 3; ++v) {
    td["volumes"].push_back(
        {{"name", "vol" + std::to_string(v)},
         {"efsVolumeConfiguration",
          {{"fileSystemId", "fs-0123456789abcdef" + std::to_string(v)}, {"transitEncryption", "ENABLED"}}}});
  }
  for (int n = 1; n <= 10; ++n) td["containerDefinitions"].push_back(big_container(n));
  for (std::size_t i = 0; td.dump().size() < 63 * 1024; ++i) {
    json& container = td["containerDefinitions"][i % 10];
    container["environment"].push_back(
        {{"name", "SETTING_" + std::to_string(i)},
         {"value", "value-" + std::to_string(i) + "-" + std::string(40, 'v')}});
  }
  return td;
}

TEST(BoundedResources, EnvChangeToTheTenthContainerOfA64KiBTaskDefinitionKeepsEverythingElse) {
  SimFixture sim(fast_sim());
  json td = big_task_definition();
  ASSERT_GE(td.dump().size(), 63u * 1024);
  ASSERT_LE(td.dump().size(), 64u * 1024);
  json spec = service("big", 2);
  spec["loadBalancers"][0]["containerName"] = "c1";
  sim.control("seed", {{"cluster", "demo"}, {"task_definition", td}, {"service", spec}});
  sim.set_scenario(scenario("converge"));

  auto outcome = adjust_with(
      config_yaml(sim.endpoint(), "      LEVEL: {type: enum, values: [low, high]}\n", "    container: c10\n"),
      request({{"cpu", 2}, {"mem", 4}, {"LEVEL", "high"}}));
  ASSERT_EQ(outcome.final.value("status", ""), "ok") << outcome.describe();

  json registered = sim.requests("operation=RegisterTaskDefinition");
  ASSERT_EQ(registered.size(), 1u);
  const json& sent = registered[0].at("params");
  // What was asked, and nothing else: the source with cpu, memory and c10's LEVEL changed.
  json expected = td;
  expected["cpu"] = "2048";
  expected["memory"] = "4096";
  expected["containerDefinitions"][9]["environment"][0]["value"] = "high";
  std::set<std::string> keys;
  for (const auto& [key, value] : expected.items()) keys.insert(key);
  for (const auto& [key, value] : sent.items()) keys.insert(key);
  for (const auto& key : keys) {
    if (key == "containerDefinitions") continue;
    EXPECT_EQ(sent.value(key, json()), expected.value(key, json())) << "field " << key;
  }
  ASSERT_EQ(sent.at("containerDefinitions").size(), 10u);
  for (std::size_t i = 0; i < 10; ++i) {
    const json& actual = sent["containerDefinitions"][i];
    const json& wanted = expected["containerDefinitions"][i];
    EXPECT_EQ(actual, wanted) << "container " << wanted.at("name") << ": "
                              << json::diff(wanted, actual).dump();
  }
  EXPECT_GE(sent.dump().size(), 63u * 1024);
  expect_bounded_memory(outcome, "64 KiB task definition with 10 containers");
}

// ---- 1,000 tasks across 10 ListTasks pages ---------------------------------------------------

// ListTasks calls of one listing each: a call without nextToken starts one.
std::vector<std::vector<json>> listings(const json& list_calls, const std::string& desired_status) {
  std::vector<std::vector<json>> out;
  for (const auto& call : list_calls) {
    const json& params = call.at("params");
    if (params.value("desiredStatus", "") != desired_status) continue;
    if (!params.contains("nextToken") || out.empty()) out.emplace_back();
    out.back().push_back(params);
  }
  return out;
}

void expect_whole_listings_described(SimFixture& sim, const std::string& desired_status) {
  auto runs = listings(sim.requests("operation=ListTasks"), desired_status);
  ASSERT_FALSE(runs.empty());
  EXPECT_EQ(runs.back().size(), 10u) << "pages of the last " << desired_status << " listing";
  EXPECT_EQ(runs.back().back().value("nextToken", ""), "sim-offset-900");
  std::set<std::string> described;
  for (const auto& call : sim.requests("operation=DescribeTasks")) {
    const json& tasks = call.at("params").at("tasks");
    EXPECT_LE(tasks.size(), 100u);
    for (const auto& arn : tasks) described.insert(arn.get<std::string>());
  }
  EXPECT_GE(described.size(), 1000u);
}

TEST(BoundedResources, ScalingTo1000TasksCountsEveryRunningTaskOnEveryPage) {
  SimFixture sim(fast_sim());
  sim.control("seed", {{"cluster", "demo"},
                       {"task_definition", small_task_definition("web")},
                       {"service", service("web", 999)}});
  sim.set_scenario(scenario("converge"));

  // 60 s: if tasks were dropped, readiness would never be reached.
  auto outcome =
      adjust_with(config_yaml(sim.endpoint(), k_mode_env, "    timeout_service_desired_count: 60\n"),
                  request({{"replicas", 1000}}));
  ASSERT_EQ(outcome.final.value("status", ""), "ok") << outcome.describe();
  bool all_counted = false;
  for (const auto& line : outcome.lines) {
    all_counted |=
        line.value("message", "").find("1000/1000 new tasks running and healthy") != std::string::npos;
  }
  EXPECT_TRUE(all_counted) << outcome.result.out;
  expect_whole_listings_described(sim, "RUNNING");
  expect_bounded_memory(outcome, "1,000 running tasks");
}

TEST(BoundedResources, TheOnlyFailedTaskBeingThe1000thStoppedTaskIsTheEvidence) {
  SimFixture sim(fast_sim());
  json spec = service("web", 1);
  spec["stopped_tasks"] = 999;
  sim.control("seed",
              {{"cluster", "demo"}, {"task_definition", small_task_definition("web")}, {"service", spec}});
  // One failure trips the breaker: exactly one new task fails, after the 999.
  sim.set_scenario(scenario("fail_start", {{"failure", "oom"}, {"threshold", 1}}));

  auto outcome = adjust_with(config_yaml(sim.endpoint(), k_mode_env), request({{"cpu", 0.5}, {"mem", 1}}));
  EXPECT_EQ(outcome.final.value("status", ""), "rejected") << outcome.describe();
  EXPECT_EQ(outcome.final.value("reason", ""), "start-failed") << outcome.describe();
  EXPECT_NE(outcome.message().find("1 task stopped (EssentialContainerExited)"), std::string::npos)
      << outcome.message();
  EXPECT_NE(outcome.message().find("OutOfMemoryError"), std::string::npos) << outcome.message();

  // In the simulator's (ListTasks') order, 999 stopped tasks precede the failed one.
  int stopped_before = -1;
  int stopped = 0;
  json state = sim.state();
  for (const auto& task : state.at("tasks")) {
    if (task.value("desiredStatus", "") != "STOPPED") continue;
    if (task.value("stopCode", "") == "EssentialContainerExited") stopped_before = stopped;
    ++stopped;
  }
  EXPECT_GE(stopped_before, 999);
  expect_whole_listings_described(sim, "STOPPED");
  expect_bounded_memory(outcome, "1,000 stopped tasks");
}

// ---- keep_revisions looks at the newest 50 revisions, and says so ----------------------------

TEST(BoundedResources, KeepRevisionsSaysItLooksOnlyAtTheNewest50Revisions) {
  SimFixture sim(fast_sim());
  json revisions = json::array();
  for (int revision = 1; revision <= 60; ++revision) {
    json td = small_task_definition("web");
    td["revision"] = revision;
    td["tags"] = {{{"key", "adjust:created-by"}, {"value", "opsani-adjust"}}};
    revisions.push_back(td);
  }
  json spec = service("web", 2);
  spec["taskDefinition"] = "web:60";
  sim.control("seed", {{"cluster", "demo"}, {"task_definitions", revisions}, {"service", spec}});
  sim.set_scenario(scenario("converge"));

  auto outcome = adjust_with(config_yaml(sim.endpoint(), k_mode_env, "    keep_revisions: 2\n"),
                             request({{"cpu", 0.5}, {"mem", 1}}));
  ASSERT_EQ(outcome.final.value("status", ""), "ok") << outcome.describe();
  EXPECT_NE(
      outcome.result.err.find("keep_revisions: looking at the newest 50 of 61 revisions of web; older ones "
                              "are left for later adjustments"),
      std::string::npos)
      << outcome.describe();
  // web:61 (new) and web:60 kept, web:59 to web:12 removed, web:11 and older not looked at.
  std::set<std::string> removed;
  for (const auto& call : sim.requests("operation=DeregisterTaskDefinition")) {
    removed.insert(call.at("params").at("taskDefinition").get<std::string>());
  }
  EXPECT_EQ(removed.size(), 48u);
  EXPECT_TRUE(removed.contains(k_account_arn + "task-definition/web:59"));
  EXPECT_TRUE(removed.contains(k_account_arn + "task-definition/web:12"));
  EXPECT_FALSE(removed.contains(k_account_arn + "task-definition/web:11"));
}

}  // namespace
}  // namespace adjust::testing
