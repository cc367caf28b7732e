#include "adjust/cli.hpp"

#include <iostream>

#include "adjust/version.hpp"

namespace adjust::cli {

int main_with_real_dependencies(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--version") {
    std::cout << "adjust " << k_version << std::endl;
    return 0;
  }
  std::cerr << "usage: adjust [--info|--query|--version] APP\n";
  return 2;
}

}  // namespace adjust::cli
