// Issue 3 "done when", proven with the real `adjust` binary: `adjust --query`
// against moto (signature verification ON, so a wrong signature fails the test)
// or the awssim simulator, with credentials from every source of the chain,
// throttling and permanent failures, and unusual services. (The secrets canary
// runs are in secret_hygiene_test.cpp.)
//
// Every run uses a clean environment (`env -i`): only PATH, HOME=<temp dir> and
// what the case needs. Tests needing moto skip loudly when it is missing.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "support/adjust_run.hpp"
#include "support/moto_fixture.hpp"
#include "support/process.hpp"
#include "support/sim_fixture.hpp"

namespace adjust::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

struct QueryConfig {
  explicit QueryConfig(std::string url) : endpoint(std::move(url)) {}
  QueryConfig& service_name(std::string name) {
    service = std::move(name);
    return *this;
  }
  QueryConfig& in_cluster(std::string name) {
    cluster = std::move(name);
    return *this;
  }
  QueryConfig& with_container(std::string name) {
    container = std::move(name);
    return *this;
  }
  QueryConfig& without_region() {
    region = false;
    return *this;
  }
  QueryConfig& without_environment() {
    environment = false;
    return *this;
  }

  std::string endpoint;
  std::string service = "web";
  std::string cluster = "demo";
  std::optional<std::string> container;
  bool region = true;
  bool environment = true;
};

// The config verified by hand in the brief: cpu/mem enums by default, replicas
// 0..6, MODE enum [prod, dev], GOGC range 50..300 step 10 default 100.
std::string config_yaml(const QueryConfig& c) {
  std::string y = "fargate:\n";
  if (c.region) y += "  region: us-east-1\n";
  y += "  endpoint_url: " + c.endpoint + "\n";
  y += "  app:\n";
  y += "    service_name: " + c.service + "\n";
  y += "    cluster: " + c.cluster + "\n";
  if (c.container) y += "    container: " + *c.container + "\n";
  y += "    settings:\n";
  y += "      cpu: {}\n";
  y += "      mem: {}\n";
  y += "      replicas: {min: 0, max: 6}\n";
  if (c.environment) {
    y += "    environment:\n";
    y += "      MODE: {type: enum, values: [prod, dev]}\n";
    y += "      GOGC: {type: range, min: 50, max: 300, step: 10, default: 100}\n";
  }
  return y;
}

struct RunOptions {
  EnvVars env;
  bool imds = false;  // false: AWS_EC2_METADATA_DISABLED=true
  std::vector<std::string> extra_args;
};

RunOptions with_env(EnvVars env) {
  RunOptions options;
  options.env = std::move(env);
  return options;
}

SimFixture::Options proxy_to(const std::string& upstream) {
  SimFixture::Options options;
  options.upstream = upstream;
  return options;
}

// `env -i PATH=... HOME=<scratch> [vars] adjust [extra] --config FILE --query app`.
CommandResult run_query(const Workdir& scratch, const std::string& config_path,
                        const RunOptions& options = {}) {
  EnvVars env;
  if (!options.imds) env.emplace_back("AWS_EC2_METADATA_DISABLED", "true");
  env.insert(env.end(), options.env.begin(), options.env.end());
  std::vector<std::string> args = options.extra_args;
  args.insert(args.end(), {"--config", config_path, "--query", "app"});
  auto run = clean_options(scratch, std::move(env), std::move(args));
  run.timeout = 40s;
  return run_adjust(run).result;
}

std::string describe(const CommandResult& r) {
  return "exit " + std::to_string(r.exit_code) + (r.timed_out ? " (timed out)" : "") + "\n--- stdout:\n" +
         r.out + "\n--- stderr:\n" + r.err;
}

// stdout must be exactly one JSON line.
json only_json_line(const CommandResult& r) {
  std::string out = r.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  if (out.empty() || out.find('\n') != std::string::npos) {
    ADD_FAILURE() << "stdout is not exactly one line\n" << describe(r);
    return json();
  }
  auto parsed = json::parse(out, nullptr, false);
  if (parsed.is_discarded()) ADD_FAILURE() << "stdout is not JSON\n" << describe(r);
  return parsed;
}

