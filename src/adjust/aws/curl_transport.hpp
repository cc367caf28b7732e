// The production Transport over libcurl. Keeps easy handles in a small pool
// so connections are reused across calls; safe to use from several threads.
// TLS verification is always on; proxy environment variables are honoured.
#pragma once

#include <memory>

#include "adjust/aws/http.hpp"
#include "adjust/base/log.hpp"

namespace adjust {

class CurlTransport final : public Transport {
 public:
  // trace_logger: when given and at trace level, request and response lines
  // and headers are logged with secrets redacted (never bodies).
  // curl_verbose: at trace level, also libcurl's own dump (CURLOPT_VERBOSE):
  // connection steps and the exact header lines sent and received, secrets
  // redacted as above; bodies and TLS data are never dumped.
  explicit CurlTransport(Logger* trace_logger = nullptr, bool curl_verbose = false);
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  // Errors: ErrorCode::aws_timeout when the connect or total timeout passed,
  // ErrorCode::aws_network for everything else that gave no response.
  Result<HttpResponse> send(const HttpRequest& request) override;

 private:
  struct Pool;
  std::unique_ptr<Pool> m_pool;
  Logger* m_trace_logger;
  bool m_curl_verbose;
};

}  // namespace adjust
