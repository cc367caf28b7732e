// The fake ECS the engine tests stand on behaves like ECS where they rely on
// it: revisions, service look-up by name or ARN, deployments that follow
// their fate, faults on the chosen calls, typed records.
#include <gtest/gtest.h>

#include "fakes/clock.hpp"
#include "fakes/ecs.hpp"

namespace adjust::testing {
namespace {

using json = nlohmann::json;

class FakeEcsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ecs.add_task_definition(FakeEcs::fargate_task_definition("web"));
    ecs.add_service({"web"});
  }
  FakeEcs ecs;
  FakeElbv2 elbv2{ecs};
};

TEST_F(FakeEcsTest, RegisterMakesTheNextRevisionAndDeregisterMarksItInactive) {
  auto registered = ecs.register_task_definition(FakeEcs::fargate_task_definition("web"));
  ASSERT_TRUE(registered) << registered.error().message;
  EXPECT_EQ(registered->arn(), fake_task_definition_arn("web:2"));
  auto listed = ecs.list_task_definitions("web");
  ASSERT_TRUE(listed);
  EXPECT_EQ(*listed,
            (std::vector<std::string>{fake_task_definition_arn("web:2"), fake_task_definition_arn("web:1")}));
  ASSERT_TRUE(ecs.deregister_task_definition(fake_task_definition_arn("web:2")));
  EXPECT_EQ(ecs.task_definition_status("web:2"), "INACTIVE");
  EXPECT_EQ(*ecs.list_task_definitions("web"), std::vector<std::string>{fake_task_definition_arn("web:1")});
  auto described = ecs.describe_task_definition("web:2");
  ASSERT_TRUE(described) << "ECS still describes an INACTIVE revision";
  EXPECT_EQ(described->task_definition.value("status", ""), "INACTIVE");
}

TEST_F(FakeEcsTest, DescribeServicesFindsANameOrAnArnAndReportsTheMissing) {
  auto described = ecs.describe_services("demo", {"web", fake_service_arn("demo", "web"), "nope"});
  ASSERT_TRUE(described) << described.error().message;
  ASSERT_EQ(described->services.size(), 2u);
  EXPECT_EQ(described->services[0].name, "web");
  EXPECT_EQ(described->services[1].arn, fake_service_arn("demo", "web"));
  ASSERT_EQ(described->failures.size(), 1u);
  EXPECT_EQ(described->failures[0].reason, "MISSING");
  EXPECT_EQ(described->services[0].desired_count, 2);
  EXPECT_EQ(described->services[0].task_definition, fake_task_definition_arn("web:1"));
}

TEST_F(FakeEcsTest, ANewDeploymentConvergesInTheRoundsItsFateSays) {
  ecs.add_task_definition(FakeEcs::fargate_task_definition("web"));
  ecs.set_fate("web:2", Fate::converge_after(2, 1));
  UpdateServiceRequest request{"demo", "web", fake_task_definition_arn("web:2"), 3, {}};
  auto updated = ecs.update_service(request);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->deployments.size(), 2u);
  EXPECT_EQ(ecs.service("web").primary_running, 0);
  ASSERT_TRUE(ecs.describe_services("demo", {"web"}));  // round 1: pending
  EXPECT_EQ(ecs.service("web").primary_running, 0);
  ASSERT_TRUE(ecs.describe_services("demo", {"web"}));  // round 2: running, targets initial
  EXPECT_EQ(ecs.service("web").primary_running, 3);
  EXPECT_EQ(ecs.service("web").deployments, 2u);
  ASSERT_TRUE(ecs.describe_services("demo", {"web"}));  // round 3: healthy, old drained
  EXPECT_EQ(ecs.service("web").deployments, 1u);
  auto health = elbv2.describe_target_health(fake_target_group_arn("web"));
  ASSERT_TRUE(health) << health.error().message;
  EXPECT_EQ(health->size(), 3u);
  for (const auto& target : *health) EXPECT_EQ(target.state, "healthy") << target.id;
  auto stopped = ecs.list_tasks("demo", "web", "STOPPED");
  ASSERT_TRUE(stopped);
  EXPECT_EQ(stopped->size(), 2u) << "the old deployment's tasks";
}

TEST_F(FakeEcsTest, FaultsHitTheChosenCallsOnlyAndAreRecorded) {
  ecs.inject(AwsOp::describe_services, 2, throttled_error(), 2);
  EXPECT_TRUE(ecs.describe_services("demo", {"web"}));
  auto second = ecs.describe_services("demo", {"web"});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::aws_throttled);
  EXPECT_FALSE(ecs.describe_services("demo", {"web"}));
  EXPECT_TRUE(ecs.describe_services("demo", {"web"}));
  EXPECT_EQ(ecs.count(AwsOp::describe_services), 4);
  EXPECT_EQ(ecs.describe_services_calls().size(), 4u);

  ecs.garble(AwsOp::describe_services, 5);
  auto garbled = ecs.describe_services("demo", {"web"});
  ASSERT_FALSE(garbled);
  EXPECT_EQ(garbled.error().code, ErrorCode::aws_bad_response);
}