// The seeded service web (web:1: 256 / 512, MODE=prod, no GOGC; desired 2).
void expect_seeded_values(const CommandResult& r, const std::string& mode = "prod") {
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  json doc = only_json_line(r);
  ASSERT_TRUE(doc.contains("application")) << describe(r);
  const json& settings = doc["application"]["components"]["app"]["settings"];
  EXPECT_EQ(settings["cpu"]["value"], "0.25") << settings.dump();
  EXPECT_EQ(settings["mem"]["value"], "0.5") << settings.dump();
  EXPECT_EQ(settings["replicas"]["value"], 2) << settings.dump();
  EXPECT_EQ(settings["MODE"]["value"], mode) << settings.dump();
  EXPECT_EQ(settings["GOGC"]["value"], 100) << settings.dump();
}

// The final `failed` line of a failing run.
json expect_failed(const CommandResult& r) {
  EXPECT_NE(r.exit_code, 0) << describe(r);
  EXPECT_FALSE(r.timed_out) << describe(r);
  json doc = only_json_line(r);
  EXPECT_EQ(doc.value("status", ""), "failed") << describe(r);
  return doc;
}

// Runs a small boto3 snippet (argv: endpoint, then `args`); returns its stdout.
std::string boto3(const std::string& script, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"python3", "-c", script};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandOptions options;
  options.unset_env = {"AWS_PROFILE",     "AWS_DEFAULT_PROFILE",         "AWS_SESSION_TOKEN",
                       "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL"};
  auto r = run_command(argv, options);
  if (r.exit_code != 0) throw std::runtime_error("boto3 helper failed: " + r.err);
  return r.out;
}

// Temporary credentials: STS AssumeRole on moto, signed by `ci` (moto auth on).
json assume_role(const std::string& endpoint, const json& ci, const std::string& role_arn) {
  static const char* script = R"(import sys, json, boto3
e, k, s, r = sys.argv[1:5]
sts = boto3.client("sts", endpoint_url=e, region_name="us-east-1", aws_access_key_id=k, aws_secret_access_key=s)
print(json.dumps(sts.assume_role(RoleArn=r, RoleSessionName="query-e2e")["Credentials"], default=str)))";
  return json::parse(boto3(script, {endpoint, ci.at("access_key_id").get<std::string>(),
                                    ci.at("secret_access_key").get<std::string>(), role_arn}));
}

// Points service `web` at another task definition (moto auth still off).
void update_web_task_definition(const std::string& endpoint, const std::string& task_definition_arn) {
  static const char* script = R"(import sys, boto3
e, td = sys.argv[1:3]
ecs = boto3.client("ecs", endpoint_url=e, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
ecs.update_service(cluster="demo", service="web", taskDefinition=td))";
  boto3(script, {endpoint, task_definition_arn});
}

SeedOptions seed_with(bool SeedOptions::*flag) {
  SeedOptions options;
  options.*flag = true;
  return options;
}

EnvVars static_keys(const json& user) {
  return {{"AWS_ACCESS_KEY_ID", user.at("access_key_id").get<std::string>()},
          {"AWS_SECRET_ACCESS_KEY", user.at("secret_access_key").get<std::string>()}};
}

std::string credentials_section(const std::string& name, const json& user) {
  return "[" + name + "]\naws_access_key_id = " + user.at("access_key_id").get<std::string>() +
         "\naws_secret_access_key = " + user.at("secret_access_key").get<std::string>() + "\n";
}

// Moto, freshly reset and seeded, with signature verification on.
class QueryE2e : public ::testing::Test {
 protected:
  // Resets and seeds moto (auth still off); skips the test without moto.
  void seed(const SeedOptions& options = {}) {
    m_moto = MotoFixture::instance();
    if (m_moto == nullptr) GTEST_SKIP() << MotoFixture::skip_reason();
    m_moto->reset();
    m_seed = seed_moto(m_moto->endpoint(), options);
  }
  void enable_auth() { m_moto->enable_auth(); }
  void TearDown() override {
    if (m_moto != nullptr) m_moto->disable_auth();
  }
  const json& ci() const { return m_seed.at("iam").at("ci"); }
  std::string config(const QueryConfig& c) { return m_scratch.write("q.yaml", config_yaml(c)); }
  std::string moto_config() { return config(QueryConfig(m_moto->endpoint())); }

