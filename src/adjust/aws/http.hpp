// HTTP request/response values and the Transport interface every network
// call goes through (libcurl in production, scripted fakes in tests).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adjust/base/result.hpp"

namespace adjust {

struct HttpHeader {
  std::string name;
  std::string value;
};

using HttpHeaders = std::vector<HttpHeader>;

// Case-insensitive lookup of the first header with this name.
std::optional<std::string> find_header(const HttpHeaders& headers, std::string_view name);

struct HttpRequest {
  std::string method = "POST";
  std::string url;      // absolute: scheme://host[:port]/path[?query]
  HttpHeaders headers;  // sent exactly as given (signing adds its own)
  std::string body;
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds timeout{30000};  // whole request
  // The URL's path is a capability (a credentials endpoint): logs show only
  // scheme://host[:port].
  bool secret_path = false;
};

struct HttpResponse {
  long status = 0;
  HttpHeaders headers;
  std::string body;

  std::optional<std::string> header(std::string_view name) const { return find_header(headers, name); }
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Returns the response for any HTTP status; an error only when no response
  // arrived (ErrorCode::aws_network or ErrorCode::aws_timeout).
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

}  // namespace adjust
