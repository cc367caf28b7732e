// The real `adjust` executable, as servo runs it: argv forms, stdin handling,
// config discovery, and one JSON status line for every malformed config or
// request, with no AWS call before validation (a loopback simulator counts).
//
// The malformed-input cases are golden folders under test/data/cli/ (see the
// README there): adding a case is adding a folder.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "adjust/base/version.hpp"
#include "support/adjust_e2e.hpp"
#include "support/adjust_run.hpp"
#include "support/process.hpp"
#include "support/sim_fixture.hpp"

namespace adjust {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using testing::AdjustOptions;
using testing::CommandResult;
using testing::expect_json_lines;
using testing::lines_of;
using testing::run_adjust;
using testing::SimFixture;
using testing::Workdir;

const fs::path k_cases_dir = fs::path(ADJUST_TEST_DATA_DIR) / "cli";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// Exactly one stdout line, a final status (never a progress line); parsed.
// `after_progress`: progress lines may come first (the run read AWS).
json single_status_line(const CommandResult& result, bool after_progress = false) {
  expect_json_lines(result.out);
  auto lines = lines_of(result.out);
  EXPECT_TRUE(after_progress ? !lines.empty() : lines.size() == 1U) << "stdout:\n"
                                                                    << result.out << "\nstderr:\n"
                                                                    << result.err;
  if (lines.empty() || (!after_progress && lines.size() != 1)) return json::object();
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    EXPECT_TRUE(json::parse(lines[i], nullptr, false).contains("progress")) << lines[i];
  }
  auto parsed = json::parse(lines.back(), nullptr, false);
  if (!parsed.is_object()) return json::object();
  EXPECT_TRUE(parsed.contains("status")) << lines.back();
  EXPECT_TRUE(parsed.contains("reason")) << lines.back();
  EXPECT_FALSE(parsed.contains("progress")) << lines.back();
  return parsed;
}

int exit_code_for_status(const std::string& status) {
  if (status == "ok") return 0;
  if (status == "rejected") return 3;
  if (status == "cancelled") return 4;
  return 1;
}

// One fake-only simulator for the whole suite: every run's AWS traffic lands in
// its request log (the configs point endpoint_url at it).
class CliBinaryBase : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (s_sim == nullptr) s_sim = std::make_unique<SimFixture>();
  }
  static void TearDownTestSuite() { s_sim.reset(); }

  static SimFixture& sim() { return *s_sim; }

  static void clear_aws_log() { sim().control("requests", json::object(), "DELETE"); }
  static json aws_requests() { return sim().requests(); }

  // A hermetic environment: dummy credentials and region, nothing inherited that
  // could pick another config, endpoint or credential source.
  static AdjustOptions options(std::string stdin_text = {}) {
    AdjustOptions o;
    o.stdin_text = std::move(stdin_text);
    o.env = {{"AWS_ACCESS_KEY_ID", "AKIDCLIBINARYTEST"},
             {"AWS_SECRET_ACCESS_KEY", "cli-binary-test-secret"},
             {"AWS_REGION", "us-east-1"},
             {"AWS_EC2_METADATA_DISABLED", "true"},
             {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/adjust-test/credentials"},
             {"AWS_CONFIG_FILE", "/nonexistent/adjust-test/config"},
             {"AWS_MAX_ATTEMPTS", "1"}};
    o.unset_env = {"OPTUNE_CONFIG",
                   "OPTUNE_ECS_USE_RANGES",
                   "FARGATE_CLUSTER",
                   "ADJUST_LOG_LEVEL",
                   "AWS_SESSION_TOKEN",
                   "AWS_PROFILE",
                   "AWS_DEFAULT_REGION",
                   "AWS_ENDPOINT_URL",
                   "AWS_ENDPOINT_URL_ECS",
                   "AWS_ENDPOINT_URL_STS",
                   "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2",
                   "AWS_WEB_IDENTITY_TOKEN_FILE",
                   "AWS_ROLE_ARN",
                   "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                   "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                   "HTTPS_PROXY",
                   "https_proxy",
                   "HTTP_PROXY",
                   "http_proxy"};
    o.timeout = std::chrono::seconds(20);
    return o;
  }

  static CommandResult run(std::vector<std::string> args, AdjustOptions o) {
    o.args = std::move(args);
    auto result = run_adjust(o).result;
    EXPECT_FALSE(result.timed_out) << "adjust did not finish: " << ::testing::PrintToString(o.args);
    return result;
  }

  // A config file in `dir` with ${ENDPOINT} pointing at the simulator.
  static fs::path write_config(const fs::path& dir, const std::string& text,
                               const std::string& name = "config.yaml") {
    fs::path path = dir / name;
    write_file(path, replace_all(text, "${ENDPOINT}", sim().endpoint()));
    return path;
  }

  static inline std::unique_ptr<SimFixture> s_sim;
};

