// Test-only process and HTTP helpers: free loopback ports, a child process that
// is always stopped (RAII, own process group), a bounded run_command with piped
// stdio, readiness polling and a small libcurl request helper.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace adjust::testing {

using EnvVars = std::vector<std::pair<std::string, std::string>>;

// A TCP port on 127.0.0.1 that was free a moment ago (bind to 0, read, close).
int free_loopback_port();

// True if `name` is an executable file in a PATH directory (or a path to one).
bool on_path(const std::string& name);

struct CommandResult {
  int exit_code = -1;      // exit status, or 128 + signal when killed by a signal
  std::string out;         // everything the child wrote to stdout
  std::string err;         // everything the child wrote to stderr
  bool timed_out = false;  // the deadline passed; the process group was killed
  long max_rss_kib = 0;    // the child's peak resident set size (wait4's ru_maxrss)
};

struct CommandOptions {
  std::string stdin_text;
  bool close_stdin = true;             // false: keep stdin open (never EOF) until the child exits
  EnvVars env;                         // added to (or replacing in) the parent's environment
  std::vector<std::string> unset_env;  // removed from the inherited environment
  std::chrono::milliseconds timeout{30000};
  std::string cwd;  // the child's working directory; empty: the parent's
};

// Runs argv[0] (PATH lookup) with piped stdio, polls all pipes (no deadlock on
// large output), and never takes longer than options.timeout (+ a short kill grace).
CommandResult run_command(const std::vector<std::string>& argv, const CommandOptions& options = {});

// A long-running child (a server). stdout goes to a pipe (stdout_pipe) or to the
// log file; stderr always goes to the log file. Stopped on destruction: SIGTERM
// to its process group, then SIGKILL after a grace period. The child also gets
// SIGTERM if the test process dies (PR_SET_PDEATHSIG).
class Process {
 public:
  struct Options {
    EnvVars env;
    std::string log_path;      // empty: a fresh file under /tmp
    bool stdout_pipe = false;  // read it with read_stdout_line()
    std::string stdin_path;    // the child's stdin; empty: /dev/null
  };

  Process(const std::vector<std::string>& argv, Options options);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return m_pid; }
  bool running();
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds{3000});

  // Waits up to `timeout` for the child to exit by itself; its exit code (or
  // 128 + signal, as CommandResult), or nullopt if it is still running.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

  // One line from the child's stdout (stdout_pipe only), without the newline.
  std::optional<std::string> read_stdout_line(std::chrono::milliseconds timeout);

  // Everything the child writes to stdout from now until it closes it (stdout_pipe
  // only), including a last line without a newline; nullopt if still open at `timeout`.
  std::optional<std::string> read_stdout_to_eof(std::chrono::milliseconds timeout);

  // Polls `url` until any HTTP response arrives; false on timeout or child exit.
  bool wait_for_http(const std::string& url, std::chrono::milliseconds timeout);

  const std::string& log_path() const { return m_log_path; }
  std::string log_tail(std::size_t max_bytes = 4000) const;

 private:
  enum class ReadStatus { data, eof, timeout };
  // One read from the stdout pipe into m_stdout_buffer, waiting until `deadline`.
  ReadStatus read_stdout_chunk(std::chrono::steady_clock::time_point deadline);

  pid_t m_pid = -1;
  int m_stdout_fd = -1;
  std::string m_stdout_buffer;
  std::string m_log_path;
  std::optional<int> m_exit_status;
};

struct HttpResult {
  long status = 0;  // 0 when no response arrived
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string error;  // libcurl's message when status == 0

  std::optional<std::string> header(const std::string& name) const;
};

// One HTTP request with libcurl (no proxies, loopback tests only).
HttpResult http_request(const std::string& method, const std::string& url,
                        const std::vector<std::string>& headers = {}, const std::string& body = {},
                        std::chrono::milliseconds timeout = std::chrono::milliseconds{10000});

}  // namespace adjust::testing
