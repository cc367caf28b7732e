// Fakes for the credentials tests: a scripted transport, a manual clock,
// in-memory files and a recording STS. They record what they were asked.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adjust/base/clock.hpp"
#include "adjust/base/file_source.hpp"
#include "adjust/aws/http.hpp"
#include "adjust/aws/sts.hpp"

namespace adjust::creds_test {

// Replies in order, one per send(); records every request. Running out of
// replies is a test bug reported as an internal error.
class ScriptedTransport final : public Transport {
 public:
  void reply(long status, std::string body = {}, HttpHeaders headers = {}) {
    m_replies.push_back(HttpResponse{status, std::move(headers), std::move(body)});
  }
  void fail_with(ErrorCode code, std::string message = "scripted failure") {
    m_replies.push_back(fail(Error{code, std::move(message), {}, {}, 0}));
  }
  void time_out() { fail_with(ErrorCode::aws_timeout, "operation timed out"); }

  Result<HttpResponse> send(const HttpRequest& request) override {
    requests.push_back(request);
    if (m_replies.empty()) {
      return fail(ErrorCode::internal, "unscripted request " + request.method + " " + request.url);
    }
    auto next = std::move(m_replies.front());
    m_replies.pop_front();
    return next;
  }

  std::size_t pending() const { return m_replies.size(); }

  std::vector<HttpRequest> requests;

 private:
  std::deque<Result<HttpResponse>> m_replies;
};

// Time stands still until set or advanced; sleep_for() advances it and records the sleep.
class ManualClock final : public Clock {
 public:
  ManualClock() : m_now(std::chrono::sys_days{std::chrono::year{2024} / 1 / 1}) {}
  std::chrono::system_clock::time_point now() const override { return m_now; }
  std::chrono::steady_clock::time_point monotonic() const override {
    return std::chrono::steady_clock::time_point{} + (m_now.time_since_epoch());
  }
  void sleep_for(std::chrono::milliseconds duration) override {
    sleeps.push_back(duration);
    m_now += duration;
  }
  void advance(std::chrono::system_clock::duration by) { m_now += by; }
  void set(std::chrono::system_clock::time_point to) { m_now = to; }

  std::vector<std::chrono::milliseconds> sleeps;

 private:
  std::chrono::system_clock::time_point m_now;
};

// Files by path; absent paths do not exist; `unreadable` ones fail.
class MapFileSource final : public FileSource {
 public:
  Result<std::optional<std::string>> read(const std::string& path) const override {
    ++reads;
    if (unreadable.contains(path)) {
      return fail(ErrorCode::config, "cannot read " + path + ": Permission denied");
    }
    auto found = files.find(path);
    if (found == files.end()) {
      return std::optional<std::string>();
    }
    return std::optional<std::string>(found->second);
  }

  std::map<std::string, std::string> files;
  std::map<std::string, bool> unreadable;
  mutable int reads = 0;
};

// Records requests; answers from a queue, else with credentials derived from the role.
class RecordingSts final : public StsApi {
 public:
  Result<Credentials> assume_role(const Credentials& source,
                                  const AssumeRoleRequest& request) override {
    sources.push_back(source);
    assume_requests.push_back(request);
    return next(request.role_arn);
  }
  Result<Credentials> assume_role_with_web_identity(const WebIdentityRequest& request) override {
    web_requests.push_back(request);
    return next(request.role_arn);
  }

  // Credentials every successful call returns unless a queued result comes first.
  static Credentials for_role(const std::string& role_arn) {
    return Credentials{"ASIA" + role_arn.substr(role_arn.size() > 4 ? role_arn.size() - 4 : 0),
                       "sts-secret-for-" + role_arn, "sts-token-for-" + role_arn,
                       std::nullopt, "sts"};
  }

  std::deque<Result<Credentials>> queued;
  std::vector<Credentials> sources;
  std::vector<AssumeRoleRequest> assume_requests;
  std::vector<WebIdentityRequest> web_requests;

 private:
  Result<Credentials> next(const std::string& role_arn) {
    if (!queued.empty()) {
      auto result = std::move(queued.front());
      queued.pop_front();
      return result;
    }
    return for_role(role_arn);
  }
};

}  // namespace adjust::creds_test
