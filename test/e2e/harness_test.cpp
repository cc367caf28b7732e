// Proves the test harness itself: process helpers, the shared moto_server and
// its seeding, and the awssim simulator (proxying, fault rules, the ECS
// deployment model on an advanceable clock, IMDSv2, the request log).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "support/moto_fixture.hpp"
#include "support/process.hpp"
#include "support/sim_fixture.hpp"

namespace adjust::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

HttpResult ecs_call(const std::string& endpoint, const std::string& operation, const json& body) {
  return http_request(
      "POST", endpoint + "/",
      {"X-Amz-Target: AmazonEC2ContainerServiceV20141113." + operation,
       "Content-Type: application/x-amz-json-1.1", std::string("X-Amz-Date: ") + k_fake_amz_date,
       "Authorization: " + fake_sigv4_authorization("ecs")},
      body.dump());
}

HttpResult query_call(const std::string& endpoint, const std::string& signing_service,
                      const std::string& form) {
  return http_request("POST", endpoint + "/",
                      {"Content-Type: application/x-www-form-urlencoded; charset=utf-8",
                       std::string("X-Amz-Date: ") + k_fake_amz_date,
                       "Authorization: " + fake_sigv4_authorization(signing_service)},
                      form);
}

std::string url_encode(const std::string& text) {
  std::string out;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// ip -> state from a DescribeTargetHealth answer.
std::map<std::string, std::string> target_states(const std::string& endpoint, const std::string& tg_arn) {
  auto r = query_call(endpoint, "elasticloadbalancing",
                      "Action=DescribeTargetHealth&Version=2015-12-01&TargetGroupArn=" + url_encode(tg_arn));
  EXPECT_EQ(r.status, 200) << r.body;
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(r.body.c_str()));
  std::map<std::string, std::string> out;
  for (auto member : doc.select_nodes("//TargetHealthDescriptions/member")) {
    out[member.node().child("Target").child_value("Id")] =
        member.node().child("TargetHealth").child_value("State");
  }
  return out;
}

SeedOptions seed_options(bool two_containers, bool iam) {
  SeedOptions options;
  options.two_containers = two_containers;
  options.iam = iam;
  return options;
}

SimFixture::Options proxy_to(const std::string& upstream) {
  SimFixture::Options options;
  options.upstream = upstream;
  return options;
}

const std::string k_tg =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/0123456789abcdef";
const std::string k_td1 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1";
const std::string k_td2 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2";

// Fake-only seed: cluster demo, service web (desired 2, steady) behind k_tg, web:1 and web:2.
void seed_fake(SimFixture& sim) {
  json td = {{"family", "web"},
             {"cpu", "256"},
             {"memory", "512"},
             {"networkMode", "awsvpc"},
             {"requiresCompatibilities", {"FARGATE"}},
             {"containerDefinitions", {{{"name", "web"}, {"image", "nginx:1.25"}}}}};
  json td2 = td;
  td2["revision"] = 2;
  td2["cpu"] = "512";
  td2["memory"] = "1024";
  sim.control("seed",
              {{"cluster", "demo"},
               {"task_definitions", {td, td2}},
               {"service",
                {{"serviceName", "web"},
                 {"desiredCount", 2},
                 {"taskDefinition", "web:1"},
                 {"loadBalancers",
                  {{{"targetGroupArn", k_tg}, {"containerName", "web"}, {"containerPort", 8080}}}}}}});
}

json describe_web(const std::string& endpoint) {
  auto r = ecs_call(endpoint, "DescribeServices", {{"cluster", "demo"}, {"services", {"web"}}});
  EXPECT_EQ(r.status, 200) << r.body;
  return json::parse(r.body).at("services").at(0);
}

const json* find_deployment(const json& service, const std::string& status) {
  for (const auto& d : service.at("deployments")) {
    if (d.at("status") == status) return &d;
  }
  return nullptr;
}

// ---- process helpers --------------------------------------------------------------------

TEST(HarnessProcess, FreeLoopbackPortIsUsable) {
  int port = free_loopback_port();
  EXPECT_GT(port, 1024);
  EXPECT_LT(port, 65536);
}

