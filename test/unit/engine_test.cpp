// The engine's decisions, in-process: the real config parser, request parser
// and validator build the input; FakeEcs/FakeElbv2 (test/fakes/ecs.hpp) play
// AWS, scripted per deployment; FakeClock makes every wait instant. Each test
// asserts the final status and reason, the requests AWS received, and where
// the service was left.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
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
#include "adjust/protocol/status.hpp"
#include "fakes/autoscaling.hpp"
#include "fakes/clock.hpp"
#include "fakes/ecs.hpp"
#include "support/adjust_e2e.hpp"

namespace adjust::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// Statuses and reasons compared in their wire spelling, as servo sees them.
std::string status_of(const FinalStatus& status) { return protocol::to_string(status.status); }
std::string reason_of(const FinalStatus& status) { return protocol::to_string(status.reason); }

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
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

// The engine over an ECS without the service deployments API (or an IAM
// policy without it): every verdict comes from DescribeServices, tasks and
// target health. EngineRecordTest below runs with the API.
class EngineTest : public ::testing::Test {
 protected:
  EngineTest() { ecs.set_deployments_api(DeploymentsApi::unsupported); }

  void TearDown() override {
    if (HasFailure()) {
      std::cerr << "---- stdout ----\n" << m_out.str() << "---- log ----\n" << m_log.str();
      for (const auto& call : ecs.calls())
        std::cerr << call.seq << " " << to_string(call.op) << " " << call.detail << "\n";
    }
  }

  // Task definition NAME:1 and service NAME (2 tasks, behind NAME-tg).
  void seed(const std::vector<std::string>& names = {"web"}) {
    for (const auto& name : names) {
      ecs.add_task_definition(FakeEcs::fargate_task_definition(name));
      ecs.add_service({name});
    }
  }

  // Services svc0..svcN-1 (seeded and configured) and a request giving each `settings`.
  std::pair<std::vector<std::string>, std::map<std::string, json>> seed_many(int count,
                                                                             const json& settings) {
    std::vector<std::string> names;
    std::string components;
    std::map<std::string, json> request;
    for (int i = 0; i < count; ++i) {
      names.push_back("svc" + std::to_string(i));
      components += component_yaml(names.back());
      request[names.back()] = settings;
    }
    seed(names);
    configure(components);
    return {names, request};
  }

  void configure(const std::string& components) {
    auto parsed = parse_config("fargate:\n" + components, "config.yaml", MapEnvironment{});
    ASSERT_TRUE(parsed) << parsed.error().message;
    m_config = std::move(*parsed);
  }

  FinalStatus run(const std::map<std::string, json>& request, EngineOptions options = {}) {
    auto parsed = parse_adjust_request(request_text(request));
    EXPECT_TRUE(parsed) << parsed.error().message;
    if (!parsed) return final_status_for(parsed.error());
    auto desired = validate_request(m_config, *parsed);
    EXPECT_TRUE(desired) << desired.error().message;
    if (!desired) return final_status_for(desired.error());
    Engine engine(ecs, elbv2, clock, cancel, m_output, m_logger, policy, [] { return 0.5; });
    engine.use_autoscaling(autoscaling);
    if (budget) engine.use_request_budget(*budget);
    FinalStatus status = engine.run(m_config, *desired, options);
    outcomes = engine.outcomes();
    return status;
  }

  FinalStatus outcome(const std::string& component) const {
    for (const auto& entry : outcomes) {
      if (entry.component == component) return entry.status;
    }
    return {protocol::Status::failed, protocol::Reason::internal_error,
            "test: no outcome for component " + component};
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

  // The last UpdateService asked for `revision` x `count` and nothing else
  // (no count: the adjustment did not change it, so the restore leaves it).
  void expect_restore_request(const UpdateServiceRequest& request, const std::string& revision,
                              std::optional<int> count) {
    EXPECT_EQ(request.task_definition.value_or(""), arn(revision));
    EXPECT_EQ(request.desired_count, count);
    EXPECT_FALSE(request.deployment_limits.has_value());
  }

  // web was updated once, then restored to web:1 with 2 tasks, healthy, and web:2 deregistered.
  void expect_web_restored(const FinalStatus& status) {
    EXPECT_TRUE(contains(status.message, "Rolled back to web:1 with 2 task(s), healthy; deregistered web:2"))
        << status.message;
    auto updates = ecs.update_requests();
    ASSERT_EQ(updates.size(), 2u);
    expect_restore_request(updates[1], "web:1", 2);
    expect_service("web", "web:1", 2);
  }

  void expect_service(const std::string& name, const std::string& revision, int desired) {
    ServiceNow now = ecs.service(name);
    EXPECT_EQ(now.primary_revision, revision) << name;
    EXPECT_EQ(now.desired, desired) << name;
  }

  FakeClock clock;
  FakeEcs ecs{&clock};
  FakeElbv2 elbv2{ecs};
  FakeAutoScaling autoscaling;  // no targets: nothing is autoscaled
  CancelToken cancel;
  PollPolicy policy;
  std::unique_ptr<RequestBudget> budget;  // none: the engine does not check the registration pace
  std::vector<ComponentOutcome> outcomes;

  std::string log_text() const { return m_log.str(); }

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
  EXPECT_TRUE(std::find(env.begin(), env.end(), json{{"name", "MODE"}, {"value", "fast"}}) != env.end())
      << env;
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
  FinalStatus status = run({{"web",
                             {{"cpu", 0.25},
                              {"mem", 0.5},
                              {"replicas", 2},
                              {"MODE", "safe"},
                              {"LOG_LEVEL", "info"},
                              {"GOGC", 100}}}});
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

// The engine asks for every service of a cluster in one EcsApi call per poll;
// EcsClient sends them 10 per DescribeServices (test/unit/ecs_client_test.cpp).
TEST_F(EngineTest, TwelveServicesInOneClusterArePolledWithOneCallPerPoll) {
  auto [names, request] = seed_many(12, {{"cpu", 0.5}, {"mem", 1}});
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
    auto& [calls, named] = polls[call.at];
    ++calls;
    for (const auto& name : call.services)
      EXPECT_TRUE(named.insert(name).second) << name << " named twice in one poll";
  }
  ASSERT_GE(polls.size(), 3u);
  for (const auto& [at, poll] : polls) {
    EXPECT_EQ(poll.second.size(), names.size()) << "every service converges in the same round";
    EXPECT_EQ(poll.first, 1);
  }
}

// Components are applied several at once: the first UpdateService is still
// in flight when the second arrives. (Waits in real time only if it is not.)
TEST_F(EngineTest, ManyComponentsAreAppliedConcurrently) {
  auto [names, request] = seed_many(4, {{"replicas", 3}});
  std::atomic<bool> overlapped{false};
  ecs.on_call(AwsOp::update_service, 1, [&] {
    auto deadline = std::chrono::steady_clock::now() + 2s;
    while (ecs.count(AwsOp::update_service) < 2 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(1ms);
    }
    overlapped = ecs.count(AwsOp::update_service) >= 2;
  });
  FinalStatus status = run(request);
  ASSERT_EQ(status_of(status), "ok") << status.message;
  EXPECT_TRUE(overlapped) << "UpdateService calls ran one after another";
  for (const auto& name : names) expect_service(name, name + ":1", 3);
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
  EXPECT_TRUE(contains(web.message, "Rolled back to web:1 with 2 task(s), healthy; deregistered web:2"))
      << web.message;
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
  expect_restore_request(restores["api"], "api:1", std::nullopt);
  expect_service("web", "web:1", 2);
  expect_service("api", "api:1", 2);
  auto deregistered = ecs.deregistered();
  std::sort(deregistered.begin(), deregistered.end());
  EXPECT_EQ(deregistered, (std::vector<std::string>{arn("api:2"), arn("web:2")}));
}

// ---- deployments that fail -----------------------------------------------------------------------

TEST_F(EngineTest, StalledDeploymentTimesOutAndRollsBackWithTheTimeoutReason) {
  seed();
  std::string component = component_yaml("web");
  component.replace(component.find("timeout_service_desired_count: 300"), 34,
                    "timeout_service_desired_count: 30");
  configure(component);
  ecs.set_fate("web:2", Fate::stall());
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "failed") << status.message;
  EXPECT_EQ(reason_of(status), "timeout");
  EXPECT_TRUE(contains(status.message, "web: deployment did not finish within 30 s (last seen: "))
      << status.message;
  EXPECT_TRUE(contains(status.message, "Rolled back to web:1 with 2 task(s), healthy; deregistered web:2"))
      << status.message;
  EXPECT_GE(clock.total_slept(), 30s);
  EXPECT_LT(clock.total_slept(), 60s) << "the deadline, not the rollback budget, ended the wait";
  auto updates = ecs.update_requests();
  ASSERT_EQ(updates.size(), 2u);
  expect_restore_request(updates[1], "web:1", 2);
  EXPECT_EQ(ecs.deregistered(), std::vector<std::string>{arn("web:2")});
  expect_service("web", "web:1", 2);
}

