// The engine's decisions, in-process: the real config parser, request parser
// and validator build the input; FakeEcs/FakeElbv2 (test/fakes/ecs.hpp) play
// AWS, scripted per deployment; FakeClock makes every wait instant. Each test
// asserts the final status and reason, the requests AWS received, and where
// the service was left.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adjust/base/cancel.hpp"
#include "adjust/base/environment.hpp"
#include "adjust/base/log.hpp"
#include "adjust/config/config.hpp"
#include "adjust/engine/engine.hpp"
#include "adjust/logic/desired.hpp"
#include "adjust/logic/task_definition.hpp"
#include "adjust/protocol/output.hpp"
#include "adjust/protocol/request.hpp"
#include "fakes/clock.hpp"
#include "fakes/ecs.hpp"

namespace adjust::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// FinalStatus's status and reason are becoming enums: compare them only here.
std::string status_of(const FinalStatus& status) { return status.status; }
std::string reason_of(const FinalStatus& status) { return status.reason; }

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

// As the e2e tests configure a component.
std::string component_yaml(const std::string& name, const std::string& extra = {},
                           const std::string& service_name = {}) {
  return "  " + name + ":\n"
         "    service_name: " + (service_name.empty() ? name : service_name) + "\n"
         "    cluster: demo\n"
         "    timeout_service_desired_count: 300\n" + extra +
         "    settings:\n"
         "      cpu: {type: enum, values: ['0.25', '0.5', '1']}\n"
         "      mem: {type: range, min: 0.5, max: 4, step: 0.5}\n"
         "      replicas: {min: 1, max: 6}\n"
         "    environment:\n"
         "      MODE: {type: enum, values: [safe, fast]}\n"
         "      LOG_LEVEL: {type: enum, values: [info, debug]}\n"
         "      GOGC: {type: range, min: 50, max: 300, step: 10, default: 100}\n";
}

// The stdin document servo sends.
std::string request_text(const std::map<std::string, json>& by_component) {
  json components = json::object();
  for (const auto& [name, settings] : by_component) {
    json wrapped = json::object();
    for (const auto& [setting, value] : settings.items()) wrapped[setting] = {{"value", value}};
    components[name] = {{"settings", wrapped}};
  }
  return json{{"application", {{"components", components}}}, {"control", json::object()}}.dump();
}

// cpu 0.5, mem 1, replicas 3, MODE fast, LOG_LEVEL debug: a new revision and a new count.
const json k_new_size = {{"cpu", 0.5}, {"mem", 1}, {"replicas", 3}, {"MODE", "fast"}, {"LOG_LEVEL", "debug"}};

std::string arn(const std::string& revision) { return fake_task_definition_arn(revision); }

class EngineTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure()) {
      std::cerr << "---- stdout ----\n" << m_out.str() << "---- log ----\n" << m_log.str();
      for (const auto& call : ecs.calls()) std::cerr << call.seq << " " << to_string(call.op) << " " << call.detail << "\n";
    }
  }

  // Task definition NAME:1 and service NAME (2 tasks, behind NAME-tg).
  void seed(const std::vector<std::string>& names = {"web"}) {
    for (const auto& name : names) {
      ecs.add_task_definition(FakeEcs::fargate_task_definition(name));
      ecs.add_service({name});
    }
  }

  void configure(const std::string& components) {
    auto parsed = parse_config("fargate:\n" + components, "config.yaml", MapEnvironment{});
    ASSERT_TRUE(parsed) << parsed.error().message;
    m_config = std::move(*parsed);
  }

  FinalStatus run(const std::map<std::string, json>& request, EngineOptions options = {}) {
    auto parsed = parse_adjust_request(request_text(request));
    EXPECT_TRUE(parsed) << parsed.error().message;
    if (!parsed) return {"failed", "test-setup", parsed.error().message};
    auto desired = validate_request(m_config, *parsed);
    EXPECT_TRUE(desired) << desired.error().message;
    if (!desired) return {"failed", "test-setup", desired.error().message};
    Engine engine(ecs, elbv2, clock, cancel, m_output, m_logger, policy, [] { return 0.5; });
    FinalStatus status = engine.run(m_config, *desired, options);
    outcomes = engine.outcomes();
    return status;
  }

  const FinalStatus& outcome(const std::string& component) const {
    for (const auto& entry : outcomes) {
      if (entry.component == component) return entry.status;
    }
    static const FinalStatus none{"none", "none", "no outcome for component"};
    return none;
  }

  // Every stdout line, parsed.
  std::vector<json> lines() const {
    std::vector<json> out;
    std::istringstream in(m_out.str());
    for (std::string line; std::getline(in, line);) {
      json parsed = json::parse(line, nullptr, false);
      EXPECT_FALSE(parsed.is_discarded()) << "not JSON: " << line;
      out.push_back(parsed);
    }
    return out;
  }

  // The last UpdateService asked for `revision` x `count` and nothing else.
  void expect_restore_request(const UpdateServiceRequest& request, const std::string& revision, int count) {
    EXPECT_EQ(request.task_definition.value_or(""), arn(revision));
    EXPECT_EQ(request.desired_count.value_or(-1), count);
    EXPECT_FALSE(request.deployment_limits.has_value());
  }

  void expect_service(const std::string& name, const std::string& revision, int desired) {
    ServiceNow now = ecs.service(name);
    EXPECT_EQ(now.primary_revision, revision) << name;
    EXPECT_EQ(now.desired, desired) << name;
  }

  FakeClock clock;
  FakeEcs ecs{&clock};
  FakeElbv2 elbv2{ecs};
  CancelToken cancel;
  PollPolicy policy;
  std::vector<ComponentOutcome> outcomes;

 private:
  std::ostringstream m_out;
  std::ostringstream m_log;
  OutputWriter m_output{m_out};
  Logger m_logger{m_log, LogLevel::debug};
  Config m_config;
};

