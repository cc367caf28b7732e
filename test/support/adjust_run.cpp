#include "support/adjust_run.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "support/sim_fixture.hpp"

namespace adjust::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

bool rule_fired(SimFixture& sim, int id) {
  json rules = sim.control("rules", json::object(), "GET");  // kept alive for the loop
  for (const auto& rule : rules.at("rules")) {
    if (rule.at("id") == id) return rule.at("fired").get<int>() > 0;
  }
  return false;
}

// In the background: wait for the hold, act, then read stdout to EOF by the deadline.
CommandResult run_held(const AdjustOptions& options, const std::vector<std::string>& argv) {
  if (!options.cwd.empty() || !options.close_stdin || !options.stdin_text.empty()) {
    throw std::logic_error("run_adjust: a held run takes stdin_path, and no cwd or open stdin");
  }
  Process::Options process_options;
  process_options.env = options.env;
  process_options.stdout_pipe = true;
  process_options.stdin_path = options.stdin_path;
  for (const auto& name : options.unset_env) {
    bool set =
        std::any_of(options.env.begin(), options.env.end(), [&](const auto& kv) { return kv.first == name; });
    if (!set) process_options.env.emplace_back(name, "");  // Process has no unset list: blank them
  }
  auto deadline = Clock::now() + options.timeout;
  Process adjust(argv, process_options);
  if (options.hold_rule) {
    if (options.sim == nullptr) throw std::logic_error("run_adjust: hold_rule needs sim");
    SimFixture& sim = *options.sim;
    while (!rule_fired(sim, *options.hold_rule)) {
      if (Clock::now() > deadline || !adjust.running()) {
        throw std::runtime_error("the binary never reached the held request (rule " +
                                 std::to_string(*options.hold_rule) +
                                 "); rules: " + sim.control("rules", json::object(), "GET").dump() +
                                 "\nlog tail:\n" + adjust.log_tail());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (options.act) options.act(adjust.pid());
  }
  auto left = [&] {
    return std::max(std::chrono::milliseconds(1),
                    std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
  };
  CommandResult result;
  result.out = adjust.read_stdout_to_eof(left()).value_or("");
  auto code = adjust.wait_exit(left());
  result.timed_out = !code;
  result.exit_code = code.value_or(-1);
  result.err = adjust.log_tail(std::string::npos);
  return result;
}

}  // namespace

Workdir::Workdir() {
  std::string pattern = (fs::temp_directory_path() / "adjust-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  m_path = pattern;
}

Workdir::~Workdir() {
  std::error_code ignored;
  fs::remove_all(m_path, ignored);
}

std::string Workdir::write(const std::string& relative, const std::string& text) const {
  auto path = fs::path(m_path) / relative;
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
  return path.string();
}

std::vector<std::string> lines_of(const std::string& out) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < out.size()) {
    std::size_t end = std::min(out.find('\n', start), out.size());
    lines.push_back(out.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

JsonLines parse_json_lines(const std::string& out) {
  JsonLines parsed;
  for (auto& line : lines_of(out)) {
    json value = json::parse(line, nullptr, false);
    parsed.every.push_back(value);
    if (value.is_object()) {
      parsed.objects.push_back(std::move(value));
    } else {
      parsed.bad.push_back(std::move(line));
    }
  }
  return parsed;
}

void expect_json_lines(const std::string& out) {
  EXPECT_TRUE(out.empty() || out.ends_with('\n')) << "unterminated stdout: " << out;
  for (const auto& line : lines_of(out)) {
    auto parsed = json::parse(line, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << "stdout line is not JSON: " << line;
    EXPECT_TRUE(parsed.is_object()) << "stdout line is not a JSON object: " << line;
  }
}

const std::string& adjust_binary() {
  static const std::string path = [] {
    if (const char* given = std::getenv("ADJUST_BINARY"); given != nullptr && *given != '\0') return std::string(given);
    std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe");
    return (self.parent_path().parent_path() / "adjust").string();
  }();
  return path;
}

bool adjust_binary_is_sanitized() {
  static const bool sanitized = [] {
    std::ifstream in(adjust_binary(), std::ios::binary);
    std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    return bytes.find("libasan.so") != std::string::npos || bytes.find("__asan_init") != std::string::npos;
  }();
  return sanitized;
}

std::vector<std::string> adjust_argv(const AdjustOptions& options) {
  std::vector<std::string> argv;
  if (options.clean_home != nullptr) {
    const char* path = std::getenv("PATH");
    argv = {"/usr/bin/env", "-i", std::string("PATH=") + (path ? path : "/usr/bin:/bin"),
            "HOME=" + options.clean_home->path()};
    for (const auto& [name, value] : options.env) argv.push_back(name + "=" + value);
  }
  argv.push_back(adjust_binary());
  argv.insert(argv.end(), options.args.begin(), options.args.end());
  return argv;
}

AdjustRun run_adjust(const AdjustOptions& options) {
  auto argv = adjust_argv(options);
  AdjustRun run;
  auto start = Clock::now();
  if (!options.stdin_path.empty() || options.hold_rule) {
    AdjustOptions held = options;
    if (options.clean_home != nullptr) held.env.clear();  // already on the env -i line
    run.result = run_held(held, argv);
  } else if (options.clean_home != nullptr) {
    CommandOptions command = options;
    command.env.clear();  // on the env -i line
    command.unset_env.clear();
    run.result = run_command(argv, command);
  } else {
    run.result = run_command(argv, options);
  }
  run.elapsed = Clock::now() - start;
  auto parsed = parse_json_lines(run.result.out);
  run.lines = std::move(parsed.objects);
  run.bad_lines = std::move(parsed.bad);
  if (!run.lines.empty()) run.final = run.lines.back();
  return run;
}

AdjustOptions clean_options(const Workdir& home, EnvVars env, std::vector<std::string> args,
                            std::string stdin_text) {
  AdjustOptions options;
  options.clean_home = &home;
  options.env = std::move(env);
  options.args = std::move(args);
  options.stdin_text = std::move(stdin_text);
  return options;
}

std::string adjust_request(const std::string& component, const json& settings) {
  json wrapped = json::object();
  for (const auto& [name, value] : settings.items()) wrapped[name] = {{"value", value}};
  json components = {{component, {{"settings", wrapped}}}};
  return json({{"application", {{"components", components}}}, {"control", json::object()}}).dump();
}

std::string AdjustRun::dump() const {
  return "stdout:\n" + result.out + "\nstderr (tail):\n" +
         result.err.substr(result.err.size() > 4000 ? result.err.size() - 4000 : 0);
}

}  // namespace adjust::testing