TEST_F(EngineTest, ControlTimeoutOverridesTheConfiguredOne) {
  seed();
  configure(component_yaml("web"));  // 300 s
  ecs.set_fate("web:2", Fate::stall());
  EngineOptions options;
  options.timeout = 10s;
  FinalStatus status = run({{"web", k_new_size}}, options);
  EXPECT_EQ(reason_of(status), "timeout") << status.message;
  EXPECT_TRUE(contains(status.message, "did not finish within 10 s")) << status.message;
  EXPECT_LT(clock.total_slept(), 40s);
  expect_service("web", "web:1", 2);
}

// One deadline bounds the whole run: with no capacity for either revision, a
// 5 s timeout ends the run 30 s (the grace) after it, not after the 600 s a
// rollback may otherwise take, and says the restore is not healthy yet.
TEST_F(EngineTest, TheRollbackEndsWithinTheDeadlinePlusTheGrace) {
  seed();
  configure(component_yaml("web"));
  ecs.set_fate("web:2", Fate::stall());
  ecs.set_fate("web:1", Fate::stall());
  EngineOptions options;
  options.timeout = 5s;
  FinalStatus status = run({{"web", k_new_size}}, options);
  EXPECT_EQ(reason_of(status), "timeout") << status.message;
  EXPECT_TRUE(contains(status.message, "Rolled back to web:1 with 2 task(s) but it is not healthy yet"))
      << status.message;
  EXPECT_GE(clock.total_slept(), 5s + policy.rollback_grace - 5s) << "the restore was watched";
  EXPECT_LE(clock.total_slept(), 5s + policy.rollback_grace + policy.late_max);
  expect_restore_request(ecs.update_requests().back(), "web:1", 2);
}

TEST_F(EngineTest, CircuitBreakerFailedRolloutIsRejectedRolledBackAndOurRevisionDeregistered) {
  seed();
  configure(component_yaml("web"));
  Fate fate = Fate::fail_start(exit_failure());
  fate.breaker_threshold = 3;  // all three fail in one round: FAILED at once
  ecs.set_fate("web:2", fate);
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "rejected") << status.message;
  EXPECT_EQ(reason_of(status), "start-failed");
  EXPECT_TRUE(contains(status.message,
                       "the deployment failed (ECS deployment circuit breaker: tasks failed to start.)"))
      << status.message;
  EXPECT_TRUE(contains(status.message, "exit code 1")) << status.message;
  EXPECT_TRUE(contains(status.message, "Rolled back to web:1 with 2 task(s), healthy; deregistered web:2"))
      << status.message;
  auto updates = ecs.update_requests();
  ASSERT_EQ(updates.size(), 2u);
  expect_restore_request(updates[1], "web:1", 2);
  EXPECT_EQ(ecs.deregistered(), std::vector<std::string>{arn("web:2")});
  EXPECT_EQ(ecs.task_definition_status("web:2"), "INACTIVE");
  expect_service("web", "web:1", 2);
}

TEST_F(EngineTest, EcsRollingBackAnImagePullFailureIsRejectedWithTheEvidence) {
  seed();
  configure(component_yaml("web"));
  Fate fate = Fate::fail_start(image_pull_failure());
  fate.breaker_threshold = 1;
  fate.breaker_rollback = true;
  ecs.set_fate("web:2", fate);
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "rejected") << status.message;
  EXPECT_EQ(reason_of(status), "image-pull-failed");
  EXPECT_TRUE(contains(status.message, "CannotPullContainerError")) << status.message;
  EXPECT_TRUE(contains(status.message, "Rolled back to web:1")) << status.message;
  EXPECT_EQ(ecs.deregistered(), std::vector<std::string>{arn("web:2")});
  expect_service("web", "web:1", 2);
}

TEST_F(EngineTest, OomKilledTasksAreRejectedWithExitCodeEvidenceQuickly) {
  seed();
  configure(component_yaml("web"));
  ecs.set_fate("web:2", Fate::fail_start(oom_failure()));
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "rejected") << status.message;
  EXPECT_EQ(reason_of(status), "start-failed");
  EXPECT_TRUE(contains(status.message,
                       "stopped (EssentialContainerExited): Essential container in task exited; "
                       "container web exit code 137: OutOfMemoryError"))
      << status.message;
  EXPECT_TRUE(contains(status.message, "Rolled back to web:1 with 2 task(s), healthy; deregistered web:2"))
      << status.message;
  EXPECT_LT(clock.total_slept(), 30s) << "the verdict comes from evidence, not from the 300 s deadline";
  // Evidence is the service's STOPPED tasks.
  auto listed = ecs.list_tasks_calls();
  EXPECT_TRUE(std::any_of(listed.begin(), listed.end(),
                          [](const ListTasksCall& c) { return c.desired_status == "STOPPED"; }));
  expect_service("web", "web:1", 2);
}

TEST_F(EngineTest, TargetsUnhealthyPastTheGraceAreRejectedAndRolledBack) {
  seed();
  configure(component_yaml("web"));
  policy.unhealthy_grace = 30s;
  ecs.set_fate("web:2", Fate::unhealthy());
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "rejected") << status.message;
  EXPECT_EQ(reason_of(status), "health-check-failed");
  EXPECT_TRUE(contains(status.message, "is unhealthy: Target.FailedHealthChecks (Health checks failed)"))
      << status.message;
  EXPECT_TRUE(contains(status.message, "Rolled back to web:1")) << status.message;
  EXPECT_GE(clock.total_slept(), 30s) << "judged before the grace ran out";
  EXPECT_LT(clock.total_slept(), 120s);
  expect_service("web", "web:1", 2);
}

TEST_F(EngineTest, TargetsUnhealthyBrieflyWithinTheGraceStillConverge) {
  seed();
  configure(component_yaml("web"));
  policy.unhealthy_grace = 60s;
  Fate fate = Fate::converge_after(1, 1);
  fate.unhealthy_rounds = 3;
  ecs.set_fate("web:2", fate);
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "ok") << status.message;
  EXPECT_EQ(ecs.count(AwsOp::update_service), 1);
  expect_service("web", "web:2", 3);
}

