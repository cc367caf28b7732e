#include "adjust/aws/ecs_client.hpp"

#include <gtest/gtest.h>

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
