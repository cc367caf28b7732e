#include "adjust/cli/cli.hpp"

#include <unistd.h>

#include <csignal>
#include <iostream>

#include "adjust/base/log.hpp"
#include "adjust/base/version.hpp"
#include "adjust/cli/command_line.hpp"
#include "adjust/cli/verbs.hpp"
#include "adjust/protocol/output.hpp"

namespace adjust::cli {
namespace {

// Set to a true value, libcurl's own dump joins the trace log (and implies it).
constexpr const char* k_curl_verbose_var = "ADJUST_CURL_VERBOSE";

// ADJUST_LOG_LEVEL sets the base level (default info); each -v raises it.
LogLevel log_level_for(const CommandLine& line, const Environment& env, std::ostream& err) {
  if (env_flag(env, k_curl_verbose_var)) return LogLevel::trace;
  LogLevel level = LogLevel::info;
  if (auto named = env.non_empty("ADJUST_LOG_LEVEL")) {
    if (auto parsed = parse_log_level(*named)) {
      level = *parsed;
    } else {
      err << "adjust: warn: ignoring unknown ADJUST_LOG_LEVEL (use error, warn, info, debug or trace)\n";
    }
  }
  int raised = static_cast<int>(level) + line.verbosity;
  return static_cast<LogLevel>(std::min(raised, static_cast<int>(LogLevel::trace)));
}

}  // namespace

int run(const std::vector<std::string>& args, Dependencies& deps) {
  auto line = parse_command_line(args);
  if (!line) {
    // Usage errors: nothing on stdout, exit 2 (what servo and argparse expect).
    deps.err << "adjust: " << line.error().message;
    if (!line.error().message.ends_with('\n')) deps.err << '\n';
    return 2;
  }
  OutputWriter output(deps.out);
  switch (line->verb) {
    case Verb::help:
      deps.out << line->help_text;
      deps.out.flush();
      return 0;
    case Verb::version:
      deps.out << "adjust " << k_version << std::endl;
      return 0;
    case Verb::info: {
      // Never reads stdin: servo passes its own stdin, which is never closed.
      output.document(info_document());
      return 0;
    }
    case Verb::query:
    case Verb::adjust:
    case Verb::doctor:
      break;
  }

  Logger own_logger(deps.err, LogLevel::info);
  Logger& logger = deps.logger != nullptr ? *deps.logger : own_logger;
  logger.set_level(log_level_for(*line, deps.env, deps.err));
  if (auto format = deps.env.non_empty("ADJUST_LOG_FORMAT")) {
    if (auto parsed = parse_log_format(*format)) {
      logger.set_format(*parsed);
    } else {
      logger.warn("ignoring unknown ADJUST_LOG_FORMAT (use text or json)");
    }
  }
  CancelToken own_cancel;
  CancelToken& cancel = deps.cancel != nullptr ? *deps.cancel : own_cancel;
  verbs::Context context{*line, deps.in, output, logger, deps.env, deps.clock, deps.transport, cancel};
  context.table = line->format == "table" || (line->format.empty() && deps.out_is_terminal);
  if (line->verb == Verb::doctor) {
    try {
      return verbs::doctor(context);
    } catch (const std::exception& error) {
      logger.error(std::string("internal error: ") + error.what());
      return 1;
    }
  }
  FinalStatus final_status;
  try {
    final_status = line->verb == Verb::query ? verbs::query(context) : verbs::adjust(context);
  } catch (const std::exception& error) {
    // Last resort: a bug still ends with the protocol's final line.
    final_status = {protocol::Status::failed, protocol::Reason::internal_error,
                    std::string("internal error: ") + error.what()};
  }
  // Every run ends with exactly one final line; --query's success line is its document.
  if (!(line->verb == Verb::query && final_status.status == protocol::Status::ok)) {
    if (final_status.status != protocol::Status::ok) logger.error(final_status.message);
    output.final_status(final_status);
  }
  return exit_code_for(final_status);
}

int main_with_real_dependencies(int argc, char** argv) {
  // A closed stdout must end the run with an error, not kill it mid-change.
  std::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  ProcessEnvironment env;
  SystemClock clock;
  // Cancel (servo's SIGUSR1, or SIGTERM) is noticed from the very start.
  static CancelToken cancel;
  install_cancel_signal_handlers(cancel);
  Logger logger(std::cerr, LogLevel::info);
  auto transport = verbs::make_real_transport(&logger, env_flag(env, k_curl_verbose_var));
  Dependencies deps{
      std::cin, std::cout, std::cerr, env, clock, *transport, &logger, &cancel, ::isatty(STDOUT_FILENO) == 1};
  return run(args, deps);
}

}  // namespace adjust::cli