// Health checks in progress move nothing in DescribeServices: the look-up
// made when the counts said done stands until the deployment moves (the old
// tasks drain once the new targets are healthy).
TEST_F(EngineTest, HealthChecksInProgressCostNoLookUpsUntilTheDeploymentMoves) {
  seed();
  configure(component_yaml("web"));
  policy.lookup_refresh = 1h;
  ecs.set_fate("web:2", Fate::converge_after(1, 8));
  FinalStatus status = run({{"web", k_new_size}});
  ASSERT_EQ(status_of(status), "ok") << status.message;
  int listed = 0;
  for (const auto& call : ecs.list_tasks_calls()) listed += call.desired_status == "RUNNING" ? 1 : 0;
  int health = ecs.count(AwsOp::describe_target_health);
  int polls = ecs.count(AwsOp::describe_services) - 1;  // the first read is not a poll
  EXPECT_GE(polls, 9) << "8 rounds of health checks were polled";
  EXPECT_GE(health, 1);
  EXPECT_LE(health, 3) << "a look-up on polls where nothing moved";
  EXPECT_EQ(listed, health);
}

// ... but not for ever: a look that nothing refreshed is taken again after
// lookup_refresh, so a missed movement only delays the verdict.
TEST_F(EngineTest, AStandingLookIsTakenAgainAfterLookupRefresh) {
  seed({"web", "api"});
  configure(component_yaml("web") + component_yaml("api"));
  ecs.set_fate("web:2", Fate::converge_after(1, 12));
  ecs.set_fate("api:2", Fate::converge_after(1, 12));
  policy.lookup_refresh = 1h;
  ASSERT_EQ(status_of(run({{"web", k_new_size}})), "ok");
  int rarely = ecs.count(AwsOp::describe_target_health);
  int polls_before = ecs.count(AwsOp::describe_services);

  policy.lookup_refresh = 3s;
  ASSERT_EQ(status_of(run({{"api", k_new_size}})), "ok");
  int refreshed = ecs.count(AwsOp::describe_target_health) - rarely;
  int polls = ecs.count(AwsOp::describe_services) - polls_before - 1;
  EXPECT_GT(refreshed, rarely);
  EXPECT_LT(refreshed, polls) << "refreshed on every poll";
}

// Targets turning unhealthy move nothing either: the refreshed look finds
// them, and from then on they are looked at on every poll while their grace runs.
TEST_F(EngineTest, UnhealthyTargetsAreLookedAtOnEveryPollOnceSeen) {
  seed();
  configure(component_yaml("web"));
  policy.lookup_refresh = 5s;
  policy.unhealthy_grace = 30s;
  ecs.set_fate("web:2", Fate::unhealthy());
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(reason_of(status), "health-check-failed") << status.message;
  // Polls 4 s apart by then: a 30 s grace seen through takes 8 looks or more.
  EXPECT_GE(ecs.count(AwsOp::describe_target_health), 8);
}

// ---- settlement ----------------------------------------------------------------------------------

TEST_F(EngineTest, SettlementKeepsWatchingAfterSuccessThenEndsOk) {
  seed();
  configure(component_yaml("web", "    settlement: 30\n"));
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "ok") << status.message;
  EXPECT_GE(clock.total_slept(), 30s) << "the settlement window was not waited for";
  EXPECT_EQ(ecs.count(AwsOp::update_service), 1);
  expect_service("web", "web:2", 3);
}

TEST_F(EngineTest, TaskFailingDuringControlSettlementIsUnstableAndRolledBack) {
  seed();
  configure(component_yaml("web"));
  Fate fate = Fate::converge_after(1, 1);
  fate.failure = exit_failure();
  fate.stop_after_complete = 3;
  ecs.set_fate("web:2", fate);
  EngineOptions options;
  options.settlement = 60s;
  FinalStatus status = run({{"web", k_new_size}}, options);
  EXPECT_EQ(status_of(status), "rejected") << status.message;
  EXPECT_EQ(reason_of(status), "unstable");
  EXPECT_TRUE(contains(status.message, "Rolled back to web:1 with 2 task(s), healthy; deregistered web:2"))
      << status.message;
  EXPECT_LT(clock.total_slept(), 60s) << "instability ends the window early";
  auto updates = ecs.update_requests();
  ASSERT_EQ(updates.size(), 2u);
  expect_restore_request(updates[1], "web:1", 2);
  expect_service("web", "web:1", 2);
}

// ---- cancel ----------------------------------------------------------------------------------------

TEST_F(EngineTest, CancelMidWaitEndsCancelledAndRestoresTheService) {
  seed();
  configure(component_yaml("web"));
  ecs.set_fate("web:2", Fate::stall());
  ecs.on_call(AwsOp::describe_services, 4, [this] { cancel.request(SIGUSR1); });  // the third poll
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "cancelled") << status.message;
  EXPECT_EQ(reason_of(status), "cancelled");
  expect_web_restored(status);
  EXPECT_EQ(ecs.service("web").primary_running, 2);
}

TEST_F(EngineTest, CancelDuringTheRollbackOfAFailureStillRestores) {
  seed();
  configure(component_yaml("web"));
  ecs.set_fate("web:2", Fate::fail_start(oom_failure()));
  // The signal arrives as the restore is sent.
  ecs.on_call(AwsOp::update_service, 2, [this] { cancel.request(SIGTERM); });
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "cancelled") << status.message;
  EXPECT_EQ(reason_of(status), "cancelled");
  EXPECT_TRUE(contains(status.message, "while rolling back")) << status.message;
  EXPECT_TRUE(contains(status.message, "OutOfMemoryError")) << status.message;
  auto updates = ecs.update_requests();
  ASSERT_EQ(updates.size(), 2u);
  expect_restore_request(updates[1], "web:1", 2);
  expect_service("web", "web:1", 2);
}

TEST_F(EngineTest, CancelAsTheFailureIsDecidedStillRestoresAndWaitsForHealth) {
  seed();
  configure(component_yaml("web"));
  ecs.set_fate("web:2", Fate::fail_start(oom_failure()));
  // Cancel while the poll that finds the failure fetches its evidence.
  ecs.on_call(AwsOp::list_tasks, 1, [this] { cancel.request(SIGUSR1); });
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "cancelled") << status.message;
  EXPECT_TRUE(contains(status.message, "Rolled back to web:1 with 2 task(s), healthy")) << status.message;
  auto updates = ecs.update_requests();
  ASSERT_EQ(updates.size(), 2u);
  expect_restore_request(updates[1], "web:1", 2);
  expect_service("web", "web:1", 2);
  EXPECT_EQ(ecs.service("web").primary_running, 2);
}

TEST_F(EngineTest, CancelWhileRegisteringDeregistersAndNeverUpdatesTheService) {
  seed();
  configure(component_yaml("web"));
  ecs.on_call(AwsOp::register_task_definition, 1, [this] { cancel.request(SIGTERM); });
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "cancelled") << status.message;
  EXPECT_EQ(ecs.count(AwsOp::update_service), 0);
  EXPECT_EQ(ecs.deregistered(), std::vector<std::string>{arn("web:2")});
  EXPECT_TRUE(contains(status.message, "Deregistered web:2, which the service never used")) << status.message;
  expect_service("web", "web:1", 2);
}

// ---- someone else --------------------------------------------------------------------------------

