// The rollout tracker is pure: these tests feed it observations and check the
// verdicts, evidence and progress it derives.
#include <gtest/gtest.h>

#include "adjust/logic/rollout.hpp"

namespace adjust {
namespace {

using namespace std::chrono_literals;
using protocol::Reason;

const std::string k_old = "arn:aws:ecs:us-east-1:1:task-definition/web:7";
const std::string k_new = "arn:aws:ecs:us-east-1:1:task-definition/web:8";
const std::string k_tg = "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/1";

EcsDeployment deployment(std::string id, DeploymentStatus status, std::string td, int desired, int running,
                         RolloutState rollout = RolloutState::in_progress) {
  EcsDeployment d;
  d.id = std::move(id);
  d.status = status;
  d.task_definition = std::move(td);
  d.desired_count = desired;
  d.running_count = running;
  d.rollout_state = rollout;
  return d;
}

EcsService service_with(std::vector<EcsDeployment> deployments, int desired = 2, std::string td = k_new) {
  EcsService s;
  s.name = "web";
  s.status = "ACTIVE";
  s.desired_count = desired;
  s.task_definition = std::move(td);
  s.deployments = std::move(deployments);
  s.load_balancers = {EcsLoadBalancer{k_tg, "", "web", 8080, ""}};
  return s;
}

EcsTask task(std::string id, std::string td, std::string status, std::string ip) {
  EcsTask t;
  t.arn = "arn:aws:ecs:us-east-1:1:task/demo/" + id;
  t.task_definition_arn = std::move(td);
  t.last_status = std::move(status);
  t.private_ipv4 = std::move(ip);
  t.started_by = "ecs-svc/new";
  return t;
}

TargetHealth health(std::string ip, std::string state, std::string reason = "") {
  TargetHealth h;
  h.id = std::move(ip);
  h.state = std::move(state);
  h.reason = std::move(reason);
  return h;
}

RolloutTarget target(int desired = 2) {
  RolloutTarget t;
  t.deployment_id = "ecs-svc/new";
  t.task_definition = k_new;
  t.previous_task_definition = k_old;
  t.desired_count = desired;
  t.unhealthy_grace = 60s;
  return t;
}

Observation observe(EcsService service, std::chrono::steady_clock::time_point now = {}) {
  Observation o;
  o.service = std::move(service);
  o.now = now;
  return o;
}

TEST(Rollout, InProgressReportsNewTasksAndOldOnesStillServing) {
  RolloutTracker tracker("web", target());
  auto status = tracker.step(observe(service_with(
      {deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 2, 1),
       deployment("ecs-svc/old", DeploymentStatus::active, k_old, 0, 2, RolloutState::completed)})));
  EXPECT_EQ(status.verdict, RolloutVerdict::in_progress);
  EXPECT_FALSE(status.wants_tasks) << "counts say it is not done: no task look-ups";
  EXPECT_EQ(status.message, "web: 1/2 new tasks running, 2 old tasks still serving");
  EXPECT_EQ(status.percent, 25);
}

TEST(Rollout, AsksForTasksOnlyWhenCountsSayItMayBeDoneThenNeedsEveryNewTargetHealthy) {
  RolloutTracker tracker("web", target());
  EcsService service = service_with(
      {deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 2, 2, RolloutState::completed)});
  auto first = tracker.step(observe(service));
  EXPECT_TRUE(first.wants_tasks);
  Observation with_tasks = observe(service);
  with_tasks.running_tasks =
      std::vector<EcsTask>{task("a", k_new, "RUNNING", "10.0.0.1"), task("b", k_new, "RUNNING", "10.0.0.2")};
  with_tasks.target_health[k_tg] = {health("10.0.0.1", "healthy"), health("10.0.0.2", "initial")};
  auto half = tracker.step(with_tasks);
  EXPECT_EQ(half.verdict, RolloutVerdict::in_progress);
  EXPECT_EQ(half.percent, 75);
  EXPECT_EQ(half.message, "web: 2/2 new tasks running, 1/2 healthy");
  with_tasks.target_health[k_tg] = {health("10.0.0.1", "healthy"), health("10.0.0.2", "healthy")};
  auto done = tracker.step(with_tasks);
  EXPECT_EQ(done.verdict, RolloutVerdict::succeeded);
  EXPECT_EQ(done.percent, 100);
}

