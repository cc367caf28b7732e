#include "support/process.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

extern char** environ;

namespace adjust::testing {
namespace {

using Clock = std::chrono::steady_clock;

void ignore_sigpipe_once() {
  static std::once_flag once;
  std::call_once(once, [] { ::signal(SIGPIPE, SIG_IGN); });
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The environment for a child: the parent's, minus `unset`, with `add` applied.
std::vector<std::string> child_environment(const EnvVars& add, const std::vector<std::string>& unset) {
  std::vector<std::string> out;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string text = *entry;
    std::string name = text.substr(0, text.find('='));
    bool drop = std::find(unset.begin(), unset.end(), name) != unset.end() ||
                std::any_of(add.begin(), add.end(), [&](const auto& kv) { return kv.first == name; });
    if (!drop) out.push_back(std::move(text));
  }
  for (const auto& [name, value] : add) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::string resolve_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return name;
}

struct SpawnFds {
  int stdin_fd = -1;   // child's stdin (-1: /dev/null)
  int stdout_fd = -1;  // child's stdout
  int stderr_fd = -1;  // child's stderr
};

// fork + exec with only async-signal-safe calls in the child. The child leads
// its own process group and gets SIGTERM when the spawning thread dies.
pid_t spawn(const std::vector<std::string>& argv, const EnvVars& env, const std::vector<std::string>& unset,
            const SpawnFds& fds, const std::string& cwd = {}) {
  if (argv.empty()) throw std::invalid_argument("spawn: empty argv");
  std::vector<std::string> args = argv;
  args[0] = resolve_program(argv[0]);
  // A relative program path means the parent's cwd, whatever the child's is.
  if (!cwd.empty() && args[0].find('/') != std::string::npos && args[0].front() != '/') {
    char* here = ::getcwd(nullptr, 0);
    if (here != nullptr) {
      args[0] = std::string(here) + "/" + args[0];
      std::free(here);
    }
  }
  std::vector<std::string> envs = child_environment(env, unset);
  std::vector<char*> c_args = c_strings(args);
  std::vector<char*> c_env = c_strings(envs);
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    int null_fd = ::open("/dev/null", O_RDWR);
    ::dup2(fds.stdin_fd >= 0 ? fds.stdin_fd : null_fd, 0);
    ::dup2(fds.stdout_fd >= 0 ? fds.stdout_fd : null_fd, 1);
    ::dup2(fds.stderr_fd >= 0 ? fds.stderr_fd : null_fd, 2);
    ::signal(SIGPIPE, SIG_DFL);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(127);
    ::execve(c_args[0], c_args.data(), c_env.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also from the parent, so kill(-pid) works at once
  return pid;
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

void make_pipe(int fds[2]) {
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
}

std::string unique_log_path(const std::string& stem) {
  static std::atomic<int> counter{0};
  return "/tmp/adjust-test-" + stem + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter.fetch_add(1)) + ".log";
}

}  // namespace

int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("bind to 127.0.0.1:0 failed");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool on_path(const std::string& name) {
  std::string resolved = resolve_program(name);
  struct stat st {};
  return resolved.find('/') != std::string::npos && ::stat(resolved.c_str(), &st) == 0 &&
         S_ISREG(st.st_mode) && ::access(resolved.c_str(), X_OK) == 0;
}

CommandResult run_command(const std::vector<std::string>& argv, const CommandOptions& options) {
  ignore_sigpipe_once();
  int in[2], out[2], err[2];
  make_pipe(in);
  make_pipe(out);
  make_pipe(err);
  pid_t pid = -1;
  try {
    pid = spawn(argv, options.env, options.unset_env, SpawnFds{in[0], out[1], err[1]}, options.cwd);
  } catch (...) {
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) ::close(fd);
    throw;
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  for (int fd : {in[1], out[0], err[0]}) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);

