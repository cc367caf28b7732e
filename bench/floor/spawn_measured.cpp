// Runs a command and reports its wall time, peak RSS and CPU time, for
// bench/whole_program.py. A fork of the (large) Python benchmark process
// would carry Python's RSS into the child's ru_maxrss; this launcher is tiny,
// so the child's own peak shows. Usage: adjust_bench_spawn REPORT_FILE CMD ARGS...
// REPORT_FILE gets "wall_seconds maxrss_kib cpu_seconds exit_code".
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>

namespace {

double seconds(const timespec& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}
double seconds(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fputs("usage: adjust_bench_spawn REPORT_FILE CMD [ARGS...]\n", stderr);
    return 2;
  }
  timespec start{};
  clock_gettime(CLOCK_MONOTONIC, &start);
  pid_t child = fork();
  if (child < 0) return 127;
  if (child == 0) {
    execvp(argv[2], argv + 2);
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (wait4(child, &status, 0, &usage) < 0) return 127;
  timespec end{};
  clock_gettime(CLOCK_MONOTONIC, &end);
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (FILE* report = std::fopen(argv[1], "w")) {
    std::fprintf(report, "%.6f %ld %.6f %d\n", seconds(end) - seconds(start), usage.ru_maxrss,
                 seconds(usage.ru_utime) + seconds(usage.ru_stime), code);
    std::fclose(report);
  }
  return code;
}
