// End to end against moto_server on loopback: the real transport, signer and
// client create and read back a cluster, task definition and service.
// Skipped (loudly) when moto_server is not installed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "adjust/aws/client.hpp"
#include "adjust/aws/curl_transport.hpp"
#include "adjust/aws/ecs_client.hpp"
#include "adjust/aws/elbv2_client.hpp"
#include "adjust/aws/sts_client.hpp"

extern char** environ;

namespace adjust {
namespace {

using namespace std::chrono_literals;

int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

class MotoSmoke : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v moto_server >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "*** moto_server not found on PATH: moto smoke test SKIPPED ***";
    }
    m_port = free_loopback_port();
    std::string port = std::to_string(m_port);
    std::vector<std::string> args{"moto_server", "-H", "127.0.0.1", "-p", port};
    std::vector<char*> argv;
    for (auto& arg : args) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    int spawned = posix_spawnp(&m_pid, "moto_server", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ASSERT_EQ(spawned, 0) << "cannot start moto_server";
    // Waiting for a separate process to listen needs real time; bounded at 20 s.
    HttpRequest ping;
    ping.method = "GET";
    ping.url = url() + "/moto-api/";
    ping.timeout = 1000ms;
    for (int i = 0; i < 400; ++i) {
      if (auto response = m_transport.send(ping); response && response->status == 200) {
        m_ready = true;
        break;
      }
      std::this_thread::sleep_for(50ms);
    }
    ASSERT_TRUE(m_ready) << "moto_server did not come up on " << url();
  }

  void TearDown() override {
    if (m_pid > 0) {
      ::kill(m_pid, SIGTERM);
      int status = 0;
      ::waitpid(m_pid, &status, 0);
    }
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

  std::unique_ptr<AwsClient> client(AwsService service) {
    AwsClientOptions options;
    options.endpoint = ServiceEndpoint{url(), std::string(signing_name(service)), "us-east-1"};
    return std::make_unique<AwsClient>(m_transport, m_credentials, m_clock, null_logger(), options);
  }

  CurlTransport m_transport;
  StaticCredentialsProvider m_credentials{Credentials{
      "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "", std::nullopt, "test"}};
  SystemClock m_clock;
  pid_t m_pid = -1;
  int m_port = 0;
  bool m_ready = false;
};

TEST_F(MotoSmoke, CreateAndDescribeClusterTaskDefinitionAndService) {
  auto aws = client(AwsService::ecs);
  EcsClient ecs(*aws);
  ASSERT_TRUE(aws->call_json(k_ecs_target_prefix, "CreateCluster", {{"clusterName", "prod"}}));
  auto registered = ecs.register_task_definition(nlohmann::json::parse(R"({
    "family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
    "cpu": "256", "memory": "512",
    "containerDefinitions": [{"name": "web", "image": "nginx:1.25", "essential": true,
      "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
      "environment": [{"name": "MODE", "value": "prod"}]}],
    "tags": [{"key": "team", "value": "platform"}]})"));
  ASSERT_TRUE(registered) << registered.error().message;
  std::string arn = registered->arn();
  EXPECT_NE(arn.find("task-definition/web:1"), std::string::npos) << arn;

  // No networkConfiguration: moto accepts that, and its subnets are random.
  auto created = aws->call_json(k_ecs_target_prefix, "CreateService", nlohmann::json::parse(R"({
    "cluster": "prod", "serviceName": "web", "taskDefinition": ")" + arn + R"(",
    "desiredCount": 2, "launchType": "FARGATE"})"));
  ASSERT_TRUE(created) << created.error().message;

  auto described = ecs.describe_services("prod", {"web", "nope"});
  ASSERT_TRUE(described) << described.error().message;
  ASSERT_EQ(described->services.size(), 1u);
  const auto& service = described->services[0];
  EXPECT_EQ(service.name, "web");
  EXPECT_EQ(service.desired_count, 2);
  EXPECT_EQ(service.task_definition, arn);
  EXPECT_TRUE(is_fargate(service));
  ASSERT_FALSE(service.deployments.empty());
  EXPECT_EQ(service.deployments[0].status, DeploymentStatus::primary);
  ASSERT_EQ(described->failures.size(), 1u);
  EXPECT_EQ(described->failures[0].reason, "MISSING");

  auto definition = ecs.describe_task_definition("web:1");
  ASSERT_TRUE(definition) << definition.error().message;
  EXPECT_EQ(definition->task_definition.at("cpu"), "256");
  EXPECT_EQ(definition->task_definition.at("containerDefinitions").at(0).at("environment").at(0).at("value"),
            "prod");
  ASSERT_EQ(definition->tags.size(), 1u);
  EXPECT_EQ(definition->tags.at(0).at("key"), "team");

  auto tasks = ecs.list_tasks("prod", "web", "RUNNING");
  ASSERT_TRUE(tasks) << tasks.error().message;

  auto updated = ecs.update_service(UpdateServiceRequest{"prod", "web", {}, 3, {}});
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->desired_count, 3);

  auto missing_cluster = ecs.describe_services("nope", {"web"});
  ASSERT_FALSE(missing_cluster);
  EXPECT_EQ(missing_cluster.error().code, ErrorCode::not_found);
  EXPECT_EQ(missing_cluster.error().aws_code, "ClusterNotFoundException");
}

TEST_F(MotoSmoke, ElbUnknownTargetGroupAndStsIdentity) {
  auto elb_client = client(AwsService::elbv2);
  Elbv2Client elb(*elb_client);
  auto health = elb.describe_target_health(
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/nope/0123456789abcdef");
  ASSERT_FALSE(health);
  EXPECT_EQ(health.error().code, ErrorCode::not_found);
  EXPECT_EQ(health.error().aws_code, "TargetGroupNotFound");

  auto sts_client = client(AwsService::sts);
  StsClient sts(*sts_client);
  auto identity = sts.get_caller_identity();
  ASSERT_TRUE(identity) << identity.error().message;
  EXPECT_EQ(identity->account, "123456789012");
}

}  // namespace
}  // namespace adjust
