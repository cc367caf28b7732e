// Running the real `adjust` binary from a test, one way for every suite:
//   Workdir           a throw-away directory (HOME, config, request and credential files);
//   run_adjust()      the binary with AdjustOptions: args, stdin, environment (inherited
//                     with some names removed, or clean with `env -i`), a deadline, and
//                     optionally an action while it is held inside a simulator request;
//   parse_json_lines  its stdout split into JSON-object lines and the lines that are not.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace adjust::testing {

class SimFixture;

// A directory made with mkdtemp, removed with everything in it.
class Workdir {
 public:
  Workdir();
  ~Workdir();
  Workdir(const Workdir&) = delete;
  Workdir& operator=(const Workdir&) = delete;

  const std::string& path() const { return m_path; }
  // Writes `text` to path()/relative (parent directories created); the full path.
  std::string write(const std::string& relative, const std::string& text) const;

 private:
  std::string m_path;
};

// stdout of the binary, line by line.
struct JsonLines {
  std::vector<nlohmann::json> every;    // every line parsed (one that is not JSON: a discarded value)
  std::vector<nlohmann::json> objects;  // the lines that are JSON objects, in order
  std::vector<std::string> bad;         // the lines that are not
};
JsonLines parse_json_lines(const std::string& out);
// stdout split at '\n' (a last line without one included), nothing parsed.
std::vector<std::string> lines_of(const std::string& out);
// The protocol: every stdout line is one complete JSON object, newline-terminated (EXPECTs).
void expect_json_lines(const std::string& out);

// How to run the binary: run_command's options (stdin_text, close_stdin, env,
// unset_env, timeout, cwd) plus the arguments and the ways below.
struct AdjustOptions : CommandOptions {
  AdjustOptions() { timeout = std::chrono::seconds(120); }

  std::vector<std::string> args;  // after the binary's path
  // Set: `env -i PATH=$PATH HOME=<clean_home> <env>...`: nothing else inherited.
  const Workdir* clean_home = nullptr;
  // Held runs: the binary runs in the background with stdin from `stdin_path`;
  // once rule `hold_rule` of `sim` has fired (the binary is inside that
  // request), `act` is called with its pid. `timeout` is the whole run's deadline.
  std::string stdin_path;
  SimFixture* sim = nullptr;
  std::optional<int> hold_rule;
  std::function<void(int pid)> act;
};

struct AdjustRun {
  CommandResult result;                // exit code (128 + signal), stdout, stderr, timed_out, peak RSS
  std::vector<nlohmann::json> lines;   // stdout lines that are JSON objects
  std::vector<std::string> bad_lines;  // stdout lines that are not
  nlohmann::json final;                // the last JSON line (null when there was none)
  std::chrono::duration<double> elapsed{};

  // stdout and the tail of stderr, for a failure message.
  std::string dump() const;
};

AdjustRun run_adjust(const AdjustOptions& options);

// The adjust binary of the build these tests belong to: build/adjust beside
// build/test/ (ADJUST_BINARY overrides). Found at run time, so that test
// objects do not depend on the build directory (ccache shares them).
const std::string& adjust_binary();
// Whether that binary carries the sanitizers (its memory figures are then
// the runtime's, not ours).
bool adjust_binary_is_sanitized();

// Options for `env -i PATH=$PATH HOME=<home> <env>... adjust <args>...`.
AdjustOptions clean_options(const Workdir& home, EnvVars env, std::vector<std::string> args,
                            std::string stdin_text = {});

// An adjust request (stdin) giving one component these settings, e.g. {"cpu": 0.5}.
std::string adjust_request(const std::string& component, const nlohmann::json& settings);

// The argv run_adjust() runs (for a test that drives the process itself).
std::vector<std::string> adjust_argv(const AdjustOptions& options);

}  // namespace adjust::testing