  MotoFixture* m_moto = nullptr;
  json m_seed;
  Workdir m_scratch;
};

// --- 0. The harness itself: auth really is on -------------------------------

TEST_F(QueryE2e, WrongSecretIsRejectedByMotoSoSignaturesAreReallyVerified) {
  seed();
  if (IsSkipped()) return;
  enable_auth();
  EnvVars env = {{"AWS_ACCESS_KEY_ID", ci().at("access_key_id").get<std::string>()},
                 {"AWS_SECRET_ACCESS_KEY", "not-the-secret-not-the-secret-not-the-secr"}};
  auto r = run_query(m_scratch, moto_config(), with_env(env));
  json failed = expect_failed(r);
  EXPECT_NE(failed.value("message", "").find("DescribeServices"), std::string::npos) << describe(r);
}

// --- 1. Credentials from each source -----------------------------------------

TEST_F(QueryE2e, EnvironmentKeysWithSessionTokenFromAssumeRole) {
  seed();
  if (IsSkipped()) return;
  enable_auth();
  json temp = assume_role(m_moto->endpoint(), ci(), m_seed.at("iam").at("role_arn"));
  ASSERT_TRUE(temp.at("AccessKeyId").get<std::string>().starts_with("ASIA")) << temp.dump();
  // Through the simulator (byte-for-byte proxy) to see what the binary signed with.
  SimFixture sim(proxy_to(m_moto->endpoint()));
  EnvVars env = {{"AWS_ACCESS_KEY_ID", temp.at("AccessKeyId").get<std::string>()},
                 {"AWS_SECRET_ACCESS_KEY", temp.at("SecretAccessKey").get<std::string>()},
                 {"AWS_SESSION_TOKEN", temp.at("SessionToken").get<std::string>()}};
  auto r = run_query(m_scratch, config(QueryConfig(sim.endpoint())), with_env(env));
  expect_seeded_values(r);
  json described = sim.requests("operation=DescribeServices");
  ASSERT_EQ(described.size(), 1u) << described.dump();
  EXPECT_EQ(described[0]["access_key"], temp.at("AccessKeyId")) << described.dump();
  EXPECT_EQ(described[0]["has_security_token"], true) << described.dump();
}

TEST_F(QueryE2e, NamedProfileInSharedCredentialsFile) {
  seed();
  if (IsSkipped()) return;
  enable_auth();
  // The default profile holds wrong keys: only the named profile can sign correctly.
  std::string file = m_scratch.write(
      "elsewhere/creds",
      "[default]\naws_access_key_id = AKIAWRONGWRONGWRONG1\naws_secret_access_key = wrong\n\n" +
          credentials_section("e2e", ci()));
  auto r = run_query(m_scratch, moto_config(),
                     with_env({{"AWS_SHARED_CREDENTIALS_FILE", file}, {"AWS_PROFILE", "e2e"}}));
  expect_seeded_values(r);
}

TEST_F(QueryE2e, DefaultProfileFromHomeAwsCredentials) {
  seed();
  if (IsSkipped()) return;
  enable_auth();
  m_scratch.write(".aws/credentials", credentials_section("default", ci()));
  auto r = run_query(m_scratch, moto_config());
  expect_seeded_values(r);
}

