// A credentials provider for tests: hands out numbered credentials and counts
// what it was asked (calls, invalidations); can be made to fail.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "adjust/aws/credentials/provider.hpp"
#include "adjust/base/clock.hpp"

namespace adjust::testing {

class CountingProvider final : public CredentialsProvider {
 public:
  // "AKID<n>" / "secret-<n>" / "token-<n>", never expiring; n starts at 1 and
  // moves on invalidate() (a client retrying after an expired token gets new ones).
  CountingProvider() = default;
  // "AK<n>", expiring `lifetime` after the clock's now; n moves on every call
  // (a cache in front of it must call only when it needs fresh credentials).
  CountingProvider(Clock& clock, std::chrono::minutes lifetime)
      : m_clock(&clock), m_lifetime(lifetime), m_key_prefix("AK") {}

  Result<Credentials> get() override {
    int call = ++calls;
    if (failing) {
      return fail(ErrorCode::aws_network, "endpoint unreachable");
    }
    std::string n = std::to_string(m_clock ? call : generation);
    std::optional<std::chrono::system_clock::time_point> expiration;
    if (m_clock) expiration = m_clock->now() + m_lifetime;
    return Credentials{m_key_prefix + n, "secret-" + n, "token-" + n, expiration,
                       m_clock ? "counting" : "test"};
  }
  void invalidate() override {
    ++invalidations;
    ++generation;
  }

  std::atomic<int> calls{0};
  int invalidations = 0;
  int generation = 1;
  bool failing = false;

 private:
  Clock* m_clock = nullptr;
  std::chrono::minutes m_lifetime{0};
  std::string m_key_prefix = "AKID";
};

}  // namespace adjust::testing
