// argv → what to do. The only place that talks to CLI11.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "adjust/base/result.hpp"

namespace adjust {

enum class Verb { version, info, query, adjust, doctor, help };

struct CommandLine {
  Verb verb = Verb::adjust;
  std::string app_id;  // servo's application id (unused by the driver)
  std::optional<std::string> config_path;
  bool dry_run = false;
  bool json = false;  // doctor --json
  int verbosity = 0;  // number of -v flags
  // --format: "json" or "table" (--query only); empty = table on a terminal, else json.
  std::string format;
  std::string help_text;  // for Verb::help
};

// Errors are ErrorCode::usage with the usage text in the message.
Result<CommandLine> parse_command_line(const std::vector<std::string>& args);

}  // namespace adjust
