// AWS credentials and the provider interface. The chain of providers
// (environment, web identity, profiles, container, IMDS) lives in
// credential_providers.hpp.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "adjust/base/result.hpp"

namespace adjust {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty when none
  std::optional<std::chrono::system_clock::time_point> expiration;
  std::string source;  // where they came from, e.g. "environment", "profile dev"
};

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Current credentials; cached providers refresh ahead of expiry.
  // Fails with ErrorCode::credentials naming what was tried.
  virtual Result<Credentials> get() = 0;
  // Forget cached credentials (after AWS said they expired).
  virtual void invalidate() {}
};

// Always returns the same credentials (tests, and assume-role source credentials).
class StaticCredentialsProvider final : public CredentialsProvider {
 public:
  explicit StaticCredentialsProvider(Credentials credentials) : m_credentials(std::move(credentials)) {}
  Result<Credentials> get() override { return m_credentials; }

 private:
  Credentials m_credentials;
};

}  // namespace adjust
