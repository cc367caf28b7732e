// ECS hot paths: decoding a large DescribeServices answer (parse + decode, as
// EcsClient does for each poll) and building a RegisterTaskDefinition body
// from a 10-container task definition (the clone every adjustment makes).
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>
#include <string>

#include "adjust/aws/ecs_client.hpp"
#include "adjust/logic/task_definition.hpp"

namespace adjust {
namespace {

using json = nlohmann::json;

// One service as ECS describes it mid-deployment: two deployments, 100 events
// (ECS keeps the newest 100), a load balancer and network configuration.
json large_service(int index) {
  const std::string name = "service-" + std::to_string(index);
  const std::string arn_base = "arn:aws:ecs:us-east-1:123456789012:";
  json events = json::array();
  for (int i = 0; i < 100; ++i) {
    events.push_back(
        {{"id", "0123abcd-0000-4000-8000-" + std::to_string(100000000000 + i)},
         {"createdAt", 1.7e9 + i},
         {"message", "(service " + name + ") has started 2 tasks: (task 0123456789abcdef" +
                         std::to_string(i) + ") (task fedcba9876543210" + std::to_string(i) + ")."}});
  }
  json deployments = json::array();
  for (int i = 0; i < 2; ++i) {
    deployments.push_back(
        {{"id", "ecs-svc/" + std::to_string(1234567890123456789 + i)},
         {"status", i == 0 ? "PRIMARY" : "ACTIVE"},
         {"taskDefinition", arn_base + "task-definition/" + name + ":" + std::to_string(2 - i)},
         {"desiredCount", i == 0 ? 4 : 0},
         {"pendingCount", 1},
         {"runningCount", 3},
         {"failedTasks", 0},
         {"createdAt", 1.7e9},
         {"updatedAt", 1.7e9 + 60},
         {"launchType", "FARGATE"},
         {"platformVersion", "1.4.0"},
         {"rolloutState", "IN_PROGRESS"},
         {"rolloutStateReason", "ECS deployment in progress."},
         {"networkConfiguration",
          {{"awsvpcConfiguration",
            {{"subnets", {"subnet-0123456789abcdef0", "subnet-0123456789abcdef1"}},
             {"securityGroups", {"sg-0123456789abcdef0"}},
             {"assignPublicIp", "DISABLED"}}}}}});
  }
  return {{"serviceArn", arn_base + "service/prod/" + name},
          {"serviceName", name},
          {"clusterArn", arn_base + "cluster/prod"},
          {"loadBalancers",
           {{{"targetGroupArn", "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/" + name +
                                    "/0123456789abcdef"},
             {"containerName", "app"},
             {"containerPort", 8080}}}},
          {"status", "ACTIVE"},
          {"desiredCount", 4},
          {"runningCount", 6},
          {"pendingCount", 1},
          {"launchType", "FARGATE"},
          {"platformVersion", "LATEST"},
          {"taskDefinition", arn_base + "task-definition/" + name + ":2"},
          {"deploymentConfiguration",
           {{"deploymentCircuitBreaker", {{"enable", true}, {"rollback", true}}},
            {"maximumPercent", 200},
            {"minimumHealthyPercent", 100}}},
          {"deployments", deployments},
          {"events", events},
          {"createdAt", 1.6e9},
          {"schedulingStrategy", "REPLICA"},
          {"deploymentController", {{"type", "ECS"}}},
          {"enableECSManagedTags", true},
          {"propagateTags", "SERVICE"},
          {"enableExecuteCommand", false}};
}

// A full batch: 10 services (DescribeServices' maximum), about 170 KiB.
std::string describe_services_body() {
  json services = json::array();
  for (int i = 0; i < 10; ++i) services.push_back(large_service(i));
  return json{{"services", services}, {"failures", json::array()}}.dump();
}

void BM_DecodeDescribeServices10x100Events(benchmark::State& state) {
  const std::string body = describe_services_body();
  for (auto _ : state) {
    json parsed = json::parse(body);
    const json& services = parsed.at("services");
    for (std::size_t i = 0; i < services.size(); ++i) {
      benchmark::DoNotOptimize(
          decode_ecs_service(services[i], "DescribeServices response", "/services/" + std::to_string(i)));
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(body.size()));
  state.counters["body_KiB"] = static_cast<double>(body.size()) / 1024.0;
}
BENCHMARK(BM_DecodeDescribeServices10x100Events)->Unit(benchmark::kMicrosecond);

// A DescribeTaskDefinition answer with 10 containers, each with env vars,
// secrets, port mappings, logging and health checks.
json ten_container_task_definition() {
  json containers = json::array();
  for (int i = 0; i < 10; ++i) {
    const std::string name = i == 0 ? "app" : "sidecar-" + std::to_string(i);
    json environment = json::array();
    for (int e = 0; e < 15; ++e) {
      environment.push_back({{"name", "VAR_" + std::to_string(e)}, {"value", "value-" + std::to_string(e)}});
    }
    containers.push_back(
        {{"name", name},
         {"image", "123456789012.dkr.ecr.us-east-1.amazonaws.com/" + name + ":1.2.3"},
         {"cpu", 64},
         {"memoryReservation", 128},
         {"essential", i == 0},
         {"portMappings", {{{"containerPort", 8080 + i}, {"hostPort", 8080 + i}, {"protocol", "tcp"}}}},
         {"environment", environment},
         {"secrets",
          {{{"name", "DB_PASSWORD"},
            {"valueFrom", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"}}}},
         {"logConfiguration",
          {{"logDriver", "awslogs"},
           {"options",
            {{"awslogs-group", "/ecs/" + name},
             {"awslogs-region", "us-east-1"},
             {"awslogs-stream-prefix", "ecs"}}}}},
         {"healthCheck",
          {{"command", {"CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"}},
           {"interval", 30},
           {"timeout", 5},
           {"retries", 3}}},
         {"mountPoints", json::array()},
         {"volumesFrom", json::array()}});
  }
  return {{"taskDefinitionArn", "arn:aws:ecs:us-east-1:123456789012:task-definition/app:7"},
          {"family", "app"},
          {"revision", 7},
          {"status", "ACTIVE"},
          {"taskRoleArn", "arn:aws:iam::123456789012:role/app-task"},
          {"executionRoleArn", "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"},
          {"networkMode", "awsvpc"},
          {"cpu", "1024"},
          {"memory", "2048"},
          {"requiresCompatibilities", {"FARGATE"}},
          {"compatibilities", {"EC2", "FARGATE"}},
          {"requiresAttributes", {{{"name", "com.amazonaws.ecs.capability.task-iam-role"}}}},
          {"registeredAt", 1.7e9},
          {"registeredBy", "arn:aws:iam::123456789012:user/ci"},
          {"volumes", json::array()},
          {"placementConstraints", json::array()},
          {"containerDefinitions", containers}};
}

void BM_BuildRegisterTaskDefinition10Containers(benchmark::State& state) {
  const json task_definition = ten_container_task_definition();
  const json tags = {{{"key", "team"}, {"value", "platform"}}};
  TaskDefinitionChange change;
  change.cpu_units = 2048;
  change.memory_mib = 4096;
  change.env = {{"app", "VAR_3", "tuned"}, {"app", "GOGC", "150"}};
  for (auto _ : state) {
    auto cloned = clone_task_definition(task_definition, tags, change);
    if (!cloned) {
      state.SkipWithError(cloned.error().message.c_str());
      break;
    }
    // The body as sent: serialised once per call.
    benchmark::DoNotOptimize(cloned->register_request.dump());
  }
}
BENCHMARK(BM_BuildRegisterTaskDefinition10Containers)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace adjust