  CommandResult result;
  const auto deadline = Clock::now() + options.timeout;
  std::size_t written = 0;
  int stdin_fd = in[1];
  if (options.stdin_text.empty() && options.close_stdin) {
    ::close(stdin_fd);
    stdin_fd = -1;
  }
  int out_fd = out[0], err_fd = err[0];
  std::optional<int> status;
  rusage usage{};
  char buffer[65536];
  while (true) {
    if (!status) {
      int raw = 0;
      if (::wait4(pid, &raw, WNOHANG, &usage) == pid) status = raw;
    }
    if (status && out_fd < 0 && err_fd < 0) break;
    if (status && stdin_fd >= 0) {  // child gone: nobody reads stdin any more
      ::close(stdin_fd);
      stdin_fd = -1;
    }
    auto now = Clock::now();
    if (now >= deadline) {
      result.timed_out = true;
      ::kill(-pid, SIGKILL);
      break;
    }
    std::vector<pollfd> fds;
    if (out_fd >= 0) fds.push_back({out_fd, POLLIN, 0});
    if (err_fd >= 0) fds.push_back({err_fd, POLLIN, 0});
    bool want_write = stdin_fd >= 0 && written < options.stdin_text.size();
    if (want_write) fds.push_back({stdin_fd, POLLOUT, 0});
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    int wait_ms = static_cast<int>(std::min<long long>(left, status ? 50 : 100));
    ::poll(fds.data(), static_cast<nfds_t>(fds.size()), wait_ms);
    for (const auto& p : fds) {
      if (p.revents == 0) continue;
      if (p.fd == stdin_fd) {
        ssize_t n =
            ::write(stdin_fd, options.stdin_text.data() + written, options.stdin_text.size() - written);
        if (n > 0) written += static_cast<std::size_t>(n);
        if (n < 0 && errno != EAGAIN) written = options.stdin_text.size();
        if (written >= options.stdin_text.size() && options.close_stdin) {
          ::close(stdin_fd);
          stdin_fd = -1;
        }
        continue;
      }
      ssize_t n = ::read(p.fd, buffer, sizeof buffer);
      if (n > 0) {
        (p.fd == out_fd ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        ::close(p.fd);
        (p.fd == out_fd ? out_fd : err_fd) = -1;
      }
    }
  }
  for (int fd : {stdin_fd, out_fd, err_fd}) {
    if (fd >= 0) ::close(fd);
  }
  if (!status) {
    int raw = 0;
    // Killed above or exited after the loop ended; reap within a short grace.
    const auto reap_deadline = Clock::now() + std::chrono::seconds(5);
    while (::wait4(pid, &raw, WNOHANG, &usage) == 0 && Clock::now() < reap_deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    status = raw;
  }
  ::kill(-pid, SIGKILL);  // leftovers in the child's group (no-op if none)
  result.exit_code = exit_code_of(*status);
  result.max_rss_kib = usage.ru_maxrss;  // kilobytes on Linux
  return result;
}

Process::Process(const std::vector<std::string>& argv, Options options)
    : m_log_path(options.log_path.empty() ? unique_log_path(argv.empty() ? "proc" : "server")
                                          : options.log_path) {
  int log_fd = ::open(m_log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) throw std::runtime_error("cannot open log file " + m_log_path);
  int in_fd = -1;
  if (!options.stdin_path.empty()) {
    in_fd = ::open(options.stdin_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (in_fd < 0) {
      ::close(log_fd);
      throw std::runtime_error("cannot open stdin file " + options.stdin_path);
    }
  }
  int out[2] = {-1, -1};
  if (options.stdout_pipe) make_pipe(out);
  try {
    m_pid = spawn(argv, options.env, {}, SpawnFds{in_fd, options.stdout_pipe ? out[1] : log_fd, log_fd});
  } catch (...) {
    ::close(log_fd);
    if (in_fd >= 0) ::close(in_fd);
    if (out[0] >= 0) ::close(out[0]), ::close(out[1]);
    throw;
  }
  ::close(log_fd);
  if (in_fd >= 0) ::close(in_fd);
  if (options.stdout_pipe) {
    ::close(out[1]);
    m_stdout_fd = out[0];
  }
}

Process::~Process() { stop(); }

bool Process::running() {
  if (m_pid <= 0 || m_exit_status) return false;
  int raw = 0;
  if (::waitpid(m_pid, &raw, WNOHANG) == m_pid) {
    m_exit_status = raw;
    return false;
  }
  return true;
}

std::optional<int> Process::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (running() && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!m_exit_status) return std::nullopt;
  return exit_code_of(*m_exit_status);
}

void Process::stop(std::chrono::milliseconds grace) {
  if (m_pid > 0) {
    if (running()) {
      ::kill(-m_pid, SIGTERM);
      const auto deadline = Clock::now() + grace;
      while (running() && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      if (running()) {
        ::kill(-m_pid, SIGKILL);
        int raw = 0;
        ::waitpid(m_pid, &raw, 0);
        m_exit_status = raw;
      }
    }
    ::kill(-m_pid, SIGKILL);  // anything the server left in its group
    m_pid = -1;
  }
  if (m_stdout_fd >= 0) {
    ::close(m_stdout_fd);
    m_stdout_fd = -1;
  }
}

Process::ReadStatus Process::read_stdout_chunk(Clock::time_point deadline) {
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return ReadStatus::timeout;
    pollfd p{m_stdout_fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::min<long long>(left, 100))) <= 0) continue;
    char buffer[4096];
    ssize_t n = ::read(m_stdout_fd, buffer, sizeof buffer);
    if (n <= 0) return ReadStatus::eof;
    m_stdout_buffer.append(buffer, static_cast<std::size_t>(n));
    return ReadStatus::data;
  }
}

std::optional<std::string> Process::read_stdout_line(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (m_stdout_fd >= 0) {
    auto newline = m_stdout_buffer.find('\n');
    if (newline != std::string::npos) {
      std::string line = m_stdout_buffer.substr(0, newline);
      m_stdout_buffer.erase(0, newline + 1);
      return line;
    }
    if (read_stdout_chunk(deadline) != ReadStatus::data) return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> Process::read_stdout_to_eof(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (m_stdout_fd >= 0) {
    auto status = read_stdout_chunk(deadline);
    if (status == ReadStatus::timeout) return std::nullopt;
    if (status == ReadStatus::eof) break;
  }
  return std::exchange(m_stdout_buffer, std::string());
}

bool Process::wait_for_http(const std::string& url, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (!running()) return false;
    if (http_request("GET", url, {}, {}, std::chrono::milliseconds(1000)).status > 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::string Process::log_tail(std::size_t max_bytes) const {
  std::string text;
  if (FILE* file = std::fopen(m_log_path.c_str(), "rb")) {
    char buffer[8192];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, n);
    std::fclose(file);
  }
  return text.size() > max_bytes ? text.substr(text.size() - max_bytes) : text;
}

std::optional<std::string> HttpResult::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(a) == std::tolower(b);
        })) {
      return value;
    }
  }
  return std::nullopt;
}

