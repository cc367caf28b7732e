// make_plan is pure: current service + task definition + requested values in,
// what to change out.
#include <gtest/gtest.h>

#include "adjust/logic/plan.hpp"

namespace adjust {
namespace {

const char* k_config = R"(
fargate:
  web:
    service_name: web
    cluster: demo
    settings:
      cpu: {type: range, min: 0.25, max: 4, step: 0.25, pinned: false}
      mem: {type: range, min: 0.5, max: 8, step: 0.5}
      replicas: {min: 0, max: 6}
    environment:
      GOGC: {type: range, min: 50, max: 300, step: 10, default: 100}
      MODE: {type: enum, values: [prod, dev], pinned: true}
)";

class Plan : public ::testing::Test {
 protected:
  void SetUp() override {
    MapEnvironment env;
    auto parsed = parse_config(k_config, "config.yaml", env);
    ASSERT_TRUE(parsed) << parsed.error().message;
    config = std::move(*parsed);
    state.config = &config.components.at(0);
    state.service.name = "web";
    state.service.desired_count = 2;
    state.service.task_definition = "arn:aws:ecs:us-east-1:1:task-definition/web:7";
    state.task_definition.task_definition = nlohmann::json::parse(R"({
      "taskDefinitionArn": "arn:aws:ecs:us-east-1:1:task-definition/web:7", "family": "web", "revision": 7,
      "cpu": "512", "memory": "1024", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
      "containerDefinitions": [{"name": "web", "image": "nginx", "memory": 1024,
                                "environment": [{"name": "MODE", "value": "prod"}]}]})");
  }

  Result<ComponentPlan> plan_for(const std::string& stdin_json) {
    auto request = parse_adjust_request(stdin_json);
    EXPECT_TRUE(request) << request.error().message;
    auto desired = validate_request(config, *request);
    if (!desired) return fail(desired.error());
    return make_plan(state, desired->components.at(0));
  }

  Config config;
  ComponentState state;
};

TEST_F(Plan, CurrentValuesChangeNothing) {
  auto plan = plan_for(R"({"application": {"components": {"web": {"settings": {
      "cpu": {"value": 0.5}, "mem": {"value": 1}, "replicas": {"value": 2}, "MODE": {"value": "prod"}, "GOGC": {"value": 100}}}}}})");
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_FALSE(plan->changes_anything());
  EXPECT_FALSE(plan->new_revision);
  EXPECT_FALSE(plan->desired_count);
}

TEST_F(Plan, ReplicasOnlyNeedsNoNewRevision) {
  auto plan =
      plan_for(R"({"application": {"components": {"web": {"settings": {"replicas": {"value": 4}}}}}})");
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_FALSE(plan->new_revision);
  EXPECT_EQ(plan->desired_count, 4);
}

TEST_F(Plan, SizeAndEnvChangesMakeOneNewRevision) {
  auto plan = plan_for(R"({"application": {"components": {"web": {"settings": {
      "cpu": {"value": 1}, "mem": {"value": 2}, "GOGC": {"value": 150}}}}}})");
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_TRUE(plan->new_revision);
  const auto& request = plan->new_revision->register_request;
  EXPECT_EQ(request["cpu"], "1024");
  EXPECT_EQ(request["memory"], "2048");
  EXPECT_EQ(request["containerDefinitions"][0]["environment"][1]["value"], "150");
  std::string described = describe_plan(*plan);
  EXPECT_NE(described.find("cpu: 512 -> 1024"), std::string::npos) << described;
}

TEST_F(Plan, AskingForTheDefaultOfAnUnsetVariableChangesNothing) {
  auto plan = plan_for(R"({"application": {"components": {"web": {"settings": {"GOGC": {"value": 100}}}}}})");
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_FALSE(plan->changes_anything());
}

TEST_F(Plan, HalfRequestedSizeIsCheckedAgainstTheCurrentOtherHalf) {
  // 0.25 vCPU pairs only with 0.5-2 GiB; the task has 1 GiB: fine. 4 vCPU needs 8+ GiB: infeasible.
  ASSERT_TRUE(
      plan_for(R"({"application": {"components": {"web": {"settings": {"cpu": {"value": 0.25}}}}}})"));
  auto plan = plan_for(R"({"application": {"components": {"web": {"settings": {"cpu": {"value": 4}}}}}})");
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, ErrorCode::infeasible);
}

TEST_F(Plan, PinnedSettingsMayOnlyKeepTheirValue) {
  ASSERT_TRUE(
      plan_for(R"({"application": {"components": {"web": {"settings": {"MODE": {"value": "prod"}}}}}})"));
  auto plan =
      plan_for(R"({"application": {"components": {"web": {"settings": {"MODE": {"value": "dev"}}}}}})");
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, ErrorCode::rejected_value);
  EXPECT_NE(plan.error().message.find("MODE is pinned at prod"), std::string::npos) << plan.error().message;
}

// servo sends back what --query reported: a current value the config would
// not allow (the service predates the config) is accepted as it is, and
// nothing else outside the limits.
TEST_F(Plan, ValuesOutsideTheConfigAreAcceptedOnlyWhenCurrent) {
  state.service.desired_count = 9;  // above replicas max 6
  state.task_definition.task_definition["containerDefinitions"][0]["environment"] =
      nlohmann::json::parse(R"([{"name": "MODE", "value": "prod"}, {"name": "GOGC", "value": "155"}])");
  auto current = plan_for(R"({"application": {"components": {"web": {"settings": {
      "replicas": {"value": 9}, "GOGC": {"value": 155}, "MODE": {"value": "prod"}}}}}})");
  ASSERT_TRUE(current) << current.error().message;
  EXPECT_FALSE(current->changes_anything());

  auto other = plan_for(R"({"application": {"components": {"web": {"settings": {
      "replicas": {"value": 8}, "GOGC": {"value": 165}}}}}})");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::rejected_value);
  EXPECT_NE(other.error().message.find("component web: replicas value 8 is outside the range 0-6"),
            std::string::npos)
      << other.error().message;
  EXPECT_NE(other.error().message.find("\ncomponent web: GOGC value 165 is not on a step"), std::string::npos)
      << other.error().message;
}

TEST_F(Plan, ContainerHardLimitAboveTheNewTaskMemoryIsInfeasible) {
  auto plan = plan_for(
      R"({"application": {"components": {"web": {"settings": {"cpu": {"value": 0.25}, "mem": {"value": 0.5}}}}}})");
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, ErrorCode::infeasible);
  EXPECT_NE(plan.error().message.find("component web"), std::string::npos) << plan.error().message;
  EXPECT_NE(plan.error().message.find("hard limit of 1024 MiB"), std::string::npos) << plan.error().message;
}

}  // namespace
}  // namespace adjust