TEST(Rollout, OldTasksHealthyDoNotCountForTheNewDeployment) {
  RolloutTracker tracker("web", target());
  EcsService service = service_with(
      {deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 2, 2, RolloutState::completed)});
  Observation o = observe(service);
  o.running_tasks =
      std::vector<EcsTask>{task("a", k_new, "RUNNING", "10.0.0.1"), task("b", k_new, "RUNNING", "10.0.0.2"),
                           task("c", k_old, "RUNNING", "10.0.0.3")};
  o.target_health[k_tg] = {health("10.0.0.1", "healthy"), health("10.0.0.2", "initial"),
                           health("10.0.0.3", "healthy")};
  EXPECT_EQ(tracker.step(o).verdict, RolloutVerdict::in_progress);
}

TEST(Rollout, RunningWithoutCompletedRolloutIsNotSuccess) {
  RolloutTracker tracker("web", target(1));
  EcsService service = service_with(
      {deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 1, 1, RolloutState::in_progress)}, 1);
  Observation o = observe(service);
  o.running_tasks = std::vector<EcsTask>{task("a", k_new, "RUNNING", "10.0.0.1")};
  o.target_health[k_tg] = {health("10.0.0.1", "healthy")};
  EXPECT_EQ(tracker.step(o).verdict, RolloutVerdict::in_progress);
}

TEST(Rollout, WithoutRolloutStateRunningEqualsDesiredIsEnough) {
  RolloutTracker tracker("web", target(1));
  EcsService service = service_with(
      {deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 1, 1, RolloutState::none)}, 1);
  service.load_balancers.clear();
  Observation o = observe(service);
  o.running_tasks = std::vector<EcsTask>{task("a", k_new, "RUNNING", "10.0.0.1")};
  EXPECT_EQ(tracker.step(o).verdict, RolloutVerdict::succeeded);
}

TEST(Rollout, BreakerRollbackIsRejectedNeverOk) {
  RolloutTracker tracker("web", target());
  EcsDeployment failed =
      deployment("ecs-svc/new", DeploymentStatus::active, k_new, 0, 0, RolloutState::failed);
  failed.rollout_state_reason = "ECS deployment circuit breaker: tasks failed to start.";
  failed.failed_tasks = 3;
  EcsService service = service_with(
      {deployment("ecs-svc/rollback", DeploymentStatus::primary, k_old, 2, 2, RolloutState::completed),
       failed},
      2, k_old);
  auto first = tracker.step(observe(service));
  ASSERT_TRUE(first.wants_evidence) << "a rollback is explained with the stopped tasks first";
  Observation o = observe(service);
  o.evidence_fetched = true;
  EcsTask stopped = task("dead", k_new, "STOPPED", "");
  stopped.stop_code = "EssentialContainerExited";
  stopped.stopped_reason = "Essential container in task exited";
  stopped.containers = {
      EcsContainerState{"web", "STOPPED", 137, "OutOfMemoryError: Container killed due to memory usage"}};
  o.stopped_tasks = {stopped};
  auto first_look = tracker.step(o);
  EXPECT_EQ(first_look.verdict, RolloutVerdict::in_progress) << "one read could be stale: look again";
  o.now += std::chrono::seconds(2);
  auto status = tracker.step(o);
  EXPECT_EQ(status.verdict, RolloutVerdict::rejected);
  EXPECT_EQ(status.reason, Reason::start_failed);
  EXPECT_NE(status.message.find("rolled the service back to web:7"), std::string::npos) << status.message;
  EXPECT_NE(status.message.find("exit code 137: OutOfMemoryError"), std::string::npos) << status.message;
}

TEST(Rollout, ImagePullFailureIsDecisiveAtOnce) {
  RolloutTracker tracker("web", target(4));
  EcsDeployment ours = deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 4, 0);
  ours.failed_tasks = 1;
  EcsService service = service_with({ours}, 4);
  ASSERT_TRUE(tracker.step(observe(service)).wants_evidence);
  Observation o = observe(service);
  o.evidence_fetched = true;
  EcsTask stopped = task("x", k_new, "STOPPED", "");
  stopped.stop_code = "TaskFailedToStart";
  stopped.containers = {EcsContainerState{"web", "STOPPED", std::nullopt,
                                          "CannotPullContainerError: pull image manifest: not found"}};
  o.stopped_tasks = {stopped};
  auto status = tracker.step(o);
  EXPECT_EQ(status.verdict, RolloutVerdict::rejected);
  EXPECT_EQ(status.reason, Reason::image_pull_failed);
}