// ---- converging ------------------------------------------------------------------------------

TEST_F(EngineTest, ConvergeRegistersOneRevisionAndUpdatesTheService) {
  seed();
  configure(component_yaml("web"));
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "ok") << status.message;
  EXPECT_EQ(reason_of(status), "success");

  auto registered = ecs.register_requests();
  ASSERT_EQ(registered.size(), 1u);
  EXPECT_EQ(registered[0].value("cpu", ""), "512");
  EXPECT_EQ(registered[0].value("memory", ""), "1024");
  auto env = registered[0]["containerDefinitions"][0]["environment"];
  EXPECT_TRUE(std::find(env.begin(), env.end(), json{{"name", "MODE"}, {"value", "fast"}}) != env.end()) << env;
  auto updates = ecs.update_requests();
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].cluster, "demo");
  EXPECT_EQ(updates[0].service, "web");
  EXPECT_EQ(updates[0].task_definition.value_or(""), arn("web:2"));
  EXPECT_EQ(updates[0].desired_count.value_or(-1), 3);
  EXPECT_TRUE(ecs.deregistered().empty());
  expect_service("web", "web:2", 3);
  EXPECT_EQ(ecs.service("web").primary_running, 3);
  EXPECT_EQ(ecs.task_definition_status("web:2"), "ACTIVE");
  EXPECT_EQ(ecs.task_definition_status("web:1"), "ACTIVE");
}

TEST_F(EngineTest, ProgressLinesAreJsonMonotonicAndEndAt100WithoutAFinalLine) {
  seed();
  configure(component_yaml("web"));
  ecs.set_fate("web:2", Fate::converge_after(2, 2));
  FinalStatus status = run({{"web", k_new_size}});
  ASSERT_EQ(status_of(status), "ok") << status.message;
  auto parsed = lines();
  ASSERT_GE(parsed.size(), 3u);
  int last = -1;
  bool saw_all_running = false;
  for (const auto& line : parsed) {
    ASSERT_TRUE(line.is_object()) << line;
    EXPECT_FALSE(line.contains("status")) << "the verb writes the final line, not the engine: " << line;
    ASSERT_TRUE(line.contains("progress") && line.at("progress").is_number_integer()) << line;
    ASSERT_TRUE(line.contains("message") && line.at("message").is_string()) << line;
    int percent = line.at("progress");
    EXPECT_GE(percent, last) << line;
    EXPECT_LE(percent, 100) << line;
    last = percent;
    saw_all_running = saw_all_running || contains(line.at("message"), "3/3 new tasks running");
  }
  EXPECT_TRUE(saw_all_running);
  EXPECT_EQ(parsed.back(), json({{"progress", 100}, {"message", "adjust complete"}}));
}

TEST_F(EngineTest, ReplicasOnlyIsOneUpdateServiceWithDesiredCountOnly) {
  seed();
  configure(component_yaml("web"));
  FinalStatus status = run({{"web", {{"replicas", 4}}}});
  EXPECT_EQ(status_of(status), "ok") << status.message;
  EXPECT_EQ(ecs.count(AwsOp::register_task_definition), 0);
  auto updates = ecs.update_requests();
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].service, "web");
  EXPECT_FALSE(updates[0].task_definition.has_value());
  EXPECT_EQ(updates[0].desired_count, std::optional<int>(4));
  EXPECT_FALSE(updates[0].deployment_limits.has_value());
  EXPECT_EQ(to_json(updates[0]), json({{"cluster", "demo"}, {"service", "web"}, {"desiredCount", 4}}));
  expect_service("web", "web:1", 4);
  EXPECT_EQ(ecs.service("web").primary_running, 4);
}