TEST_F(QueryE2e, AssumeRoleProfileWithSourceProfile) {
  seed();
  if (IsSkipped()) return;
  enable_auth();
  m_scratch.write(".aws/credentials", credentials_section("base", ci()));
  m_scratch.write(".aws/config",
                  "[profile deploy]\nrole_arn = " + m_seed.at("iam").at("role_arn").get<std::string>() +
                      "\nsource_profile = base\n");
  SimFixture sim(proxy_to(m_moto->endpoint()));
  auto r = run_query(m_scratch, config(QueryConfig(sim.endpoint())), with_env({{"AWS_PROFILE", "deploy"}}));
  expect_seeded_values(r);
  // STS AssumeRole signed by ci, then ECS signed with the role's temporary keys.
  json assumed = sim.requests("operation=AssumeRole");
  ASSERT_EQ(assumed.size(), 1u) << sim.requests().dump();
  EXPECT_EQ(assumed[0]["access_key"], ci().at("access_key_id")) << assumed.dump();
  EXPECT_EQ(assumed[0]["service"], "sts");
  json described = sim.requests("operation=DescribeServices");
  ASSERT_EQ(described.size(), 1u) << described.dump();
  EXPECT_TRUE(described[0]["access_key"].get<std::string>().starts_with("ASIA")) << described.dump();
  EXPECT_EQ(described[0]["has_security_token"], true);
  EXPECT_LT(assumed[0]["seq"].get<int>(), described[0]["seq"].get<int>());
}

TEST_F(QueryE2e, ContainerCredentialsFullUriWithAuthorizationToken) {
  seed();
  if (IsSkipped()) return;
  enable_auth();
  SimFixture creds;  // fake-only: serves only the credential endpoint here
  creds.control("credentials", {{"container",
                                 {{"path", "/creds"},
                                  {"authorization", "e2e-container-token"},
                                  {"credentials",
                                   {{"AccessKeyId", ci().at("access_key_id")},
                                    {"SecretAccessKey", ci().at("secret_access_key")},
                                    {"expires_in", 3600}}}}}});
  EnvVars env = {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", creds.endpoint() + "/creds"},
                 {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "e2e-container-token"}};
  auto r = run_query(m_scratch, moto_config(), with_env(env));
  expect_seeded_values(r);
  json fetched = creds.requests("service=creds");
  ASSERT_GE(fetched.size(), 1u);
  EXPECT_EQ(fetched[0]["status"], 200) << fetched.dump();
}

TEST_F(QueryE2e, ContainerCredentialsWrongTokenFailsClearly) {
  seed();
  if (IsSkipped()) return;
  enable_auth();
  SimFixture creds;
  creds.control("credentials", {{"container",
                                 {{"authorization", "e2e-container-token"},
                                  {"credentials",
                                   {{"AccessKeyId", ci().at("access_key_id")},
                                    {"SecretAccessKey", ci().at("secret_access_key")},
                                    {"expires_in", 3600}}}}}});
  EnvVars env = {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", creds.endpoint() + "/creds"},
                 {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "not-the-token"}};
  auto r = run_query(m_scratch, moto_config(), with_env(env));
  json failed = expect_failed(r);
  EXPECT_EQ(failed.value("reason", ""), "no-credentials") << failed.dump();
  std::string message = failed.value("message", "");
  EXPECT_NE(message.find("container"), std::string::npos) << message;
  EXPECT_NE(message.find("401"), std::string::npos) << message;
  EXPECT_EQ(r.out.find("not-the-token"), std::string::npos) << describe(r);
  EXPECT_EQ(r.err.find("not-the-token"), std::string::npos) << describe(r);
  EXPECT_GE(creds.count("/creds"), 1);
}

TEST_F(QueryE2e, Imdsv2TokenThenRoleCredentials) {
  seed();
  if (IsSkipped()) return;
  enable_auth();
  SimFixture imds;
  imds.control("credentials", {{"imds",
                                {{"role", "e2e-role"},
                                 {"require_token", true},
                                 {"credentials",
                                  {{"AccessKeyId", ci().at("access_key_id")},
                                   {"SecretAccessKey", ci().at("secret_access_key")},
                                   {"expires_in", 3600}}}}}});
  RunOptions options = with_env({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint()}});
  options.imds = true;
  auto r = run_query(m_scratch, moto_config(), options);
  expect_seeded_values(r);
  json log = imds.requests("service=imds");
  ASSERT_GE(log.size(), 3u) << log.dump();
  EXPECT_EQ(log[0]["method"], "PUT") << log.dump();
  EXPECT_EQ(log[0]["path"], "/latest/api/token") << log.dump();
  EXPECT_EQ(log[0]["status"], 200) << log.dump();
  // require_token: a GET without the token would have been answered 401.
  for (const auto& entry : log) EXPECT_EQ(entry["status"], 200) << log.dump();
  bool role_read = false;
  for (const auto& entry : log)
    role_read |= entry["path"] == "/latest/meta-data/iam/security-credentials/e2e-role";
  EXPECT_TRUE(role_read) << log.dump();
}

