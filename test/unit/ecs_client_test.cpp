#include "adjust/aws/ecs_client.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <utility>

#include "adjust/aws/client.hpp"
#include "fakes/clock.hpp"
#include "fakes/transport.hpp"

namespace adjust {
namespace {

using testing::FakeClock;
using testing::FakeTransport;
using testing::json_error;
using testing::json_reply;

const nlohmann::json k_service_json = nlohmann::json::parse(R"({
  "serviceArn": "arn:aws:ecs:us-east-1:123456789012:service/prod/web",
  "serviceName": "web", "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
  "status": "ACTIVE", "desiredCount": 2, "runningCount": 2, "pendingCount": 0,
  "launchType": "FARGATE", "platformVersion": "LATEST", "platformFamily": "Linux",
  "taskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:8",
  "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": true, "rollback": true},
                              "maximumPercent": 200, "minimumHealthyPercent": 100},
  "deploymentController": {"type": "ECS"},
  "loadBalancers": [{"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef",
                     "containerName": "web", "containerPort": 8080}],
  "deployments": [
    {"id": "ecs-svc/1234567890123456789", "status": "PRIMARY",
     "taskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:8",
     "desiredCount": 2, "pendingCount": 0, "runningCount": 1, "failedTasks": 0,
     "createdAt": 1795290768.579, "updatedAt": 1795290790.102,
     "launchType": "FARGATE", "platformVersion": "1.4.0",
     "rolloutState": "IN_PROGRESS", "rolloutStateReason": "ECS deployment ecs-svc/1234567890123456789 in progress."},
    {"id": "ecs-svc/9876543210987654321", "status": "ACTIVE",
     "taskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:7",
     "desiredCount": 0, "pendingCount": 0, "runningCount": 1, "failedTasks": 0,
     "createdAt": 1795200000.001, "updatedAt": 1795290790.102, "rolloutState": "COMPLETED"}],
  "events": [{"id": "a1b2", "createdAt": 1795290700.5, "message": "(service web) has reached a steady state."}],
  "newFieldFromTheFuture": {"x": 1},
  "createdAt": 1790000000.0})");

const nlohmann::json k_task_json = nlohmann::json::parse(R"({
  "taskArn": "arn:aws:ecs:us-east-1:123456789012:task/prod/0123456789abcdef0123456789abcdef",
  "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:8",
  "group": "service:web", "startedBy": "ecs-svc/1234567890123456789",
  "lastStatus": "STOPPED", "desiredStatus": "STOPPED", "healthStatus": "UNKNOWN",
  "startedAt": 1795290801.7, "stoppedAt": 1795290900.2,
  "stopCode": "EssentialContainerExited", "stoppedReason": "Essential container in task exited",
  "attachments": [{"id": "fe3a9a46", "type": "ElasticNetworkInterface", "status": "DELETED",
     "details": [{"name": "subnetId", "value": "subnet-0a"},
                 {"name": "privateIPv4Address", "value": "10.0.1.163"}]}],
  "containers": [{"name": "web", "lastStatus": "STOPPED", "exitCode": 137,
     "reason": "OutOfMemoryError: Container killed due to memory usage", "healthStatus": "UNKNOWN",
     "networkInterfaces": [{"attachmentId": "fe3a9a46", "privateIpv4Address": "10.0.1.99"}]}]})");

struct EcsFixture {
  EcsFixture() {
    AwsClientOptions options;
    options.endpoint = {"https://ecs.us-east-1.amazonaws.com", "ecs", "us-east-1"};
    aws = std::make_unique<AwsClient>(transport, credentials, clock, null_logger(), options,
                                      [] { return 0.0; });
    ecs = std::make_unique<EcsClient>(*aws);
  }
  FakeTransport transport;
  StaticCredentialsProvider credentials{Credentials{"AKID", "secret", "", std::nullopt, "test"}};
  FakeClock clock;
  std::unique_ptr<AwsClient> aws;
  std::unique_ptr<EcsClient> ecs;
};

TEST(EcsDecode, ServiceFromTheSpecExample) {
  auto service = decode_ecs_service(k_service_json);
  ASSERT_TRUE(service) << service.error().message;
  EXPECT_EQ(service->name, "web");
  EXPECT_EQ(service->status, "ACTIVE");
  EXPECT_EQ(service->desired_count, 2);
  EXPECT_EQ(service->launch_type, "FARGATE");
  EXPECT_EQ(service->deployment_controller_type, "ECS");
  EXPECT_TRUE(service->deployment_configuration.circuit_breaker_enable);
  EXPECT_TRUE(service->deployment_configuration.circuit_breaker_rollback);
  EXPECT_EQ(service->deployment_configuration.maximum_percent, 200);
  EXPECT_EQ(service->deployment_configuration.minimum_healthy_percent, 100);
  ASSERT_EQ(service->load_balancers.size(), 1u);
  EXPECT_EQ(service->load_balancers[0].container_port, 8080);
  ASSERT_EQ(service->deployments.size(), 2u);
  const auto& primary = service->deployments[0];
  EXPECT_EQ(primary.status, DeploymentStatus::primary);
  EXPECT_EQ(primary.rollout_state, RolloutState::in_progress);
  EXPECT_EQ(primary.running_count, 1);
  ASSERT_TRUE(primary.created_at);
  EXPECT_EQ(
      std::chrono::duration_cast<std::chrono::milliseconds>(primary.created_at->time_since_epoch()).count(),
      1795290768579);
  EXPECT_EQ(service->deployments[1].launch_type, "");
  EXPECT_EQ(service->deployments[1].status, DeploymentStatus::active);
  EXPECT_EQ(service->deployments[1].rollout_state, RolloutState::completed);
  ASSERT_EQ(service->events.size(), 1u);
  EXPECT_EQ(service->events[0].message, "(service web) has reached a steady state.");
  EXPECT_EQ(service->raw.at("newFieldFromTheFuture").at("x"), 1);
  EXPECT_TRUE(is_fargate(*service));
}

TEST(EcsDecode, MissingFieldsDefaultAndWrongTypesNameThePath) {
  auto minimal = decode_ecs_service(nlohmann::json{{"serviceName", "web"}});
  ASSERT_TRUE(minimal);
  EXPECT_EQ(minimal->desired_count, 0);
  EXPECT_TRUE(minimal->deployments.empty());
  EXPECT_FALSE(minimal->deployment_configuration.maximum_percent);

  auto bad = k_service_json;
  bad["deployments"][1]["runningCount"] = "one";
  auto decoded = decode_ecs_service(bad, "DescribeServices response", "/services/0");
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code, ErrorCode::aws_bad_response);
  EXPECT_EQ(
      decoded.error().message,
      "DescribeServices response: /services/0/deployments/1/runningCount: expected an integer, got string");

  auto not_a_list = k_service_json;
  not_a_list["loadBalancers"] = "nope";
  EXPECT_NE(decode_ecs_service(not_a_list).error().message.find("/loadBalancers: expected an array"),
            std::string::npos);
}

TEST(EcsDecode, FargateDetection) {
  EcsService service;
  service.launch_type = "EC2";
  EXPECT_FALSE(is_fargate(service));
  service.launch_type = "";
  service.capacity_provider_strategy = {{"FARGATE_SPOT", 1, 0}};
  EXPECT_TRUE(is_fargate(service));
  service.capacity_provider_strategy = {{"my-asg-provider", 1, 0}};
  EXPECT_FALSE(is_fargate(service));
  service.platform_family = "Linux";
  EcsDeployment deployment;
  deployment.launch_type = "FARGATE";
  service.deployments = {deployment};
  EXPECT_TRUE(is_fargate(service));
}