TEST_F(EngineTest, CurrentValuesMakeNoMutatingCall) {
  seed();
  configure(component_yaml("web"));
  FinalStatus status = run({{"web", {{"cpu", 0.25}, {"mem", 0.5}, {"replicas", 2}, {"MODE", "safe"},
                                      {"LOG_LEVEL", "info"}, {"GOGC", 100}}}});
  EXPECT_EQ(status_of(status), "ok") << status.message;
  EXPECT_EQ(ecs.mutating_calls(), 0);
  EXPECT_EQ(outcome("web").message, "web: unchanged and healthy");
  expect_service("web", "web:1", 2);
}

TEST_F(EngineTest, DryRunChangesNothingAndWritesNothing) {
  seed();
  configure(component_yaml("web"));
  EngineOptions options;
  options.dry_run = true;
  FinalStatus status = run({{"web", k_new_size}}, options);
  EXPECT_EQ(status_of(status), "ok");
  EXPECT_EQ(reason_of(status), "success");
  EXPECT_EQ(status.message, "dry run, nothing changed: web: would change");
  EXPECT_EQ(ecs.mutating_calls(), 0);
  EXPECT_GE(ecs.count(AwsOp::describe_services), 1);
  EXPECT_TRUE(lines().empty()) << "--dry-run prints only the final line";
  expect_service("web", "web:1", 2);
}

TEST_F(EngineTest, ContainerLimitAboveTheNewTaskMemoryIsRejectedBeforeAnyMutation) {
  json td = FakeEcs::fargate_task_definition("web");
  td["cpu"] = "512";
  td["memory"] = "2048";
  td["containerDefinitions"][0]["memory"] = 1536;
  ecs.add_task_definition(td);
  ecs.add_service({"web"});
  configure(component_yaml("web"));
  FinalStatus status = run({{"web", {{"mem", 1}}}});
  EXPECT_EQ(status_of(status), "rejected") << status.message;
  EXPECT_EQ(reason_of(status), "infeasible");
  EXPECT_TRUE(contains(status.message, "1536")) << status.message;
  EXPECT_EQ(ecs.mutating_calls(), 0);
}

TEST_F(EngineTest, MissingServiceFailsNotFoundBeforeAnyMutation) {
  seed();
  configure(component_yaml("web") + component_yaml("api"));
  FinalStatus status = run({{"web", k_new_size}, {"api", {{"replicas", 3}}}});
  EXPECT_EQ(status_of(status), "failed") << status.message;
  EXPECT_EQ(reason_of(status), "not-found");
  EXPECT_TRUE(contains(status.message, "api")) << status.message;
  EXPECT_EQ(ecs.mutating_calls(), 0) << "nothing changes in AWS if any component cannot be planned";
  expect_service("web", "web:1", 2);
}

TEST_F(EngineTest, ServiceNamedByItsFullArnConvergesWithoutRollback) {
  seed();
  const std::string service_arn = "arn:aws:ecs:us-east-1:123456789012:service/demo/web";
  configure(component_yaml("web", "", service_arn));
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "ok") << status.message;
  EXPECT_EQ(reason_of(status), "success");
  auto updates = ecs.update_requests();
  ASSERT_EQ(updates.size(), 1u) << "a second UpdateService would be a rollback";
  EXPECT_EQ(updates[0].service, service_arn);
  EXPECT_EQ(updates[0].task_definition.value_or(""), arn("web:2"));
  EXPECT_TRUE(ecs.deregistered().empty());
  EXPECT_FALSE(contains(outcome("web").message, "Rolled back")) << outcome("web").message;
  expect_service("web", "web:2", 3);
}

// ---- several components ------------------------------------------------------------------------