TEST(HarnessProcess, RunCommandPipesStdinAndCapturesBothStreams) {
  CommandOptions options;
  options.stdin_text = "hello\n";
  auto r = run_command({"sh", "-c", "cat; echo oops >&2; exit 3"}, options);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "hello\n");
  EXPECT_EQ(r.err, "oops\n");
  EXPECT_FALSE(r.timed_out);
}

TEST(HarnessProcess, RunCommandDoesNotDeadlockOnLargeOutput) {
  CommandOptions options;
  options.timeout = 20s;
  auto r = run_command({"sh", "-c", "head -c 3000000 /dev/zero; head -c 3000000 /dev/zero >&2"}, options);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.size(), 3000000u);
  EXPECT_EQ(r.err.size(), 3000000u);
}

TEST(HarnessProcess, RunCommandIsBoundedInTimeEvenWithStdinLeftOpen) {
  auto start = std::chrono::steady_clock::now();
  CommandOptions options;
  options.stdin_text = "x";
  options.close_stdin = false;
  options.timeout = 300ms;
  auto r = run_command({"cat"}, options);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.out, "x");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(HarnessProcess, RunCommandPassesEnvironment) {
  CommandOptions options;
  options.env = {{"ADJUST_HARNESS_VAR", "v1"}};
  auto r = run_command({"sh", "-c", "printf %s \"$ADJUST_HARNESS_VAR\""}, options);
  EXPECT_EQ(r.out, "v1");
}

// ---- moto -------------------------------------------------------------------------------

TEST(HarnessMoto, StartsSeedsAndResets) {
  ADJUST_REQUIRE_MOTO(moto);
  moto->reset(7);
  json seeded = seed_moto(moto->endpoint(), seed_options(true, true));
  EXPECT_EQ(seeded.at("task_definition_arn"), k_td1);
  EXPECT_TRUE(seeded.at("iam").at("ci").at("access_key_id").get<std::string>().starts_with("AKIA"));

  auto service = describe_web(moto->endpoint());
  EXPECT_EQ(service.at("serviceName"), "web");
  EXPECT_EQ(service.at("desiredCount"), 2);

  auto td = ecs_call(moto->endpoint(), "DescribeTaskDefinition",
                     {{"taskDefinition", "web:1"}, {"include", {"TAGS"}}});
  ASSERT_EQ(td.status, 200);
  auto parsed = json::parse(td.body);
  EXPECT_EQ(parsed.at("tags").at(0).at("key"), "team");
  auto container = parsed.at("taskDefinition").at("containerDefinitions").at(0);
  EXPECT_TRUE(container.contains("secrets"));
  EXPECT_TRUE(container.contains("logConfiguration"));

  moto->reset(7);
  auto after = ecs_call(moto->endpoint(), "DescribeServices", {{"cluster", "demo"}, {"services", {"web"}}});
  EXPECT_NE(after.body.find("ClusterNotFoundException"), std::string::npos) << after.body;
}

TEST(HarnessMoto, SigV4VerificationCanBeSwitchedOn) {
  ADJUST_REQUIRE_MOTO(moto);
  moto->reset();
  seed_moto(moto->endpoint());
  moto->enable_auth();
  auto rejected = ecs_call(moto->endpoint(), "ListClusters", json::object());
  EXPECT_EQ(rejected.status, 403) << rejected.body;
  moto->reset();  // also turns verification off again
  EXPECT_EQ(ecs_call(moto->endpoint(), "ListClusters", json::object()).status, 200);
}

// ---- the simulator in front of moto -----------------------------------------------------

TEST(HarnessSim, ProxiesDescribeServicesToMotoUnchanged) {
  ADJUST_REQUIRE_MOTO(moto);
  moto->reset();
  seed_moto(moto->endpoint(), seed_options(false, false));
  SimFixture sim(proxy_to(moto->endpoint()));
  sim.control("config", {{"learn_services", false}});
  json request = {{"cluster", "demo"}, {"services", {"web"}}};
  auto direct = ecs_call(moto->endpoint(), "DescribeServices", request);
  auto proxied = ecs_call(sim.endpoint(), "DescribeServices", request);
  ASSERT_EQ(proxied.status, 200) << proxied.body;
  EXPECT_EQ(json::parse(proxied.body), json::parse(direct.body));
  EXPECT_EQ(sim.count("DescribeServices"), 1);
}