// --- 2. Throttling is retried --------------------------------------------------

TEST_F(QueryE2e, ThrottledDescribeCallsAreRetriedAndAnswerIsCorrect) {
  seed();
  if (IsSkipped()) return;
  enable_auth();
  SimFixture sim(proxy_to(m_moto->endpoint()));
  sim.add_rule(
      {{"rules",
        {{{"service", "ecs"}, {"operation", "DescribeServices"}, {"first", 2}, {"action", "throttle"}},
         {{"service", "ecs"},
          {"operation", "DescribeTaskDefinition"},
          {"first", 2},
          {"action", "throttle"}}}}});
  auto r = run_query(m_scratch, config(QueryConfig(sim.endpoint())), with_env(static_keys(ci())));
  expect_seeded_values(r);
  json services = sim.requests("operation=DescribeServices");
  ASSERT_EQ(services.size(), 3u) << services.dump();
  EXPECT_EQ(services[0]["fault"], "throttle");
  EXPECT_EQ(services[1]["fault"], "throttle");
  EXPECT_TRUE(services[2]["fault"].is_null()) << services.dump();
  EXPECT_EQ(services[2]["status"], 200) << services.dump();
  json definitions = sim.requests("operation=DescribeTaskDefinition");
  ASSERT_EQ(definitions.size(), 3u) << definitions.dump();
  EXPECT_EQ(definitions[2]["status"], 200) << definitions.dump();
}

// --- 3. A permanently failing endpoint -----------------------------------------

class QueryE2ePermanentFailure : public QueryE2e, public ::testing::WithParamInterface<std::optional<int>> {};

TEST_P(QueryE2ePermanentFailure, OneFailedLineAfterExactlyTheRetryBudget) {
  seed();
  if (IsSkipped()) return;
  enable_auth();
  SimFixture sim(proxy_to(m_moto->endpoint()));
  sim.add_rule({{"service", "ecs"},
                {"operation", "DescribeServices"},
                {"action", "status"},
                {"status", 503},
                {"body", R"({"__type":"ServiceUnavailable","message":"e2e: service is down"})"},
                {"headers",
                 {{"Content-Type", "application/x-amz-json-1.1"},
                  {"X-Amzn-ErrorType", "ServiceUnavailable"},
                  {"x-amzn-RequestId", "e2e-req-0503"}}}});
  EnvVars env = static_keys(ci());
  int budget = 3;  // AWS_MAX_ATTEMPTS default (standard mode)
  if (GetParam()) {
    budget = *GetParam();
    env.emplace_back("AWS_MAX_ATTEMPTS", std::to_string(budget));
  }
  // Backoff sleeps are real: full jitter, base 1 s -> at most 1+2(+4+8) s.
  auto r = run_query(m_scratch, config(QueryConfig(sim.endpoint())), with_env(env));
  json failed = expect_failed(r);
  EXPECT_EQ(failed.value("reason", ""), "aws-error") << failed.dump();
  std::string message = failed.value("message", "");
  EXPECT_NE(message.find("DescribeServices"), std::string::npos) << message;
  EXPECT_NE(message.find("ServiceUnavailable"), std::string::npos) << message;
  EXPECT_NE(message.find("e2e-req-0503"), std::string::npos) << message;
  EXPECT_EQ(sim.count("DescribeServices"), budget) << sim.requests().dump();
  EXPECT_EQ(sim.count("DescribeTaskDefinition"), 0);
}