// ---------------------------------------------------------------------------
// Command-line forms (servo-protocol.md §1.1)

class CliBinary : public CliBinaryBase {};

TEST_F(CliBinary, VersionIsOneLineAndExitsZero) {
  auto result = run({"--version"}, options());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, std::string("adjust ") + k_version + "\n");
}

// Exactly {"version": ..., "has_cancel": ...}, on one line.
void expect_info_document(const CommandResult& result) {
  EXPECT_EQ(result.exit_code, 0) << result.err;
  expect_json_lines(result.out);
  auto lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 1U) << result.out;
  auto info = nlohmann::ordered_json::parse(lines[0]);
  ASSERT_TRUE(info.is_object());
  std::vector<std::string> keys;
  for (const auto& [key, value] : info.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"version", "has_cancel"})) << lines[0];
  EXPECT_EQ(info["version"], k_version);
  EXPECT_TRUE(info["has_cancel"].is_boolean()) << lines[0];
}

TEST_F(CliBinary, InfoWithStdinAtEof) {
  clear_aws_log();
  expect_info_document(run({"--info", "app"}, options()));
  expect_info_document(run({"--info"}, options()));
  EXPECT_TRUE(aws_requests().empty());
}

TEST_F(CliBinary, InfoNeverReadsStdinThatStaysOpen) {
  // servo passes its own stdin, which never reaches EOF: --info must not wait for it.
  for (auto args : {std::vector<std::string>{"--info", "app"}, std::vector<std::string>{"--info"},
                    std::vector<std::string>{"app", "--info"}}) {
    SCOPED_TRACE(::testing::PrintToString(args));
    auto o = options("{\"application\": ");  // a partial document, never finished
    o.close_stdin = false;
    o.timeout = std::chrono::seconds(5);
    auto started = std::chrono::steady_clock::now();
    auto result = run(args, o);
    auto took = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(result.timed_out) << "--info waited for stdin";
    EXPECT_LT(took, std::chrono::seconds(3));
    expect_info_document(result);
  }
}

TEST_F(CliBinary, InfoWithoutAppLikeServoAgg) {
  // servo-agg calls `DRIVER --info` with no app id, and with a config that need not exist.
  auto o = options();
  o.env.emplace_back("OPTUNE_CONFIG", "/nonexistent/adjust-test/config.yaml");
  expect_info_document(run({"--info"}, o));
}

TEST_F(CliBinary, DescribeIsAnAliasOfQuery) {
  Workdir dir;
  std::string missing = (fs::path(dir.path()) / "absent.yaml").string();
  auto query = run({"--query", "app", "--config", missing}, options());
  auto describe = run({"--describe", "app", "--config", missing}, options());
  auto status = single_status_line(query);
  EXPECT_EQ(status["reason"], "invalid-config");
  EXPECT_EQ(describe.out, query.out);
  EXPECT_EQ(describe.exit_code, query.exit_code);
  EXPECT_NE(query.exit_code, 0);
}

TEST_F(CliBinary, OptionsBeforeOrAfterThePositional) {
  Workdir dir;
  std::string missing = (fs::path(dir.path()) / "absent.yaml").string();
  auto reference = run({"--query", "app", "--config", missing}, options());
  single_status_line(reference);
  for (auto args : {std::vector<std::string>{"--config", missing, "--query", "app"},
                    std::vector<std::string>{"app", "--query", "--config", missing},
                    std::vector<std::string>{"app", "--config", missing, "--query"},
                    std::vector<std::string>{"--config=" + missing, "app", "--query"}}) {
    SCOPED_TRACE(::testing::PrintToString(args));
    auto result = run(args, options());
    EXPECT_EQ(result.out, reference.out);
    EXPECT_EQ(result.exit_code, reference.exit_code);
  }
  // The same for adjust (stdin read, then the config fails).
  std::string request = read_file(k_cases_dir / "valid_stdin.json");
  auto adjust_reference = run({"app", "--config", missing}, options(request));
  auto status = single_status_line(adjust_reference);
  EXPECT_EQ(status["reason"], "invalid-config");
  auto flipped = run({"--config", missing, "app"}, options(request));
  EXPECT_EQ(flipped.out, adjust_reference.out);
  EXPECT_EQ(flipped.exit_code, adjust_reference.exit_code);
}

