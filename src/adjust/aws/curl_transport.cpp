#include "adjust/aws/curl_transport.hpp"
#include "adjust/aws/redact.hpp"

#include "adjust/base/parallel.hpp"

#include <curl/curl.h>

#include <mutex>
#include <utility>
#include <vector>

namespace adjust {
namespace {

struct EasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

// One idle handle (and its cached connection) per call that may be in flight,
// so concurrent calls reuse connections instead of opening new ones.
constexpr std::size_t k_max_idle_handles = k_default_aws_concurrency;

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  body->append(data, size * count);
  return size * count;
}

// Collects header lines; a new status line (100 Continue, proxy CONNECT)
// starts the list afresh so only the final response's headers remain.
std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* headers = static_cast<HttpHeaders*>(user);
  std::string_view line(data, size * count);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) {
    line.remove_suffix(1);
  }
  if (line.starts_with("HTTP/")) {
    headers->clear();
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
      value.remove_prefix(1);
    }
    headers->push_back({std::string(line.substr(0, colon)), std::string(value)});
  }
  return size * count;
}

// The request's URL without its query (which could carry pre-signed values)
// split into scheme://host[:port] and the path.
std::pair<std::string, std::string> origin_and_path(const HttpRequest& request) {
  std::string url = request.url.substr(0, request.url.find('?'));
  auto authority = url.find("://");
  auto path = url.find('/', authority == std::string::npos ? 0 : authority + 3);
  if (path == std::string::npos) return {url, ""};
  return {url.substr(0, path), url.substr(path)};
}

// The URL for logs and messages: no query, and no path when it is a capability.
std::string url_for_messages(const HttpRequest& request) {
  auto [origin, path] = origin_and_path(request);
  return origin + (request.secret_path && !path.empty() ? "/<redacted>" : path);
}

// What a verbose dump must never show: the values of secret request headers
// and a capability path.
std::vector<std::string> request_secrets(const HttpRequest& request) {
  std::vector<std::string> secrets = secret_header_values(request.headers);
  if (std::string path = origin_and_path(request).second; request.secret_path && path.size() > 1) {
    secrets.push_back(std::move(path));
  }
  return secrets;
}

struct VerboseDump {
  Logger* logger;
  std::vector<std::string> secrets;
};

// One dumped line: a secret header's value redacted by name, then any secret
// value wherever it appears (curl also echoes headers in its own text).
std::string dump_line(std::string_view line, const std::vector<std::string>& secrets) {
  std::string text(line);
  if (auto colon = text.find(':'); colon != std::string::npos && is_secret_header(text.substr(0, colon))) {
    text = text.substr(0, colon) + ": <redacted>";
  }
  return redact_values(std::move(text), secrets);
}

// CURLOPT_DEBUGFUNCTION: informational text and header lines go to the trace
// log; request and response bodies and TLS data are never dumped.
int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
  const char* prefix = nullptr;
  switch (type) {
    case CURLINFO_TEXT:
      prefix = "curl* ";
      break;
    case CURLINFO_HEADER_OUT:
      prefix = "curl> ";
      break;
    case CURLINFO_HEADER_IN:
      prefix = "curl< ";
      break;
    default:
      return 0;
  }
  auto* dump = static_cast<VerboseDump*>(user);
  std::string_view text(data, size);
  while (!text.empty()) {
    auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    if (!line.empty()) dump->logger->trace(prefix + dump_line(line, dump->secrets));
  }
  return 0;
}

bool has_header(const HttpHeaders& headers, std::string_view name) {
  return find_header(headers, name).has_value();
}

}  // namespace

struct CurlTransport::Pool {
  std::mutex mutex;
  std::vector<EasyHandle> idle;

  EasyHandle take() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        EasyHandle handle = std::move(idle.back());
        idle.pop_back();
        return handle;
      }
    }
    return EasyHandle(curl_easy_init());
  }
  void give_back(EasyHandle handle) {
    // Drop pointers to the finished call's buffers; connections stay cached.
    curl_easy_reset(handle.get());
    std::lock_guard lock(mutex);
    if (idle.size() < k_max_idle_handles) {
      idle.push_back(std::move(handle));
    }
  }
};

// curl (and OpenSSL) are initialised on the first request, not here: --info
// and --version construct a transport but never send, and start faster so.
CurlTransport::CurlTransport(Logger* trace_logger, bool curl_verbose)
    : m_pool(std::make_unique<Pool>()), m_trace_logger(trace_logger), m_curl_verbose(curl_verbose) {}

CurlTransport::~CurlTransport() = default;

Result<HttpResponse> CurlTransport::send(const HttpRequest& request) {
  global_init_once();
  EasyHandle handle = m_pool->take();
  if (!handle) {
    return fail(ErrorCode::internal, "curl_easy_init failed");
  }
  CURL* curl = handle.get();
  // Reset options but keep the handle's connection cache (reuse).
  curl_easy_reset(curl);

  HeaderList headers;
  auto append = [&headers](const std::string& line) {
    curl_slist* extended = curl_slist_append(headers.get(), line.c_str());
    if (extended != nullptr) {
      static_cast<void>(headers.release());
      headers.reset(extended);
    }
  };
  for (const auto& header : request.headers) {
    // "Name;" is curl's way to send a header with an empty value.
    append(header.value.empty() ? header.name + ";" : header.name + ": " + header.value);
  }
  // Send only what was signed: no Expect: 100-continue, and no default
  // form Content-Type for a body whose caller chose none.
  append("Expect:");
  if (!has_header(request.headers, "Content-Type")) {
    append("Content-Type:");
  }

  HttpResponse response;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    if (request.method != "POST") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
  }

  bool tracing = m_trace_logger != nullptr && m_trace_logger->enabled(LogLevel::trace);
  if (tracing) {
    m_trace_logger->trace("> " + request.method + " " + url_for_messages(request) + " (" +
                          std::to_string(request.body.size()) + " bytes)\n" +
                          redact_headers(request.headers));
  }
  VerboseDump dump{m_trace_logger, {}};
  if (tracing && m_curl_verbose) {
    dump.secrets = request_secrets(request);
    curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &dump);
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
  }

  CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) {
    std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
    std::string message = detail + " (" + request.method + " " + url_for_messages(request) + ")";
    m_pool->give_back(std::move(handle));
    if (m_trace_logger != nullptr) {
      m_trace_logger->trace("< failed: " + message);
    }
    return fail(code == CURLE_OPERATION_TIMEDOUT ? ErrorCode::aws_timeout : ErrorCode::aws_network,
                std::move(message));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  m_pool->give_back(std::move(handle));

  if (m_trace_logger != nullptr && m_trace_logger->enabled(LogLevel::trace)) {
    m_trace_logger->trace("< " + std::to_string(response.status) + " (" +
                          std::to_string(response.body.size()) + " bytes)\n" +
                          redact_headers(response.headers));
  }
  return response;
}

}  // namespace adjust
