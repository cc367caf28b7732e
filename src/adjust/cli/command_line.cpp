#include "adjust/cli/command_line.hpp"

#include <CLI/CLI.hpp>

namespace adjust {
namespace {

constexpr const char* k_usage =
    "usage: adjust [--config PATH] [-v] (--version | --info [APP] | --query APP | [--dry-run] APP |\n"
    "              doctor [--json] [APP])\n"
    "run 'adjust --help' for details\n";

}  // namespace

Result<CommandLine> parse_command_line(const std::vector<std::string>& args) {
  CommandLine line;
  bool want_version = false;
  bool want_info = false;
  bool want_query = false;
  bool want_describe = false;
  std::string config_path;
  std::vector<std::string> positionals;

  CLI::App app{"Opsani servo adjust driver for AWS ECS Fargate services", "adjust"};
  app.set_help_flag("-h,--help", "Print this help and exit");
  auto* version = app.add_flag("--version", want_version, "Print the version and exit");
  auto* info = app.add_flag("--info", want_info, "Print driver metadata as JSON (stdin is not read)");
  auto* query = app.add_flag("--query", want_query, "Print the current settings of every component");
  auto* describe = app.add_flag("--describe", want_describe, "Same as --query");
  app.add_option("--config", config_path, "Configuration file (default: $OPTUNE_CONFIG, else ./config.yaml)");
  app.add_flag("--dry-run", line.dry_run,
               "Plan the adjustment and print it on stderr; change nothing in AWS");
  app.add_flag("-v,--verbose", line.verbosity, "More diagnostics on stderr (repeat for more)");
  app.add_option("--format", line.format,
                 "--query output: json or table (default: table on a terminal, else json)")
      ->check(CLI::IsMember({"json", "table"}));
  app.add_flag("--json", line.json, "doctor: print the report as one JSON document");
  app.add_option("app", positionals,
                 "Servo application id; or `doctor [APP]`: check the setup, change nothing")
      ->expected(0, 2);
  info->excludes(query)->excludes(describe)->excludes(version);
  query->excludes(describe)->excludes(version);
  describe->excludes(version);

  // CLI11 wants argv order reversed when given a vector.
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    line.verb = Verb::help;
    line.help_text = app.help();
    return line;
  } catch (const CLI::ParseError& error) {
    return fail(ErrorCode::usage, std::string(error.what()) + "\n" + k_usage);
  }
  if (!config_path.empty()) line.config_path = config_path;

  // `doctor [APP]`: a person's command, so APP (unused by the driver) is optional.
  // One positional "doctor" with a verb flag (`--query doctor`) is an application of that name.
  bool other_verb = want_version || want_info || want_query || want_describe || line.dry_run;
  bool doctor =
      !positionals.empty() && positionals.front() == "doctor" && (positionals.size() == 2 || !other_verb);
  if (positionals.size() == 2 && !doctor) {
    return fail(ErrorCode::usage, "unexpected argument \"" + positionals[1] + "\"\n" + k_usage);
  }
  if (!positionals.empty()) line.app_id = positionals.back();
  if (doctor && other_verb) {
    return fail(ErrorCode::usage, std::string("doctor takes only --config, --json and -v\n") + k_usage);
  }
  if (line.json && !doctor) return fail(ErrorCode::usage, std::string("--json is for doctor\n") + k_usage);

  if (doctor) {
    line.verb = Verb::doctor;
    if (positionals.size() == 1) line.app_id.clear();
  } else if (want_version) {
    line.verb = Verb::version;
  } else if (want_info) {
    line.verb = Verb::info;
  } else if (want_query || want_describe) {
    line.verb = Verb::query;
  } else {
    line.verb = Verb::adjust;
  }
  if ((line.verb == Verb::query || line.verb == Verb::adjust) && line.app_id.empty()) {
    return fail(ErrorCode::usage, std::string("missing APP (the servo application id)\n") + k_usage);
  }
  return line;
}

}  // namespace adjust