void expect_usage_error(const CommandResult& result) {
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_EQ(result.out, "") << "a usage error must print nothing on stdout";
  EXPECT_NE(result.err.find("usage: adjust"), std::string::npos) << result.err;
}

TEST_F(CliBinary, UnknownOptionExitsTwoWithUsageOnStderrOnly) {
  clear_aws_log();
  std::string request = read_file(k_cases_dir / "valid_stdin.json");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--bogus"}, "--bogus"},
      {{"--bogus", "app"}, "--bogus"},
      {{"app", "--bogus"}, "--bogus"},
      {{"--query", "app", "--frobnicate"}, "--frobnicate"},
      {{"--info", "--frobnicate"}, "--frobnicate"}};
  for (const auto& [args, unknown] : cases) {
    SCOPED_TRACE(::testing::PrintToString(args));
    auto result = run(args, options(request));
    expect_usage_error(result);
    EXPECT_NE(result.err.find(unknown), std::string::npos)
        << "stderr should name the unknown option: " << result.err;
  }
  EXPECT_TRUE(aws_requests().empty());
}

TEST_F(CliBinary, MissingAppExitsTwoWithNothingOnStdout) {
  clear_aws_log();
  std::string request = read_file(k_cases_dir / "valid_stdin.json");
  for (auto args :
       {std::vector<std::string>{}, std::vector<std::string>{"--query"},
        std::vector<std::string>{"--describe"}, std::vector<std::string>{"--config", "config.yaml"},
        std::vector<std::string>{"--dry-run"}, std::vector<std::string>{"-v"}}) {
    SCOPED_TRACE(::testing::PrintToString(args));
    auto result = run(args, options(request));
    expect_usage_error(result);
    EXPECT_NE(result.err.find("APP"), std::string::npos) << result.err;
  }
  EXPECT_TRUE(aws_requests().empty());
}

// 100,000 levels of nesting once crashed the process (stack overflow): the
// real binary must answer with one invalid-input line and touch nothing.
TEST_F(CliBinary, DeeplyNestedStdinIsInvalidInputNotACrash) {
  Workdir dir;
  fs::path config = write_config(fs::path(dir.path()), read_file(k_cases_dir / "common_config.yaml"));
  std::string deep = "{\"application\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  clear_aws_log();
  auto result = run({"--config", config.string(), "app"}, options(deep));
  auto status = single_status_line(result);
  EXPECT_EQ(status.value("status", ""), "failed") << result.err;
  EXPECT_EQ(status.value("reason", ""), "invalid-input") << result.err;
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(aws_requests().empty());
}

TEST_F(CliBinary, HelpExitsZero) {
  for (auto flag : {"--help", "-h"}) {
    SCOPED_TRACE(flag);
    auto result = run({flag}, options());
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("--query"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("--info"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("--config"), std::string::npos) << result.out;
  }
}

// ---------------------------------------------------------------------------
// Config discovery: --config, else $OPTUNE_CONFIG, else ./config.yaml (in the cwd).
// Broken configs name the file they came from, which shows which one was read.

constexpr const char* k_config_missing_service = R"(fargate:
  region: us-east-1
  endpoint_url: ${ENDPOINT}
  web:
    cluster: prod
)";

constexpr const char* k_config_bad_type = R"(fargate:
  region: us-east-1
  endpoint_url: ${ENDPOINT}
  web:
    service_name: web
    settings:
      cpu:
        type: ranged
)";

struct VerbRun {
  std::vector<std::string> args;
  std::string stdin_text;
};