TEST_F(EngineTest, NewerDeploymentBySomeoneElseIsOverwrittenAndNotRolledBack) {
  seed();
  ecs.add_task_definition(FakeEcs::fargate_task_definition("hotfix"));
  configure(component_yaml("web"));
  ecs.set_fate("web:2", Fate::stall());
  ecs.on_call(AwsOp::describe_services, 3, [this] { ecs.deploy_external("web", "hotfix:1"); });
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "failed") << status.message;
  EXPECT_EQ(reason_of(status), "overwritten");
  EXPECT_TRUE(contains(status.message, "(hotfix:1) replaced the deployment of web:2")) << status.message;
  EXPECT_FALSE(contains(status.message, "Rolled back")) << status.message;
  EXPECT_TRUE(contains(status.message,
                       "not rolled back (another change won): the service runs hotfix:1 with 3 task(s)"))
      << status.message;
  EXPECT_EQ(ecs.count(AwsOp::update_service), 1) << "theirs is kept";
  EXPECT_TRUE(ecs.deregistered().empty());
  expect_service("web", "hotfix:1", 3);
}

// ---- start state -------------------------------------------------------------------------------

TEST_F(EngineTest, AServiceWithADeploymentInProgressIsRefusedAsBusyBeforeAnyChange) {
  seed();
  ecs.add_task_definition(FakeEcs::fargate_task_definition("hotfix"));
  ecs.set_fate("hotfix:1", Fate::stall());
  ecs.deploy_external("web", "hotfix:1");  // a CI deploy still going
  configure(component_yaml("web"));
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "failed") << status.message;
  EXPECT_EQ(reason_of(status), "busy");
  EXPECT_TRUE(contains(status.message, "of hotfix:1 (0/2 tasks running) is still in progress"))
      << status.message;
  EXPECT_EQ(ecs.mutating_calls(), 0);
}

// A run killed mid-deployment left web:2, which then failed: a new change
// that fails is rolled back to web:1, the last revision that completed.
TEST_F(EngineTest, AFailedCurrentRevisionIsNotWhereARollbackReturns) {
  seed();
  ecs.add_task_definition(FakeEcs::fargate_task_definition("web"));  // web:2, broken
  Fate broken = Fate::fail_start();
  broken.breaker_threshold = 2;
  ecs.set_fate("web:2", broken);
  ecs.deploy_external("web", "web:2");
  for (int round = 0; round < 5 && ecs.service("web").primary_rollout_state != "FAILED"; ++round) {
    (void)ecs.describe_services("demo", {"web"});
  }
  ASSERT_EQ(ecs.service("web").primary_rollout_state, "FAILED");
  configure(component_yaml("web"));
  ecs.set_fate("web:3", Fate::unhealthy());
  policy.unhealthy_grace = 30s;
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "rejected") << status.message;
  EXPECT_TRUE(contains(status.message, "Rolled back to web:1 with 2 task(s), healthy")) << status.message;
  expect_restore_request(ecs.update_requests().back(), "web:1", 2);
  EXPECT_TRUE(contains(log_text(), "the current revision web:2 never completed")) << log_text();
}

// An adjustment that does not name a count leaves it to the scaler: a
// scale-out mid-wait is followed, and the deployment judged at 4 tasks.
TEST_F(EngineTest, AScaleOutDuringACountlessAdjustmentIsFollowed) {
  seed();
  configure(component_yaml("web"));
  ecs.set_fate("web:2", Fate::converge_after(2, 1));
  ecs.on_call(AwsOp::describe_services, 3, [this] { ecs.scale_external("web", 4); });
  FinalStatus status = run({{"web", {{"cpu", 0.5}, {"mem", 1}}}});
  ASSERT_EQ(status_of(status), "ok") << status.message;
  expect_service("web", "web:2", 4);
  EXPECT_EQ(ecs.service("web").primary_running, 4);
  ASSERT_EQ(ecs.update_requests().size(), 1u);
  EXPECT_FALSE(ecs.update_requests()[0].desired_count) << "the count is not ours to send";
}

// The service is deleted mid-run: its count drops to 0, which a countless
// adjustment must not take for done, and there is nothing to restore.
TEST_F(EngineTest, AServiceBeingDeletedMidRunEndsServiceDeletedNotOk) {
  seed();
  configure(component_yaml("web"));
  ecs.set_fate("web:2", Fate::converge_after(3, 1));
  ecs.on_call(AwsOp::describe_services, 3, [this] { ecs.delete_external("web"); });
  FinalStatus status = run({{"web", {{"cpu", 0.5}, {"mem", 1}}}});
  EXPECT_EQ(status_of(status), "failed") << status.message;
  EXPECT_EQ(reason_of(status), "service-deleted");
  EXPECT_TRUE(contains(status.message, "service web is DRAINING (being deleted)")) << status.message;
  EXPECT_EQ(ecs.count(AwsOp::update_service), 1) << "nothing to roll back";
}

TEST_F(EngineTest, AServiceDeletedMidRunEndsServiceDeleted) {
  seed();
  configure(component_yaml("web"));
  ecs.set_fate("web:2", Fate::stall());
  ecs.on_call(AwsOp::describe_services, 3, [this] { ecs.delete_external("web", true); });
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(reason_of(status), "service-deleted") << status.message;
  EXPECT_TRUE(contains(status.message, "service web was deleted")) << status.message;
  EXPECT_EQ(ecs.count(AwsOp::update_service), 1);
}

// ---- Application Auto Scaling ----------------------------------------------------------------

TEST_F(EngineTest, ReplicasOnAnAutoscaledServiceAreRefusedByDefault) {
  seed();
  autoscaling.add_target("service/demo/web", 2, 10);
  configure(component_yaml("web"));
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "failed") << status.message;
  EXPECT_EQ(reason_of(status), "invalid-config");
  EXPECT_TRUE(contains(status.message, "is scaled by Application Auto Scaling (min 2, max 10)"))
      << status.message;
  EXPECT_EQ(ecs.mutating_calls(), 0);
  EXPECT_TRUE(autoscaling.registrations.empty());
  // Sent back at the current count, replicas are no change: accepted.
  FinalStatus same = run({{"web", {{"cpu", 0.5}, {"mem", 1}, {"replicas", 2}}}});
  EXPECT_EQ(status_of(same), "ok") << same.message;
}

TEST_F(EngineTest, ReplicasOnAnAutoscaledServiceArePinnedWhenConfigured) {
  seed();
  autoscaling.add_target("service/demo/web", 2, 10);
  configure(component_yaml("web", "    replicas_when_autoscaled: pin\n"));
  FinalStatus status = run({{"web", k_new_size}});
  ASSERT_EQ(status_of(status), "ok") << status.message;
  ASSERT_EQ(autoscaling.registrations.size(), 1u);
  EXPECT_EQ(autoscaling.registrations[0].min_capacity, 3);
  EXPECT_EQ(autoscaling.registrations[0].max_capacity, 3);
  EXPECT_EQ(autoscaling.targets["service/demo/web"].min_capacity, 3);
  expect_service("web", "web:2", 3);
}

TEST_F(EngineTest, PinnedBoundsArePutBackOnRollback) {
  seed();
  autoscaling.add_target("service/demo/web", 2, 10);
  configure(component_yaml("web", "    replicas_when_autoscaled: pin\n"));
  ecs.set_fate("web:2", Fate::unhealthy());
  policy.unhealthy_grace = 30s;
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "rejected") << status.message;
  EXPECT_TRUE(contains(status.message, "Application Auto Scaling bounds put back to 2-10")) << status.message;
  EXPECT_EQ(autoscaling.targets["service/demo/web"].min_capacity, 2);
  EXPECT_EQ(autoscaling.targets["service/demo/web"].max_capacity, 10);
  expect_service("web", "web:1", 2);
}

TEST_F(EngineTest, UnreadableScalableTargetsAreSaidAndTreatedAsNone) {
  seed();
  autoscaling.denied = true;
  configure(component_yaml("web"));
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "ok") << status.message;
  EXPECT_TRUE(contains(log_text(), "cannot read the services' scalable targets")) << log_text();
}