TEST_F(EngineTest, TwoComponentsAreFollowedWithOneDescribeServicesPerPoll) {
  seed({"web", "api"});
  configure(component_yaml("web") + component_yaml("api"));
  ecs.set_fate("api:2", Fate::converge_after(3, 1));  // api takes longer
  FinalStatus status = run({{"web", k_new_size}, {"api", {{"cpu", 0.5}, {"mem", 2}}}});
  ASSERT_EQ(status_of(status), "ok") << status.message;
  expect_service("web", "web:2", 3);
  expect_service("api", "api:2", 2);

  int last_update = 0;
  for (const auto& call : ecs.calls()) {
    if (call.op == AwsOp::update_service) last_update = call.seq;
  }
  int both = 0;
  int api_only = 0;
  for (const auto& call : ecs.describe_services_calls()) {
    if (call.seq < last_update) continue;
    std::set<std::string> named(call.services.begin(), call.services.end());
    if (named == std::set<std::string>{"web", "api"}) {
      EXPECT_EQ(api_only, 0) << "both named again after web finished";
      ++both;
    } else {
      EXPECT_EQ(named, std::set<std::string>{"api"});
      ++api_only;
    }
  }
  EXPECT_GE(both, 2);
  EXPECT_GE(api_only, 1);
}

TEST_F(EngineTest, TwelveServicesArePolledInBatchesOfAtMostTen) {
  std::vector<std::string> names;
  std::string components;
  std::map<std::string, json> request;
  for (int i = 0; i < 12; ++i) {
    names.push_back("svc" + std::to_string(i));
    components += component_yaml(names.back());
    request[names.back()] = {{"cpu", 0.5}, {"mem", 1}};
  }
  seed(names);
  configure(components);
  ecs.set_default_fate(Fate::converge_after(2, 1));
  FinalStatus status = run(request);
  ASSERT_EQ(status_of(status), "ok") << status.message;
  for (const auto& name : names) expect_service(name, name + ":2", 2);
  EXPECT_EQ(ecs.count(AwsOp::update_service), 12);

  // Polls after the last UpdateService, grouped by the fake clock's time.
  int last_update = 0;
  for (const auto& call : ecs.calls()) {
    if (call.op == AwsOp::update_service) last_update = std::max(last_update, call.seq);
  }
  std::map<std::chrono::steady_clock::time_point, std::pair<int, std::set<std::string>>> polls;
  for (const auto& call : ecs.describe_services_calls()) {
    if (call.seq < last_update) continue;
    EXPECT_EQ(call.cluster, "demo");
    EXPECT_LE(call.services.size(), 10u);
    auto& [calls, named] = polls[call.at];
    ++calls;
    for (const auto& name : call.services) EXPECT_TRUE(named.insert(name).second) << name << " named twice in one poll";
  }
  ASSERT_GE(polls.size(), 3u);
  for (const auto& [at, poll] : polls) {
    EXPECT_EQ(poll.second.size(), names.size()) << "every service converges in the same round";
    EXPECT_EQ(static_cast<std::size_t>(poll.first), (poll.second.size() + 9) / 10);
  }
}

TEST_F(EngineTest, OneOfTwoComponentsFailingRollsBackBoth) {
  seed({"web", "api"});
  configure(component_yaml("web") + component_yaml("api"));
  ecs.set_fate("web:2", Fate::converge_after(1, 1));
  ecs.set_fate("api:2", Fate::fail_start(oom_failure()));
  FinalStatus status = run({{"web", k_new_size}, {"api", {{"cpu", 0.5}, {"mem", 2}}}});
  EXPECT_EQ(status_of(status), "rejected") << status.message;
  EXPECT_EQ(reason_of(status), "start-failed");
  EXPECT_TRUE(contains(status.message, "OutOfMemoryError")) << status.message;

  const FinalStatus& web = outcome("web");
  EXPECT_EQ(status_of(web), "failed");
  EXPECT_EQ(reason_of(web), "adjust-failed");
  EXPECT_TRUE(contains(web.message, "rolled back because another component failed")) << web.message;
  EXPECT_TRUE(contains(web.message, "Rolled back to web:1 with 2 task(s), healthy; deregistered web:2")) << web.message;
  const FinalStatus& api = outcome("api");
  EXPECT_EQ(status_of(api), "rejected");
  EXPECT_EQ(reason_of(api), "start-failed");
  EXPECT_TRUE(contains(api.message, "Rolled back to api:1")) << api.message;

  auto updates = ecs.update_requests();
  ASSERT_EQ(updates.size(), 4u);
  std::map<std::string, UpdateServiceRequest> restores;
  for (std::size_t i = 2; i < updates.size(); ++i) restores[updates[i].service] = updates[i];
  ASSERT_EQ(restores.size(), 2u);
  expect_restore_request(restores["web"], "web:1", 2);
  expect_restore_request(restores["api"], "api:1", 2);
  expect_service("web", "web:1", 2);
  expect_service("api", "api:1", 2);
  auto deregistered = ecs.deregistered();
  std::sort(deregistered.begin(), deregistered.end());
  EXPECT_EQ(deregistered, (std::vector<std::string>{arn("api:2"), arn("web:2")}));
}

}  // namespace
}  // namespace adjust::testing