std::vector<VerbRun> query_and_adjust(std::vector<std::string> extra = {}) {
  std::vector<std::string> query = {"--query", "app"};
  std::vector<std::string> adjust = {"app"};
  query.insert(query.end(), extra.begin(), extra.end());
  adjust.insert(adjust.end(), extra.begin(), extra.end());
  return {{query, ""}, {adjust, read_file(k_cases_dir / "valid_stdin.json")}};
}

// Runs query and adjust; both must fail with invalid-config naming `fragment`.
void expect_config_failure(const std::vector<VerbRun>& runs, const AdjustOptions& base,
                           const std::vector<std::string>& fragments,
                           const std::vector<std::string>& absent = {}) {
  for (const auto& verb : runs) {
    SCOPED_TRACE(::testing::PrintToString(verb.args));
    auto o = base;
    o.stdin_text = verb.stdin_text;
    o.args = verb.args;
    auto result = run_adjust(o).result;
    ASSERT_FALSE(result.timed_out);
    auto status = single_status_line(result);
    EXPECT_EQ(status.value("status", ""), "failed");
    EXPECT_EQ(status.value("reason", ""), "invalid-config");
    EXPECT_EQ(result.exit_code, 1);
    std::string message = status.value("message", "");
    for (const auto& fragment : fragments) {
      EXPECT_NE(message.find(fragment), std::string::npos)
          << "missing \"" << fragment << "\" in: " << message;
      EXPECT_NE(result.err.find(fragment), std::string::npos)
          << "stderr lacks \"" << fragment << "\": " << result.err;
    }
    for (const auto& fragment : absent) {
      EXPECT_EQ(message.find(fragment), std::string::npos)
          << "unexpected \"" << fragment << "\" in: " << message;
    }
  }
}

TEST_F(CliBinary, OptuneConfigEnvIsUsedBeforeTheCwdConfig) {
  Workdir dir;
  fs::create_directories(fs::path(dir.path()) / "elsewhere");
  fs::path from_env =
      write_config(fs::path(dir.path()) / "elsewhere", k_config_missing_service, "optune.yaml");
  write_config(fs::path(dir.path()), k_config_bad_type);  // ./config.yaml must lose
  clear_aws_log();
  auto o = options();
  o.cwd = dir.path();
  o.env.emplace_back("OPTUNE_CONFIG", from_env.string());
  expect_config_failure(query_and_adjust(), o,
                        {from_env.string() + ":4:3: fargate.web.service_name: is required"}, {"ranged"});
  EXPECT_TRUE(aws_requests().empty());
}

TEST_F(CliBinary, ConfigFlagBeatsOptuneConfig) {
  Workdir dir;
  fs::path from_env = write_config(fs::path(dir.path()), k_config_missing_service, "optune.yaml");
  fs::path from_flag = write_config(fs::path(dir.path()), k_config_bad_type, "flag.yaml");
  auto o = options();
  o.env.emplace_back("OPTUNE_CONFIG", from_env.string());
  expect_config_failure(query_and_adjust({"--config", from_flag.string()}), o,
                        {from_flag.string() + ":8:15: fargate.web.settings.cpu.type:"}, {"service_name"});
}

TEST_F(CliBinary, ConfigYamlInTheWorkingDirectoryIsTheDefault) {
  Workdir dir;
  write_config(fs::path(dir.path()), k_config_missing_service);
  clear_aws_log();
  auto o = options();
  o.cwd = dir.path();
  expect_config_failure(query_and_adjust(), o, {"config.yaml:4:3: fargate.web.service_name: is required"});
  // An empty OPTUNE_CONFIG counts as unset.
  o.env.emplace_back("OPTUNE_CONFIG", "");
  expect_config_failure(query_and_adjust(), o, {"config.yaml:4:3: fargate.web.service_name: is required"});
  EXPECT_TRUE(aws_requests().empty());
}

TEST_F(CliBinary, NoConfigAnywhereNamesTheDefaultPath) {
  Workdir dir;  // an empty working directory
  auto o = options();
  o.cwd = dir.path();
  expect_config_failure(query_and_adjust(), o, {"cannot read config file", "config.yaml"});
}

