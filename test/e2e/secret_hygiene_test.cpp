// Issue 5, secret hygiene: the real binary, with canary credentials from every
// source, run through every command path at the most verbose settings (trace
// level, -vv, libcurl's own dump via ADJUST_CURL_VERBOSE) must never print a
// canary on stdout or stderr, and must show that the dump happened with the
// Authorization header redacted. AWS answers that echo what was sent (the
// canonical request with the session token, a proxy's error page, an STS
// error quoting the web identity token) are part of the table.
//
// Every run is `env -i` (clean_options in support/adjust_run.hpp) against the simulator.
#include <gtest/gtest.h>

#include <csignal>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/adjust_run.hpp"
#include "support/process.hpp"
#include "support/sim_fixture.hpp"

namespace adjust::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// ---- the canaries -------------------------------------------------------------------------

constexpr const char* k_key_id = "AKIACANARYKEYID00001";
constexpr const char* k_secret = "CANARY/env-secret+DO-NOT-PRINT/000000000";
constexpr const char* k_token = "CANARY-env-session-token/DO+NOT+PRINT==";
constexpr const char* k_container_token = "CANARY-container-authorization-DO-NOT-PRINT";
constexpr const char* k_container_path = "/creds/CANARY-capability-path-DO-NOT-PRINT";
constexpr const char* k_web_identity_token = "eyCANARY.web-identity-jwt.DO-NOT-PRINT";
constexpr const char* k_issued_key_id = "ASIACANARYISSUED0001";
constexpr const char* k_issued_secret = "CANARY-issued-secret-DO-NOT-PRINT";
constexpr const char* k_issued_token = "CANARY-issued-session-token-DO-NOT-PRINT";

const std::vector<std::string>& canaries() {
  static const std::vector<std::string> all = {k_key_id,
                                               k_secret,
                                               k_token,
                                               k_container_token,
                                               k_container_path,
                                               "CANARY-capability-path",
                                               k_web_identity_token,
                                               k_issued_key_id,
                                               k_issued_secret,
                                               k_issued_token,
                                               "simtoken-",   // the simulator's IMDSv2 session tokens
                                               "Signature=",  // a request signature
                                               "CANARY"};     // anything else marked as a canary
  return all;
}

void expect_no_canary(const std::string& stream, const std::string& text) {
  for (const auto& canary : canaries()) {
    auto at = text.find(canary);
    EXPECT_EQ(at, std::string::npos) << stream << " shows \"" << canary << "\" in:\n"
                                     << text.substr(at == std::string::npos ? 0 : (at > 400 ? at - 400 : 0),
                                                    800);
  }
}

EnvVars env_credentials() {
  return {
      {"AWS_ACCESS_KEY_ID", k_key_id}, {"AWS_SECRET_ACCESS_KEY", k_secret}, {"AWS_SESSION_TOKEN", k_token}};
}

// The most verbose settings, for every run.
EnvVars most_verbose() {
  return {{"ADJUST_LOG_LEVEL", "trace"}, {"ADJUST_CURL_VERBOSE", "1"}, {"AWS_MAX_ATTEMPTS", "2"}};
}

const EnvVars k_no_imds = {{"AWS_EC2_METADATA_DISABLED", "true"}};