INSTANTIATE_TEST_SUITE_P(QueryE2e, QueryE2ePermanentFailure, ::testing::Values(std::nullopt, 5),
                         [](const ::testing::TestParamInfo<std::optional<int>>& param_info) {
                           return param_info.param ? "MaxAttempts" + std::to_string(*param_info.param)
                                                   : std::string("Default");
                         });

// --- 4. Services the query must refuse, and the ones it must accept -------------

TEST_F(QueryE2e, MissingServiceNamesServiceAndCluster) {
  seed();
  if (IsSkipped()) return;
  enable_auth();
  auto r = run_query(m_scratch, config(QueryConfig(m_moto->endpoint()).service_name("nope")),
                     with_env(static_keys(ci())));
  std::string message = expect_failed(r).value("message", "");
  EXPECT_NE(message.find("nope"), std::string::npos) << message;
  EXPECT_NE(message.find("not found"), std::string::npos) << message;
  EXPECT_NE(message.find("demo"), std::string::npos) << message;
}

TEST_F(QueryE2e, MissingClusterNamesCluster) {
  seed();
  if (IsSkipped()) return;
  enable_auth();
  auto r = run_query(m_scratch, config(QueryConfig(m_moto->endpoint()).in_cluster("nocluster")),
                     with_env(static_keys(ci())));
  std::string message = expect_failed(r).value("message", "");
  EXPECT_NE(message.find("nocluster"), std::string::npos) << message;
  EXPECT_NE(message.find("ClusterNotFound"), std::string::npos) << message;
}

TEST_F(QueryE2e, Ec2LaunchTypeServiceIsRefused) {
  seed(seed_with(&SeedOptions::ec2_service));
  if (IsSkipped()) return;
  enable_auth();
  auto r = run_query(m_scratch, config(QueryConfig(m_moto->endpoint()).service_name("legacy")),
                     with_env(static_keys(ci())));
  json failed = expect_failed(r);
  EXPECT_EQ(failed.value("reason", ""), "unsupported-service") << failed.dump();
  std::string message = failed.value("message", "");
  EXPECT_NE(message.find("legacy"), std::string::npos) << message;
  EXPECT_NE(message.find("EC2"), std::string::npos) << message;
  EXPECT_NE(message.find("Fargate"), std::string::npos) << message;
}

// moto 5.2 drops capacityProviderStrategy and reports launchType EC2 for such a
// service (real ECS omits launchType and returns the strategy), so this case runs
// against the simulator answering in the real ECS shape.
TEST_F(QueryE2e, FargateSpotCapacityProviderServiceWorks) {
  SimFixture sim;
  json seeded = sim.control(
      "seed", {{"cluster", "demo"},
               {"task_definition",
                {{"family", "spot"},
                 {"revision", 1},
                 {"cpu", "256"},
                 {"memory", "512"},
                 {"requiresCompatibilities", {"FARGATE"}},
                 {"networkMode", "awsvpc"},
                 {"containerDefinitions",
                  {{{"name", "web"},
                    {"image", "nginx"},
                    {"environment", {{{"name", "MODE"}, {"value", "spot"}}}}}}}}},
               {"service",
                {{"serviceName", "spot"},
                 {"taskDefinition", "spot:1"},
                 {"desiredCount", 2},
                 {"capacityProviderStrategy", {{{"capacityProvider", "FARGATE_SPOT"}, {"weight", 1}}}}}}});
  // The shape real ECS returns: a strategy and no launchType.
  ASSERT_EQ(seeded.at("services").size(), 1u) << seeded.dump();
  ASSERT_FALSE(seeded["services"][0].contains("launchType")) << seeded.dump();
  ASSERT_EQ(seeded["services"][0]["capacityProviderStrategy"][0]["capacityProvider"], "FARGATE_SPOT");
  EnvVars keys = {{"AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE01"}, {"AWS_SECRET_ACCESS_KEY", "example"}};
  auto r = run_query(m_scratch, config(QueryConfig(sim.endpoint()).service_name("spot")), with_env(keys));
  expect_seeded_values(r, "spot");
}