TEST_F(FakeEcsTest, AnUpdateWhoseAnswerIsLostStillApplies) {
  ecs.inject(AwsOp::update_service, 1, network_error(), 1, /*applied=*/true);
  UpdateServiceRequest request{"demo", "web", std::nullopt, 4, {}};
  EXPECT_FALSE(ecs.update_service(request));
  EXPECT_EQ(ecs.service("web").desired, 4);
  ASSERT_EQ(ecs.update_requests().size(), 1u);
  EXPECT_EQ(ecs.update_requests()[0].desired_count, std::optional<int>(4));
  EXPECT_EQ(ecs.mutating_calls(), 1);
}

// ---- service deployments and strategies ----

class ServiceDeploymentsTest : public ::testing::Test {
 protected:
  // Task definitions NAME:1..3 and service NAME (2 tasks behind NAME-tg).
  void add(ServiceSpec spec) {
    for (int i = 0; i < 3; ++i) ecs.add_task_definition(FakeEcs::fargate_task_definition(spec.name));
    ecs.add_service(spec);
  }
  ServiceSpec staged(const std::string& name, DeploymentStrategy strategy) {
    ServiceSpec spec{name};
    spec.strategy = strategy;
    spec.bake_minutes = 5;
    return spec;
  }
  EcsService update(const std::string& name, const std::string& revision,
                    std::optional<int> desired = std::nullopt) {
    auto updated = ecs.update_service({"demo", name, fake_task_definition_arn(revision), desired, {}});
    EXPECT_TRUE(updated) << updated.error().message;
    return updated ? *updated : EcsService{};
  }
  // One reconcile round of `name`: the DescribeServices answer.
  EcsService round(const std::string& name = "web") {
    auto described = ecs.describe_services("demo", {name});
    EXPECT_TRUE(described) << described.error().message;
    round_seq = ecs.describe_services_calls().back().seq;
    return described && !described->services.empty() ? described->services[0] : EcsService{};
  }
  ServiceDeployment describe(const std::string& arn) {
    auto described = ecs.describe_service_deployments({arn});
    EXPECT_TRUE(described) << described.error().message;
    if (!described || described->deployments.empty()) return {};
    return described->deployments[0];
  }
  ServiceDeployment current(const std::string& name = "web") {
    return describe(ecs.service(name).current_service_deployment);
  }
  ServiceRevision revision(const std::string& arn) {
    auto described = ecs.describe_service_revisions({arn});
    EXPECT_TRUE(described) << described.error().message;
    return described && !described->revisions.empty() ? described->revisions[0] : ServiceRevision{};
  }
  std::vector<std::string> healthy_targets(const std::string& target_group) {
    std::vector<std::string> out;
    auto health = elbv2.describe_target_health(target_group);
    EXPECT_TRUE(health) << health.error().message;
    if (health) {
      for (const auto& target : *health)
        if (target.state == "healthy") out.push_back(target.id);
    }
    return out;
  }
  std::string hook_id(const ServiceDeployment& deployment) {
    for (const auto& hook : deployment.lifecycle_hooks)
      if (hook.status == "AWAITING_ACTION") return hook.hook_id;
    return "";
  }
  static std::string seen_current(const EcsService& service) {
    return service.raw.value("currentServiceDeployment", "");
  }
  FakeEcs ecs;
  int round_seq = 0;  // the last round()'s
  FakeElbv2 elbv2{ecs};
};

TEST_F(ServiceDeploymentsTest, EveryDeploymentHasAServiceDeploymentAndARevision) {
  add({"web"});
  ServiceNow now = ecs.service("web");
  EXPECT_EQ(now.service_deployments, 1u);
  EXPECT_EQ(now.deployment_status, "SUCCESSFUL");
  EXPECT_EQ(now.production_weight, 100);
  EXPECT_EQ(now.serving_target_group, fake_target_group_arn("web"));
  EXPECT_TRUE(now.current_service_deployment.starts_with(
      "arn:aws:ecs:us-east-1:123456789012:service-deployment/demo/web/"))
      << now.current_service_deployment;
  ServiceDeployment first = current();
  ASSERT_TRUE(first.target_revision);
  EXPECT_EQ(first.target_revision->arn, "arn:aws:ecs:us-east-1:123456789012:service-revision/demo/web/1");
  EXPECT_TRUE(first.source_revisions.empty());

  EcsService answer = update("web", "web:2", 3);
  std::string second = ecs.service("web").current_service_deployment;
  EXPECT_NE(second, first.arn);
  EXPECT_EQ(seen_current(answer), second) << "UpdateService renders currentServiceDeployment";
  EXPECT_EQ(current().status, ServiceDeploymentStatus::pending);
  ServiceRevision target = revision(current().target_revision->arn);
  EXPECT_EQ(target.arn, "arn:aws:ecs:us-east-1:123456789012:service-revision/demo/web/2");
  EXPECT_EQ(target.task_definition, fake_task_definition_arn("web:2"));
  EXPECT_EQ(target.resolved_target_groups, std::vector<std::string>{fake_target_group_arn("web")});
  ASSERT_EQ(current().source_revisions.size(), 1u);
  EXPECT_EQ(current().source_revisions[0].arn, first.target_revision->arn);

  EXPECT_EQ(seen_current(round()), second);  // round 1: tasks start
  ServiceDeployment running = current();
  EXPECT_EQ(running.status, ServiceDeploymentStatus::in_progress);
  EXPECT_EQ(running.status_text, "IN_PROGRESS");
  EXPECT_EQ(running.lifecycle_stage, "") << "ROLLING reports no stage";
  EXPECT_EQ(running.target_revision->running_task_count, 3) << "live counts";
  EXPECT_EQ(running.target_revision->requested_task_count, 3);
  EXPECT_EQ(running.source_revisions[0].running_task_count, 2);
  round();  // round 2: healthy, old drained
  ServiceDeployment done = current();
  EXPECT_EQ(done.status, ServiceDeploymentStatus::successful);
  EXPECT_EQ(done.circuit_breaker.status, "MONITORING_COMPLETE");
  EXPECT_EQ(done.target_revision->requested_production_traffic_weight, std::optional<double>(100));
  EXPECT_EQ(done.source_revisions[0].requested_production_traffic_weight, std::optional<double>(0));
  EXPECT_EQ(done.source_revisions[0].running_task_count, 0);
  EXPECT_EQ(ecs.service("web").production_shift_seq, round_seq);
  ecs.scale_external("web", 5);
  round();
  round();
  EXPECT_EQ(current().target_revision->running_task_count, 3) << "frozen once completed";
  EXPECT_EQ(ecs.service("web").primary_running, 5);
}