TEST_F(EngineTest, DesiredCountChangedBySomeoneElseIsOverwritten) {
  seed();
  configure(component_yaml("web"));
  ecs.set_fate("web:2", Fate::stall());
  ecs.on_call(AwsOp::describe_services, 3, [this] { ecs.scale_external("web", 5); });
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "failed") << status.message;
  EXPECT_EQ(reason_of(status), "overwritten");
  EXPECT_TRUE(contains(status.message, "desired count changed to 5 (expected 3)")) << status.message;
  EXPECT_EQ(ecs.count(AwsOp::update_service), 1);
  EXPECT_EQ(ecs.service("web").desired, 5);
}

// ---- AWS errors ----------------------------------------------------------------------------------

TEST_F(EngineTest, ThrottledPollsAreRetriedThenTheDeploymentSucceeds) {
  seed();
  configure(component_yaml("web"));
  ecs.inject(AwsOp::describe_services, 2, throttled_error(), 3);  // the first three polls
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "ok") << status.message;
  EXPECT_GE(ecs.count(AwsOp::describe_services), 1 + 3 + 2);
  EXPECT_EQ(ecs.count(AwsOp::update_service), 1);
  expect_service("web", "web:2", 3);
}

TEST_F(EngineTest, GarbledPollAnswersAreTolerated) {
  seed();
  configure(component_yaml("web"));
  ecs.garble(AwsOp::describe_services, 2);
  ecs.garble(AwsOp::describe_services, 3);
  ecs.garble(AwsOp::describe_target_health, 1);
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "ok") << status.message;
  EXPECT_EQ(ecs.count(AwsOp::update_service), 1);
  expect_service("web", "web:2", 3);
}

TEST_F(EngineTest, PersistentPollErrorsGiveUpAfterMaxConsecutivePollErrors) {
  seed();
  configure(component_yaml("web"));
  policy.max_consecutive_poll_errors = 4;
  ecs.inject(AwsOp::describe_services, 2, server_error(), 4);  // every poll of the wait
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "failed") << status.message;
  EXPECT_EQ(reason_of(status), "aws-error");
  EXPECT_TRUE(contains(status.message, "Service Unavailable")) << status.message;
  EXPECT_TRUE(contains(status.message, "Rolled back to web:1 with 2 task(s), healthy")) << status.message;
  // Exactly four polls failed before the restore was sent.
  int seq_restore = 0;
  for (const auto& call : ecs.calls()) {
    if (call.op == AwsOp::update_service) seq_restore = call.seq;
  }
  int polls_before = 0;
  for (const auto& call : ecs.describe_services_calls()) polls_before += call.seq < seq_restore ? 1 : 0;
  EXPECT_EQ(polls_before, 1 + 4);
  auto updates = ecs.update_requests();
  ASSERT_EQ(updates.size(), 2u);
  expect_restore_request(updates[1], "web:1", 2);
  expect_service("web", "web:1", 2);
}

TEST_F(EngineTest, ThrottledRegistrationChangesNothing) {
  seed();
  configure(component_yaml("web"));
  ecs.inject(AwsOp::register_task_definition, 1, throttled_error());
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "failed") << status.message;
  EXPECT_EQ(reason_of(status), "throttled");
  EXPECT_TRUE(contains(status.message, "register task definition")) << status.message;
  EXPECT_EQ(ecs.count(AwsOp::update_service), 0);
  expect_service("web", "web:1", 2);
}

TEST_F(EngineTest, UpdateServiceAnswerLostIsRestoredToBeSure) {
  seed();
  configure(component_yaml("web"));
  ecs.inject(AwsOp::update_service, 1, network_error(), 1, /*applied=*/true);
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "failed") << status.message;
  EXPECT_EQ(reason_of(status), "aws-unreachable");
  EXPECT_TRUE(contains(status.message, "update service")) << status.message;
  expect_web_restored(status);
}

TEST_F(EngineTest, UpdateServiceRefusedDeregistersOurRevisionWithoutRestore) {
  seed();
  configure(component_yaml("web"));
  ecs.inject(AwsOp::update_service, 1, client_error("InvalidParameterException: nope"));
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "failed") << status.message;
  EXPECT_EQ(reason_of(status), "aws-error");
  EXPECT_TRUE(contains(status.message, "Deregistered web:2, which the service never used")) << status.message;
  EXPECT_EQ(ecs.count(AwsOp::update_service), 1) << "a refused update needs no restore";
  EXPECT_EQ(ecs.deregistered(), std::vector<std::string>{arn("web:2")});
  expect_service("web", "web:1", 2);
}

TEST_F(EngineTest, RollbackRefusedEndsFailedNamingTheRevisionLeft) {
  seed();
  configure(component_yaml("web"));
  ecs.set_fate("web:2", Fate::fail_start(oom_failure()));
  ecs.inject(AwsOp::update_service, 2, access_denied_error());
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "failed") << status.message;
  EXPECT_EQ(reason_of(status), "aws-auth");
  EXPECT_TRUE(contains(status.message, "Rollback to web:1 failed: ")) << status.message;
  EXPECT_TRUE(contains(status.message, "the service was left on web:2 with 3 task(s)")) << status.message;
  EXPECT_EQ(ecs.count(AwsOp::update_service), 2) << "a refused restore is not sent again";
  EXPECT_TRUE(ecs.deregistered().empty()) << "web:2 is what the service runs";
  expect_service("web", "web:2", 3);
}

TEST_F(EngineTest, RollbackThrottledOnceIsSentAgain) {
  seed();
  configure(component_yaml("web"));
  ecs.set_fate("web:2", Fate::fail_start(oom_failure()));
  ecs.inject(AwsOp::update_service, 2, throttled_error());
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "rejected") << status.message;
  EXPECT_EQ(reason_of(status), "start-failed");
  EXPECT_TRUE(contains(status.message, "Rolled back to web:1 with 2 task(s), healthy")) << status.message;
  auto updates = ecs.update_requests();
  ASSERT_EQ(updates.size(), 3u);
  expect_restore_request(updates[2], "web:1", 2);
  expect_service("web", "web:1", 2);
}

// ---- configuration ---------------------------------------------------------------------------------

TEST_F(EngineTest, OnFailureNothingLeavesTheServiceAndSaysWhere) {
  seed();
  configure(component_yaml("web", "    on_failure: nothing\n"));
  ecs.set_fate("web:2", Fate::fail_start(oom_failure()));
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "rejected") << status.message;
  EXPECT_EQ(reason_of(status), "start-failed");
  EXPECT_TRUE(contains(status.message, "on_failure is nothing: the service was left on web:2 with 3 task(s)"))
      << status.message;
  EXPECT_FALSE(contains(status.message, "Rolled back")) << status.message;
  EXPECT_EQ(ecs.count(AwsOp::update_service), 1);
  EXPECT_TRUE(ecs.deregistered().empty());
  expect_service("web", "web:2", 3);
}