TEST(Rollout, TwoFailedTasksWithEvidenceRejectBeforeTheBreaker) {
  RolloutTracker tracker("web", target(3));
  EcsDeployment ours = deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 3, 0);
  ours.failed_tasks = 2;
  EcsService service = service_with({ours}, 3);
  ASSERT_TRUE(tracker.step(observe(service)).wants_evidence);
  Observation o = observe(service);
  o.evidence_fetched = true;
  for (const char* id : {"a", "b"}) {
    EcsTask stopped = task(id, k_new, "STOPPED", "");
    stopped.stop_code = "EssentialContainerExited";
    stopped.containers = {EcsContainerState{"web", "STOPPED", 1, ""}};
    o.stopped_tasks.push_back(stopped);
  }
  auto status = tracker.step(o);
  EXPECT_EQ(status.verdict, RolloutVerdict::rejected);
  EXPECT_NE(status.message.find("2 tasks stopped (EssentialContainerExited); container web exit code 1"),
            std::string::npos)
      << status.message;
}

// Stopped by the scheduler, or reclaimed by Fargate Spot: not the revision's fault.
TEST(Rollout, SchedulerAndSpotStopsAreNotEvidence) {
  for (const char* stop_code : {"ServiceSchedulerInitiated", "SpotInterruption"}) {
    RolloutTracker tracker("web", target(2));
    EcsDeployment ours = deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 2, 0);
    ours.failed_tasks = 2;
    EcsService service = service_with({ours});
    ASSERT_TRUE(tracker.step(observe(service)).wants_evidence);
    Observation o = observe(service);
    o.evidence_fetched = true;
    for (const char* id : {"a", "b"}) {
      EcsTask stopped = task(id, k_new, "STOPPED", "");
      stopped.stop_code = stop_code;
      stopped.stopped_reason = "Your Spot Task was interrupted.";
      o.stopped_tasks.push_back(stopped);
    }
    EXPECT_EQ(tracker.step(o).verdict, RolloutVerdict::in_progress) << stop_code;
  }
}

TEST(Rollout, TargetsUnhealthyPastTheGraceAreRejected) {
  RolloutTracker tracker("web", target(1));
  EcsService service = service_with(
      {deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 1, 1, RolloutState::in_progress)}, 1);
  auto start = std::chrono::steady_clock::time_point{} + 1000s;
  for (auto at : {start, start + 30s}) {
    Observation o = observe(service, at);
    o.running_tasks = std::vector<EcsTask>{task("a", k_new, "RUNNING", "10.0.0.1")};
    o.target_health[k_tg] = {health("10.0.0.1", "unhealthy", "Target.ResponseCodeMismatch")};
    EXPECT_EQ(tracker.step(o).verdict, RolloutVerdict::in_progress);
  }
  Observation late = observe(service, start + 61s);
  late.running_tasks = std::vector<EcsTask>{task("a", k_new, "RUNNING", "10.0.0.1")};
  late.target_health[k_tg] = {health("10.0.0.1", "unhealthy", "Target.ResponseCodeMismatch")};
  auto status = tracker.step(late);
  EXPECT_EQ(status.verdict, RolloutVerdict::rejected);
  EXPECT_EQ(status.reason, Reason::health_check_failed);
  EXPECT_NE(status.message.find("Target.ResponseCodeMismatch"), std::string::npos);
}

TEST(Rollout, AnotherPrimaryIsOverwrittenNotSuccess) {
  RolloutTracker tracker("web", target());
  const std::string foreign = "arn:aws:ecs:us-east-1:1:task-definition/web:99";
  EcsService service = service_with(
      {deployment("ecs-svc/other", DeploymentStatus::primary, foreign, 2, 2, RolloutState::completed),
       deployment("ecs-svc/new", DeploymentStatus::active, k_new, 2, 2)},
      2, foreign);
  EXPECT_EQ(tracker.step(observe(service)).verdict, RolloutVerdict::in_progress)
      << "confirmed by a later look";
  auto status =
      tracker.step(observe(service, std::chrono::steady_clock::time_point{} + std::chrono::seconds(2)));
  EXPECT_EQ(status.verdict, RolloutVerdict::failed);
  EXPECT_EQ(status.reason, Reason::overwritten);
  EXPECT_NE(status.message.find("web:99"), std::string::npos);
}