TEST(HarnessSim, ConvergesAnUpdateProxiedToMoto) {
  ADJUST_REQUIRE_MOTO(moto);
  moto->reset();
  json seeded = seed_moto(moto->endpoint(), seed_options(true, false));
  SimFixture sim(proxy_to(moto->endpoint()));
  sim.set_scenario({{"service", "web"}, {"scenario", "converge"}, {"step", 5}, {"health_delay", 10}});
  describe_web(sim.endpoint());  // the sim learns the steady service from moto's answer
  std::string td2 = seeded.at("task_definition_two_containers_arn");
  auto update = ecs_call(sim.endpoint(), "UpdateService",
                         {{"cluster", "demo"}, {"service", "web"}, {"taskDefinition", td2}});
  ASSERT_EQ(update.status, 200) << update.body;
  auto primary = *find_deployment(json::parse(update.body).at("service"), "PRIMARY");
  EXPECT_EQ(primary.at("taskDefinition"), td2);
  EXPECT_EQ(primary.at("rolloutState"), "IN_PROGRESS");
  sim.advance(120);
  auto service = describe_web(sim.endpoint());
  ASSERT_EQ(service.at("deployments").size(), 1u);
  EXPECT_EQ(service.at("deployments").at(0).at("rolloutState"), "COMPLETED");
  EXPECT_EQ(service.at("taskDefinition"), td2);
  for (const auto& [ip, state] : target_states(sim.endpoint(), seeded.at("target_group_arn"))) {
    EXPECT_EQ(state, "healthy") << ip;
  }
}

// ---- the simulator alone (fake-only): always runs ---------------------------------------

TEST(HarnessSim, ThrottlesTheFirstTwoCallsThenPassesThrough) {
  SimFixture sim;
  seed_fake(sim);
  sim.add_rule({{"match", {{"service", "ecs"}, {"operation", "DescribeServices"}}},
                {"first", 2},
                {"action", "throttle"}});
  json request = {{"cluster", "demo"}, {"services", {"web"}}};
  for (int i = 0; i < 2; ++i) {
    auto r = ecs_call(sim.endpoint(), "DescribeServices", request);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.header("X-Amzn-ErrorType"), "ThrottlingException");
    EXPECT_EQ(json::parse(r.body), json({{"__type", "ThrottlingException"}, {"message", "Rate exceeded"}}));
  }
  auto ok = ecs_call(sim.endpoint(), "DescribeServices", request);
  EXPECT_EQ(ok.status, 200) << ok.body;
  auto log = sim.requests("operation=DescribeServices");
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log.at(0).at("fault"), "throttle");
  EXPECT_EQ(log.at(2).at("status"), 200);
  EXPECT_EQ(log.at(2).at("signing_service"), "ecs");
  EXPECT_FALSE(log.dump().contains("Signature=")) << "the log must not carry Authorization values";
}

TEST(HarnessSim, QueryThrottleAndConnectionReset) {
  SimFixture sim;
  seed_fake(sim);
  sim.add_rule({{"service", "elbv2"}, {"call", 1}, {"action", "throttle"}});
  sim.add_rule({{"service", "ecs"}, {"operation", "ListTasks"}, {"action", "reset"}});
  auto form = "Action=DescribeTargetHealth&Version=2015-12-01&TargetGroupArn=" + url_encode(k_tg);
  auto throttled = query_call(sim.endpoint(), "elasticloadbalancing", form);
  EXPECT_EQ(throttled.status, 400);
  EXPECT_NE(throttled.body.find("<Code>Throttling</Code>"), std::string::npos);
  EXPECT_EQ(query_call(sim.endpoint(), "elasticloadbalancing", form).status, 200);
  auto reset = ecs_call(sim.endpoint(), "ListTasks", {{"cluster", "demo"}});
  EXPECT_EQ(reset.status, 0);
  EXPECT_FALSE(reset.error.empty());
}

