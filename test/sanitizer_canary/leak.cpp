// Leaks on purpose: the sanitizer build's ctest expects LeakSanitizer to report
// it, proving leak checking is live in CI (a silent LSan would pass every test).
#include <cstdio>
#include <cstdlib>

int main() {
  void* volatile leaked = std::malloc(64);
  std::printf("allocated %p\n", leaked);
  leaked = nullptr;
  return 0;
}
