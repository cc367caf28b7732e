// Reading config.yaml from disk and choosing its path: the effectful half of
// config loading (parse_config is pure).
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "adjust/config/config.hpp"

namespace adjust {

Result<Config> load_config(const std::string& path, const Environment& env) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return fail(ErrorCode::config, "cannot read config file " + path + ": " + std::strerror(errno));
  }
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) {
    return fail(ErrorCode::config, "cannot read config file " + path);
  }
  return parse_config(text.str(), path, env);
}

std::string resolve_config_path(std::optional<std::string> cli_path, const Environment& env) {
  if (cli_path && !cli_path->empty()) {
    return *cli_path;
  }
  return env.non_empty("OPTUNE_CONFIG").value_or("./config.yaml");
}

}  // namespace adjust