TEST_F(ServiceDeploymentsTest, BlueGreenGoesThroughItsStagesAndSwapsTargetGroups) {
  add(staged("bg", DeploymentStrategy::blue_green));
  const std::string blue_tg = fake_target_group_arn("bg");
  const std::string green_tg = fake_target_group_arn("bg-alt");
  EcsService before = round("bg");
  const json& lb = before.raw["loadBalancers"][0];
  EXPECT_EQ(lb["targetGroupArn"], blue_tg);
  EXPECT_EQ(lb["advancedConfiguration"]["alternateTargetGroupArn"], green_tg);
  EXPECT_TRUE(lb["advancedConfiguration"].contains("productionListenerRule"));
  EXPECT_TRUE(lb["advancedConfiguration"].contains("roleArn"));
  EXPECT_EQ(before.raw["deploymentConfiguration"]["strategy"], "BLUE_GREEN");
  EXPECT_EQ(before.raw["deploymentConfiguration"]["bakeTimeInMinutes"], 5);
  EXPECT_EQ(seen_current(before), ecs.service("bg").current_service_deployment);

  update("bg", "bg:2");
  EcsService scaling = round("bg");  // round 1: PRE_SCALE_UP passes, green starts
  EXPECT_EQ(current("bg").lifecycle_stage, "SCALE_UP");
  EXPECT_EQ(current("bg").status, ServiceDeploymentStatus::in_progress);
  EXPECT_EQ(ecs.service("bg").production_weight, 0);
  EXPECT_EQ(revision(current("bg").target_revision->arn).resolved_target_groups,
            std::vector<std::string>{green_tg});
  ASSERT_EQ(scaling.deployments.size(), 2u);
  EXPECT_EQ(scaling.deployments[0].rollout_state, RolloutState::in_progress);

  EcsService baking = round("bg");  // round 2: green healthy, production 0 -> 100, bake begins
  ServiceNow now = ecs.service("bg");
  EXPECT_EQ(now.lifecycle_stage, "BAKE_TIME");
  EXPECT_EQ(now.deployment_status, "IN_PROGRESS");
  EXPECT_EQ(now.production_weight, 100);
  EXPECT_EQ(now.production_shift_seq, round_seq);
  EXPECT_EQ(now.serving_target_group, green_tg);
  ServiceDeployment bake = current("bg");
  EXPECT_EQ(bake.target_revision->requested_test_traffic_weight, std::optional<double>(100));
  EXPECT_EQ(bake.source_revisions.at(0).requested_production_traffic_weight, std::optional<double>(0));
  EXPECT_EQ(bake.source_revisions.at(0).running_task_count, 2) << "blue still runs in bake";
  ASSERT_EQ(baking.deployments.size(), 2u);
  EXPECT_EQ(baking.deployments[0].status, DeploymentStatus::primary);
  EXPECT_EQ(baking.deployments[0].rollout_state, RolloutState::in_progress);
  EXPECT_EQ(baking.deployments[1].status, DeploymentStatus::active);
  EXPECT_EQ(baking.deployments[1].running_count, 2);
  EXPECT_EQ(healthy_targets(green_tg).size(), 2u);
  EXPECT_EQ(healthy_targets(blue_tg).size(), 2u);

  EcsService done = round("bg");  // round 3: bake over, blue cleaned up
  EXPECT_EQ(current("bg").status, ServiceDeploymentStatus::successful);
  EXPECT_EQ(current("bg").lifecycle_stage, "CLEAN_UP");
  ASSERT_EQ(done.deployments.size(), 1u);
  EXPECT_EQ(done.deployments[0].rollout_state, RolloutState::completed);
  EXPECT_EQ(done.load_balancers.at(0).target_group_arn, blue_tg) << "never rewritten";
  EXPECT_TRUE(healthy_targets(blue_tg).empty());

  update("bg", "bg:3");  // the next green goes back to the first group
  for (int i = 0; i < 3; ++i) round("bg");
  EXPECT_EQ(current("bg").status, ServiceDeploymentStatus::successful);
  EXPECT_EQ(revision(current("bg").target_revision->arn).resolved_target_groups,
            std::vector<std::string>{blue_tg});
  EXPECT_EQ(ecs.service("bg").serving_target_group, blue_tg);
  EXPECT_EQ(healthy_targets(blue_tg).size(), 2u);
  EXPECT_TRUE(healthy_targets(green_tg).empty());
  EXPECT_EQ(ecs.service("bg").primary_revision, "bg:3");
}

