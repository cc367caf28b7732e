// The fake ECS the engine tests stand on behaves like ECS where they rely on
// it: revisions, service look-up by name or ARN, deployments that follow
// their fate, faults on the chosen calls, typed records.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace adjust::testing