namespace {

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::size_t write_header(char* data, std::size_t size, std::size_t count, void* user) {
  std::string line(data, size * count);
  auto colon = line.find(':');
  auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(user);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();  // a new response (e.g. after 100-continue)
  } else if (colon != std::string::npos) {
    std::string value = line.substr(colon + 1);
    auto first = value.find_first_not_of(" \t");
    auto last = value.find_last_not_of(" \t\r\n");
    value = first == std::string::npos ? "" : value.substr(first, last - first + 1);
    headers->emplace_back(line.substr(0, colon), value);
  }
  return size * count;
}

}  // namespace

HttpResult http_request(const std::string& method, const std::string& url,
                        const std::vector<std::string>& headers, const std::string& body,
                        std::chrono::milliseconds timeout) {
  init_curl_once();
  HttpResult result;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    result.error = "curl_easy_init failed";
    return result;
  }
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  if (!body.empty() || method == "POST" || method == "PUT") {
    // An explicit (possibly empty) Content-Type stops curl from adding a form type.
    bool has_type = std::any_of(headers.begin(), headers.end(), [](const std::string& h) {
      return h.size() >= 13 && strncasecmp(h.c_str(), "content-type:", 13) == 0;
    });
    if (!has_type) list = curl_slist_append(list, "Content-Type:");
    list = curl_slist_append(list, "Expect:");
  }
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_PROXY, "");
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, write_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result.headers);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  CURLcode code = curl_easy_perform(curl);
  if (code == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  } else {
    result.status = 0;
    result.error = error_buffer[0] != 0 ? error_buffer : curl_easy_strerror(code);
  }
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return result;
}

}  // namespace adjust::testing
