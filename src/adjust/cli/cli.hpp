// The command line: parses argv, runs the verb, prints the protocol's JSON
// lines on stdout and diagnostics on stderr, returns the exit code.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "adjust/aws/http.hpp"
#include "adjust/base/cancel.hpp"
#include "adjust/base/clock.hpp"
#include "adjust/base/environment.hpp"
#include "adjust/base/log.hpp"

namespace adjust::cli {

// Everything a run touches, so tests can run the whole CLI in-process.
struct Dependencies {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  const Environment& env;
  Clock& clock;
  Transport& transport;  // every AWS and credential-endpoint request
  // The stderr logger the transport traces to; run() sets its level. When
  // null, run() logs to `err` with a logger of its own.
  Logger* logger = nullptr;
  // Set by SIGUSR1/SIGTERM/SIGINT in the real program; tests may set it by hand.
  CancelToken* cancel = nullptr;
  // stdout is a terminal (a person runs it): --query prints a table.
  bool out_is_terminal = false;
};

// args excludes the program name.
int run(const std::vector<std::string>& args, Dependencies& deps);

int main_with_real_dependencies(int argc, char** argv);

}  // namespace adjust::cli
