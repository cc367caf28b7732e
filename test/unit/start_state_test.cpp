// refuse_to_start / rollback_point: a change starts only from a settled
// service with something known-good to return to.
#include "adjust/logic/start_state.hpp"

#include <gtest/gtest.h>

#include "adjust/config/config.hpp"

namespace adjust {
namespace {

const std::string k_v1 = "arn:aws:ecs:us-east-1:1:task-definition/web:1";
const std::string k_v2 = "arn:aws:ecs:us-east-1:1:task-definition/web:2";

EcsDeployment deployment(std::string id, DeploymentStatus status, const std::string& td, int running,
                         RolloutState rollout) {
  EcsDeployment d;
  d.id = std::move(id);
  d.status = status;
  d.task_definition = td;
  d.desired_count = 2;
  d.running_count = running;
  d.rollout_state = rollout;
  return d;
}

class StartState : public ::testing::Test {
 protected:
  StartState() {
    component.name = "web";
    component.service_name = "web";
    state.config = &component;
    state.service.task_definition = k_v2;
    state.task_definition.task_definition = {{"taskDefinitionArn", k_v2}, {"status", "ACTIVE"}};
  }

  ComponentConfig component;
  ComponentState state;
};

TEST_F(StartState, ASettledServiceStartsAndRollsBackToItsCurrentRevision) {
  state.service.deployments = {
      deployment("ecs-svc/2", DeploymentStatus::primary, k_v2, 2, RolloutState::completed)};
  EXPECT_FALSE(refuse_to_start(state));
  EXPECT_EQ(rollback_point(state.service), k_v2);
}

TEST_F(StartState, ADeploymentInProgressIsBusy) {
  state.service.deployments = {
      deployment("ecs-svc/2", DeploymentStatus::primary, k_v2, 1, RolloutState::in_progress),
      deployment("ecs-svc/1", DeploymentStatus::active, k_v1, 2, RolloutState::completed)};
  auto refusal = refuse_to_start(state);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->reason, protocol::Reason::busy);
  EXPECT_NE(refusal->message.find("deployment ecs-svc/2 of web:2 (1/2 tasks running) is still in progress"),
            std::string::npos)
      << refusal->message;
  component.on_failure = OnFailure::nothing;  // busy whatever on_failure says
  EXPECT_TRUE(refuse_to_start(state));
}

TEST_F(StartState, WithoutRolloutStateOldTasksStillRunningAreBusy) {
  state.service.deployments = {
      deployment("ecs-svc/2", DeploymentStatus::primary, k_v2, 2, RolloutState::none),
      deployment("ecs-svc/1", DeploymentStatus::active, k_v1, 1, RolloutState::none)};
  ASSERT_TRUE(refuse_to_start(state));
  state.service.deployments.pop_back();
  EXPECT_FALSE(refuse_to_start(state));
}

// A run killed mid-deployment left web:2, whose deployment then failed.
TEST_F(StartState, AFailedCurrentRevisionIsNotTheRollbackPoint) {
  state.service.deployments = {
      deployment("ecs-svc/2", DeploymentStatus::primary, k_v2, 0, RolloutState::failed),
      deployment("ecs-svc/1", DeploymentStatus::active, k_v1, 2, RolloutState::completed)};
  EXPECT_FALSE(refuse_to_start(state));
  EXPECT_EQ(rollback_point(state.service), k_v1);

  state.service.deployments.pop_back();  // nothing completed is listed
  EXPECT_EQ(rollback_point(state.service), "");
  auto refusal = refuse_to_start(state);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->reason, protocol::Reason::no_rollback_point);
  component.on_failure = OnFailure::nothing;
  EXPECT_FALSE(refuse_to_start(state));
}

TEST_F(StartState, AnInactiveCurrentRevisionCannotBeRolledBackTo) {
  state.service.deployments = {
      deployment("ecs-svc/2", DeploymentStatus::primary, k_v2, 2, RolloutState::completed)};
  state.task_definition.task_definition["status"] = "INACTIVE";
  auto refusal = refuse_to_start(state);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->reason, protocol::Reason::no_rollback_point);
  EXPECT_NE(refusal->message.find("web:2, which is INACTIVE"), std::string::npos) << refusal->message;
  component.on_failure = OnFailure::nothing;
  EXPECT_FALSE(refuse_to_start(state));
}

}  // namespace
}  // namespace adjust
