// The whole CLI in-process: argv, stdin, stdout lines, stderr, exit codes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "adjust/base/version.hpp"
#include "adjust/cli/cli.hpp"
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