TEST(Rollout, DesiredCountChangedBySomeoneElseIsOverwritten) {
  RolloutTracker tracker("web", target(2));
  EcsService scaled = service_with({deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 5, 2)}, 5);
  EXPECT_EQ(tracker.step(observe(scaled)).verdict, RolloutVerdict::in_progress)
      << "confirmed by a later look";
  auto status =
      tracker.step(observe(scaled, std::chrono::steady_clock::time_point{} + std::chrono::seconds(2)));
  EXPECT_EQ(status.verdict, RolloutVerdict::failed);
  EXPECT_EQ(status.reason, Reason::overwritten);
}

// Right after UpdateService, DescribeServices may still show the service as
// it was: the previous revision PRIMARY and no trace of our deployment. That
// is no rollback, however often it is read, until the grace has passed.
TEST(Rollout, StaleReadRightAfterUpdateIsNoVerdict) {
  RolloutTracker tracker("web", target());
  EcsService stale = service_with(
      {deployment("ecs-svc/old", DeploymentStatus::primary, k_old, 2, 2, RolloutState::completed)}, 2, k_old);
  auto t0 = std::chrono::steady_clock::time_point{};
  for (int second : {0, 1, 2, 5, 20}) {
    auto status = tracker.step(observe(stale, t0 + std::chrono::seconds(second)));
    EXPECT_EQ(status.verdict, RolloutVerdict::in_progress) << "at " << second << " s: " << status.message;
  }
  EcsService fresh = service_with({deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 2, 0),
                                   deployment("ecs-svc/old", DeploymentStatus::active, k_old, 2, 2)},
                                  2);
  EXPECT_EQ(tracker.step(observe(fresh, t0 + std::chrono::seconds(21))).verdict, RolloutVerdict::in_progress);
}

TEST(Rollout, PlacementFailuresAfterTheStartAreUnschedulable) {
  RolloutTracker tracker("web", target());
  EcsService service = service_with({deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 2, 0)});
  service.events = {
      EcsServiceEvent{"old", std::nullopt, "(service web) was unable to place a task (yesterday)"}};
  EXPECT_EQ(tracker.step(observe(service)).verdict, RolloutVerdict::in_progress)
      << "events already there are not ours";
  service.events.insert(service.events.begin(),
                        EcsServiceEvent{"e1", std::nullopt, "(service web) was unable to place a task"});
  EXPECT_EQ(tracker.step(observe(service)).verdict, RolloutVerdict::in_progress) << "one event can be a blip";
  service.events.insert(service.events.begin(),
                        EcsServiceEvent{"e2", std::nullopt, "(service web) was unable to place a task"});
  auto status = tracker.step(observe(service));
  EXPECT_EQ(status.verdict, RolloutVerdict::rejected);
  EXPECT_EQ(status.reason, Reason::unschedulable);
}

TEST(Rollout, UnschedulableQuotesTheNewestPlacementFailureWhereverItIsListed) {
  RolloutTracker tracker("web", target());
  EcsService service = service_with({deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 2, 0)});
  auto at = [](int s) { return std::chrono::system_clock::time_point(std::chrono::seconds(1700000000 + s)); };
  service.events = {EcsServiceEvent{"old", at(0), "(service web) has reached a steady state."}};
  tracker.step(observe(service));
  // Neither the first nor the last entry is the newest placement failure.
  service.events.push_back(
      EcsServiceEvent{"p2", at(20), "(service web) was unable to place a task (newest)"});
  service.events.push_back(EcsServiceEvent{"p1", at(10), "(service web) was unable to place a task (older)"});
  service.events.push_back(EcsServiceEvent{"s", at(30), "(service web) has started 2 tasks"});
  auto status = tracker.step(observe(service));
  EXPECT_EQ(status.verdict, RolloutVerdict::rejected);
  EXPECT_EQ(status.reason, Reason::unschedulable);
  EXPECT_EQ(status.message,
            "web: ECS cannot place the new tasks: (service web) was unable to place a task (newest)");
}

TEST(Rollout, WithoutADeploymentIdItAdoptsThePrimaryOnOurRevision) {
  RolloutTarget t = target();
  t.deployment_id.clear();
  RolloutTracker tracker("web", t);
  auto waiting = tracker.step(observe(service_with(
      {deployment("ecs-svc/old", DeploymentStatus::primary, k_old, 2, 2, RolloutState::completed)})));
  EXPECT_EQ(waiting.verdict, RolloutVerdict::in_progress);
  tracker.step(observe(service_with({deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 2, 0)})));
  EXPECT_EQ(tracker.target().deployment_id, "ecs-svc/new");
}