TEST_F(QueryE2e, TwoContainersWithoutContainerKeyIsAmbiguous) {
  seed(seed_with(&SeedOptions::two_containers));
  if (IsSkipped()) return;
  update_web_task_definition(m_moto->endpoint(), m_seed.at("task_definition_two_containers_arn"));
  enable_auth();
  auto r = run_query(m_scratch, moto_config(), with_env(static_keys(ci())));
  std::string message = expect_failed(r).value("message", "");
  EXPECT_NE(message.find("web"), std::string::npos) << message;
  EXPECT_NE(message.find("sidecar"), std::string::npos) << message;
  EXPECT_NE(message.find("container"), std::string::npos) << message;
}

TEST_F(QueryE2e, TwoContainersWithContainerKeyWorks) {
  seed(seed_with(&SeedOptions::two_containers));
  if (IsSkipped()) return;
  update_web_task_definition(m_moto->endpoint(), m_seed.at("task_definition_two_containers_arn"));
  enable_auth();
  auto r = run_query(m_scratch, config(QueryConfig(m_moto->endpoint()).with_container("web")),
                     with_env(static_keys(ci())));
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const json settings = only_json_line(r)["application"]["components"]["app"]["settings"];
  EXPECT_EQ(settings["cpu"]["value"], "0.5") << settings.dump();  // web:2 is 512 / 1024
  EXPECT_EQ(settings["mem"]["value"], "1") << settings.dump();
  EXPECT_EQ(settings["replicas"]["value"], 2) << settings.dump();
  EXPECT_EQ(settings["MODE"]["value"], "prod") << settings.dump();
  EXPECT_EQ(settings["GOGC"]["value"], 100) << settings.dump();
}

// --- 5. adjust doctor against moto, signatures verified ----------------------

CommandResult run_doctor(const Workdir& scratch, const std::string& config_path, EnvVars env) {
  env.emplace_back("AWS_EC2_METADATA_DISABLED", "true");
  auto run = clean_options(scratch, std::move(env), {"--config", config_path, "doctor", "app"});
  run.timeout = 40s;
  return run_adjust(run).result;
}

std::string line_starting(const CommandResult& r, const std::string& prefix) {
  for (const auto& line : lines_of(r.out)) {
    if (line.starts_with(prefix)) return line;
  }
  return "(no line starting \"" + prefix + "\")\n" + describe(r);
}

TEST_F(QueryE2e, DoctorNamesTheSignedInUserAndReadsTheService) {
  seed();
  if (IsSkipped()) return;
  enable_auth();
  auto r = run_doctor(m_scratch, moto_config(), static_keys(ci()));
  EXPECT_EQ(line_starting(r, "ok   credentials:"), "ok   credentials: from environment");
  std::string identity = line_starting(r, "ok   identity: account ");
  EXPECT_TRUE(identity.ends_with(":user/ci")) << identity;
  EXPECT_TRUE(line_starting(r, "ok   component app: service: web: ACTIVE").starts_with("ok")) << describe(r);
  EXPECT_TRUE(line_starting(r, "ok   component app: task definition: web:1 readable").starts_with("ok"))
      << describe(r);
}

TEST_F(QueryE2e, DoctorSaysWhenTheCredentialsAreNotAccepted) {
  seed();
  if (IsSkipped()) return;
  enable_auth();
  EnvVars env = {{"AWS_ACCESS_KEY_ID", ci().at("access_key_id").get<std::string>()},
                 {"AWS_SECRET_ACCESS_KEY", "not-the-secret-not-the-secret-not-the-secr"}};
  auto r = run_doctor(m_scratch, moto_config(), env);
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  std::string identity = line_starting(r, "FAIL identity: STS GetCallerIdentity failed: ");
  EXPECT_TRUE(
      identity.ends_with("fix: the credentials from environment are not accepted: renew or replace them"))
      << identity;
  EXPECT_EQ(r.out.find("not-the-secret"), std::string::npos);
}

}  // namespace
}  // namespace adjust::testing