TEST(EcsDecode, TaskPrefersAttachmentAddressAndFallsBackToNetworkInterfaces) {
  auto task = decode_ecs_task(k_task_json);
  ASSERT_TRUE(task) << task.error().message;
  EXPECT_EQ(task->private_ipv4, "10.0.1.163");
  EXPECT_EQ(task->stop_code, "EssentialContainerExited");
  EXPECT_EQ(task->started_by, "ecs-svc/1234567890123456789");
  ASSERT_EQ(task->containers.size(), 1u);
  EXPECT_EQ(task->containers[0].exit_code, 137);
  EXPECT_EQ(task->containers[0].reason, "OutOfMemoryError: Container killed due to memory usage");

  auto no_attachment = k_task_json;
  no_attachment.erase("attachments");
  EXPECT_EQ(decode_ecs_task(no_attachment)->private_ipv4, "10.0.1.99");
  no_attachment["containers"][0].erase("networkInterfaces");
  EXPECT_EQ(decode_ecs_task(no_attachment)->private_ipv4, "");
  EXPECT_EQ(decode_ecs_task(no_attachment)->containers[0].exit_code, 137);

  // Dual-stack: the ENI's IPv6 address too, from the attachment or the container.
  auto dual = k_task_json;
  dual["attachments"][0]["details"].push_back({{"name", "ipv6Address"}, {"value", "2001:db8::7"}});
  EXPECT_EQ(decode_ecs_task(dual)->ipv6, "2001:db8::7");
  dual.erase("attachments");
  dual["containers"][0]["networkInterfaces"][0]["ipv6Address"] = "2001:db8::8";
  EXPECT_EQ(decode_ecs_task(dual)->ipv6, "2001:db8::8");
}

TEST(EcsClient, DescribeServicesBatchesByTenAndMergesResults) {
  EcsFixture f;
  f.transport.on("DescribeServices", [](const HttpRequest& request) -> Result<HttpResponse> {
    auto body = nlohmann::json::parse(request.body);
    nlohmann::json services = nlohmann::json::array();
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& name : body.at("services")) {
      if (name == "svc-13") {
        failures.push_back(
            {{"arn", "arn:aws:ecs:us-east-1:123456789012:service/svc-13"}, {"reason", "MISSING"}});
      } else {
        services.push_back({{"serviceName", name}, {"status", "ACTIVE"}});
      }
    }
    return json_reply(200, {{"services", services}, {"failures", failures}});
  });
  std::vector<std::string> names;
  for (int i = 0; i < 25; ++i) {
    names.push_back("svc-" + std::to_string(i));
  }
  auto result = f.ecs->describe_services("prod", names);
  ASSERT_TRUE(result) << result.error().message;
  auto bodies = f.transport.json_bodies("DescribeServices");
  ASSERT_EQ(bodies.size(), 3u);
  EXPECT_EQ(bodies[0].at("services").size(), 10u);
  EXPECT_EQ(bodies[1].at("services").size(), 10u);
  EXPECT_EQ(bodies[2].at("services").size(), 5u);
  EXPECT_EQ(bodies[0].at("cluster"), "prod");
  ASSERT_EQ(result->services.size(), 24u);
  EXPECT_EQ(result->services[0].name, "svc-0");
  EXPECT_EQ(result->services[23].name, "svc-24");
  ASSERT_EQ(result->failures.size(), 1u);
  EXPECT_EQ(result->failures[0].reason, "MISSING");
}

TEST(EcsClient, DescribeTaskDefinitionAsksForTagsAndKeepsTheWholeObject) {
  EcsFixture f;
  f.transport.push(json_reply(
      200, {{"taskDefinition",
             {{"taskDefinitionArn", "arn:td/web:8"}, {"family", "web"}, {"someNewMember", {1, 2, 3}}}},
            {"tags", {{{"key", "team"}, {"value", "platform"}}}}}));
  auto result = f.ecs->describe_task_definition("web:8");
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->arn(), "arn:td/web:8");
  EXPECT_EQ(result->task_definition.at("someNewMember").size(), 3u);
  EXPECT_EQ(result->tags.at(0).at("key"), "team");
  auto body = nlohmann::json::parse(f.transport.last_request().body);
  EXPECT_EQ(body, (nlohmann::json{{"taskDefinition", "web:8"}, {"include", {"TAGS"}}}));
  EXPECT_EQ(find_header(f.transport.last_request().headers, "X-Amz-Target"),
            "AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition");
}

TEST(EcsClient, RegisterUpdateAndDeregisterPassRequestsThrough) {
  EcsFixture f;
  nlohmann::json registration{
      {"family", "web"}, {"cpu", "512"}, {"containerDefinitions", nlohmann::json::array()}};
  f.transport.push(json_reply(200, {{"taskDefinition", {{"taskDefinitionArn", "arn:td/web:9"}}}}));
  auto registered = f.ecs->register_task_definition(registration);
  ASSERT_TRUE(registered);
  EXPECT_EQ(registered->arn(), "arn:td/web:9");
  EXPECT_EQ(nlohmann::json::parse(f.transport.last_request().body), registration);

  UpdateServiceRequest update{"prod", "web", "arn:td/web:9", {}, {}};
  f.transport.push(json_reply(200, {{"service", k_service_json}}));
  auto updated = f.ecs->update_service(update);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->deployments[0].id, "ecs-svc/1234567890123456789");
  EXPECT_EQ(nlohmann::json::parse(f.transport.last_request().body),
            (nlohmann::json{{"cluster", "prod"}, {"service", "web"}, {"taskDefinition", "arn:td/web:9"}}));

  f.transport.push(
      json_reply(200, {{"taskDefinition", {{"taskDefinitionArn", "arn:td/web:8"}, {"status", "INACTIVE"}}}}));
  auto deregistered = f.ecs->deregister_task_definition("arn:td/web:8");
  ASSERT_TRUE(deregistered);
  EXPECT_EQ(deregistered->task_definition.at("status"), "INACTIVE");
}

TEST(EcsClient, ListTasksFollowsNextToken) {
  EcsFixture f;
  f.transport.push(json_reply(200, {{"taskArns", {"t1", "t2"}}, {"nextToken", "page2"}}));
  f.transport.push(json_reply(200, {{"taskArns", {"t3"}}, {"nextToken", "page3"}}));
  f.transport.push(json_reply(200, {{"taskArns", {"t4"}}}));
  auto arns = f.ecs->list_tasks("prod", "web", "RUNNING");
  ASSERT_TRUE(arns) << arns.error().message;
  EXPECT_EQ(*arns, (std::vector<std::string>{"t1", "t2", "t3", "t4"}));
  auto bodies = f.transport.json_bodies("ListTasks");
  ASSERT_EQ(bodies.size(), 3u);
  EXPECT_EQ(
      bodies[0],
      (nlohmann::json{
          {"cluster", "prod"}, {"serviceName", "web"}, {"desiredStatus", "RUNNING"}, {"maxResults", 100}}));
  EXPECT_EQ(bodies[1].at("nextToken"), "page2");
  EXPECT_EQ(bodies[2].at("nextToken"), "page3");
}

TEST(EcsClient, ListServicesFollowsNextToken) {
  EcsFixture f;
  f.transport.push(json_reply(200, {{"serviceArns", {"s1", "s2"}}, {"nextToken", "page2"}}));
  f.transport.push(json_reply(200, {{"serviceArns", {"s3"}}}));
  auto arns = f.ecs->list_services("prod");
  ASSERT_TRUE(arns) << arns.error().message;
  EXPECT_EQ(*arns, (std::vector<std::string>{"s1", "s2", "s3"}));
  auto bodies = f.transport.json_bodies("ListServices");
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_EQ(bodies[0], (nlohmann::json{{"cluster", "prod"}, {"maxResults", 100}}));
  EXPECT_EQ(bodies[1].at("nextToken"), "page2");
}