TEST(Rollout, SettlementTurnsALostTaskIntoUnstable) {
  RolloutTarget t = target();
  t.settling = true;
  RolloutTracker tracker("web", t);
  auto status = tracker.step(observe(service_with(
      {deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 2, 1, RolloutState::completed)})));
  EXPECT_EQ(status.verdict, RolloutVerdict::rejected);
  EXPECT_EQ(status.reason, Reason::unstable);
}

// In an IPv6 target group the task is registered by its IPv6 address,
// however either side spells it.
TEST(Rollout, IPv6TasksAreMatchedToTheirTargets) {
  RolloutTracker tracker("web", target(1));
  EcsService service = service_with(
      {deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 1, 1, RolloutState::completed)}, 1);
  Observation o = observe(service);
  EcsTask running = task("a", k_new, "RUNNING", "");
  running.ipv6 = "2001:db8::5";
  o.running_tasks = std::vector<EcsTask>{running};
  o.target_health[k_tg] = {health("2001:DB8:0:0::5", "healthy")};
  EXPECT_EQ(tracker.step(o).verdict, RolloutVerdict::succeeded);
}

TEST(Rollout, WaitForDrainHoldsSuccessUntilOldTasksStop) {
  RolloutTarget t = target(1);
  t.wait_for_drain = true;
  RolloutTracker tracker("web", t);
  EcsService service = service_with(
      {deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 1, 1, RolloutState::completed),
       deployment("ecs-svc/old", DeploymentStatus::active, k_old, 0, 1, RolloutState::completed)},
      1);
  Observation o = observe(service);
  o.running_tasks = std::vector<EcsTask>{task("a", k_new, "RUNNING", "10.0.0.1")};
  o.target_health[k_tg] = {health("10.0.0.1", "healthy")};
  auto status = tracker.step(o);
  EXPECT_EQ(status.verdict, RolloutVerdict::in_progress);
  EXPECT_NE(status.message.find("1 old task draining"), std::string::npos) << status.message;
  o.service.deployments.pop_back();
  EXPECT_EQ(tracker.step(o).verdict, RolloutVerdict::succeeded);
}

}  // namespace
}  // namespace adjust

// ---- with ECS's own record of the deployment (service deployments API) ----
namespace adjust {
namespace {

const std::string k_ours_sd = "arn:aws:ecs:us-east-1:1:service-deployment/demo/web/ours";
const std::string k_before_sd = "arn:aws:ecs:us-east-1:1:service-deployment/demo/web/before";
const std::string k_alt_tg = "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web-alt/2";

RolloutTarget api_target(DeploymentStrategy strategy = DeploymentStrategy::rolling) {
  RolloutTarget t = target();
  t.service_deployment = k_ours_sd;
  t.previous_service_deployment = k_before_sd;
  t.configuration.strategy = strategy;
  t.configuration.bake_time_minutes = 5;
  return t;
}

ServiceDeployment record(ServiceDeploymentStatus status, std::string stage = "") {
  ServiceDeployment d;
  d.arn = k_ours_sd;
  d.status = status;
  d.lifecycle_stage = std::move(stage);
  d.target_revision =
      ServiceRevisionSummary{"arn:aws:ecs:us-east-1:1:service-revision/demo/web/9", 2, 2, 0, {}, {}};
  return d;
}

Observation with_record(EcsService service, ServiceDeployment deployment, int second = 0) {
  service.current_service_deployment = k_ours_sd;
  Observation o =
      observe(std::move(service), std::chrono::steady_clock::time_point{} + std::chrono::seconds(second));
  o.deployment = std::move(deployment);
  return o;
}

TEST(RolloutRecord, BlueGreenHealthyInTheAlternateGroupIsNotDoneBeforeEcsSaysSo) {
  RolloutTracker tracker("web", api_target(DeploymentStrategy::blue_green));
  EcsService service = service_with({deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 2, 2),
                                     deployment("ecs-svc/old", DeploymentStatus::active, k_old, 2, 2)});
  auto baking = record(ServiceDeploymentStatus::in_progress, "BAKE_TIME");
  auto first = tracker.step(with_record(service, baking, 0));
  EXPECT_EQ(first.verdict, RolloutVerdict::in_progress);
  auto later = tracker.step(with_record(service, baking, 120));
  EXPECT_NE(later.message.find("BLUE_GREEN bake time, 3 min left of 5 min"), std::string::npos)
      << later.message;
  EXPECT_NE(later.message.find("2 old tasks kept until the bake ends"), std::string::npos) << later.message;
  EXPECT_GT(later.percent, first.percent);