TEST(HarnessSim, ConvergeGoesInProgressToCompletedWithHealthyTargets) {
  SimFixture sim;
  seed_fake(sim);
  sim.set_scenario(
      {{"service", "web"}, {"scenario", "converge"}, {"step", 5}, {"health_delay", 10}, {"drain_delay", 10}});
  auto old_targets = target_states(sim.endpoint(), k_tg);
  ASSERT_EQ(old_targets.size(), 2u);

  auto update = ecs_call(sim.endpoint(), "UpdateService",
                         {{"cluster", "demo"}, {"service", "web"}, {"taskDefinition", "web:2"}});
  ASSERT_EQ(update.status, 200) << update.body;
  auto service = json::parse(update.body).at("service");
  ASSERT_EQ(service.at("deployments").size(), 2u);
  const json primary = *find_deployment(service, "PRIMARY");
  EXPECT_EQ(primary.at("taskDefinition"), k_td2);
  EXPECT_EQ(primary.at("rolloutState"), "IN_PROGRESS");
  EXPECT_TRUE(primary.at("id").get<std::string>().starts_with("ecs-svc/"));
  ASSERT_NE(find_deployment(service, "ACTIVE"), nullptr);

  bool saw_initial = false, saw_draining = false, completed = false;
  for (int i = 0; i < 20 && !completed; ++i) {
    sim.advance(5);
    for (const auto& [ip, state] : target_states(sim.endpoint(), k_tg)) {
      saw_initial |= state == "initial";
      saw_draining |= state == "draining" && old_targets.contains(ip);
    }
    service = describe_web(sim.endpoint());
    completed = service.at("deployments").size() == 1 &&
                service.at("deployments").at(0).at("rolloutState") == "COMPLETED";
  }
  ASSERT_TRUE(completed) << service.dump(2);
  EXPECT_TRUE(saw_initial);
  EXPECT_TRUE(saw_draining);
  EXPECT_EQ(service.at("deployments").at(0).at("id"), primary.at("id"));
  EXPECT_EQ(service.at("runningCount"), 2);
  EXPECT_EQ(service.at("events").at(0).at("message"), "(service web) has reached a steady state.");

  auto listed = ecs_call(sim.endpoint(), "ListTasks", {{"cluster", "demo"}, {"serviceName", "web"}});
  auto arns = json::parse(listed.body).at("taskArns");
  ASSERT_EQ(arns.size(), 2u);
  auto described =
      json::parse(ecs_call(sim.endpoint(), "DescribeTasks", {{"cluster", "demo"}, {"tasks", arns}}).body);
  auto targets = target_states(sim.endpoint(), k_tg);
  EXPECT_EQ(targets.size(), 2u);
  for (const auto& task : described.at("tasks")) {
    EXPECT_EQ(task.at("taskDefinitionArn"), k_td2);
    EXPECT_EQ(task.at("startedBy"), primary.at("id"));
    EXPECT_EQ(task.at("lastStatus"), "RUNNING");
    std::string ip;
    for (const auto& d : task.at("attachments").at(0).at("details")) {
      if (d.at("name") == "privateIPv4Address") ip = d.at("value");
    }
    EXPECT_EQ(targets[ip], "healthy") << ip;
  }
}

TEST(HarnessSim, BreakerRollbackFailsThenRollsBackToTheOldTaskDefinition) {
  SimFixture sim;
  seed_fake(sim);
  sim.set_scenario({{"service", "web"}, {"scenario", "breaker_rollback"}, {"failure", "oom"}, {"step", 5}});
  ASSERT_EQ(ecs_call(sim.endpoint(), "UpdateService",
                     {{"cluster", "demo"}, {"service", "web"}, {"taskDefinition", k_td2}})
                .status,
            200);
  std::string failed_id;
  json service;
  for (int i = 0; i < 30 && failed_id.empty(); ++i) {
    sim.advance(5);
    service = describe_web(sim.endpoint());
    for (const auto& d : service.at("deployments")) {
      if (d.at("rolloutState") == "FAILED") {
        failed_id = d.at("id");
        EXPECT_EQ(d.at("taskDefinition"), k_td2);
        EXPECT_GE(d.at("failedTasks").get<int>(), 3);
        EXPECT_TRUE(
            d.at("rolloutStateReason").get<std::string>().starts_with("ECS deployment circuit breaker"));
      }
    }
  }
  ASSERT_FALSE(failed_id.empty()) << service.dump(2);
  const json* primary = find_deployment(service, "PRIMARY");
  ASSERT_NE(primary, nullptr);
  EXPECT_EQ(primary->at("taskDefinition"), k_td1);
  EXPECT_NE(primary->at("id"), failed_id);

  auto stopped =
      json::parse(ecs_call(sim.endpoint(), "ListTasks",
                           {{"cluster", "demo"}, {"serviceName", "web"}, {"desiredStatus", "STOPPED"}})
                      .body);
  ASSERT_FALSE(stopped.at("taskArns").empty());
  auto task = json::parse(ecs_call(sim.endpoint(), "DescribeTasks",
                                   {{"cluster", "demo"}, {"tasks", {stopped.at("taskArns").at(0)}}})
                              .body)
                  .at("tasks")
                  .at(0);
  EXPECT_EQ(task.at("stopCode"), "EssentialContainerExited");
  EXPECT_TRUE(task.at("containers").at(0).at("reason").get<std::string>().starts_with("OutOfMemoryError"));

  sim.advance(120);
  service = describe_web(sim.endpoint());
  ASSERT_EQ(service.at("deployments").size(), 1u) << service.dump(2);
  EXPECT_EQ(service.at("deployments").at(0).at("rolloutState"), "COMPLETED");
  EXPECT_EQ(service.at("taskDefinition"), k_td1);
}

