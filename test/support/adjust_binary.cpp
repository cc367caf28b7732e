#include "support/adjust_binary.hpp"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace adjust::testing {

TempHome::TempHome() {
  std::string pattern = (std::filesystem::temp_directory_path() / "adjust-home-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  m_path = pattern;
}

TempHome::~TempHome() {
  std::error_code ignored;
  std::filesystem::remove_all(m_path, ignored);
}

std::string TempHome::write(const std::string& relative, const std::string& text) const {
  auto path = std::filesystem::path(m_path) / relative;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
  return path.string();
}

std::vector<std::string> clean_adjust_argv(const TempHome& home, const EnvVars& env,
                                           const std::vector<std::string>& args) {
  const char* path = std::getenv("PATH");
  std::vector<std::string> argv = {"/usr/bin/env", "-i", std::string("PATH=") + (path ? path : "/usr/bin:/bin"),
                                   "HOME=" + home.path()};
  for (const auto& [name, value] : env) argv.push_back(name + "=" + value);
  argv.push_back(ADJUST_BINARY);
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

CommandResult run_adjust_clean(const TempHome& home, const EnvVars& env, const std::vector<std::string>& args,
                               const std::string& stdin_text, std::chrono::milliseconds timeout) {
  CommandOptions options;
  options.stdin_text = stdin_text;
  options.timeout = timeout;
  return run_command(clean_adjust_argv(home, env, args), options);
}

std::string adjust_request(const std::string& component, const nlohmann::json& settings) {
  nlohmann::json wrapped = nlohmann::json::object();
  for (const auto& [name, value] : settings.items()) wrapped[name] = {{"value", value}};
  nlohmann::json components = {{component, {{"settings", wrapped}}}};
  return nlohmann::json({{"application", {{"components", components}}}, {"control", nlohmann::json::object()}}).dump();
}

std::vector<nlohmann::json> json_lines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::size_t start = 0;
  while (start < out.size()) {
    std::size_t end = out.find('\n', start);
    if (end == std::string::npos) end = out.size();
    lines.push_back(nlohmann::json::parse(out.substr(start, end - start), nullptr, false));
    start = end + 1;
  }
  return lines;
}

}  // namespace adjust::testing