TEST_F(ServiceDeploymentsTest, StagesLastStageRoundsAndBakeLastsBakeRounds) {
  add(staged("bg", DeploymentStrategy::blue_green));
  Fate fate;
  fate.stage_rounds = 1;
  fate.bake_rounds = 2;
  ecs.set_fate("bg:2", fate);
  update("bg", "bg:2");
  std::vector<std::string> stages;
  for (int i = 0; i < 20 && ecs.service("bg").deployment_status != "SUCCESSFUL"; ++i) {
    round("bg");
    stages.push_back(ecs.service("bg").lifecycle_stage);
  }
  EXPECT_EQ(stages,
            (std::vector<std::string>{"PRE_SCALE_UP", "SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT",
                                      "POST_TEST_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME",
                                      "BAKE_TIME", "CLEAN_UP", "CLEAN_UP"}));
}

TEST_F(ServiceDeploymentsTest, LinearAndCanaryShiftProductionTrafficInSteps) {
  add(staged("lin", DeploymentStrategy::linear));
  ServiceSpec canary = staged("can", DeploymentStrategy::canary);
  canary.deployment_configuration_extra = {{"canaryConfiguration", {{"canaryPercent", 10.0}}}};
  add(canary);
  Fate four;
  four.traffic_steps = 4;
  ecs.set_fate("lin:2", four);
  Fate two;
  two.traffic_steps = 2;
  ecs.set_fate("can:2", two);
  update("lin", "lin:2");
  update("can", "can:2");
  EXPECT_EQ(round("can").raw["deploymentConfiguration"]["canaryConfiguration"]["canaryPercent"], 10.0);
  round("lin");  // scale up
  std::vector<double> linear;
  std::vector<double> source;
  for (int i = 0; i < 4; ++i) {
    round("lin");
    linear.push_back(ecs.service("lin").production_weight);
    source.push_back(*current("lin").source_revisions.at(0).requested_production_traffic_weight);
    if (i < 3) {
      EXPECT_EQ(ecs.service("lin").lifecycle_stage, "PRODUCTION_TRAFFIC_SHIFT");
      EXPECT_EQ(ecs.service("lin").production_shift_seq, -1);
    }
  }
  EXPECT_EQ(linear, (std::vector<double>{25, 50, 75, 100}));
  EXPECT_EQ(source, (std::vector<double>{75, 50, 25, 0}));
  EXPECT_EQ(ecs.service("lin").lifecycle_stage, "BAKE_TIME");
  EXPECT_EQ(ecs.service("lin").production_shift_seq, round_seq);
  round("can");
  EXPECT_EQ(ecs.service("can").production_weight, 10);
  round("can");
  EXPECT_EQ(ecs.service("can").production_weight, 100);
}

TEST_F(ServiceDeploymentsTest, AnAlarmInBakeFlipsTrafficBackToBlueAtOnce) {
  add(staged("bg", DeploymentStrategy::blue_green));
  Fate fate;
  fate.alarm_in_bake = "bg-5xx";
  ecs.set_fate("bg:2", fate);
  update("bg", "bg:2");
  const std::string source = current("bg").source_revisions.at(0).arn;
  round("bg");
  round("bg");  // production shifted, bake begins
  EXPECT_EQ(ecs.service("bg").production_weight, 100);
  int shifted = ecs.service("bg").production_shift_seq;
  EXPECT_EQ(shifted, round_seq);
  EcsService rolling_back = round("bg");  // the alarm goes off in the first bake round
  ServiceDeployment deployment = current("bg");
  EXPECT_EQ(deployment.status, ServiceDeploymentStatus::rollback_in_progress);
  EXPECT_EQ(deployment.alarms.status, "TRIGGERED");
  EXPECT_EQ(deployment.alarms.triggered_alarm_names, std::vector<std::string>{"bg-5xx"});
  EXPECT_NE(deployment.rollback_reason.find("bg-5xx"), std::string::npos) << deployment.rollback_reason;
  EXPECT_EQ(deployment.rollback_service_revision, source);
  EXPECT_EQ(ecs.service("bg").production_weight, 0);
  EXPECT_EQ(ecs.service("bg").serving_target_group, fake_target_group_arn("bg"));
  EXPECT_EQ(ecs.service("bg").primary_revision, "bg:1");
  EXPECT_EQ(ecs.service("bg").production_shift_seq, shifted) << "it did reach 100% once";
  EXPECT_TRUE(healthy_targets(fake_target_group_arn("bg-alt")).empty()) << "green drained";
  EXPECT_EQ(healthy_targets(fake_target_group_arn("bg")).size(), 2u);
  EXPECT_EQ(rolling_back.task_definition, fake_task_definition_arn("bg:1"));
  round("bg");
  EXPECT_EQ(current("bg").status, ServiceDeploymentStatus::rollback_successful);
  EXPECT_EQ(ecs.service("bg").deployments, 1u);
  EXPECT_EQ(ecs.service("bg").service_deployments, 2u) << "a rollback is no new deployment";
}

