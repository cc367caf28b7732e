// Real dependencies in, exit code out; everything else lives in cli.cpp.
#include <iostream>

#include "adjust/cli/cli.hpp"

int main(int argc, char** argv) { return adjust::cli::main_with_real_dependencies(argc, argv); }
