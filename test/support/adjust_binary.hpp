// Running the real `adjust` binary in a clean environment (`env -i`): a
// private HOME, which is also where a test writes config, request and
// credential files, and only the variables the test names.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace adjust::testing {

// A throw-away directory (mkdtemp), removed with everything in it.
class TempHome {
 public:
  TempHome();
  ~TempHome();
  TempHome(const TempHome&) = delete;
  TempHome& operator=(const TempHome&) = delete;

  const std::string& path() const { return m_path; }
  // Writes `text` to path()/relative (parent directories created); the full path.
  std::string write(const std::string& relative, const std::string& text) const;

 private:
  std::string m_path;
};

// `/usr/bin/env -i PATH=$PATH HOME=<home> NAME=value... ADJUST_BINARY args...`
std::vector<std::string> clean_adjust_argv(const TempHome& home, const EnvVars& env,
                                           const std::vector<std::string>& args);

CommandResult run_adjust_clean(const TempHome& home, const EnvVars& env, const std::vector<std::string>& args,
                               const std::string& stdin_text = {},
                               std::chrono::milliseconds timeout = std::chrono::seconds(120));

// An adjust request (stdin) giving one component these settings, e.g. {"cpu": 0.5}.
std::string adjust_request(const std::string& component, const nlohmann::json& settings);

// Every stdout line parsed as JSON (a line that is not JSON becomes a discarded value).
std::vector<nlohmann::json> json_lines(const std::string& out);

}  // namespace adjust::testing