// Positive control for "no AWS call": the same setup with a valid config does
// reach the simulator, so an empty request log elsewhere means something.
TEST_F(CliBinary, ValidConfigReachesTheSimulatorSoTheCallCountIsMeaningful) {
  Workdir dir;
  fs::path config = write_config(fs::path(dir.path()), read_file(k_cases_dir / "common_config.yaml"));
  clear_aws_log();
  auto result = run({"--query", "app", "--config", config.string()}, options());
  auto status = single_status_line(result);  // the fake-only sim has no such service
  EXPECT_NE(status.value("reason", ""), "invalid-config") << result.out;
  auto requests = aws_requests();
  ASSERT_FALSE(requests.empty()) << "the query never reached the simulator; stderr:\n" << result.err;
  EXPECT_EQ(requests[0].value("access_key", ""), "AKIDCLIBINARYTEST");
}

// servo's exact stdin, built here so no editor can add a newline: json.dumps
// separators, a control object, no newline at the end.
TEST_F(CliBinary, ServoExactStdinWithoutNewlineGetsPastValidation) {
  Workdir dir;
  fs::path config = write_config(fs::path(dir.path()), read_file(k_cases_dir / "common_config.yaml"));
  std::string request =
      "{\"application\": {\"components\": {\"web\": {\"settings\": {\"cpu\": {\"value\": 0.5}, "
      "\"replicas\": {\"value\": 2}}}}}, \"control\": {\"duration\": 120, \"userdata\": {\"deploy_to\": "
      "\"main\"}}}";
  ASSERT_FALSE(request.ends_with('\n'));
  auto o = options(request);
  o.timeout = std::chrono::seconds(60);
  auto result = run({"app", "--config", config.string()}, o);
  expect_json_lines(result.out);
  auto lines = lines_of(result.out);
  ASSERT_FALSE(lines.empty());
  auto final_line = json::parse(lines.back());
  ASSERT_TRUE(final_line.contains("status")) << lines.back();
  std::string reason = final_line.value("reason", "");
  for (const auto* refused : {"invalid-input", "invalid-value", "invalid-config", "infeasible"}) {
    EXPECT_NE(reason, refused) << lines.back();
  }
}

// ---------------------------------------------------------------------------
// Golden cases: test/data/cli/<case>/

struct GoldenCase {
  std::string name;
  fs::path dir;
};

// Failure reports name the case, not the struct's bytes.
[[maybe_unused]] void PrintTo(const GoldenCase& golden, std::ostream* out) { *out << golden.name; }