TEST_F(ServiceDeploymentsTest, ARollingAlarmGoesOffOnceTheNewTasksAreUp) {
  add({"web"});
  Fate fate;
  fate.alarm_in_bake = "web-latency";
  ecs.set_fate("web:2", fate);
  update("web", "web:2");
  round();
  EXPECT_EQ(current().status, ServiceDeploymentStatus::in_progress);
  round();  // new tasks healthy: the alarm instead of completion
  EXPECT_EQ(current().status, ServiceDeploymentStatus::rollback_in_progress);
  EXPECT_EQ(current().alarms.triggered_alarm_names, std::vector<std::string>{"web-latency"});
  for (int i = 0; i < 5 && ecs.service("web").deployment_status != "ROLLBACK_SUCCESSFUL"; ++i) round();
  EXPECT_EQ(ecs.service("web").deployment_status, "ROLLBACK_SUCCESSFUL");
  EXPECT_EQ(ecs.service("web").primary_revision, "web:1");
  EXPECT_EQ(ecs.service("web").primary_running, 2);
  EXPECT_EQ(healthy_targets(fake_target_group_arn("web")).size(), 2u);
}

TEST_F(ServiceDeploymentsTest, TheCircuitBreakerRollsBackOrStops) {
  add({"web"});
  add({"api"});
  Fate failing = Fate::fail_start();
  failing.breaker_threshold = 2;
  failing.breaker_rollback = true;
  ecs.set_fate("web:2", failing);
  failing.breaker_rollback = false;
  ecs.set_fate("api:2", failing);
  update("web", "web:2");
  update("api", "api:2");
  const std::string web_source = current("web").source_revisions.at(0).arn;

  round("web");  // both tasks fail to start: the breaker trips and rolls back
  ServiceDeployment web = current("web");
  EXPECT_EQ(web.status, ServiceDeploymentStatus::rollback_in_progress);
  EXPECT_EQ(web.circuit_breaker.status, "TRIGGERED");
  EXPECT_EQ(web.circuit_breaker.failure_count, 2);
  EXPECT_EQ(web.circuit_breaker.threshold, 2);
  EXPECT_EQ(web.rollback_service_revision, web_source);
  EXPECT_FALSE(web.rollback_reason.empty());
  for (int i = 0; i < 5 && ecs.service("web").deployment_status != "ROLLBACK_SUCCESSFUL"; ++i) round("web");
  EXPECT_EQ(ecs.service("web").deployment_status, "ROLLBACK_SUCCESSFUL");
  EXPECT_EQ(ecs.service("web").primary_revision, "web:1");
  EXPECT_EQ(ecs.service("web").primary_running, 2);
  EXPECT_EQ(ecs.service("web").service_deployments, 2u);

  round("api");
  ServiceDeployment api = current("api");
  EXPECT_EQ(api.status, ServiceDeploymentStatus::stopped);
  EXPECT_EQ(api.circuit_breaker.status, "TRIGGERED");
  EXPECT_TRUE(api.rollback_service_revision.empty());
}

TEST_F(ServiceDeploymentsTest, TheBreakerOnBlueGreenKeepsBlue) {
  add(staged("bg", DeploymentStrategy::blue_green));
  Fate failing = Fate::fail_start();
  failing.breaker_threshold = 2;
  failing.breaker_rollback = true;
  ecs.set_fate("bg:2", failing);
  update("bg", "bg:2");
  round("bg");
  EXPECT_EQ(ecs.service("bg").deployment_status, "ROLLBACK_IN_PROGRESS");
  EXPECT_EQ(ecs.service("bg").primary_revision, "bg:1");
  round("bg");
  EXPECT_EQ(ecs.service("bg").deployment_status, "ROLLBACK_SUCCESSFUL");
  EXPECT_EQ(ecs.service("bg").deployments, 1u);
  EXPECT_EQ(healthy_targets(fake_target_group_arn("bg")).size(), 2u);
}

TEST_F(ServiceDeploymentsTest, StopRollsBackOrAbortsAndConflictsOnceCompleted) {
  add({"web"});
  ecs.set_fate("web:2", Fate::stall());
  update("web", "web:2");
  round();
  const std::string arn = ecs.service("web").current_service_deployment;
  ASSERT_TRUE(ecs.stop_service_deployment(arn, StopType::rollback));
  EXPECT_EQ(current().status, ServiceDeploymentStatus::rollback_requested);
  round();
  EXPECT_EQ(current().status, ServiceDeploymentStatus::rollback_in_progress);
  for (int i = 0; i < 5 && ecs.service("web").deployment_status != "ROLLBACK_SUCCESSFUL"; ++i) round();
  EXPECT_EQ(ecs.service("web").deployment_status, "ROLLBACK_SUCCESSFUL");
  EXPECT_EQ(ecs.service("web").primary_revision, "web:1");
  EXPECT_EQ(healthy_targets(fake_target_group_arn("web")).size(), 2u);
  auto again = ecs.stop_service_deployment(arn, StopType::rollback);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::aws_client);
  EXPECT_EQ(again.error().aws_code, "ConflictException");

  ecs.set_fate("web:3", Fate::stall());
  update("web", "web:3");
  round();
  const std::string aborted = ecs.service("web").current_service_deployment;
  ASSERT_TRUE(ecs.stop_service_deployment(aborted, StopType::abort));
  EXPECT_EQ(current().status, ServiceDeploymentStatus::stopped);
  auto unknown = ecs.stop_service_deployment(arn + "x", StopType::abort);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().aws_code, "ServiceDeploymentNotFoundException");
  auto stops = ecs.stop_requests();
  ASSERT_EQ(stops.size(), 4u);
  EXPECT_EQ(stops[0].arn, arn);
  EXPECT_EQ(stops[0].stop_type, StopType::rollback);
  EXPECT_EQ(stops[2].stop_type, StopType::abort);
  EXPECT_EQ(ecs.count(AwsOp::stop_service_deployment), 4);
}