TEST(HarnessSim, Imdsv2TokenFlow) {
  SimFixture sim;
  json creds_doc = {
      {"AccessKeyId", "AKIDIMDS"}, {"SecretAccessKey", "s"}, {"Token", "t"}, {"expires_in", 3600}};
  json imds = {{"role", "servo"}, {"credentials", creds_doc}};
  sim.control("credentials", {{"imds", imds}});
  const std::string base = sim.endpoint() + "/latest/";
  EXPECT_EQ(http_request("PUT", base + "api/token").status, 400) << "the TTL header is required";
  auto token = http_request("PUT", base + "api/token", {"x-aws-ec2-metadata-token-ttl-seconds: 21600"});
  ASSERT_EQ(token.status, 200);
  EXPECT_EQ(http_request("GET", base + "meta-data/iam/security-credentials/").status, 401);
  std::string auth = "x-aws-ec2-metadata-token: " + token.body;
  auto role = http_request("GET", base + "meta-data/iam/security-credentials/", {auth});
  EXPECT_EQ(role.body, "servo");
  auto creds = http_request("GET", base + "meta-data/iam/security-credentials/servo", {auth});
  ASSERT_EQ(creds.status, 200);
  auto parsed = json::parse(creds.body);
  EXPECT_EQ(parsed.at("AccessKeyId"), "AKIDIMDS");
  EXPECT_EQ(parsed.at("Code"), "Success");
  EXPECT_TRUE(parsed.contains("Expiration"));

  sim.control("credentials", {{"imds", {{"token_mode", "405"}, {"require_token", false}}}});
  EXPECT_EQ(http_request("PUT", base + "api/token", {"x-aws-ec2-metadata-token-ttl-seconds: 60"}).status,
            405);
  EXPECT_EQ(http_request("GET", base + "meta-data/iam/security-credentials/servo").status, 200)
      << "IMDSv1 fallback";
}

TEST(HarnessSim, ContainerCredentialsNeedTheAuthorizationValue) {
  SimFixture sim;
  sim.control("credentials", {{"container", {{"authorization", "secret-token"}}}});
  EXPECT_EQ(http_request("GET", sim.endpoint() + "/v2/credentials/abc").status, 401);
  auto ok = http_request("GET", sim.endpoint() + "/v2/credentials/abc", {"Authorization: secret-token"});
  ASSERT_EQ(ok.status, 200);
  EXPECT_TRUE(json::parse(ok.body).contains("SecretAccessKey"));
}

TEST(HarnessSim, RequestLogCountsCallsPerOperation) {
  SimFixture sim;
  seed_fake(sim);
  for (int i = 0; i < 3; ++i) describe_web(sim.endpoint());
  ecs_call(sim.endpoint(), "ListTasks", {{"cluster", "demo"}});
  query_call(sim.endpoint(), "elasticloadbalancing",
             "Action=DescribeTargetHealth&Version=2015-12-01&TargetGroupArn=" + url_encode(k_tg));
  EXPECT_EQ(sim.count("DescribeServices"), 3);
  EXPECT_EQ(sim.count("ListTasks"), 1);
  EXPECT_EQ(sim.count("DescribeTargetHealth"), 1);
  EXPECT_EQ(sim.requests().size(), 5u);
  sim.control("requests", json::object(), "DELETE");
  EXPECT_TRUE(sim.requests().empty());
}

}  // namespace
}  // namespace adjust::testing