TEST_F(EngineTest, KeepRevisionsPrunesOnlyTaggedOldRevisionsNeverOneInUse) {
  const json tagged = json::array({{{"key", k_created_by_tag}, {"value", "opsani-adjust"}}});
  ecs.add_task_definition(FakeEcs::fargate_task_definition("web"));          // web:1, not ours
  ecs.add_task_definition(FakeEcs::fargate_task_definition("web"), tagged);  // web:2, ours
  ecs.add_task_definition(FakeEcs::fargate_task_definition("web"), tagged);  // web:3, ours, running now
  ecs.add_task_definition(FakeEcs::fargate_task_definition("web"));          // web:4, not ours
  ecs.add_task_definition(FakeEcs::fargate_task_definition("web"), tagged);  // web:5, ours
  ServiceSpec spec("web");
  spec.revision = "web:3";
  ecs.add_service(spec);
  configure(component_yaml("web", "    keep_revisions: 1\n"));
  FinalStatus status = run({{"web", k_new_size}});
  ASSERT_EQ(status_of(status), "ok") << status.message;
  expect_service("web", "web:6", 3);
  auto registered = ecs.register_requests();
  ASSERT_EQ(registered.size(), 1u);
  EXPECT_TRUE(has_created_by_tag(registered[0].value("tags", json::array()))) << registered[0].dump();
  auto deregistered = ecs.deregistered();
  std::sort(deregistered.begin(), deregistered.end());
  EXPECT_EQ(deregistered, (std::vector<std::string>{arn("web:2"), arn("web:5")}));
  for (const char* kept : {"web:1", "web:3", "web:4", "web:6"})
    EXPECT_EQ(ecs.task_definition_status(kept), "ACTIVE") << kept;
}

// A sibling service of the same family runs one of our old revisions:
// deregistering it would break that service's next rollback. And when the
// cluster's services cannot be read, nothing is deregistered.
TEST_F(EngineTest, KeepRevisionsNeverDeregistersWhatASiblingServiceRuns) {
  const json tagged = json::array({{{"key", k_created_by_tag}, {"value", "opsani-adjust"}}});
  ecs.add_task_definition(FakeEcs::fargate_task_definition("web"), tagged);  // web:1, ours, running
  ecs.add_task_definition(FakeEcs::fargate_task_definition("web"), tagged);  // web:2, ours, the sibling's
  ecs.add_task_definition(FakeEcs::fargate_task_definition("web"), tagged);  // web:3, ours, unused
  ecs.add_service({"web"});
  ServiceSpec sibling("web-canary");
  sibling.revision = "web:2";
  ecs.add_service(sibling);
  configure(component_yaml("web", "    keep_revisions: 1\n"));
  FinalStatus status = run({{"web", k_new_size}});
  ASSERT_EQ(status_of(status), "ok") << status.message;
  EXPECT_EQ(ecs.deregistered(), std::vector<std::string>{arn("web:3")});
  EXPECT_EQ(ecs.task_definition_status("web:2"), "ACTIVE") << "web-canary runs it";
  EXPECT_GE(ecs.count(AwsOp::list_services), 1);
}

TEST_F(EngineTest, KeepRevisionsKeepsEverythingWhenItCannotSeeTheClustersServices) {
  const json tagged = json::array({{{"key", k_created_by_tag}, {"value", "opsani-adjust"}}});
  ecs.add_task_definition(FakeEcs::fargate_task_definition("web"), tagged);  // web:1
  ecs.add_task_definition(FakeEcs::fargate_task_definition("web"), tagged);  // web:2, unused
  ecs.add_service({"web"});
  ecs.inject(
      AwsOp::list_services, 1,
      Error{ErrorCode::aws_auth, "ListServices: AccessDeniedException", "AccessDeniedException", "", 400});
  configure(component_yaml("web", "    keep_revisions: 1\n"));
  FinalStatus status = run({{"web", k_new_size}});
  ASSERT_EQ(status_of(status), "ok") << status.message;
  EXPECT_TRUE(ecs.deregistered().empty());
  EXPECT_TRUE(contains(log_text(), "keeping every revision")) << log_text();
}

TEST_F(EngineTest, DeploymentPercentagesAreSentOverTheServicesOwnCircuitBreaker) {
  seed();
  configure(component_yaml("web", "    deployment: {maximum_percent: 150, minimum_healthy_percent: 50}\n"));
  FinalStatus status = run({{"web", {{"replicas", 3}}}});
  EXPECT_EQ(status_of(status), "ok") << status.message;
  auto updates = ecs.update_requests();
  ASSERT_EQ(updates.size(), 1u);
  json wire = to_json(updates[0]);
  ASSERT_TRUE(wire.contains("deploymentConfiguration")) << wire;
  const json& configuration = wire["deploymentConfiguration"];
  EXPECT_EQ(configuration.value("maximumPercent", 0), 150);
  EXPECT_EQ(configuration.value("minimumHealthyPercent", 0), 50);
  EXPECT_EQ(configuration["deploymentCircuitBreaker"], json({{"enable", true}, {"rollback", true}}))
      << "the service's breaker settings must be sent back unchanged";
}

// The rollback puts back everything the update changed, the limits included.
TEST_F(EngineTest, RollbackRestoresTheDeploymentLimitsTheUpdateChanged) {
  seed();
  configure(component_yaml("web", "    deployment: {maximum_percent: 150, minimum_healthy_percent: 50}\n"));
  ecs.set_fate("web:2", Fate::unhealthy());
  policy.unhealthy_grace = 30s;
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "rejected") << status.message;
  auto updates = ecs.update_requests();
  ASSERT_EQ(updates.size(), 2u);
  json restored = to_json(updates[1]);
  ASSERT_TRUE(restored.contains("deploymentConfiguration")) << restored;
  EXPECT_EQ(restored["deploymentConfiguration"].value("maximumPercent", 0), 200) << restored;
  EXPECT_EQ(restored["deploymentConfiguration"].value("minimumHealthyPercent", 0), 100) << restored;
  EXPECT_EQ(restored["deploymentConfiguration"]["deploymentCircuitBreaker"],
            json({{"enable", true}, {"rollback", true}}));
}

// ---- more of the fault matrix's decisions --------------------------------------------------------

TEST_F(EngineTest, CancelBeforeAnyChangeEndsCancelledWithoutMutating) {
  seed();
  configure(component_yaml("web"));
  ecs.on_call(AwsOp::describe_task_definition, 1, [this] { cancel.request(SIGTERM); });
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "cancelled") << status.message;
  EXPECT_EQ(reason_of(status), "cancelled");
  EXPECT_EQ(ecs.mutating_calls(), 0);
  expect_service("web", "web:1", 2);
}

TEST_F(EngineTest, GarbledUpdateServiceAnswerMayHaveAppliedSoItIsRestored) {
  seed();
  configure(component_yaml("web"));
  ecs.garble(AwsOp::update_service, 1);  // applied, but the answer cannot be read
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "failed") << status.message;
  EXPECT_EQ(reason_of(status), "aws-error");
  EXPECT_TRUE(contains(status.message, "desiredCount")) << status.message;
  expect_web_restored(status);
}

TEST_F(EngineTest, GarbledFirstReadFailsBeforeAnyMutation) {
  seed();
  configure(component_yaml("web"));
  ecs.garble(AwsOp::describe_services, 1);
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "failed") << status.message;
  EXPECT_EQ(reason_of(status), "aws-error");
  EXPECT_TRUE(contains(status.message, "/services/0/desiredCount")) << status.message;
  EXPECT_EQ(ecs.mutating_calls(), 0);
}

TEST_F(EngineTest, ServerErrorsOnTheRestoreAreSentTwiceThenReportedAsMaybeLeft) {
  seed();
  configure(component_yaml("web"));
  ecs.set_fate("web:2", Fate::fail_start(oom_failure()));
  ecs.inject(AwsOp::update_service, 2, server_error(), 2);  // the restore and its one retry
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "failed") << status.message;
  EXPECT_EQ(reason_of(status), "aws-error");
  EXPECT_TRUE(contains(status.message,
                       "Rollback to web:1 failed: Service Unavailable; the service may still be on "
                       "web:2 with 3 task(s)"))
      << status.message;
  EXPECT_EQ(ecs.count(AwsOp::update_service), 3);
  EXPECT_TRUE(ecs.deregistered().empty());
}