TEST_F(ServiceDeploymentsTest, StopRollbackOnBlueGreenFlipsAtOnce) {
  add(staged("bg", DeploymentStrategy::blue_green));
  Fate long_bake;
  long_bake.bake_rounds = 10;
  ecs.set_fate("bg:2", long_bake);
  update("bg", "bg:2");
  round("bg");
  round("bg");
  EXPECT_EQ(ecs.service("bg").serving_target_group, fake_target_group_arn("bg-alt"));
  ASSERT_TRUE(ecs.stop_service_deployment(ecs.service("bg").current_service_deployment, StopType::rollback));
  EXPECT_EQ(ecs.service("bg").deployment_status, "ROLLBACK_REQUESTED");
  round("bg");
  EXPECT_EQ(ecs.service("bg").deployment_status, "ROLLBACK_IN_PROGRESS");
  EXPECT_EQ(ecs.service("bg").serving_target_group, fake_target_group_arn("bg"));
  EXPECT_EQ(ecs.service("bg").primary_revision, "bg:1");
  round("bg");
  EXPECT_EQ(ecs.service("bg").deployment_status, "ROLLBACK_SUCCESSFUL");
}

TEST_F(ServiceDeploymentsTest, APauseHookWaitsForContinue) {
  ServiceSpec spec{"web"};
  spec.deployment_configuration_extra = {
      {"lifecycleHooks",
       {{{"targetType", "PAUSE"},
         {"lifecycleStages", {"POST_SCALE_UP"}},
         {"timeoutConfiguration", {{"timeoutInMinutes", 60}, {"action", "CONTINUE"}}}}}}};
  add(spec);
  update("web", "web:2");
  round();
  round();  // new tasks healthy: paused before the old ones go
  ServiceDeployment paused = current();
  ASSERT_EQ(paused.lifecycle_hooks.size(), 1u);
  const LifecycleHookDetail hook = paused.lifecycle_hooks[0];
  EXPECT_EQ(hook.target_type, "PAUSE");
  EXPECT_EQ(hook.status, "AWAITING_ACTION");
  EXPECT_EQ(hook.timeout_action, "CONTINUE");
  EXPECT_FALSE(hook.hook_id.empty());
  round();
  round();
  EXPECT_EQ(current().status, ServiceDeploymentStatus::in_progress);
  EXPECT_EQ(current().lifecycle_hooks.at(0).hook_id, hook.hook_id) << "stable";
  EXPECT_EQ(ecs.service("web").deployments, 2u);

  auto wrong = ecs.continue_service_deployment(paused.arn, "nope", HookAction::resume);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().aws_code, "ConflictException");
  ASSERT_TRUE(ecs.continue_service_deployment(paused.arn, hook.hook_id, HookAction::resume));
  EXPECT_EQ(current().lifecycle_hooks.at(0).status, "SUCCEEDED");
  round();
  EXPECT_EQ(current().status, ServiceDeploymentStatus::successful);
  EXPECT_EQ(ecs.service("web").deployments, 1u);
  auto late = ecs.continue_service_deployment(paused.arn, hook.hook_id, HookAction::resume);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().aws_code, "ConflictException");
  auto continues = ecs.continue_requests();
  ASSERT_EQ(continues.size(), 3u);
  EXPECT_EQ(continues[1].hook_id, hook.hook_id);
  EXPECT_EQ(continues[1].action, HookAction::resume);
}

TEST_F(ServiceDeploymentsTest, ContinueWithRollbackAtAPauseHookRollsBack) {
  ServiceSpec spec = staged("bg", DeploymentStrategy::blue_green);
  spec.deployment_configuration_extra = {
      {"lifecycleHooks", {{{"targetType", "PAUSE"}, {"lifecycleStages", {"PRE_SCALE_UP"}}}}}};
  add(spec);
  update("bg", "bg:2");
  round("bg");
  round("bg");
  ServiceDeployment paused = current("bg");
  EXPECT_EQ(paused.lifecycle_stage, "PRE_SCALE_UP");
  EXPECT_EQ(paused.target_revision->running_task_count, 0) << "nothing starts before the hook";
  std::string hook = hook_id(paused);
  ASSERT_FALSE(hook.empty());
  EXPECT_EQ(paused.lifecycle_hooks[0].timeout_action, "ROLLBACK") << "ECS's default";
  ASSERT_TRUE(ecs.continue_service_deployment(paused.arn, hook, HookAction::rollback));
  EXPECT_EQ(current("bg").status, ServiceDeploymentStatus::rollback_requested);
  round("bg");
  EXPECT_EQ(current("bg").status, ServiceDeploymentStatus::rollback_in_progress);
  round("bg");
  EXPECT_EQ(current("bg").status, ServiceDeploymentStatus::rollback_successful);
  EXPECT_EQ(ecs.service("bg").primary_revision, "bg:1");
  EXPECT_EQ(ecs.service("bg").primary_running, 2);
}

