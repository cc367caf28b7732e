// One moto_server per test binary run, started lazily on first use, plus the
// seeding wrapper. Tests that need moto start with ADJUST_REQUIRE_MOTO(moto);
// without moto installed they are skipped with a loud message.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "support/process.hpp"

namespace adjust::testing {

class MotoFixture {
 public:
  // The shared server, started on first call; nullptr if moto is unavailable or
  // did not start (the reason is printed to stderr once, see skip_reason()).
  static MotoFixture* instance();
  static const std::string& skip_reason();

  const std::string& endpoint() const { return m_endpoint; }  // http://127.0.0.1:<port>
  int port() const { return m_port; }

  // Wipes all backends and makes IDs deterministic (/moto-api/reset + /moto-api/seed?a=N).
  // Also turns signature verification off again if a test turned it on.
  void reset(int seed = 42);
  // From now on every request is SigV4-verified against moto IAM (reset-auth 0).
  void enable_auth();
  void disable_auth();

  std::string log_tail() const { return m_process ? m_process->log_tail() : std::string(); }

  explicit MotoFixture(std::unique_ptr<Process> process, int port);

 private:
  std::unique_ptr<Process> m_process;
  int m_port;
  std::string m_endpoint;
  bool m_auth_on = false;
};

struct SeedOptions {
  bool second_service = false;  // `api`, Fargate, own target group
  bool spot_service = false;    // `spot`, capacity provider FARGATE_SPOT
  bool ec2_service = false;     // `legacy`, EC2 launch type
  bool two_containers = false;  // registers web:2 with a sidecar
  bool iam = true;              // users ci/reader with keys, role deployer
  std::string region = "us-east-1";
};

// Runs test/tools/seed_moto.py against `endpoint`; returns its JSON (see that
// script's docstring for the keys). Throws std::runtime_error on failure.
nlohmann::json seed_moto(const std::string& endpoint, const SeedOptions& options = {});

// A syntactically valid, unverified SigV4 Authorization header for `service`
// (moto routes by the credential scope; only valid while moto auth is off).
std::string fake_sigv4_authorization(const std::string& signing_service,
                                     const std::string& region = "us-east-1");
inline constexpr const char* k_fake_amz_date = "20250101T000000Z";

}  // namespace adjust::testing

// Skips the current test (loudly) when moto is not available.
#define ADJUST_REQUIRE_MOTO(var)                                                    \
  ::adjust::testing::MotoFixture* var = ::adjust::testing::MotoFixture::instance(); \
  if ((var) == nullptr) GTEST_SKIP() << ::adjust::testing::MotoFixture::skip_reason()
