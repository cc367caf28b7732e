// A Transport for tests: records every request and answers from a script.
// Replies queued with push() (or reply(), fail_with(), time_out()) are used
// first, in order; then a handler registered for the request's operation (the
// X-Amz-Target suffix or the Query Action); else the fallback: an internal
// error naming the request, a test bug. With nothing scripted it is a network
// that must not be used (request_count() says whether it was).
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "adjust/aws/http.hpp"

namespace adjust::testing {

// "DescribeServices" from "X-Amz-Target: AmazonEC2ContainerServiceV20141113.DescribeServices",
// or "DescribeTargetHealth" from a form body "Action=DescribeTargetHealth&...".
inline std::string operation_of(const HttpRequest& request) {
  if (auto target = find_header(request.headers, "X-Amz-Target")) {
    auto dot = target->rfind('.');
    return dot == std::string::npos ? *target : target->substr(dot + 1);
  }
  const std::string key = "Action=";
  auto pos = request.body.starts_with(key) ? 0 : request.body.find("&" + key);
  if (pos == std::string::npos) {
    return {};
  }
  pos += request.body[pos] == '&' ? key.size() + 1 : key.size();
  auto end = request.body.find('&', pos);
  return request.body.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
}

inline HttpResponse json_reply(long status, const nlohmann::json& body, HttpHeaders headers = {}) {
  headers.push_back({"Content-Type", "application/x-amz-json-1.1"});
  return HttpResponse{status, std::move(headers), body.dump()};
}

inline HttpResponse text_reply(long status, std::string body, HttpHeaders headers = {}) {
  return HttpResponse{status, std::move(headers), std::move(body)};
}

// An ECS-style JSON error: header X-Amzn-ErrorType, body {"__type", "message"}.
inline HttpResponse json_error(long status, const std::string& type, const std::string& message,
                               const std::string& request_id = "req-1") {
  return json_reply(status, {{"__type", type}, {"message", message}},
                    {{"X-Amzn-ErrorType", type}, {"x-amzn-RequestId", request_id}});
}

// An awsQuery error document.
inline HttpResponse query_error(long status, const std::string& code, const std::string& message,
                                const std::string& request_id = "req-1") {
  return text_reply(status,
                    "<ErrorResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\">"
                    "<Error><Type>Sender</Type><Code>" +
                        code + "</Code><Message>" + message + "</Message></Error><RequestId>" + request_id +
                        "</RequestId></ErrorResponse>",
                    {{"Content-Type", "text/xml"}});
}

class FakeTransport final : public Transport {
 public:
  using Handler = std::function<Result<HttpResponse>(const HttpRequest&)>;

  Result<HttpResponse> send(const HttpRequest& request) override {
    Handler handler;
    {
      std::lock_guard lock(m_mutex);
      m_requests.push_back(request);
      if (!m_queue.empty()) {
        auto reply = std::move(m_queue.front());
        m_queue.pop_front();
        return reply;
      }
      auto found = m_handlers.find(operation_of(request));
      if (found != m_handlers.end()) {
        handler = found->second;
      }
    }
    if (handler) {
      return handler(request);
    }
    return fail(ErrorCode::internal, "FakeTransport: no scripted reply for '" + operation_of(request) +
                                         "' (" + request.method + " " + request.url + ")");
  }

  void push(HttpResponse response) {
    std::lock_guard lock(m_mutex);
    m_queue.emplace_back(std::move(response));
  }
  void push_error(ErrorCode code, std::string message) {
    std::lock_guard lock(m_mutex);
    m_queue.emplace_back(fail(code, std::move(message)));
  }
  // Shorthands for push(): a reply with this status, body and headers; a
  // transport failure; a timeout.
  void reply(long status, std::string body = {}, HttpHeaders headers = {}) {
    push(HttpResponse{status, std::move(headers), std::move(body)});
  }
  void fail_with(ErrorCode code, std::string message = "scripted failure") {
    push_error(code, std::move(message));
  }
  void time_out() { fail_with(ErrorCode::aws_timeout, "operation timed out"); }
  // Queued replies not yet used.
  std::size_t pending() const {
    std::lock_guard lock(m_mutex);
    return m_queue.size();
  }

  void on(const std::string& operation, Handler handler) {
    std::lock_guard lock(m_mutex);
    m_handlers[operation] = std::move(handler);
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard lock(m_mutex);
    return m_requests;
  }
  std::size_t request_count() const {
    std::lock_guard lock(m_mutex);
    return m_requests.size();
  }
  HttpRequest last_request() const {
    std::lock_guard lock(m_mutex);
    return m_requests.back();
  }
  // Bodies of the requests for one operation, parsed as JSON (ECS).
  std::vector<nlohmann::json> json_bodies(const std::string& operation) const {
    std::lock_guard lock(m_mutex);
    std::vector<nlohmann::json> out;
    for (const auto& request : m_requests) {
      if (operation_of(request) == operation) {
        out.push_back(nlohmann::json::parse(request.body));
      }
    }
    return out;
  }

 private:
  mutable std::mutex m_mutex;
  std::vector<HttpRequest> m_requests;
  std::deque<Result<HttpResponse>> m_queue;
  std::map<std::string, Handler> m_handlers;
};

}  // namespace adjust::testing