TEST_F(ServiceDeploymentsTest, EarlySuccessLeavesTheOldTasksRunning) {
  ServiceSpec spec{"web"};
  spec.desired = 4;
  spec.deployment_configuration_extra = {
      {"earlySuccessCriteria",
       {{"enable", true}, {"healthyPercent", 50}, {"sourceServiceRevisionCleanup", "DEFERRED"}}}};
  add(spec);
  Fate fate;
  fate.early_success_healthy = 2;
  fate.deferred_cleanup_rounds = 3;
  ecs.set_fate("web:2", fate);
  update("web", "web:2");
  round();
  EcsService early = round();
  EXPECT_EQ(current().status, ServiceDeploymentStatus::successful);
  ASSERT_EQ(early.deployments.size(), 2u);
  EXPECT_EQ(early.deployments[0].rollout_state, RolloutState::completed);
  EXPECT_EQ(early.deployments[1].status, DeploymentStatus::active);
  EXPECT_EQ(early.deployments[1].running_count, 4);
  EXPECT_EQ(healthy_targets(fake_target_group_arn("web")).size(), 8u) << "old and new serve";
  EXPECT_EQ(ecs.service("web").production_weight, 50);
  EXPECT_EQ(ecs.service("web").production_shift_seq, -1);
  round();
  round();
  EXPECT_EQ(ecs.service("web").deployments, 2u);
  round();  // the deferred cleanup
  EXPECT_EQ(ecs.service("web").deployments, 1u);
  EXPECT_EQ(healthy_targets(fake_target_group_arn("web")).size(), 4u);
  EXPECT_EQ(current().target_revision->running_task_count, 4) << "frozen at completion";
  EXPECT_EQ(current().source_revisions.at(0).running_task_count, 4);
}

TEST_F(ServiceDeploymentsTest, ANewerUpdateSupersedesAndExternalDeploymentsCount) {
  add({"web"});
  ecs.set_fate("web:2", Fate::stall());
  update("web", "web:2");
  const std::string older = ecs.service("web").current_service_deployment;
  round();
  update("web", "web:3");
  ServiceDeployment superseded = describe(older);
  EXPECT_EQ(superseded.status, ServiceDeploymentStatus::stopped);
  EXPECT_NE(superseded.status_reason.find("uperseded"), std::string::npos) << superseded.status_reason;
  ecs.deploy_external("web", "hotfix:1");
  EcsService foreign = round();
  EXPECT_EQ(ecs.service("web").service_deployments, 4u);
  EXPECT_EQ(seen_current(foreign), ecs.service("web").current_service_deployment);
  EXPECT_EQ(revision(current().target_revision->arn).task_definition, fake_task_definition_arn("hotfix:1"));
}

TEST_F(ServiceDeploymentsTest, ListingFiltersAndDescribingReportsTheMissing) {
  FakeClock clock;
  FakeEcs timed(&clock);
  timed.add_task_definition(FakeEcs::fargate_task_definition("web"));
  timed.add_service({"web"});
  clock.advance(std::chrono::seconds(60));
  const auto t0 = clock.now();
  timed.set_fate("web:2", Fate::stall());
  ASSERT_TRUE(timed.update_service({"demo", "web", fake_task_definition_arn("web:2"), std::nullopt, {}}));
  ASSERT_TRUE(timed.describe_services("demo", {"web"}));
  auto all = timed.list_service_deployments({"demo", "web", std::nullopt, {}});
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].arn, timed.service("web").current_service_deployment) << "newest first";
  EXPECT_EQ((*all)[0].status, ServiceDeploymentStatus::in_progress);
  EXPECT_EQ((*all)[1].status, ServiceDeploymentStatus::successful);
  auto recent = timed.list_service_deployments({"demo", "web", t0 - std::chrono::seconds(5), {}});
  ASSERT_TRUE(recent);
  ASSERT_EQ(recent->size(), 1u);
  EXPECT_EQ((*recent)[0].created_at, std::optional<SystemTime>(t0));
  auto done = timed.list_service_deployments(
      {"demo", fake_service_arn("demo", "web"), std::nullopt, {ServiceDeploymentStatus::successful}});
  ASSERT_TRUE(done);
  ASSERT_EQ(done->size(), 1u);
  EXPECT_EQ((*done)[0].status, ServiceDeploymentStatus::successful);

  auto described = timed.describe_service_deployments({(*all)[0].arn, "arn:nope"});
  ASSERT_TRUE(described);
  ASSERT_EQ(described->deployments.size(), 1u);
  ASSERT_EQ(described->failures.size(), 1u);
  EXPECT_EQ(described->failures[0].arn, "arn:nope");
  EXPECT_EQ(described->failures[0].reason, "MISSING");
  EXPECT_EQ(described->deployments[0].started_at, std::optional<SystemTime>(t0));
  auto revisions = timed.describe_service_revisions({(*all)[0].target_service_revision_arn, "arn:nope"});
  ASSERT_TRUE(revisions);
  ASSERT_EQ(revisions->revisions.size(), 1u);
  EXPECT_EQ(revisions->failures.at(0).reason, "MISSING");
  auto missing = timed.list_service_deployments({"demo", "nope", std::nullopt, {}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().aws_code, "ServiceNotFoundException");
}