TEST_F(EngineTest, RefusedUpdateOfOneComponentRestoresTheOtherAlreadyUpdated) {
  seed({"web", "api"});
  configure(component_yaml("web") + component_yaml("api"));
  policy.concurrency = 1;  // in request order: api is applied, then web is refused
  ecs.inject(AwsOp::update_service, 2, client_error("InvalidParameterException: nope"));
  FinalStatus status = run({{"web", k_new_size}, {"api", {{"cpu", 0.5}, {"mem", 2}}}});
  EXPECT_EQ(status_of(status), "failed") << status.message;
  EXPECT_EQ(status_of(outcome("web")), "failed");
  EXPECT_EQ(reason_of(outcome("web")), "aws-error");
  EXPECT_TRUE(contains(outcome("web").message, "Deregistered web:2, which the service never used"))
      << outcome("web").message;
  EXPECT_EQ(reason_of(outcome("api")), "adjust-failed");
  EXPECT_TRUE(
      contains(outcome("api").message, "Rolled back to api:1 with 2 task(s), healthy; deregistered api:2"))
      << outcome("api").message;
  auto updates = ecs.update_requests();
  ASSERT_EQ(updates.size(), 3u);
  EXPECT_EQ(updates[0].service, "api");
  EXPECT_EQ(updates[1].service, "web");
  EXPECT_EQ(updates[2].service, "api");
  expect_restore_request(updates[2], "api:1", std::nullopt);
  expect_service("web", "web:1", 2);
  expect_service("api", "api:1", 2);
}

// A registration refused part-way through: each component's outcome is what
// happened to it. The one applied before is rolled back, the refused one
// failed, the one after it never started, and the unchanged one was never
// checked: none of them reads "ok".
TEST_F(EngineTest, EveryComponentsOutcomeIsWhatHappenedToIt) {
  seed({"a1", "b2", "c3", "d4"});
  configure(component_yaml("a1") + component_yaml("b2") + component_yaml("c3") + component_yaml("d4"));
  policy.concurrency = 1;  // in request order
  ecs.inject(AwsOp::register_task_definition, 2,
             client_error("ClientException: Invalid setting for container"));
  json unchanged = {{"cpu", 0.25}, {"mem", 0.5}, {"replicas", 2}};
  FinalStatus status = run({{"a1", k_new_size}, {"b2", k_new_size}, {"c3", k_new_size}, {"d4", unchanged}});
  EXPECT_EQ(status_of(status), "failed") << status.message;
  EXPECT_EQ(reason_of(status), "aws-error") << status.message;
  EXPECT_TRUE(contains(outcome("a1").message, "rolled back because another component failed"))
      << outcome("a1").message;
  EXPECT_TRUE(contains(outcome("a1").message, "Rolled back to a1:1")) << outcome("a1").message;
  EXPECT_EQ(reason_of(outcome("b2")), "aws-error");
  EXPECT_EQ(outcome("c3").message, "c3: not started: another component failed first");
  EXPECT_EQ(reason_of(outcome("c3")), "adjust-failed");
  EXPECT_EQ(outcome("d4").message, "d4: unchanged, not checked: another component failed first");
  for (const char* name : {"a1", "b2", "c3", "d4"}) {
    EXPECT_FALSE(contains(status.message, std::string(name) + ": ok")) << status.message;
  }
  EXPECT_EQ(ecs.count(AwsOp::register_task_definition), 2);
  expect_service("c3", "c3:1", 2);
}

// New revisions are registered at the run's share of the account's
// RegisterTaskDefinition rate: a change that cannot be registered before the
// deadline at that pace is refused before anything changes.
TEST_F(EngineTest, RegistrationsThatCannotFitTheDeadlineAtTheBudgetsPaceChangeNothing) {
  auto [names, request] = seed_many(12, {{"cpu", 0.5}, {"mem", 1}});
  budget = std::make_unique<RequestBudget>(clock, RequestBudgetConfig{0.1, false});  // 2 at once, then 0.1/s
  EngineOptions options;
  options.timeout = 60s;
  FinalStatus status = run(request, options);
  EXPECT_EQ(status_of(status), "failed") << status.message;
  EXPECT_EQ(reason_of(status), "deadline-too-short");
  EXPECT_TRUE(contains(status.message, "12 new task definition revisions take at least 100 s to register"))
      << status.message;
  EXPECT_TRUE(contains(status.message, "2 at once, then 0.1 per second")) << status.message;
  EXPECT_TRUE(contains(status.message, "nothing was changed")) << status.message;
  EXPECT_EQ(ecs.count(AwsOp::register_task_definition), 0);

  options.timeout = 120s;  // fits
  status = run(request, options);
  EXPECT_EQ(status_of(status), "ok") << status.message;
}

// When the collateral component ("adjusted, but rolled back because another
// component failed": failed/adjust-failed) comes before the one that failed,
// the run's reason still names the cause (here aws-error), whatever the order.
TEST_F(EngineTest, TheRunsReasonIsTheCauseNotTheCollateralRollback) {
  seed({"web", "api"});
  configure(component_yaml("web") + component_yaml("api"));
  policy.concurrency = 1;
  ecs.inject(AwsOp::update_service, 2, client_error("InvalidParameterException: nope"));  // web's
  FinalStatus status = run({{"web", k_new_size}, {"api", {{"cpu", 0.5}, {"mem", 2}}}});
  EXPECT_EQ(status_of(status), "failed") << status.message;
  EXPECT_EQ(reason_of(status), "aws-error") << status.message;
}

// An overwritten component is never rolled back (someone else deployed:
// restoring would clobber their change), not even when a cancel arrives
// later while another component is still being followed.
TEST_F(EngineTest, CancelAfterAComponentWasOverwrittenKeepsTheirDeployment) {
  seed({"web", "api"});
  ecs.add_task_definition(FakeEcs::fargate_task_definition("hotfix"));
  configure(component_yaml("web") + component_yaml("api"));
  ecs.set_fate("web:2", Fate::stall());
  ecs.set_fate("api:2", Fate::stall());
  ecs.on_call(AwsOp::describe_services, 3, [this] { ecs.deploy_external("web", "hotfix:1"); });
  ecs.on_call(AwsOp::describe_services, 6, [this] { cancel.request(SIGUSR1); });
  FinalStatus status = run({{"web", k_new_size}, {"api", {{"cpu", 0.5}, {"mem", 2}}}});
  EXPECT_EQ(status_of(status), "cancelled") << status.message;
  expect_service("api", "api:1", 2);
  for (const auto& update : ecs.update_requests()) {
    EXPECT_FALSE(update.service == "web" && update.task_definition == arn("web:1"))
        << "web's hotfix:1 deployment (someone else's) was rolled back";
  }
  expect_service("web", "hotfix:1", 3);
}

}  // namespace
}  // namespace adjust::testing

// ---- with the service deployments API: ECS's own record decides -----------------------
namespace adjust::testing {
namespace {

class EngineRecordTest : public EngineTest {
 protected:
  EngineRecordTest() { ecs.set_deployments_api(DeploymentsApi::available); }