  // SUCCESSFUL, blue gone, the new tasks healthy in the group their revision uses.
  EcsService done = service_with(
      {deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 2, 2, RolloutState::completed)});
  Observation o = with_record(done, record(ServiceDeploymentStatus::successful), 400);
  o.serving_target_groups = {k_alt_tg};
  o.running_tasks =
      std::vector<EcsTask>{task("a", k_new, "RUNNING", "10.0.0.1"), task("b", k_new, "RUNNING", "10.0.0.2")};
  o.target_health[k_tg] = {};  // the configured group no longer has them
  o.target_health[k_alt_tg] = {health("10.0.0.1", "healthy"), health("10.0.0.2", "healthy")};
  EXPECT_EQ(tracker.step(o).verdict, RolloutVerdict::succeeded);
}

TEST(RolloutRecord, UnknownServingGroupCountsWhereTheTaskIsRegistered) {
  RolloutTarget t = api_target(DeploymentStrategy::blue_green);
  RolloutTracker tracker("web", t);
  EcsService done = service_with(
      {deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 2, 2, RolloutState::completed)});
  done.load_balancers[0].alternate_target_group_arn = k_alt_tg;
  Observation o = with_record(done, record(ServiceDeploymentStatus::successful));
  o.running_tasks =
      std::vector<EcsTask>{task("a", k_new, "RUNNING", "10.0.0.1"), task("b", k_new, "RUNNING", "10.0.0.2")};
  o.target_health[k_tg] = {health("10.0.0.1", "unused", "Target.NotRegistered"),
                           health("10.0.0.2", "unused", "Target.NotRegistered")};
  o.target_health[k_alt_tg] = {health("10.0.0.1", "healthy"), health("10.0.0.2", "healthy")};
  EXPECT_EQ(tracker.step(o).verdict, RolloutVerdict::succeeded);
  EXPECT_EQ(target_groups_to_check(done, {}), (std::vector<std::string>{k_tg, k_alt_tg}));
}

TEST(RolloutRecord, EarlySuccessWithOldTasksServingIsNotOk) {
  RolloutTarget t = api_target();
  t.configuration.early_success = EarlySuccessCriteria{true, 50.0, "DEFERRED"};
  RolloutTracker tracker("web", t);
  EcsService service = service_with(
      {deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 2, 2, RolloutState::completed),
       deployment("ecs-svc/old", DeploymentStatus::active, k_old, 2, 2)});
  Observation o = with_record(service, record(ServiceDeploymentStatus::successful));
  o.running_tasks =
      std::vector<EcsTask>{task("a", k_new, "RUNNING", "10.0.0.1"), task("b", k_new, "RUNNING", "10.0.0.2"),
                           task("c", k_old, "RUNNING", "10.0.0.3"), task("d", k_old, "RUNNING", "10.0.0.4")};
  o.target_health[k_tg] = {health("10.0.0.1", "healthy"), health("10.0.0.2", "healthy"),
                           health("10.0.0.3", "healthy"), health("10.0.0.4", "healthy")};
  auto status = tracker.step(o);
  EXPECT_EQ(status.verdict, RolloutVerdict::in_progress);
  EXPECT_NE(status.message.find("2 old tasks"), std::string::npos) << status.message;
  EXPECT_NE(status.message.find("early success"), std::string::npos) << status.message;
}

TEST(RolloutRecord, AlarmRollbackIsRejectedNamingTheAlarm) {
  RolloutTracker tracker("web", api_target(DeploymentStrategy::blue_green));
  auto rolled_back = record(ServiceDeploymentStatus::rollback_successful, "BAKE_TIME");
  rolled_back.alarms.status = "TRIGGERED";
  rolled_back.alarms.triggered_alarm_names = {"web-5xx"};
  auto status = tracker.step(with_record(
      service_with({deployment("ecs-svc/old", DeploymentStatus::primary, k_old, 2, 2)}), rolled_back));
  EXPECT_EQ(status.verdict, RolloutVerdict::rejected);
  EXPECT_EQ(status.reason, Reason::alarm_triggered);
  EXPECT_NE(status.message.find("web-5xx"), std::string::npos) << status.message;
}