TEST_F(ServiceDeploymentsTest, TheApiCanBeDeniedOrUnsupported) {
  add({"web"});
  const std::string arn = ecs.service("web").current_service_deployment;
  ecs.set_deployments_api(DeploymentsApi::denied);
  std::vector<Error> errors;
  errors.push_back(ecs.list_service_deployments({"demo", "web", std::nullopt, {}}).error());
  errors.push_back(ecs.describe_service_deployments({arn}).error());
  errors.push_back(ecs.describe_service_revisions({arn}).error());
  errors.push_back(ecs.stop_service_deployment(arn, StopType::rollback).error());
  errors.push_back(ecs.continue_service_deployment(arn, "h", HookAction::resume).error());
  const std::vector<std::string> actions = {"ListServiceDeployments", "DescribeServiceDeployments",
                                            "DescribeServiceRevisions", "StopServiceDeployment",
                                            "ContinueServiceDeployment"};
  for (std::size_t i = 0; i < errors.size(); ++i) {
    EXPECT_EQ(errors[i].code, ErrorCode::aws_auth);
    EXPECT_EQ(errors[i].aws_code, "AccessDeniedException");
    EXPECT_NE(errors[i].message.find("ecs:" + actions[i]), std::string::npos) << errors[i].message;
  }
  ecs.set_deployments_api(DeploymentsApi::unsupported);
  auto unsupported = ecs.describe_service_deployments({arn});
  ASSERT_FALSE(unsupported);
  EXPECT_EQ(unsupported.error().code, ErrorCode::aws_client);
  EXPECT_EQ(unsupported.error().aws_code, "UnsupportedFeatureException");
  EXPECT_EQ(ecs.count(AwsOp::describe_service_deployments), 2);
  EXPECT_EQ(std::string(to_string(AwsOp::continue_service_deployment)), "ContinueServiceDeployment");
  ecs.set_deployments_api(DeploymentsApi::available);
  EXPECT_TRUE(ecs.describe_service_deployments({arn}));
}

TEST_F(ServiceDeploymentsTest, FaultsGarblingAndHooksReachTheNewCalls) {
  add({"web"});
  ecs.set_fate("web:2", Fate::stall());
  update("web", "web:2");
  const std::string arn = ecs.service("web").current_service_deployment;
  ecs.inject(AwsOp::list_service_deployments, 1, throttled_error());
  ecs.garble(AwsOp::describe_service_deployments, 1);
  ecs.inject(AwsOp::stop_service_deployment, 1, network_error(), 1, /*applied=*/true);
  bool called = false;
  ecs.on_call(AwsOp::describe_service_revisions, 1, [&] { called = true; });
  EXPECT_EQ(ecs.list_service_deployments({"demo", "web", std::nullopt, {}}).error().code,
            ErrorCode::aws_throttled);
  EXPECT_EQ(ecs.describe_service_deployments({arn}).error().code, ErrorCode::aws_bad_response);
  EXPECT_TRUE(ecs.describe_service_revisions({}));
  EXPECT_TRUE(called);
  EXPECT_FALSE(ecs.stop_service_deployment(arn, StopType::rollback));
  EXPECT_EQ(ecs.service("web").deployment_status, "ROLLBACK_REQUESTED")
      << "the answer was lost, not the stop";
  EXPECT_EQ(ecs.mutating_calls(), 2);
}

TEST_F(ServiceDeploymentsTest, StaleDescribesShowTheServiceFromBeforeTheUpdate) {
  add({"web"});
  const std::string before = ecs.service("web").current_service_deployment;
  ecs.stale_describes("web", 2);
  update("web", "web:2", 3);
  for (int i = 0; i < 2; ++i) {
    EcsService stale = round();
    EXPECT_EQ(stale.task_definition, fake_task_definition_arn("web:1"));
    EXPECT_EQ(stale.desired_count, 2);
    EXPECT_EQ(stale.deployments.size(), 1u);
    EXPECT_EQ(seen_current(stale), before);
  }
  EXPECT_EQ(ecs.service("web").deployment_status, "SUCCESSFUL") << "the rounds ran";
  EcsService fresh = round();
  EXPECT_EQ(fresh.task_definition, fake_task_definition_arn("web:2"));
  EXPECT_EQ(fresh.desired_count, 3);
  EXPECT_EQ(seen_current(fresh), ecs.service("web").current_service_deployment);
}

TEST_F(ServiceDeploymentsTest, TheCurrentServiceDeploymentCanLag) {
  add({"web"});
  ecs.set_fate("web:2", Fate::stall());
  const std::string before = ecs.service("web").current_service_deployment;
  ecs.set_current_lag(2);
  EcsService answer = update("web", "web:2");
  EXPECT_EQ(seen_current(answer), before);
  EXPECT_EQ(ecs.list_service_deployments({"demo", "web", std::nullopt, {}})->size(), 1u);
  EXPECT_EQ(seen_current(round()), before);
  EXPECT_EQ(seen_current(round()), before);
  EXPECT_EQ(ecs.list_service_deployments({"demo", "web", std::nullopt, {}})->size(), 2u);
  EcsService caught_up = round();
  EXPECT_NE(seen_current(caught_up), before);
  EXPECT_EQ(seen_current(caught_up), ecs.service("web").current_service_deployment);
}

}  // namespace
}  // namespace adjust::testing