TEST(EcsClient, DescribeTasksChunksByHundred) {
  EcsFixture f;
  f.transport.on("DescribeTasks", [](const HttpRequest& request) -> Result<HttpResponse> {
    auto body = nlohmann::json::parse(request.body);
    nlohmann::json tasks = nlohmann::json::array();
    for (const auto& arn : body.at("tasks")) {
      tasks.push_back({{"taskArn", arn}, {"lastStatus", "RUNNING"}});
    }
    return json_reply(200, {{"tasks", tasks}, {"failures", nlohmann::json::array()}});
  });
  std::vector<std::string> arns;
  for (int i = 0; i < 250; ++i) {
    arns.push_back("task-" + std::to_string(i));
  }
  auto result = f.ecs->describe_tasks("prod", arns);
  ASSERT_TRUE(result) << result.error().message;
  auto bodies = f.transport.json_bodies("DescribeTasks");
  ASSERT_EQ(bodies.size(), 3u);
  EXPECT_EQ(bodies[0].at("tasks").size(), 100u);
  EXPECT_EQ(bodies[2].at("tasks").size(), 50u);
  ASSERT_EQ(result->tasks.size(), 250u);
  EXPECT_EQ(result->tasks[249].arn, "task-249");
}

TEST(EcsClient, ErrorsCarryTheOperation) {
  EcsFixture f;
  f.transport.push(json_error(400, "ClusterNotFoundException", "Cluster not found.", "1234"));
  auto result = f.ecs->describe_services("nope", {"web"});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::not_found);
  EXPECT_EQ(result.error().message,
            "DescribeServices: ClusterNotFoundException: Cluster not found. (request id 1234)");
  f.transport.push(json_reply(200, {{"failures", nlohmann::json::array()}}));
  auto missing = f.ecs->describe_services("prod", {"web"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::aws_bad_response);
}

// ---- the service deployments API ----

constexpr const char* k_deployment_arn =
    "arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/Kq1fQm3sV0Zb6bW1nYyHc";
constexpr const char* k_blue_revision =
    "arn:aws:ecs:us-east-1:123456789012:service-revision/prod/web/4982301934879101";
constexpr const char* k_green_revision =
    "arn:aws:ecs:us-east-1:123456789012:service-revision/prod/web/9086637243870797878";

// A blue/green deployment baking after the production traffic shift (its
// hooks ran), and an older linear one the alarms rolled back, as
// DescribeServiceDeployments answers them.
const nlohmann::json k_service_deployments_json = nlohmann::json::parse(R"({
  "serviceDeployments": [
    {"serviceDeploymentArn": "arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/Kq1fQm3sV0Zb6bW1nYyHc",
     "serviceArn": "arn:aws:ecs:us-east-1:123456789012:service/prod/web",
     "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
     "createdAt": 1795290768.579, "startedAt": 1795290769.012, "updatedAt": 1795291201.25,
     "sourceServiceRevisions": [
       {"arn": "arn:aws:ecs:us-east-1:123456789012:service-revision/prod/web/4982301934879101",
        "requestedTaskCount": 2, "runningTaskCount": 2, "pendingTaskCount": 0,
        "requestedTestTrafficWeight": 0.0, "requestedProductionTrafficWeight": 0.0}],
     "targetServiceRevision": {
        "arn": "arn:aws:ecs:us-east-1:123456789012:service-revision/prod/web/9086637243870797878",
        "requestedTaskCount": 2, "runningTaskCount": 1, "pendingTaskCount": 1,
        "requestedTestTrafficWeight": 100.0, "requestedProductionTrafficWeight": 100.0},
     "status": "IN_PROGRESS",
     "statusReason": "Service deployment is baking before the source revision is scaled down.",
     "lifecycleStage": "BAKE_TIME",
     "lifecycleHookDetails": [
       {"hookId": "hk-3c0f9a", "targetType": "PAUSE", "status": "SUCCEEDED",
        "expiresAt": 1795377168.579, "timeoutAction": "ROLLBACK"},
       {"hookId": "hk-7d21be", "targetType": "AWS_LAMBDA",
        "targetArn": "arn:aws:lambda:us-east-1:123456789012:function:web-smoke-test",
        "status": "SUCCEEDED", "expiresAt": 1795291050.0, "timeoutAction": "CONTINUE"}],
     "deploymentConfiguration": {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 10,
        "deploymentCircuitBreaker": {"enable": true, "rollback": true},
        "alarms": {"alarmNames": ["web-5xx", "web-p99-latency"], "enable": true, "rollback": true},
        "maximumPercent": 200, "minimumHealthyPercent": 100},
     "deploymentCircuitBreaker": {"status": "MONITORING", "failureCount": 1, "threshold": 3},
     "alarms": {"status": "MONITORING", "alarmNames": ["web-5xx", "web-p99-latency"]}},
    {"serviceDeploymentArn": "arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/Pz8dLw2uR1Xa4cT9oHhMs",
     "serviceArn": "arn:aws:ecs:us-east-1:123456789012:service/prod/web",
     "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
     "createdAt": 1795200000.0, "startedAt": 1795200001.5, "finishedAt": 1795200900.75,
     "stoppedAt": 1795200600.125, "updatedAt": 1795200900.75,
     "sourceServiceRevisions": [
       {"arn": "arn:aws:ecs:us-east-1:123456789012:service-revision/prod/web/4982301934879101",
        "requestedTaskCount": 2, "runningTaskCount": 2, "pendingTaskCount": 0}],
     "targetServiceRevision": {
        "arn": "arn:aws:ecs:us-east-1:123456789012:service-revision/prod/web/1111111111111111111",
        "requestedTaskCount": 0, "runningTaskCount": 0, "pendingTaskCount": 0,
        "requestedTestTrafficWeight": 20.0, "requestedProductionTrafficWeight": 20.0},
     "status": "ROLLBACK_SUCCESSFUL",
     "statusReason": "Service deployment rolled back because CloudWatch alarm web-5xx went into ALARM.",
     "rollback": {"reason": "Service deployment rolled back because CloudWatch alarm web-5xx went into ALARM.",
                  "startedAt": 1795200600.125,
                  "serviceRevisionArn": "arn:aws:ecs:us-east-1:123456789012:service-revision/prod/web/4982301934879101"},
     "deploymentCircuitBreaker": {"status": "DISABLED", "failureCount": 0, "threshold": 0},
     "alarms": {"status": "TRIGGERED", "alarmNames": ["web-5xx", "web-p99-latency"],
                "triggeredAlarmNames": ["web-5xx"]}}],
  "failures": [{"arn": "arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/gone",
                "reason": "MISSING"}]})");

