// adjust --query for a person: at a terminal (a pseudo-terminal here) it
// prints a table per component; through a pipe, as servo runs it, the same
// JSON document as always.
#include <gtest/gtest.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/adjust_e2e.hpp"
#include "support/adjust_run.hpp"
#include "support/sim_fixture.hpp"

extern char** environ;

namespace adjust::testing {
namespace {

using json = nlohmann::json;

struct TerminalRun {
  std::string out;  // what the terminal showed, "\r\n" as "\n"
  int exit_code = -1;
};

// The binary with its stdout (and stdin, stderr) on a pseudo-terminal.
TerminalRun run_at_terminal(const std::vector<std::string>& args, const EnvVars& env) {
  // Everything the child needs is built before fork.
  std::map<std::string, std::string> variables;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string text(*entry);
    auto equals = text.find('=');
    if (equals != std::string::npos) variables[text.substr(0, equals)] = text.substr(equals + 1);
  }
  for (const auto& name : k_unset) variables.erase(name);
  for (const auto& [name, value] : env) variables[name] = value;
  std::vector<std::string> env_strings;
  for (const auto& [name, value] : variables) env_strings.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (auto& text : env_strings) envp.push_back(text.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings{adjust_binary()};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& text : argv_strings) argv.push_back(text.data());
  argv.push_back(nullptr);

  int terminal = -1;
  pid_t pid = ::forkpty(&terminal, nullptr, nullptr, nullptr);
  if (pid == 0) {
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  TerminalRun run;
  if (pid < 0) return run;
  char buffer[4096];
  for (;;) {
    ssize_t got = ::read(terminal, buffer, sizeof buffer);
    if (got > 0) {
      run.out.append(buffer, static_cast<std::size_t>(got));
    } else if (got < 0 && errno == EINTR) {
      continue;
    } else {
      break;  // EIO once the child's side closed
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(terminal);
  std::erase(run.out, '\r');
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

class QueryTable : public ::testing::Test {
 protected:
  QueryTable() : sim(fast_sim()) {
    seed(sim, {"web"});
    config_path = dir.write("config.yaml", config_yaml(sim.endpoint(), component_yaml("web")));
  }

  AdjustRun piped(std::vector<std::string> extra) {
    AdjustOptions options;
    options.args = {"--config", config_path};
    options.args.insert(options.args.end(), extra.begin(), extra.end());
    options.args.insert(options.args.end(), {"--query", "app"});
    options.env = adjust_env(dir);
    options.unset_env = k_unset;
    return run_adjust(options);
  }

  SimFixture sim;
  Workdir dir;
  std::string config_path;
};

TEST_F(QueryTable, AtATerminalEachComponentIsAnAlignedTable) {
  TerminalRun run = run_at_terminal({"--config", config_path, "--query", "app"}, adjust_env(dir));
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_EQ(run.out,
            "web  (service web in demo: web:1, 2/2 running, no deployment in progress, ROLLING)\n"
            "  SETTING    VALUE  UNIT  ALLOWED            PINNED\n"
            "  cpu        0.25   vCPU  0.25, 0.5, 1       no\n"
            "  mem        0.5    GiB   0.5 to 4 step 0.5  no\n"
            "  replicas   2            1 to 6 step 1      no\n"
            "  MODE       safe         safe, fast         no\n"
            "  LOG_LEVEL  info         info, debug        no\n"
            "  GOGC       100          50 to 300 step 10  no\n");
}

TEST_F(QueryTable, ThroughAPipeTheOutputIsServosJsonAsBefore) {
  AdjustRun default_run = piped({});
  AdjustRun json_run = piped({"--format", "json"});
  ASSERT_EQ(default_run.result.exit_code, 0) << default_run.dump();
  EXPECT_EQ(default_run.result.out, json_run.result.out) << "piped output is the JSON document";
  ASSERT_EQ(default_run.lines.size(), 1u) << default_run.dump();
  EXPECT_TRUE(default_run.final.at("application").at("components").contains("web")) << default_run.dump();

  AdjustRun table_run = piped({"--format", "table"});
  EXPECT_EQ(table_run.result.exit_code, 0);
  EXPECT_EQ(table_run.result.out.rfind("web  (service web in demo: web:1", 0), 0u) << table_run.result.out;
}

}  // namespace
}  // namespace adjust::testing