EnvVars operator+(EnvVars a, const EnvVars& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// ---- the service and its config -------------------------------------------------------------

const std::string k_target_group =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/0123456789abcdef";

void seed_web(SimFixture& sim) {
  json td = {{"family", "web"},
             {"cpu", "256"},
             {"memory", "512"},
             {"networkMode", "awsvpc"},
             {"requiresCompatibilities", {"FARGATE"}},
             {"containerDefinitions",
              {{{"name", "web"},
                {"image", "nginx:1.25"},
                {"essential", true},
                {"portMappings", {{{"containerPort", 8080}, {"protocol", "tcp"}}}},
                {"environment", {{{"name", "MODE"}, {"value", "safe"}}}}}}}};
  json service = {
      {"serviceName", "web"},
      {"desiredCount", 2},
      {"taskDefinition", "web:1"},
      {"loadBalancers",
       {{{"targetGroupArn", k_target_group}, {"containerName", "web"}, {"containerPort", 8080}}}}};
  sim.control("seed", {{"cluster", "demo"}, {"task_definitions", {td}}, {"services", {service}}});
}

// At 10x, one reconcile round is 0.2 s and health takes 0.4 s.
void set_scenario(SimFixture& sim, const std::string& kind, json extra = json::object()) {
  json body = {{"cluster", "demo"}, {"service", "web"},  {"scenario", kind},
               {"step", 2},         {"health_delay", 4}, {"drain_delay", 2}};
  body.update(extra);
  sim.set_scenario(body);
}

std::string config_yaml(const std::string& endpoint, bool region = true) {
  return std::string("fargate:\n") + (region ? "  region: us-east-1\n" : "") + "  endpoint_url: " + endpoint +
         "\n"
         "  web:\n"
         "    service_name: web\n"
         "    cluster: demo\n"
         "    timeout_service_desired_count: 120\n"
         "    settings:\n"
         "      cpu: {type: enum, values: ['0.25', '0.5', '1']}\n"
         "      mem: {type: range, min: 0.5, max: 4, step: 0.5}\n"
         "      replicas: {min: 1, max: 6}\n"
         "    environment:\n"
         "      MODE: {type: enum, values: [safe, fast]}\n";
}

std::string request(const json& settings) { return adjust_request("web", settings); }

const json k_new_settings = {{"cpu", 0.5}, {"mem", 1}, {"replicas", 3}, {"MODE", "fast"}};

// ---- the table ----------------------------------------------------------------------------

// What a case runs: the binary's arguments, credentials and extras, stdin.
struct Invocation {
  std::vector<std::string> args;
  EnvVars env;
  std::string stdin_text = {};
};

// Evidence that the verbose dump happened.
enum class Dump {
  none,            // nothing reaches the network
  connect,         // libcurl's own text (a connection attempt)
  signed_request,  // the header lines of a signed request, Authorization redacted
};

struct World {
  SimFixture& sim;
  Workdir& home;
  std::string config() const { return home.write("config.yaml", config_yaml(sim.endpoint())); }
  std::vector<std::string> query() const { return {"-vv", "--config", config(), "--query", "app"}; }
  std::vector<std::string> adjust(bool dry_run = false) const {
    std::vector<std::string> args = {"-vv", "--config", config()};
    if (dry_run) args.push_back("--dry-run");
    args.push_back("app");
    return args;
  }
};

struct HygieneCase {
  std::string name;
  std::function<Invocation(World&)> arrange;
  int exit_code;
  std::string status;  // of the final line; "" when the run prints no status line
  std::string reason;
  Dump dump;
  std::vector<std::string> also_shown =
      {};                   // stderr must show these too (a redaction marker where it applies)
  std::string signer = {};  // the access key id DescribeServices was signed with (with a session token)
};

std::string sts_credentials_xml(const std::string& action) {
  return "<" + action + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" + action +
         "Result><Credentials><AccessKeyId>" + k_issued_key_id + "</AccessKeyId><SecretAccessKey>" +
         k_issued_secret + "</SecretAccessKey><SessionToken>" + k_issued_token +
         "</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></" + action +
         "Result><ResponseMetadata><RequestId>canary-req</RequestId></ResponseMetadata></" + action +
         "Response>";
}

// What AWS answers to a bad signature: the canonical request it expected,
// which quotes the X-Amz-Security-Token header's value.
std::string canonical_request_echo() {
  return std::string("The request signature we calculated does not match the signature you provided. ") +
         "The Canonical String for this request should have been\n'POST\n/\n\n"
         "content-type:application/x-amz-json-1.1\nhost:127.0.0.1\nx-amz-date:20250101T000000Z\n"
         "x-amz-security-token:" +
         k_token +
         "\n\ncontent-type;host;x-amz-date;x-amz-security-token\n"
         "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'";
}

// A proxy's error page quoting the request's headers, with the session token
// straddling the 160 characters the error message quotes of a page.
std::string proxy_page_echoing_the_token() {
  std::string page = "<html><body>400 Bad Request. Your request was: POST / HTTP/1.1 ";
  page += std::string(150 - page.size() - 22, '.') + "x-amz-security-token: ";
  return page + k_token + "</body></html>";
}

json sts_error(const std::string& operation, int status, const std::string& code,
               const std::string& message) {
  std::string body =
      "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>" +
      code + "</Code><Message>" + message +
      "</Message></Error><RequestId>canary-req</RequestId></ErrorResponse>";
  return {{"service", "sts"}, {"operation", operation}, {"action", "status"},
          {"status", status}, {"body", body},           {"headers", {{"Content-Type", "text/xml"}}}};
}

// Profile deploy assumes a role with the canary keys of profile base.
void assume_role_profiles(World& w) {
  w.home.write(".aws/credentials", std::string("[base]\naws_access_key_id = ") + k_key_id +
                                       "\naws_secret_access_key = " + k_secret +
                                       "\naws_session_token = " + k_token + "\n");
  w.home.write(".aws/config",
               "[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deployer\n"
               "source_profile = base\n");
}

Invocation web_identity(World& w) {
  std::string file = w.home.write("token.jwt", std::string(k_web_identity_token) + "\n");
  return {w.query(), k_no_imds + EnvVars{{"AWS_WEB_IDENTITY_TOKEN_FILE", file},
                                         {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/web"}}};
}

Invocation container_credentials(World& w) {
  return {w.query(),
          k_no_imds + EnvVars{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", w.sim.endpoint() + k_container_path},
                              {"AWS_CONTAINER_AUTHORIZATION_TOKEN", k_container_token}}};
}

void serve_container_credentials(World& w, const std::string& authorization) {
  w.sim.control("credentials", {{"container",
                                 {{"path", k_container_path},
                                  {"authorization", authorization},
                                  {"credentials",
                                   {{"AccessKeyId", k_issued_key_id},
                                    {"SecretAccessKey", k_issued_secret},
                                    {"Token", k_issued_token},
                                    {"expires_in", 3600}}}}}});
}

std::vector<HygieneCase> cases() {
  const EnvVars env_creds = env_credentials() + k_no_imds;
  return {
      {"Version",
       [](World&) {
         return Invocation{{"-vv", "--version"}, env_credentials()};
       },
       0, "", "", Dump::none},
      {"Info",
       [](World&) {
         return Invocation{{"-vv", "--info", "app"}, env_credentials()};
       },
       0, "", "", Dump::none},
      {"QueryOk",
       [=](World& w) {
         return Invocation{w.query(), env_creds};
       },
       0,
       "",
       "",
       Dump::signed_request,
       {"curl> X-Amz-Security-Token: <redacted>"},
       k_key_id},
      {"Doctor",
       [=](World& w) {
         return Invocation{{"-vv", "--config", w.config(), "doctor", "app"}, env_creds};
       },
       0,
       "",
       "",
       Dump::signed_request,
       {"curl> X-Amz-Security-Token: <redacted>"},
       k_key_id},
      {"AdjustConverges",
       [=](World& w) {
         set_scenario(w.sim, "converge");
         return Invocation{w.adjust(), env_creds, request(k_new_settings)};
       },
       0, "ok", "success", Dump::signed_request},
      {"DryRun",
       [=](World& w) {
         return Invocation{w.adjust(true), env_creds, request(k_new_settings)};
       },
       0, "ok", "success", Dump::signed_request},
      {"RejectedValue",
       [=](World& w) {
         return Invocation{w.adjust(), env_creds, request({{"cpu", 0.3}})};
       },
       3, "rejected", "invalid-value", Dump::none},
      {"InfeasibleSize",
       [=](World& w) {
         return Invocation{w.adjust(), env_creds, request({{"cpu", 0.25}, {"mem", 4}})};
       },
       3, "rejected", "infeasible", Dump::none},
      {"ConfigError",
       [=](World& w) {
         std::string config = w.home.write("config.yaml", "fargate:\n  web:\n    cluster: demo\n");
         return Invocation{{"-vv", "--config", config, "app"}, env_creds, request(k_new_settings)};
       },
       1, "failed", "invalid-config", Dump::none},
      {"InvalidStdin",
       [=](World& w) {
         return Invocation{w.adjust(), env_creds, "{not json"};
       },
       1, "failed", "invalid-input", Dump::none},
      {"AccessDenied",
       [=](World& w) {
         w.sim.add_rule({{"service", "ecs"},
                         {"operation", "UpdateService"},
                         {"action", "auth_error"},
                         {"code", "AccessDeniedException"},
                         {"status", 400},
                         {"message",
                          "User: arn:aws:sts::123456789012:assumed-role/ci/x is not authorized to "
                          "perform: ecs:UpdateService"}});
         return Invocation{w.adjust(), env_creds, request(k_new_settings)};
       },
       1, "failed", "aws-auth", Dump::signed_request},
      {"InvalidClientToken",
       [=](World& w) {
         w.sim.add_rule({{"service", "*"}, {"action", "auth_error"}});
         return Invocation{w.query(), env_creds};
       },
       1, "failed", "aws-auth", Dump::signed_request},
      {"SignatureErrorQuotingTheSessionToken",
       [=](World& w) {
         w.sim.add_rule(
             {{"service", "ecs"},
              {"operation", "DescribeServices"},
              {"action", "status"},
              {"status", 403},
              {"body",
               json({{"__type", "InvalidSignatureException"}, {"message", canonical_request_echo()}}).dump()},
              {"headers", {{"Content-Type", "application/x-amz-json-1.1"}}}});
         return Invocation{w.query(), env_creds};
       },
       1,
       "failed",
       "aws-auth",
       Dump::signed_request,
       {"x-amz-security-token:<redacted>"}},
      {"ProxyPageEchoingTheRequest",
       [=](World& w) {
         w.sim.add_rule({{"service", "ecs"},
                         {"operation", "DescribeServices"},
                         {"action", "status"},
                         {"status", 400},
                         {"body", proxy_page_echoing_the_token()},
                         {"headers", {{"Content-Type", "text/html"}}}});
         return Invocation{w.query(), env_creds};
       },
       1,
       "failed",
       "aws-error",
       Dump::signed_request,
       {"x-amz-security-token: <redacted>"}},
      {"Persistent503",
       [=](World& w) {
         w.sim.add_rule(
             {{"service", "ecs"}, {"operation", "DescribeServices"}, {"action", "status"}, {"status", 503}});
         return Invocation{w.query(), env_creds};
       },
       1, "failed", "aws-error", Dump::signed_request},
      {"ConnectionRefused",
       [=](World& w) {
         std::string config = w.home.write(
             "config.yaml", config_yaml("http://127.0.0.1:" + std::to_string(free_loopback_port())));
         return Invocation{{"-vv", "--config", config, "--query", "app"}, env_creds};
       },
       1, "failed", "aws-unreachable", Dump::connect},
      {"RolloutRejected",
       [=](World& w) {
         set_scenario(w.sim, "fail_start", {{"failure", "oom"}});
         return Invocation{w.adjust(), env_creds, request(k_new_settings)};
       },
       3, "rejected", "start-failed", Dump::signed_request},
      {"MissingRegion",
       [=](World& w) {
         std::string config = w.home.write("config.yaml", config_yaml(w.sim.endpoint(), /*region=*/false));
         return Invocation{{"-vv", "--config", config, "--query", "app"}, env_creds};
       },
       1,
       "failed",
       "invalid-config",
       Dump::none,
       {"region"}},
      {"NoCredentials",
       [](World& w) {
         return Invocation{w.query(), k_no_imds + EnvVars{{"AWS_SESSION_TOKEN", k_token}}};
       },
       1, "failed", "no-credentials", Dump::none},
      {"SecretWithoutKeyId",
       [](World& w) {
         return Invocation{w.query(), k_no_imds + EnvVars{{"AWS_SECRET_ACCESS_KEY", k_secret}}};
       },
       1, "failed", "no-credentials", Dump::none},
      {"ProfileFile",
       [](World& w) {
         w.home.write(".aws/credentials", std::string("[default]\naws_access_key_id = ") + k_key_id +
                                              "\naws_secret_access_key = " + k_secret +
                                              "\naws_session_token = " + k_token + "\n");
         return Invocation{w.query(), k_no_imds};
       },
       0,
       "",
       "",
       Dump::signed_request,
       {},
       k_key_id},
      {"AssumeRoleProfile",
       [](World& w) {
         assume_role_profiles(w);
         w.sim.add_rule({{"service", "sts"},
                         {"operation", "AssumeRole"},
                         {"action", "replace"},
                         {"body", sts_credentials_xml("AssumeRole")}});
         return Invocation{w.query(), k_no_imds + EnvVars{{"AWS_PROFILE", "deploy"}}};
       },
       0,
       "",
       "",
       Dump::signed_request,
       {},
       k_issued_key_id},
      {"AssumeRoleSignatureErrorQuotingTheSourceToken",
       [](World& w) {
         assume_role_profiles(w);
         w.sim.add_rule(sts_error("AssumeRole", 403, "SignatureDoesNotMatch", canonical_request_echo()));
         return Invocation{w.query(), k_no_imds + EnvVars{{"AWS_PROFILE", "deploy"}}};
       },
       1,
       "failed",
       "aws-auth",
       Dump::signed_request,
       {"x-amz-security-token:<redacted>"}},
      {"WebIdentity",
       [](World& w) {
         w.sim.add_rule({{"service", "sts"},
                         {"operation", "AssumeRoleWithWebIdentity"},
                         {"action", "replace"},
                         {"body", sts_credentials_xml("AssumeRoleWithWebIdentity")}});
         return web_identity(w);
       },
       0,
       "",
       "",
       Dump::signed_request,
       {},
       k_issued_key_id},
      {"WebIdentityErrorQuotingTheToken",
       [](World& w) {
         w.sim.add_rule(sts_error("AssumeRoleWithWebIdentity", 400, "InvalidIdentityToken",
                                  std::string("Token ") + k_web_identity_token + " is not valid"));
         return web_identity(w);
       },
       1,
       "failed",
       "aws-error",
       Dump::connect,
       {"Token <redacted> is not valid"}},
      {"ContainerCredentials",
       [](World& w) {
         serve_container_credentials(w, k_container_token);
         return container_credentials(w);
       },
       0,
       "",
       "",
       Dump::signed_request,
       {"curl> GET <redacted> HTTP/1.1"},
       k_issued_key_id},
      {"ContainerCredentialsRefused",
       [](World& w) {
         serve_container_credentials(w, "CANARY-another-token");
         return container_credentials(w);
       },
       1,
       "failed",
       "no-credentials",
       Dump::connect,
       {"curl> Authorization: <redacted>"}},
      {"InstanceMetadata",
       [](World& w) {
         w.sim.control("credentials", {{"imds",
                                        {{"credentials",
                                          {{"AccessKeyId", k_issued_key_id},
                                           {"SecretAccessKey", k_issued_secret},
                                           {"Token", k_issued_token},
                                           {"expires_in", 3600}}}}}});
         return Invocation{w.query(), {{"AWS_EC2_METADATA_SERVICE_ENDPOINT", w.sim.endpoint()}}};
       },
       0,
       "",
       "",
       Dump::signed_request,
       {"curl> x-aws-ec2-metadata-token: <redacted>"},
       k_issued_key_id},
  };
}

void PrintTo(const HygieneCase& c, std::ostream* os) { *os << c.name; }

class SecretHygiene : public ::testing::TestWithParam<HygieneCase> {};

std::string describe(const CommandResult& r) {
  std::string err = r.err.size() > 6000 ? "..." + r.err.substr(r.err.size() - 6000) : r.err;
  return "exit " + std::to_string(r.exit_code) + (r.timed_out ? " (timed out)" : "") + "\nstdout:\n" + r.out +
         "\nstderr:\n" + err;
}

TEST_P(SecretHygiene, NoCanaryOnStdoutOrStderrAtTheMostVerboseSettings) {
  const HygieneCase& c = GetParam();
  SimFixture::Options options;
  options.time_factor = 10.0;
  options.lifetime_seconds = 300;
  SimFixture sim(options);
  seed_web(sim);
  Workdir home;
  World world{sim, home};
  Invocation run = c.arrange(world);
  auto r = run_adjust(clean_options(home, run.env + most_verbose(), run.args, run.stdin_text)).result;

  // The path really was taken.
  ASSERT_FALSE(r.timed_out) << describe(r);
  EXPECT_EQ(r.exit_code, c.exit_code) << describe(r);
  auto lines = parse_json_lines(r.out).every;
  ASSERT_FALSE(lines.empty()) << describe(r);
  if (!c.status.empty()) {
    EXPECT_EQ(lines.back().value("status", ""), c.status) << describe(r);
    EXPECT_EQ(lines.back().value("reason", ""), c.reason) << describe(r);
  }
  // The dump happened, with secrets redacted.
  if (c.dump == Dump::connect || c.dump == Dump::signed_request) {
    EXPECT_NE(r.err.find("adjust: trace: curl* "), std::string::npos) << describe(r);
  }
  if (c.dump == Dump::signed_request) {
    EXPECT_NE(r.err.find("adjust: trace: curl> Authorization: <redacted>"), std::string::npos) << describe(r);
  }
  if (c.dump == Dump::none) {
    EXPECT_EQ(sim.requests().size(), 0u) << "nothing was to reach the network\n" << describe(r);
  }
  for (const auto& shown : c.also_shown)
    EXPECT_NE(r.err.find(shown), std::string::npos) << shown << "\n" << describe(r);
  // The canaries really were the credentials in use.
  if (!c.signer.empty()) {
    json described = sim.requests("operation=DescribeServices");
    ASSERT_FALSE(described.empty());
    EXPECT_EQ(described[0]["access_key"], c.signer) << described.dump();
    EXPECT_EQ(described[0]["has_security_token"], true) << described.dump();
  }

  expect_no_canary("stdout", r.out);
  expect_no_canary("stderr", r.err);
}

INSTANTIATE_TEST_SUITE_P(EveryPath, SecretHygiene, ::testing::ValuesIn(cases()),
                         [](const auto& param_info) { return param_info.param.name; });

// ADJUST_CURL_VERBOSE alone is enough: it implies the trace level.
TEST(SecretHygieneKnob, CurlVerboseAloneTurnsTheRedactedDumpOn) {
  SimFixture sim;
  seed_web(sim);
  Workdir home;
  World world{sim, home};
  auto quiet = run_adjust(clean_options(home, env_credentials() + k_no_imds, world.query())).result;
  ASSERT_EQ(quiet.exit_code, 0) << describe(quiet);
  EXPECT_EQ(quiet.err.find("curl"), std::string::npos) << describe(quiet);
  auto dumped =
      run_adjust(clean_options(home, env_credentials() + k_no_imds + EnvVars{{"ADJUST_CURL_VERBOSE", "1"}},
                               world.query()))
          .result;
  ASSERT_EQ(dumped.exit_code, 0) << describe(dumped);
  EXPECT_NE(dumped.err.find("adjust: trace: curl> Authorization: <redacted>"), std::string::npos)
      << describe(dumped);
  expect_no_canary("stderr", dumped.err);
}

// Cancel (SIGTERM) mid-deployment, at the most verbose settings.
TEST(SecretHygieneCancel, SigtermMidDeploymentPrintsNoCanary) {
  SimFixture::Options options;
  options.time_factor = 10.0;
  options.lifetime_seconds = 300;
  SimFixture sim(options);
  seed_web(sim);
  set_scenario(sim, "stall");
  Workdir home;
  World world{sim, home};
  Process::Options process_options;
  process_options.stdout_pipe = true;
  process_options.stdin_path = home.write("request.json", request(k_new_settings));
  process_options.log_path = home.path() + "/stderr.log";
  Process adjust(
      adjust_argv(clean_options(home, env_credentials() + k_no_imds + most_verbose(), world.adjust())),
      process_options);

  std::string out;
  bool waiting = false;
  while (auto line = adjust.read_stdout_line(60s)) {
    out += *line + "\n";
    if (line->find("new tasks running") != std::string::npos) {
      waiting = true;
      break;
    }
  }
  ASSERT_TRUE(waiting) << out << adjust.log_tail();
  ASSERT_EQ(::kill(adjust.pid(), SIGTERM), 0);
  while (auto line = adjust.read_stdout_line(60s)) out += *line + "\n";
  EXPECT_EQ(adjust.wait_exit(30s), std::optional<int>(4)) << out;
  auto lines = parse_json_lines(out).every;
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back().value("status", ""), "cancelled") << out;

  std::string err = adjust.log_tail(std::string::npos);
  EXPECT_NE(err.find("adjust: trace: curl> Authorization: <redacted>"), std::string::npos);
  expect_no_canary("stdout", out);
  expect_no_canary("stderr", err);
}

}  // namespace
}  // namespace adjust::testing