const nlohmann::json k_service_revision_json = nlohmann::json::parse(R"({
  "serviceRevisionArn": "arn:aws:ecs:us-east-1:123456789012:service-revision/prod/web/9086637243870797878",
  "serviceArn": "arn:aws:ecs:us-east-1:123456789012:service/prod/web",
  "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
  "taskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:9",
  "launchType": "FARGATE", "platformVersion": "1.4.0", "platformFamily": "Linux",
  "loadBalancers": [{"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/0123456789abcdef",
                     "containerName": "web", "containerPort": 8080,
                     "advancedConfiguration": {
                       "alternateTargetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-green/fedcba9876543210",
                       "productionListenerRule": "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/prod/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee",
                       "roleArn": "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers"}}],
  "containerImages": [{"containerName": "web", "imageDigest": "sha256:8f1c0c7e", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.9"}],
  "guardDutyEnabled": false,
  "createdAt": 1795290768.43,
  "resolvedConfiguration": {"loadBalancers": [
    {"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-green/fedcba9876543210",
     "productionListenerRule": "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/prod/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee"}]}})");

long long epoch_ms(const std::optional<SystemTime>& time) {
  return time ? std::chrono::duration_cast<std::chrono::milliseconds>(time->time_since_epoch()).count() : -1;
}

TEST(EcsDecode, ServiceDeploymentBlueGreenInBakeTime) {
  auto deployment = decode_service_deployment(k_service_deployments_json["serviceDeployments"][0]);
  ASSERT_TRUE(deployment) << deployment.error().message;
  EXPECT_EQ(deployment->arn, k_deployment_arn);
  EXPECT_EQ(deployment->service_arn, "arn:aws:ecs:us-east-1:123456789012:service/prod/web");
  EXPECT_EQ(deployment->cluster_arn, "arn:aws:ecs:us-east-1:123456789012:cluster/prod");
  EXPECT_EQ(epoch_ms(deployment->created_at), 1795290768579);
  EXPECT_EQ(epoch_ms(deployment->started_at), 1795290769012);
  EXPECT_EQ(epoch_ms(deployment->updated_at), 1795291201250);
  EXPECT_FALSE(deployment->finished_at);
  EXPECT_FALSE(deployment->stopped_at);
  ASSERT_EQ(deployment->source_revisions.size(), 1u);
  const auto& source = deployment->source_revisions[0];
  EXPECT_EQ(source.arn, k_blue_revision);
  EXPECT_EQ(source.requested_task_count, 2);
  EXPECT_EQ(source.running_task_count, 2);
  EXPECT_EQ(source.pending_task_count, 0);
  EXPECT_EQ(source.requested_test_traffic_weight, 0.0);
  EXPECT_EQ(source.requested_production_traffic_weight, 0.0);
  ASSERT_TRUE(deployment->target_revision);
  EXPECT_EQ(deployment->target_revision->arn, k_green_revision);
  EXPECT_EQ(deployment->target_revision->requested_task_count, 2);
  EXPECT_EQ(deployment->target_revision->running_task_count, 1);
  EXPECT_EQ(deployment->target_revision->pending_task_count, 1);
  EXPECT_EQ(deployment->target_revision->requested_test_traffic_weight, 100.0);
  EXPECT_EQ(deployment->target_revision->requested_production_traffic_weight, 100.0);
  EXPECT_EQ(deployment->status, ServiceDeploymentStatus::in_progress);
  EXPECT_EQ(deployment->status_text, "IN_PROGRESS");
  EXPECT_EQ(deployment->status_reason,
            "Service deployment is baking before the source revision is scaled down.");
  EXPECT_EQ(deployment->lifecycle_stage, "BAKE_TIME");
  ASSERT_EQ(deployment->lifecycle_hooks.size(), 2u);
  const auto& pause = deployment->lifecycle_hooks[0];
  EXPECT_EQ(pause.hook_id, "hk-3c0f9a");
  EXPECT_EQ(pause.target_type, "PAUSE");
  EXPECT_EQ(pause.target_arn, "");
  EXPECT_EQ(pause.status, "SUCCEEDED");
  EXPECT_EQ(epoch_ms(pause.expires_at), 1795377168579);
  EXPECT_EQ(pause.timeout_action, "ROLLBACK");
  const auto& lambda = deployment->lifecycle_hooks[1];
  EXPECT_EQ(lambda.target_type, "AWS_LAMBDA");
  EXPECT_EQ(lambda.target_arn, "arn:aws:lambda:us-east-1:123456789012:function:web-smoke-test");
  EXPECT_EQ(lambda.timeout_action, "CONTINUE");
  EXPECT_EQ(deployment->rollback_reason, "");
  EXPECT_EQ(deployment->rollback_service_revision, "");
  EXPECT_FALSE(deployment->rollback_started_at);
  EXPECT_EQ(deployment->circuit_breaker.status, "MONITORING");
  EXPECT_EQ(deployment->circuit_breaker.failure_count, 1);
  EXPECT_EQ(deployment->circuit_breaker.threshold, 3);
  EXPECT_EQ(deployment->alarms.status, "MONITORING");
  EXPECT_EQ(deployment->alarms.alarm_names, (std::vector<std::string>{"web-5xx", "web-p99-latency"}));
  EXPECT_TRUE(deployment->alarms.triggered_alarm_names.empty());
}

TEST(EcsDecode, ServiceDeploymentRolledBackByAnAlarm) {
  auto deployment = decode_service_deployment(k_service_deployments_json["serviceDeployments"][1]);
  ASSERT_TRUE(deployment) << deployment.error().message;
  EXPECT_EQ(deployment->status, ServiceDeploymentStatus::rollback_successful);
  EXPECT_TRUE(is_completed(deployment->status));
  EXPECT_EQ(epoch_ms(deployment->finished_at), 1795200900750);
  EXPECT_EQ(epoch_ms(deployment->stopped_at), 1795200600125);
  EXPECT_EQ(deployment->lifecycle_stage, "");
  EXPECT_TRUE(deployment->lifecycle_hooks.empty());
  EXPECT_FALSE(deployment->source_revisions[0].requested_test_traffic_weight);
  EXPECT_EQ(deployment->target_revision->requested_production_traffic_weight, 20.0);
  EXPECT_EQ(deployment->rollback_reason,
            "Service deployment rolled back because CloudWatch alarm web-5xx went into ALARM.");
  EXPECT_EQ(deployment->rollback_service_revision, k_blue_revision);
  EXPECT_EQ(epoch_ms(deployment->rollback_started_at), 1795200600125);
  EXPECT_EQ(deployment->circuit_breaker.status, "DISABLED");
  EXPECT_EQ(deployment->alarms.status, "TRIGGERED");
  EXPECT_EQ(deployment->alarms.triggered_alarm_names, (std::vector<std::string>{"web-5xx"}));
}

TEST(EcsDecode, ServiceDeploymentUnknownValuesAndAbsentMembers) {
  auto empty = decode_service_deployment(nlohmann::json::object());
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_EQ(empty->status, ServiceDeploymentStatus::unknown);
  EXPECT_EQ(empty->status_text, "");
  EXPECT_FALSE(empty->target_revision);
  EXPECT_EQ(empty->circuit_breaker.status, "");

  auto future = k_service_deployments_json["serviceDeployments"][0];
  future["status"] = "PAUSED_FOR_REVIEW";
  future["lifecycleStage"] = "PRE_BAKE_TIME";
  future["lifecycleHookDetails"][0]["status"] = "WAITING_FOR_GODOT";
  future["someNewMember"] = {{"x", 1}};
  auto decoded = decode_service_deployment(future);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->status, ServiceDeploymentStatus::unknown);
  EXPECT_EQ(decoded->status_text, "PAUSED_FOR_REVIEW");
  EXPECT_FALSE(is_completed(decoded->status));
  EXPECT_EQ(decoded->lifecycle_stage, "PRE_BAKE_TIME");
  EXPECT_EQ(decoded->lifecycle_hooks[0].status, "WAITING_FOR_GODOT");

  auto brief =
      decode_service_deployment_brief({{"serviceDeploymentArn", k_deployment_arn}, {"status", "NEW"}});
  ASSERT_TRUE(brief) << brief.error().message;
  EXPECT_EQ(brief->status, ServiceDeploymentStatus::unknown);
  EXPECT_FALSE(brief->created_at);
}