std::vector<GoldenCase> golden_cases() {
  std::vector<GoldenCase> cases;
  for (const auto& entry : fs::directory_iterator(k_cases_dir)) {
    if (entry.is_directory() && fs::exists(entry.path() / "expected.json")) {
      cases.push_back({entry.path().filename().string(), entry.path()});
    }
  }
  std::sort(cases.begin(), cases.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return cases;
}

class CliBinaryGolden : public CliBinaryBase, public ::testing::WithParamInterface<GoldenCase> {};

TEST_P(CliBinaryGolden, Case) {
  const auto& golden = GetParam();
  json expected = json::parse(read_file(golden.dir / "expected.json"));
  std::set<std::string> known_keys = {
      "note", "verbs", "status", "reason", "message_contains", "config_missing", "accepted", "reads_service"};
  for (const auto& [key, value] : expected.items()) {
    EXPECT_TRUE(known_keys.contains(key)) << "unknown key in expected.json: " << key;
  }
  bool accepted = expected.value("accepted", false);
  if (!accepted) {
    ASSERT_TRUE(expected.contains("status") && expected.contains("reason"))
        << "expected.json needs status and reason";
  }
  std::vector<std::string> verbs = expected.value("verbs", std::vector<std::string>{"adjust", "dry-run"});

  Workdir dir;
  fs::path config;
  if (expected.value("config_missing", false)) {
    config = fs::path(dir.path()) / "config.yaml";  // never written
  } else {
    fs::path source = fs::exists(golden.dir / "config.yaml") ? golden.dir / "config.yaml"
                                                             : k_cases_dir / "common_config.yaml";
    config = write_config(fs::path(dir.path()), read_file(source));
  }
  std::string request = read_file(fs::exists(golden.dir / "stdin.json") ? golden.dir / "stdin.json"
                                                                        : k_cases_dir / "valid_stdin.json");

  for (const auto& verb : verbs) {
    SCOPED_TRACE("verb " + verb);
    ASSERT_TRUE(verb == "query" || verb == "adjust" || verb == "dry-run") << "unknown verb " << verb;
    std::vector<std::string> args = verb == "query"     ? std::vector<std::string>{"--query", "app"}
                                    : verb == "dry-run" ? std::vector<std::string>{"--dry-run", "app"}
                                                        : std::vector<std::string>{"app"};
    args.insert(args.end(), {"--config", config.string()});
    auto o = options(verb == "query" ? std::string() : request);
    if (accepted) o.timeout = std::chrono::seconds(60);
    clear_aws_log();
    // A value outside the config's limits is refused unless it is the service's
    // current value, so the service is read first (and only read).
    const bool reads_service = expected.value("reads_service", false);
    if (reads_service) {
      sim().control("seed", {{"cluster", "prod"},
                             {"task_definitions", {testing::task_definition("web")}},
                             {"services", {testing::service_spec("web")}}});
    }
    auto result = run(args, o);
    if (reads_service) {
      json requests = aws_requests();
      EXPECT_FALSE(requests.empty()) << "the service was not read";
      for (const auto& call : requests) {
        std::string operation = call.value("operation", "");
        EXPECT_TRUE(operation.starts_with("Describe") || operation.starts_with("List"))
            << "a mutating call: " << call.dump();
      }
      sim().control("reset", json::object());
      clear_aws_log();
    }

    if (accepted) {
      expect_json_lines(result.out);
      auto lines = lines_of(result.out);
      ASSERT_FALSE(lines.empty()) << result.err;
      auto final_line = json::parse(lines.back());
      ASSERT_TRUE(final_line.contains("status")) << lines.back();
      std::string reason = final_line.value("reason", "");
      for (const auto* refused : {"invalid-input", "invalid-value", "invalid-config", "infeasible"}) {
        EXPECT_NE(reason, refused) << "the request should pass every check before AWS: " << lines.back();
      }
      continue;
    }

    auto status = single_status_line(result, reads_service);
    EXPECT_EQ(status.value("status", ""), expected["status"]);
    EXPECT_EQ(status.value("reason", ""), expected["reason"]);
    EXPECT_EQ(result.exit_code, exit_code_for_status(expected["status"].get<std::string>()));
    std::string message = status.value("message", "");
    EXPECT_FALSE(message.empty());
    for (const auto& fragment_template : expected.value("message_contains", std::vector<std::string>{})) {
      std::string fragment = replace_all(fragment_template, "${CONFIG}", config.string());
      EXPECT_NE(message.find(fragment), std::string::npos) << "message lacks \"" << fragment << "\":\n"
                                                           << message;
      // The human-readable copy goes to stderr.
      EXPECT_NE(result.err.find(fragment), std::string::npos) << "stderr lacks \"" << fragment << "\":\n"
                                                              << result.err;
    }
    // Validate before mutate: nothing reached AWS (reads_service: only reads, checked above).
    auto requests = aws_requests();
    EXPECT_TRUE(requests.empty()) << "AWS was called: " << requests.dump();
  }
}

INSTANTIATE_TEST_SUITE_P(CliBinary, CliBinaryGolden, ::testing::ValuesIn(golden_cases()),
                         [](const ::testing::TestParamInfo<GoldenCase>& param_info) {
                           return param_info.param.name;
                         });

// The folder scan is not silently empty, and each required kind of case is there.
TEST_F(CliBinary, GoldenCasesCoverTheIssueList) {
  std::set<std::string> names;
  for (const auto& golden : golden_cases()) names.insert(golden.name);
  for (const auto* required :
       {"config_missing_file", "config_yaml_syntax", "config_missing_service_name",
        "config_min_greater_than_max", "config_unknown_setting_type", "config_non_numeric_bound",
        "stdin_not_json", "stdin_empty", "stdin_no_application", "stdin_unknown_component",
        "stdin_unknown_setting", "stdin_out_of_range", "stdin_replicas_fraction", "stdin_cpu_off_step",
        "stdin_not_in_enum", "stdin_infeasible_fargate_pair", "accepted_servo_format"}) {
    EXPECT_TRUE(names.contains(required)) << "missing golden case " << required;
  }
  // servo never sends a trailing newline; the golden file must not have one either.
  EXPECT_FALSE(read_file(k_cases_dir / "accepted_servo_format" / "stdin.json").ends_with('\n'));
}

}  // namespace
}  // namespace adjust