TEST(RolloutRecord, StoppedBySomeoneElseIsOverwrittenNotRejected) {
  RolloutTracker tracker("web", api_target());
  auto stopped = record(ServiceDeploymentStatus::stopped);
  stopped.status_reason = "Stopped by user";
  auto status = tracker.step(with_record(
      service_with({deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 2, 1)}), stopped));
  EXPECT_EQ(status.verdict, RolloutVerdict::failed);
  EXPECT_EQ(status.reason, Reason::overwritten);
}

TEST(RolloutRecord, AnotherCurrentDeploymentIsOverwrittenButThePreviousOneIsAStaleRead) {
  RolloutTracker tracker("web", api_target());
  EcsService service = service_with({deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 2, 1)});
  Observation stale = with_record(service, record(ServiceDeploymentStatus::in_progress));
  stale.service.current_service_deployment = k_before_sd;
  EXPECT_EQ(tracker.step(stale).verdict, RolloutVerdict::in_progress);
  Observation foreign = with_record(service, record(ServiceDeploymentStatus::stopped));
  foreign.service.current_service_deployment = "arn:aws:ecs:us-east-1:1:service-deployment/demo/web/theirs";
  foreign.service.deployments = {deployment("ecs-svc/theirs", DeploymentStatus::primary, k_old, 2, 0),
                                 deployment("ecs-svc/new", DeploymentStatus::active, k_new, 2, 1)};
  auto status = tracker.step(foreign);
  EXPECT_EQ(status.reason, Reason::overwritten);
  EXPECT_NE(status.message.find("theirs"), std::string::npos) << status.message;
  EXPECT_NE(status.message.find("deploying web:7"), std::string::npos) << status.message;
}

TEST(RolloutRecord, PausedHookFailsFastOrIsContinuedByConfig) {
  auto paused = record(ServiceDeploymentStatus::in_progress, "POST_SCALE_UP");
  paused.lifecycle_hooks.push_back({"hook-1", "PAUSE", "", "AWAITING_ACTION", std::nullopt, "ROLLBACK"});
  EcsService service = service_with({deployment("ecs-svc/new", DeploymentStatus::primary, k_new, 2, 2),
                                     deployment("ecs-svc/old", DeploymentStatus::active, k_old, 2, 2)});
  RolloutTracker failing("web", api_target());
  auto status = failing.step(with_record(service, paused));
  EXPECT_EQ(status.verdict, RolloutVerdict::failed);
  EXPECT_EQ(status.reason, Reason::deployment_paused);
  EXPECT_NE(status.message.find("hook-1"), std::string::npos) << status.message;

  RolloutTarget continuing = api_target();
  continuing.continue_paused_hooks = true;
  RolloutTracker tracker("web", continuing);
  auto continued = tracker.step(with_record(service, paused));
  EXPECT_EQ(continued.verdict, RolloutVerdict::in_progress);
  EXPECT_EQ(continued.continue_hook, "hook-1");
}

TEST(RolloutRecord, BreakerEndingIsExplainedByTheStoppedTasks) {
  RolloutTracker tracker("web", api_target());
  auto failed = record(ServiceDeploymentStatus::rollback_successful);
  failed.circuit_breaker = RollbackMonitor{"TRIGGERED", 3, 3, {}, {}};
  EcsService service =
      service_with({deployment("ecs-svc/old", DeploymentStatus::primary, k_old, 2, 2)}, 2, k_old);
  auto first = tracker.step(with_record(service, failed));
  ASSERT_TRUE(first.wants_evidence);
  Observation o = with_record(service, failed);
  o.evidence_fetched = true;
  EcsTask stopped = task("dead", k_new, "STOPPED", "");
  stopped.stop_code = "TaskFailedToStart";
  stopped.stopped_reason = "CannotPullContainerError: pull image manifest";
  o.stopped_tasks = {stopped};
  auto status = tracker.step(o);
  EXPECT_EQ(status.verdict, RolloutVerdict::rejected);
  EXPECT_EQ(status.reason, Reason::image_pull_failed);
  EXPECT_NE(status.message.find("3/3 failed tasks"), std::string::npos) << status.message;
}

}  // namespace
}  // namespace adjust