TEST(EcsDecode, ServiceDeploymentWrongTypesNameThePath) {
  struct Case {
    const char* pointer;
    nlohmann::json value;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"/targetServiceRevision/requestedTestTrafficWeight", "100",
       "/serviceDeployments/0/targetServiceRevision/requestedTestTrafficWeight: expected a number, got "
       "string"},
      {"/sourceServiceRevisions/0/runningTaskCount", 1.5,
       "/serviceDeployments/0/sourceServiceRevisions/0/runningTaskCount: expected an integer, got number"},
      {"/sourceServiceRevisions", nlohmann::json::object(),
       "/serviceDeployments/0/sourceServiceRevisions: expected an array, got object"},
      {"/lifecycleHookDetails/1", "hk",
       "/serviceDeployments/0/lifecycleHookDetails/1: expected an object, got string"},
      {"/lifecycleHookDetails/0/expiresAt", true,
       "/serviceDeployments/0/lifecycleHookDetails/0/expiresAt: expected a timestamp, got boolean"},
      {"/alarms/alarmNames/1", 7, "/serviceDeployments/0/alarms/alarmNames/1: expected a string, got number"},
      {"/deploymentCircuitBreaker", "MONITORING",
       "/serviceDeployments/0/deploymentCircuitBreaker: expected an object, got string"},
      {"/rollback", nlohmann::json::array(), "/serviceDeployments/0/rollback: expected an object, got array"},
      {"/status", 3, "/serviceDeployments/0/status: expected a string, got number"},
  };
  for (const auto& c : cases) {
    auto json = k_service_deployments_json["serviceDeployments"][0];
    json[nlohmann::json::json_pointer(c.pointer)] = c.value;
    auto decoded =
        decode_service_deployment(json, "DescribeServiceDeployments response", "/serviceDeployments/0");
    ASSERT_FALSE(decoded) << c.pointer;
    EXPECT_EQ(decoded.error().code, ErrorCode::aws_bad_response);
    EXPECT_EQ(decoded.error().message, std::string("DescribeServiceDeployments response: ") + c.message);
  }
  EXPECT_EQ(decode_service_deployment(nlohmann::json::array()).error().message,
            "service deployment: /: expected an object, got array");
  auto brief = decode_service_deployment_brief({{"createdAt", "yesterday"}},
                                               "ListServiceDeployments response", "/serviceDeployments/4");
  EXPECT_EQ(
      brief.error().message,
      "ListServiceDeployments response: /serviceDeployments/4/createdAt: expected a timestamp, got string");
  auto revision = k_service_revision_json;
  revision["resolvedConfiguration"]["loadBalancers"][0]["targetGroupArn"] = nullptr;
  EXPECT_TRUE(decode_service_revision(revision)->resolved_target_groups.empty());
  revision["resolvedConfiguration"]["loadBalancers"] = {{"targetGroupArn", "tg"}};
  EXPECT_EQ(decode_service_revision(revision, "DescribeServiceRevisions response", "/serviceRevisions/0")
                .error()
                .message,
            "DescribeServiceRevisions response: /serviceRevisions/0/resolvedConfiguration/loadBalancers: "
            "expected an array, got object");
}

TEST(EcsDecode, ServiceRevisionResolvedTargetGroups) {
  auto revision = decode_service_revision(k_service_revision_json);
  ASSERT_TRUE(revision) << revision.error().message;
  EXPECT_EQ(revision->arn, k_green_revision);
  EXPECT_EQ(revision->service_arn, "arn:aws:ecs:us-east-1:123456789012:service/prod/web");
  EXPECT_EQ(revision->cluster_arn, "arn:aws:ecs:us-east-1:123456789012:cluster/prod");
  EXPECT_EQ(revision->task_definition, "arn:aws:ecs:us-east-1:123456789012:task-definition/web:9");
  EXPECT_EQ(epoch_ms(revision->created_at), 1795290768430);
  // The green target group the revision resolved to, not the configured blue one.
  EXPECT_EQ(
      revision->resolved_target_groups,
      (std::vector<std::string>{
          "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-green/fedcba9876543210"}));

  auto no_resolution = k_service_revision_json;
  no_resolution.erase("resolvedConfiguration");
  EXPECT_TRUE(decode_service_revision(no_resolution)->resolved_target_groups.empty());
}

TEST(EcsDecode, BlueGreenServiceWithAdvancedConfigurationAndHooks) {
  auto json = k_service_json;
  json["currentServiceDeployment"] = k_deployment_arn;
  json["loadBalancers"][0]["advancedConfiguration"] = {
      {"alternateTargetGroupArn",
       "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-green/fedcba9876543210"},
      {"productionListenerRule",
       "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/prod/50dc6c495c0c9188/"
       "f2f7dc8efc522ab2/"
       "9683b2d02a6cabee"},
      {"roleArn", "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers"}};
  json["deploymentConfiguration"] = nlohmann::json::parse(R"({
    "deploymentCircuitBreaker": {"enable": true, "rollback": true},
    "maximumPercent": 200, "minimumHealthyPercent": 100,
    "alarms": {"alarmNames": ["web-5xx", "web-p99-latency"], "rollback": true, "enable": true},
    "strategy": "BLUE_GREEN", "bakeTimeInMinutes": 10,
    "lifecycleHooks": [
      {"targetType": "AWS_LAMBDA", "hookTargetArn": "arn:aws:lambda:us-east-1:123456789012:function:web-smoke-test",
       "roleArn": "arn:aws:iam::123456789012:role/ecsLambdaHookRole",
       "lifecycleStages": ["POST_TEST_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT"],
       "timeoutConfiguration": {"timeoutInMinutes": 30, "action": "ROLLBACK"}},
      {"targetType": "PAUSE", "lifecycleStages": ["PRE_PRODUCTION_TRAFFIC_SHIFT"]}]})");
  auto service = decode_ecs_service(json);
  ASSERT_TRUE(service) << service.error().message;
  EXPECT_EQ(service->current_service_deployment, k_deployment_arn);
  EXPECT_EQ(service->load_balancers[0].alternate_target_group_arn,
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-green/fedcba9876543210");
  const auto& config = service->deployment_configuration;
  EXPECT_EQ(config.strategy, DeploymentStrategy::blue_green);
  EXPECT_EQ(config.strategy_text, "BLUE_GREEN");
  EXPECT_EQ(config.bake_time_minutes, 10);
  EXPECT_TRUE(config.circuit_breaker_enable);
  EXPECT_EQ(config.maximum_percent, 200);
  EXPECT_TRUE(config.alarms_enable);
  EXPECT_TRUE(config.alarms_rollback);
  EXPECT_EQ(config.alarm_names, (std::vector<std::string>{"web-5xx", "web-p99-latency"}));
  ASSERT_EQ(config.lifecycle_hooks.size(), 2u);
  const auto& lambda = config.lifecycle_hooks[0];
  EXPECT_EQ(lambda.target_type, "AWS_LAMBDA");
  EXPECT_EQ(lambda.target_arn, "arn:aws:lambda:us-east-1:123456789012:function:web-smoke-test");
  EXPECT_EQ(lambda.stages,
            (std::vector<std::string>{"POST_TEST_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT"}));
  EXPECT_EQ(lambda.timeout_minutes, 30);
  EXPECT_EQ(lambda.timeout_action, "ROLLBACK");
  const auto& pause = config.lifecycle_hooks[1];
  EXPECT_EQ(pause.target_type, "PAUSE");
  EXPECT_EQ(pause.target_arn, "");
  EXPECT_FALSE(pause.timeout_minutes);
  EXPECT_EQ(pause.timeout_action, "");
  EXPECT_FALSE(config.linear_step_percent);
  EXPECT_FALSE(config.canary_percent);
  EXPECT_FALSE(config.early_success);

  // Linear and canary services carry their step and bake settings.
  json["deploymentConfiguration"]["strategy"] = "LINEAR";
  json["deploymentConfiguration"]["linearConfiguration"] = {{"stepPercent", 12.5},
                                                            {"stepBakeTimeInMinutes", 3}};
  json["deploymentConfiguration"]["canaryConfiguration"] = {{"canaryPercent", 5},
                                                            {"canaryBakeTimeInMinutes", 15}};
  auto linear = decode_ecs_service(json);
  ASSERT_TRUE(linear) << linear.error().message;
  EXPECT_EQ(linear->deployment_configuration.strategy, DeploymentStrategy::linear);
  EXPECT_EQ(linear->deployment_configuration.linear_step_percent, 12.5);
  EXPECT_EQ(linear->deployment_configuration.linear_step_bake_minutes, 3);
  EXPECT_EQ(linear->deployment_configuration.canary_percent, 5.0);
  EXPECT_EQ(linear->deployment_configuration.canary_bake_minutes, 15);

  json["deploymentConfiguration"]["strategy"] = "SHADOW";
  EXPECT_EQ(decode_ecs_service(json)->deployment_configuration.strategy, DeploymentStrategy::unknown);
  EXPECT_EQ(decode_ecs_service(json)->deployment_configuration.strategy_text, "SHADOW");
}

