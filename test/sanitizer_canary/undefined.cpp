// Overflows a signed int on purpose: the sanitizer build's ctest expects UBSan
// to report it and stop the program, proving UB checking is live in CI.
#include <climits>
#include <cstdio>
#include <cstdlib>

int main(int argc, char**) {
  volatile int value = INT_MAX;
  value = value + argc;  // argc >= 1, so this always overflows
  std::printf("%d\n", value);
  return 0;
}
