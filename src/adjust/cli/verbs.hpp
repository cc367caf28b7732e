// The verbs that touch configuration and AWS. query and adjust return the
// final status, which the CLI prints; doctor prints its own report.
#pragma once

#include <istream>
#include <memory>

#include "adjust/aws/http.hpp"
#include "adjust/base/cancel.hpp"
#include "adjust/base/clock.hpp"
#include "adjust/base/environment.hpp"
#include "adjust/base/log.hpp"
#include "adjust/cli/command_line.hpp"
#include "adjust/config/config.hpp"
#include "adjust/protocol/output.hpp"

namespace adjust::verbs {

struct Context {
  const CommandLine& line;
  std::istream& in;
  OutputWriter& output;
  Logger& logger;
  const Environment& env;
  Clock& clock;
  Transport& transport;
  CancelToken& cancel;
  bool table = false;  // --query: the table for a person instead of servo's JSON
};

// --query: prints the settings document itself on success.
FinalStatus query(Context& context);
// adjust APP: reads stdin to EOF, validates, plans and applies.
FinalStatus adjust(Context& context);
// adjust doctor: prints its report; returns the exit status (0: every check passed).
int doctor(Context& context);

// libcurl; logs request/response lines (secrets redacted) at trace level,
// and with curl_verbose libcurl's own dump too (see CurlTransport).
std::unique_ptr<Transport> make_real_transport(Logger* trace_logger, bool curl_verbose);

// The config named by --config / $OPTUNE_CONFIG / ./config.yaml; warnings logged.
Result<Config> load_run_config(Context& context);

}  // namespace adjust::verbs
