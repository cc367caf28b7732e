// The whole CLI in-process: argv, stdin, stdout lines, stderr, exit codes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "adjust/base/version.hpp"
#include "adjust/cli/cli.hpp"
#include "adjust/cli/command_line.hpp"
#include "fakes/transport.hpp"
#include "support/adjust_run.hpp"

namespace adjust {
namespace {

using testing::FakeTransport;
using testing::lines_of;

struct RunResult {
  int exit_code;
  std::string out;
  std::string err;
};

RunResult run_cli(std::vector<std::string> args, const std::string& stdin_text = "",
                  MapEnvironment env = {}) {
  std::istringstream in(stdin_text);
  std::ostringstream out;
  std::ostringstream err;
  SystemClock clock;
  FakeTransport transport;  // nothing scripted: no network
  cli::Dependencies deps{in, out, err, env, clock, transport};
  int code = cli::run(args, deps);
  EXPECT_EQ(transport.request_count(), 0U) << "these runs must not touch the network";
  return {code, out.str(), err.str()};
}

TEST(Cli, VersionPrintsOneLine) {
  auto result = run_cli({"--version"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, std::string("adjust ") + k_version + "\n");
}

TEST(Cli, InfoPrintsMetadataWithOrWithoutApp) {
  for (auto args : {std::vector<std::string>{"--info"}, std::vector<std::string>{"--info", "app"},
                    std::vector<std::string>{"app", "--info"}}) {
    auto result = run_cli(args);
    EXPECT_EQ(result.exit_code, 0);
    auto lines = lines_of(result.out);
    ASSERT_EQ(lines.size(), 1U);
    auto info = nlohmann::json::parse(lines[0]);
    EXPECT_EQ(info["version"], k_version);
    EXPECT_TRUE(info["has_cancel"].is_boolean());
  }
}

TEST(Cli, UsageErrorsExitTwoWithNothingOnStdout) {
  for (auto args :
       {std::vector<std::string>{"--bogus"}, std::vector<std::string>{"--query"}, std::vector<std::string>{},
        std::vector<std::string>{"--info", "--query", "x"}, std::vector<std::string>{"a", "b"}}) {
    auto result = run_cli(args);
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find("usage: adjust"), std::string::npos) << result.err;
  }
}

TEST(Cli, DoctorIsAVerbOnlyWhereNoOtherVerbClaimsTheWord) {
  auto verb_of = [](std::vector<std::string> args) {
    auto line = parse_command_line(args);
    EXPECT_TRUE(line.has_value()) << line.error().message;
    return line ? std::pair{line->verb, line->app_id} : std::pair{Verb::help, std::string()};
  };
  EXPECT_EQ(verb_of({"doctor", "app"}), std::pair(Verb::doctor, std::string("app")));
  EXPECT_EQ(verb_of({"doctor"}), std::pair(Verb::doctor, std::string()));
  EXPECT_EQ(verb_of({"--json", "doctor", "app"}), std::pair(Verb::doctor, std::string("app")));
  // An application named doctor, as servo calls it.
  EXPECT_EQ(verb_of({"--query", "doctor"}), std::pair(Verb::query, std::string("doctor")));
  EXPECT_EQ(verb_of({"--info", "doctor"}), std::pair(Verb::info, std::string("doctor")));
  EXPECT_EQ(verb_of({"--dry-run", "doctor"}), std::pair(Verb::adjust, std::string("doctor")));
  EXPECT_TRUE(parse_command_line({"doctor", "--json"})->json);
  for (auto args :
       {std::vector<std::string>{"--json", "app"}, std::vector<std::string>{"doctor", "app", "--query"},
        std::vector<std::string>{"doctor", "a", "b"}, std::vector<std::string>{"app", "doctor"}}) {
    auto line = parse_command_line(args);
    ASSERT_FALSE(line.has_value()) << args.front();
    EXPECT_EQ(line.error().code, ErrorCode::usage);
  }
}

TEST(Cli, DoctorWithoutAConfigFailsThatCheckAndExitsOne) {
  auto result = run_cli({"--config", "/nonexistent/config.yaml", "doctor"});
  EXPECT_EQ(result.exit_code, 1);
  auto lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 2U) << result.out;
  EXPECT_TRUE(lines[0].starts_with("FAIL config: ")) << lines[0];
  EXPECT_TRUE(lines[1].starts_with("1 of 1 checks failed; nothing was changed")) << lines[1];
}

TEST(Cli, HelpGoesToStdoutAndExitsZero) {
  auto result = run_cli({"--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("--dry-run"), std::string::npos);
}

TEST(Cli, MalformedStdinEndsWithOneFailedLine) {
  auto result = run_cli({"app"}, "{not json");
  EXPECT_NE(result.exit_code, 0);
  auto lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 1U);
  auto status = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(status["status"], "failed");
  EXPECT_EQ(status["reason"], "invalid-input");
  EXPECT_NE(status["message"].get<std::string>().find("not valid JSON"), std::string::npos);
}

}  // namespace
}  // namespace adjust