TEST(EcsDecode, RollingServiceWithEarlySuccessCriteria) {
  auto json = k_service_json;
  json["deploymentConfiguration"]["earlySuccessCriteria"] = {
      {"enable", true}, {"healthyPercent", 75}, {"sourceServiceRevisionCleanup", "DEFERRED"}};
  auto service = decode_ecs_service(json);
  ASSERT_TRUE(service) << service.error().message;
  const auto& config = service->deployment_configuration;
  EXPECT_EQ(config.strategy, DeploymentStrategy::rolling);  // absent: ROLLING
  EXPECT_EQ(config.strategy_text, "");
  EXPECT_EQ(service->current_service_deployment, "");
  EXPECT_EQ(service->load_balancers[0].alternate_target_group_arn, "");
  ASSERT_TRUE(config.early_success);
  EXPECT_TRUE(config.early_success->enable);
  EXPECT_EQ(config.early_success->healthy_percent, 75.0);
  EXPECT_EQ(config.early_success->source_cleanup, "DEFERRED");
  EXPECT_FALSE(decode_ecs_service(k_service_json)->deployment_configuration.early_success);

  struct Case {
    const char* pointer;
    nlohmann::json value;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"/deploymentConfiguration/earlySuccessCriteria/healthyPercent", "75",
       "/deploymentConfiguration/earlySuccessCriteria/healthyPercent: expected a number, got string"},
      {"/deploymentConfiguration/strategy", 1,
       "/deploymentConfiguration/strategy: expected a string, got number"},
      {"/deploymentConfiguration/bakeTimeInMinutes", 2.5,
       "/deploymentConfiguration/bakeTimeInMinutes: expected an integer, got number"},
      {"/deploymentConfiguration/linearConfiguration", "10%",
       "/deploymentConfiguration/linearConfiguration: expected an object, got string"},
      {"/deploymentConfiguration/lifecycleHooks/0/lifecycleStages", "PRE_SCALE_UP",
       "/deploymentConfiguration/lifecycleHooks/0/lifecycleStages: expected an array, got string"},
      {"/deploymentConfiguration/lifecycleHooks/0/timeoutConfiguration/timeoutInMinutes", "30",
       "/deploymentConfiguration/lifecycleHooks/0/timeoutConfiguration/timeoutInMinutes: expected an "
       "integer, "
       "got string"},
      {"/deploymentConfiguration/alarms/enable", "true",
       "/deploymentConfiguration/alarms/enable: expected a boolean, got string"},
      {"/loadBalancers/0/advancedConfiguration/alternateTargetGroupArn", 5,
       "/loadBalancers/0/advancedConfiguration/alternateTargetGroupArn: expected a string, got number"},
      {"/currentServiceDeployment", nlohmann::json::object(),
       "/currentServiceDeployment: expected a string, got object"},
  };
  for (const auto& c : cases) {
    auto bad = json;
    bad[nlohmann::json::json_pointer(c.pointer)] = c.value;
    auto decoded = decode_ecs_service(bad, "DescribeServices response", "/services/0");
    ASSERT_FALSE(decoded) << c.pointer;
    EXPECT_EQ(decoded.error().code, ErrorCode::aws_bad_response);
    EXPECT_EQ(decoded.error().message, std::string("DescribeServices response: /services/0") + c.message);
  }
}

std::string target_of(const HttpRequest& request) {
  return find_header(request.headers, "X-Amz-Target").value_or("");
}

TEST(EcsClient, ListServiceDeploymentsSendsTheFilterAndFollowsNextToken) {
  EcsFixture f;
  auto brief = [](const std::string& id, const char* status) {
    return nlohmann::json{
        {"serviceDeploymentArn", "arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/" + id},
        {"serviceArn", "arn:aws:ecs:us-east-1:123456789012:service/prod/web"},
        {"clusterArn", "arn:aws:ecs:us-east-1:123456789012:cluster/prod"},
        {"startedAt", 1795290769.012},
        {"createdAt", 1795290768.579},
        {"finishedAt", 1795291500.5},
        {"targetServiceRevisionArn", k_green_revision},
        {"status", status},
        {"statusReason", "Service deployment succeeded."}};
  };
  f.transport.push(
      json_reply(200, {{"serviceDeployments", {brief("a", "SUCCESSFUL"), brief("b", "IN_PROGRESS")}},
                       {"nextToken", "page2"}}));
  f.transport.push(json_reply(200, {{"serviceDeployments", {brief("c", "ROLLBACK_FAILED")}}}));
  ListServiceDeploymentsRequest request{
      "prod",
      "web",
      SystemTime(std::chrono::milliseconds(1795290000999)),
      {ServiceDeploymentStatus::in_progress, ServiceDeploymentStatus::rollback_in_progress}};
  auto result = f.ecs->list_service_deployments(request);
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->size(), 3u);
  const auto& first = (*result)[0];
  EXPECT_EQ(first.arn, "arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/a");
  EXPECT_EQ(first.service_arn, "arn:aws:ecs:us-east-1:123456789012:service/prod/web");
  EXPECT_EQ(first.cluster_arn, "arn:aws:ecs:us-east-1:123456789012:cluster/prod");
  EXPECT_EQ(epoch_ms(first.created_at), 1795290768579);
  EXPECT_EQ(epoch_ms(first.started_at), 1795290769012);
  EXPECT_EQ(epoch_ms(first.finished_at), 1795291500500);
  EXPECT_EQ(first.target_service_revision_arn, k_green_revision);
  EXPECT_EQ(first.status, ServiceDeploymentStatus::successful);
  EXPECT_EQ(first.status_reason, "Service deployment succeeded.");
  EXPECT_EQ((*result)[2].status, ServiceDeploymentStatus::rollback_failed);

  auto requests = f.transport.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(target_of(requests[0]), "AmazonEC2ContainerServiceV20141113.ListServiceDeployments");
  // createdAt.after in whole epoch seconds, as a number (botocore's form).
  EXPECT_EQ(nlohmann::json::parse(requests[0].body),
            (nlohmann::json{{"cluster", "prod"},
                            {"service", "web"},
                            {"status", {"IN_PROGRESS", "ROLLBACK_IN_PROGRESS"}},
                            {"createdAt", {{"after", 1795290000}}},
                            {"maxResults", 100}}));
  EXPECT_TRUE(nlohmann::json::parse(requests[0].body).at("createdAt").at("after").is_number_integer());
  EXPECT_EQ(nlohmann::json::parse(requests[1].body).at("nextToken"), "page2");

  // No filter: neither status nor createdAt is sent.
  f.transport.push(json_reply(200, {{"serviceDeployments", nlohmann::json::array()}}));
  auto all = f.ecs->list_service_deployments({"prod", "web", {}, {}});
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_TRUE(all->empty());
  EXPECT_EQ(nlohmann::json::parse(f.transport.last_request().body),
            (nlohmann::json{{"cluster", "prod"}, {"service", "web"}, {"maxResults", 100}}));
}