  void seed_strategy(DeploymentStrategy strategy, json extra = json::object()) {
    ecs.add_task_definition(FakeEcs::fargate_task_definition("web"));
    ServiceSpec spec{"web"};
    spec.strategy = strategy;
    spec.bake_minutes = 1;
    spec.deployment_configuration_extra = std::move(extra);
    ecs.add_service(spec);
  }
};

// Finding each component's service deployment and reading its record cost
// one DescribeServiceDeployments per poll for all of them (EcsClient sends 20
// ARNs per call), not one per component.
TEST_F(EngineRecordTest, RecordsOfEveryComponentAreReadTogether) {
  auto [names, request] = seed_many(25, {{"cpu", 0.5}, {"mem", 1}});
  ecs.set_default_fate(Fate::converge_after(2, 2));
  FinalStatus status = run(request);
  ASSERT_EQ(status_of(status), "ok") << status.message;
  EXPECT_TRUE(contains(log_text(), "svc24: following service deployment")) << log_text();
  int polls = ecs.count(AwsOp::describe_services) - 1;
  EXPECT_GE(polls, 3);
  EXPECT_LE(ecs.count(AwsOp::describe_service_deployments), polls);
  EXPECT_EQ(ecs.count(AwsOp::describe_service_revisions), 1) << "all bound in the first poll";
  EXPECT_EQ(ecs.count(AwsOp::list_service_deployments), 0);
}

TEST_F(EngineRecordTest, BlueGreenIsOkOnlyOnceEcsFinishedAfterTheTrafficShift) {
  seed_strategy(DeploymentStrategy::blue_green);
  configure(component_yaml("web"));
  Fate fate = Fate::converge_after();
  fate.bake_rounds = 3;
  ecs.set_fate("web:2", fate);
  FinalStatus status = run({{"web", k_new_size}});
  ASSERT_EQ(status_of(status), "ok") << status.message;
  ServiceNow now = ecs.service("web");
  EXPECT_EQ(now.deployment_status, "SUCCESSFUL");
  EXPECT_EQ(now.primary_revision, "web:2");
  EXPECT_GE(now.production_shift_seq, 0);
  EXPECT_GE(ecs.count(AwsOp::describe_service_deployments), 3) << "followed through the bake";
  EXPECT_EQ(ecs.count(AwsOp::describe_service_revisions), 1) << "the revision is read once";
}

TEST_F(EngineRecordTest, FailureInProgressIsRolledBackByEcsNotBySecondDeployment) {
  seed_strategy(DeploymentStrategy::blue_green);
  configure(component_yaml("web"));
  ecs.set_fate("web:2", Fate::unhealthy());
  policy.unhealthy_grace = 30s;
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "rejected") << status.message;
  EXPECT_EQ(reason_of(status), "health-check-failed") << status.message;
  auto stops = ecs.stop_requests();
  ASSERT_EQ(stops.size(), 1u) << "StopServiceDeployment(ROLLBACK) while it is in progress";
  EXPECT_EQ(stops[0].stop_type, StopType::rollback);
  for (const auto& update : ecs.update_requests()) {
    EXPECT_NE(update.task_definition.value_or(""), arn("web:1")) << "no second deployment to roll back";
  }
  EXPECT_EQ(ecs.service("web").primary_revision, "web:1");
}

// Cancelled while ECS rolls our deployment back: the note says ECS is doing
// it (and goes on after we exit), not that we rolled back.
TEST_F(EngineRecordTest, CancelDuringTheRollbackEcsPerformsSaysEcsIsRollingBack) {
  seed_strategy(DeploymentStrategy::blue_green);
  configure(component_yaml("web"));
  ecs.set_fate("web:2", Fate::unhealthy());
  policy.unhealthy_grace = 30s;
  ecs.on_call(AwsOp::stop_service_deployment, 1, [this] { cancel.request(SIGUSR1); });
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "cancelled") << status.message;
  EXPECT_NE(status.message.find("ECS is rolling back to web:1 with 2 task(s); cancelled before it finished"),
            std::string::npos)
      << status.message;
  EXPECT_EQ(status.message.find("Rolled back"), std::string::npos) << status.message;
  EXPECT_EQ(ecs.stop_requests().size(), 1u);
}

TEST_F(EngineRecordTest, PausedHookFailsFastAndIsRolledBackAtTheHook) {
  seed_strategy(DeploymentStrategy::blue_green,
                {{"lifecycleHooks", {{{"targetType", "PAUSE"}, {"lifecycleStages", {"POST_SCALE_UP"}}}}}});
  configure(component_yaml("web"));
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "failed") << status.message;
  EXPECT_EQ(reason_of(status), "deployment-paused") << status.message;
  EXPECT_LT(clock.total_slept(), 60s) << "no wait for the deadline";
  auto continues = ecs.continue_requests();
  ASSERT_EQ(continues.size(), 1u);
  EXPECT_EQ(continues[0].action, HookAction::rollback);
  EXPECT_EQ(ecs.service("web").primary_revision, "web:1");
}

TEST_F(EngineRecordTest, PausedHookIsContinuedWhenConfigured) {
  seed_strategy(DeploymentStrategy::blue_green,
                {{"lifecycleHooks", {{{"targetType", "PAUSE"}, {"lifecycleStages", {"POST_SCALE_UP"}}}}}});
  configure(component_yaml("web", "    deployment: {paused_hooks: continue}\n"));
  FinalStatus status = run({{"web", k_new_size}});
  ASSERT_EQ(status_of(status), "ok") << status.message;
  auto continues = ecs.continue_requests();
  ASSERT_EQ(continues.size(), 1u);
  EXPECT_EQ(continues[0].action, HookAction::resume);
}

TEST_F(EngineRecordTest, BakeLongerThanTheDeadlineChangesNothing) {
  seed_strategy(DeploymentStrategy::blue_green, {{"bakeTimeInMinutes", 30}});
  configure(component_yaml("web"));  // 300 s
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "failed") << status.message;
  EXPECT_EQ(reason_of(status), "deadline-too-short") << status.message;
  EXPECT_EQ(ecs.mutating_calls(), 0);
}

TEST_F(EngineRecordTest, StaleReadsAfterUpdateLeaveTheVerdictUnchanged) {
  seed_strategy(DeploymentStrategy::rolling);
  configure(component_yaml("web"));
  ecs.stale_describes("web", 3);
  ecs.set_current_lag(2);
  FinalStatus status = run({{"web", k_new_size}});
  ASSERT_EQ(status_of(status), "ok") << status.message;
  EXPECT_EQ(ecs.update_requests().size(), 1u) << "nothing rolled back";
  EXPECT_EQ(ecs.service("web").primary_revision, "web:2");
}

TEST_F(EngineRecordTest, EarlySuccessWithOldTasksServingTimesOutInsteadOfOk) {
  seed_strategy(DeploymentStrategy::rolling,
                {{"earlySuccessCriteria",
                  {{"enable", true}, {"healthyPercent", 50}, {"sourceServiceRevisionCleanup", "DEFERRED"}}}});
  configure(component_yaml("web", "    on_failure: nothing\n"));
  Fate fate = Fate::converge_after();
  fate.early_success_healthy = 1;
  ecs.set_fate("web:2", fate);
  FinalStatus status = run({{"web", k_new_size}});
  EXPECT_EQ(status_of(status), "failed") << status.message;
  EXPECT_EQ(reason_of(status), "timeout") << status.message;
  EXPECT_TRUE(contains(status.message, "old task")) << status.message;
  EXPECT_EQ(ecs.service("web").deployment_status, "SUCCESSFUL") << "ECS itself called it done";
}

TEST_F(EngineRecordTest, DeniedApiFallsBackOnceWithAWarning) {
  seed_strategy(DeploymentStrategy::rolling);
  ecs.set_deployments_api(DeploymentsApi::denied);
  configure(component_yaml("web"));
  FinalStatus status = run({{"web", k_new_size}});
  ASSERT_EQ(status_of(status), "ok") << status.message;
  EXPECT_TRUE(contains(log_text(), "DescribeServices alone")) << log_text();
}

}  // namespace
}  // namespace adjust::testing
