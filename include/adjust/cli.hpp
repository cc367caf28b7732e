// The command line: parses argv, runs the verb, prints the protocol's JSON
// lines on stdout and diagnostics on stderr, returns the exit code.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace adjust::cli {

int main_with_real_dependencies(int argc, char** argv);

}  // namespace adjust::cli