TEST(EcsClient, ListServiceDeploymentsReadsAtMostTenPages) {
  EcsFixture f;
  int page = 0;
  f.transport.on("ListServiceDeployments", [&page](const HttpRequest&) -> Result<HttpResponse> {
    ++page;
    return json_reply(200,
                      {{"serviceDeployments", {{{"serviceDeploymentArn", "sd-" + std::to_string(page)}}}},
                       {"nextToken", "after-" + std::to_string(page)}});
  });
  auto result = f.ecs->list_service_deployments({"prod", "web", {}, {}});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(f.transport.request_count(), 10u);
  ASSERT_EQ(result->size(), 10u);
  EXPECT_EQ(result->back().arn, "sd-10");
  EXPECT_EQ(f.transport.json_bodies("ListServiceDeployments").back().at("nextToken"), "after-9");
}

TEST(EcsClient, ListServiceDeploymentsBadPagesNameThePath) {
  EcsFixture f;
  f.transport.push(json_reply(200, {{"nextToken", "x"}}));
  auto missing = f.ecs->list_service_deployments({"prod", "web", {}, {}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::aws_bad_response);
  EXPECT_EQ(missing.error().message, "ListServiceDeployments response: /serviceDeployments is missing");
  f.transport.push(json_reply(200, {{"serviceDeployments", {{{"status", 1}}}}}));
  EXPECT_EQ(f.ecs->list_service_deployments({"prod", "web", {}, {}}).error().message,
            "ListServiceDeployments response: /serviceDeployments/0/status: expected a string, got number");
  f.transport.push(json_reply(200, {{"serviceDeployments", nlohmann::json::array()}, {"nextToken", 5}}));
  EXPECT_EQ(f.ecs->list_service_deployments({"prod", "web", {}, {}}).error().message,
            "ListServiceDeployments response: /nextToken: expected a string, got number");
  // A status ECS cannot spell is a caller's bug, not a filter to drop silently.
  auto unknown = f.ecs->list_service_deployments({"prod", "web", {}, {ServiceDeploymentStatus::unknown}});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::internal);
  EXPECT_EQ(f.transport.request_count(), 3u);
}

TEST(EcsClient, DescribeServiceDeploymentsBatchesByTwentyAndMergesFailures) {
  EcsFixture f;
  f.transport.on("DescribeServiceDeployments", [](const HttpRequest& request) -> Result<HttpResponse> {
    auto body = nlohmann::json::parse(request.body);
    nlohmann::json deployments = nlohmann::json::array();
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& arn : body.at("serviceDeploymentArns")) {
      if (arn == "sd-7" || arn == "sd-33") {
        failures.push_back({{"arn", arn}, {"reason", "MISSING"}});
      } else {
        deployments.push_back({{"serviceDeploymentArn", arn}, {"status", "SUCCESSFUL"}});
      }
    }
    return json_reply(200, {{"serviceDeployments", deployments}, {"failures", failures}});
  });
  EXPECT_TRUE(f.ecs->describe_service_deployments({})->deployments.empty());
  EXPECT_EQ(f.transport.request_count(), 0u);

  std::vector<std::string> arns;
  for (int i = 0; i < 45; ++i) arns.push_back("sd-" + std::to_string(i));
  auto result = f.ecs->describe_service_deployments(arns);
  ASSERT_TRUE(result) << result.error().message;
  auto requests = f.transport.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(target_of(requests[0]), "AmazonEC2ContainerServiceV20141113.DescribeServiceDeployments");
  auto first = nlohmann::json::parse(requests[0].body);
  EXPECT_EQ(first.size(), 1u);  // serviceDeploymentArns only
  EXPECT_EQ(first.at("serviceDeploymentArns").size(), 20u);
  EXPECT_EQ(first.at("serviceDeploymentArns")[0], "sd-0");
  EXPECT_EQ(nlohmann::json::parse(requests[2].body).at("serviceDeploymentArns").size(), 5u);
  ASSERT_EQ(result->deployments.size(), 43u);
  EXPECT_EQ(result->deployments[0].arn, "sd-0");
  EXPECT_EQ(result->deployments[7].arn, "sd-8");
  EXPECT_EQ(result->deployments[42].arn, "sd-44");
  ASSERT_EQ(result->failures.size(), 2u);
  EXPECT_EQ(result->failures[0].arn, "sd-7");
  EXPECT_EQ(result->failures[1].arn, "sd-33");
  EXPECT_EQ(result->failures[1].reason, "MISSING");
}

TEST(EcsClient, DescribeServiceDeploymentsDecodesTheWholeAnswer) {
  EcsFixture f;
  f.transport.push(json_reply(200, k_service_deployments_json));
  auto result = f.ecs->describe_service_deployments({k_deployment_arn, "b", "gone"});
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->deployments.size(), 2u);
  EXPECT_EQ(result->deployments[0].lifecycle_stage, "BAKE_TIME");
  EXPECT_EQ(result->deployments[1].alarms.triggered_alarm_names, (std::vector<std::string>{"web-5xx"}));
  ASSERT_EQ(result->failures.size(), 1u);
  EXPECT_EQ(result->failures[0].reason, "MISSING");

  auto bad = k_service_deployments_json;
  bad["serviceDeployments"][1]["rollback"]["startedAt"] = "soon";
  f.transport.push(json_reply(200, bad));
  auto decoded = f.ecs->describe_service_deployments({k_deployment_arn, "b"});
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code, ErrorCode::aws_bad_response);
  EXPECT_EQ(
      decoded.error().message,
      "DescribeServiceDeployments response: /serviceDeployments/1/rollback/startedAt: expected a timestamp, "
      "got string");
}

TEST(EcsClient, DescribeServiceRevisionsBatchesByTwenty) {
  EcsFixture f;
  f.transport.on("DescribeServiceRevisions", [](const HttpRequest& request) -> Result<HttpResponse> {
    auto body = nlohmann::json::parse(request.body);
    nlohmann::json revisions = nlohmann::json::array();
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& arn : body.at("serviceRevisionArns")) {
      if (arn == "sr-20") {
        failures.push_back({{"arn", arn}, {"reason", "MISSING"}, {"detail", "no such revision"}});
        continue;
      }
      auto revision = k_service_revision_json;
      revision["serviceRevisionArn"] = arn;
      revisions.push_back(revision);
    }
    return json_reply(200, {{"serviceRevisions", revisions}, {"failures", failures}});
  });
  EXPECT_TRUE(f.ecs->describe_service_revisions({})->revisions.empty());
  EXPECT_EQ(f.transport.request_count(), 0u);

  std::vector<std::string> arns;
  for (int i = 0; i < 21; ++i) arns.push_back("sr-" + std::to_string(i));
  auto result = f.ecs->describe_service_revisions(arns);
  ASSERT_TRUE(result) << result.error().message;
  auto requests = f.transport.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(target_of(requests[1]), "AmazonEC2ContainerServiceV20141113.DescribeServiceRevisions");
  EXPECT_EQ(nlohmann::json::parse(requests[0].body).at("serviceRevisionArns").size(), 20u);
  EXPECT_EQ(nlohmann::json::parse(requests[1].body), (nlohmann::json{{"serviceRevisionArns", {"sr-20"}}}));
  ASSERT_EQ(result->revisions.size(), 20u);
  EXPECT_EQ(result->revisions[19].arn, "sr-19");
  EXPECT_EQ(result->revisions[0].task_definition, "arn:aws:ecs:us-east-1:123456789012:task-definition/web:9");
  EXPECT_EQ(result->revisions[0].resolved_target_groups.size(), 1u);
  ASSERT_EQ(result->failures.size(), 1u);
  EXPECT_EQ(result->failures[0].detail, "no such revision");

  f.transport.push(json_reply(200, {{"failures", nlohmann::json::array()}}));
  EXPECT_EQ(f.ecs->describe_service_revisions({"sr-1"}).error().message,
            "DescribeServiceRevisions response: /serviceRevisions is missing");
}

TEST(EcsClient, StopAndContinueServiceDeployment) {
  EcsFixture f;
  f.transport.on("StopServiceDeployment", [](const HttpRequest&) -> Result<HttpResponse> {
    return json_reply(200, {{"serviceDeploymentArn", k_deployment_arn}});
  });
  f.transport.on("ContinueServiceDeployment", [](const HttpRequest&) -> Result<HttpResponse> {
    return json_reply(200, {{"serviceDeploymentArn", k_deployment_arn}});
  });
  ASSERT_TRUE(f.ecs->stop_service_deployment(k_deployment_arn, StopType::rollback));
  ASSERT_TRUE(f.ecs->stop_service_deployment(k_deployment_arn, StopType::abort));
  ASSERT_TRUE(f.ecs->continue_service_deployment(k_deployment_arn, "hk-3c0f9a", HookAction::resume));
  ASSERT_TRUE(f.ecs->continue_service_deployment(k_deployment_arn, "", HookAction::rollback));
  auto requests = f.transport.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(target_of(requests[0]), "AmazonEC2ContainerServiceV20141113.StopServiceDeployment");
  EXPECT_EQ(nlohmann::json::parse(requests[0].body),
            (nlohmann::json{{"serviceDeploymentArn", k_deployment_arn}, {"stopType", "ROLLBACK"}}));
  EXPECT_EQ(nlohmann::json::parse(requests[1].body),
            (nlohmann::json{{"serviceDeploymentArn", k_deployment_arn}, {"stopType", "ABORT"}}));
  EXPECT_EQ(target_of(requests[2]), "AmazonEC2ContainerServiceV20141113.ContinueServiceDeployment");
  EXPECT_EQ(
      nlohmann::json::parse(requests[2].body),
      (nlohmann::json{
          {"serviceDeploymentArn", k_deployment_arn}, {"hookId", "hk-3c0f9a"}, {"action", "CONTINUE"}}));
  EXPECT_EQ(nlohmann::json::parse(requests[3].body),
            (nlohmann::json{{"serviceDeploymentArn", k_deployment_arn}, {"action", "ROLLBACK"}}));
}

// Every service deployments call, as a Status, for the error tables below.
std::vector<std::pair<std::string, std::function<Status(EcsApi&)>>> service_deployment_calls() {
  auto status_of = [](const auto& result) -> Status {
    if (!result) return fail(result.error());
    return {};
  };
  return {
      {"ListServiceDeployments",
       [status_of](EcsApi& ecs) {
         return status_of(ecs.list_service_deployments({"prod", "web", {}, {}}));
       }},
      {"DescribeServiceDeployments",
       [status_of](EcsApi& ecs) { return status_of(ecs.describe_service_deployments({k_deployment_arn})); }},
      {"DescribeServiceRevisions",
       [status_of](EcsApi& ecs) { return status_of(ecs.describe_service_revisions({k_green_revision})); }},
      {"StopServiceDeployment",
       [](EcsApi& ecs) { return ecs.stop_service_deployment(k_deployment_arn, StopType::rollback); }},
      {"ContinueServiceDeployment",
       [](EcsApi& ecs) {
         return ecs.continue_service_deployment(k_deployment_arn, "hk", HookAction::resume);
       }},
  };
}

TEST(EcsClient, ServiceDeploymentErrorsMapLikeEveryEcsCall) {
  for (const auto& [operation, call] : service_deployment_calls()) {
    EcsFixture f;
    f.transport.push(json_error(400, "AccessDeniedException",
                                "User: arn:aws:sts::123456789012:assumed-role/adjust/s is not authorized to "
                                "perform: ecs:" +
                                    operation,
                                "rq-1"));
    auto denied = call(*f.ecs);
    ASSERT_FALSE(denied) << operation;
    EXPECT_EQ(denied.error().code, ErrorCode::aws_auth) << operation;
    EXPECT_EQ(denied.error().aws_code, "AccessDeniedException");
    EXPECT_TRUE(denied.error().message.starts_with(operation + ": AccessDeniedException: "))
        << denied.error().message;

    f.transport.push(json_error(400, "UnsupportedFeatureException",
                                "The service deployments API is not supported in this Region.", "rq-2"));
    auto unsupported = call(*f.ecs);
    ASSERT_FALSE(unsupported) << operation;
    EXPECT_EQ(unsupported.error().code, ErrorCode::aws_client) << operation;
    EXPECT_EQ(unsupported.error().aws_code, "UnsupportedFeatureException");
    EXPECT_EQ(unsupported.error().http_status, 400);
    EXPECT_EQ(unsupported.error().message,
              operation +
                  ": UnsupportedFeatureException: The service deployments API is not supported in this "
                  "Region. (request id rq-2)");
    EXPECT_EQ(f.transport.request_count(), 2u) << operation << ": neither is retried";
  }
}

// A double that implements only the classic calls gets the defaults, which
// fail the way a real ECS without the API does.
class ClassicEcsOnly final : public EcsApi {
 public:
  Result<EcsServices> describe_services(const std::string&, const std::vector<std::string>&) override {
    return EcsServices{};
  }
  Result<EcsTaskDefinition> describe_task_definition(const std::string&) override {
    return EcsTaskDefinition{};
  }
  Result<EcsTaskDefinition> register_task_definition(const nlohmann::json&) override {
    return EcsTaskDefinition{};
  }
  Result<EcsTaskDefinition> deregister_task_definition(const std::string&) override {
    return EcsTaskDefinition{};
  }
  Result<std::vector<std::string>> list_task_definitions(const std::string&) override {
    return std::vector<std::string>{};
  }
  Result<EcsService> update_service(const UpdateServiceRequest&) override { return EcsService{}; }
  Result<std::vector<std::string>> list_tasks(const std::string&, const std::string&,
                                              const std::string&) override {
    return std::vector<std::string>{};
  }
  Result<EcsTasks> describe_tasks(const std::string&, const std::vector<std::string>&) override {
    return EcsTasks{};
  }
};

TEST(EcsClient, EcsApiDefaultsAnswerLikeAnEcsWithoutTheApi) {
  ClassicEcsOnly ecs;
  for (const auto& [operation, call] : service_deployment_calls()) {
    auto result = call(ecs);
    ASSERT_FALSE(result) << operation;
    EXPECT_EQ(result.error().code, ErrorCode::aws_client) << operation;
    EXPECT_EQ(result.error().aws_code, "UnsupportedFeatureException");
    EXPECT_EQ(result.error().http_status, 400);
    EXPECT_TRUE(result.error().message.starts_with(operation + ": UnsupportedFeatureException")) << operation;
  }
}
}  // namespace
TEST(EcsClient, UpdateServiceSendsOnlyWhatChangesAndKeepsTheRestOfTheDeploymentConfiguration) {
  UpdateServiceRequest count_only{"prod", "web", {}, 4, {}};
  EXPECT_EQ(to_json(count_only),
            (nlohmann::json{{"cluster", "prod"}, {"service", "web"}, {"desiredCount", 4}}));

  UpdateServiceRequest limits{"prod", "web", "arn:td/web:9", {}, UpdateServiceRequest::DeploymentLimits{}};
  limits.deployment_limits->current = {{"maximumPercent", 200},
                                       {"minimumHealthyPercent", 100},
                                       {"deploymentCircuitBreaker", {{"enable", true}, {"rollback", true}}},
                                       {"strategy", "BLUE_GREEN"}};
  limits.deployment_limits->minimum_healthy_percent = 50;
  nlohmann::json wire = to_json(limits);
  EXPECT_EQ(wire.at("taskDefinition"), "arn:td/web:9");
  EXPECT_FALSE(wire.contains("desiredCount"));
  EXPECT_EQ(wire.at("deploymentConfiguration"),
            (nlohmann::json{{"maximumPercent", 200},
                            {"minimumHealthyPercent", 50},
                            {"deploymentCircuitBreaker", {{"enable", true}, {"rollback", true}}},
                            {"strategy", "BLUE_GREEN"}}));
}

}  // namespace adjust
