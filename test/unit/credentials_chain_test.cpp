// The default chain's order and "tried" message, the cache's refresh windows,
// and a canary: no secret ever reaches an error message or the log.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "fakes/credentials.hpp"
#include "fakes/credentials_fixture.hpp"

namespace adjust {
namespace {

using Fixture = testing::CredentialsFixture;
using testing::CountingProvider;
using testing::FakeClock;
using testing::k_new_year_2024;
using namespace std::chrono_literals;

void set_env_keys(Fixture& f) {
  f.env.set("AWS_ACCESS_KEY_ID", "AKENV");
  f.env.set("AWS_SECRET_ACCESS_KEY", "SENV");
}

TEST(CredentialChain, EnvironmentBeatsEverything) {
  Fixture f;
  set_env_keys(f);
  f.credentials("[default]\naws_access_key_id = AKPROFILE\naws_secret_access_key = SP\n");
  f.env.set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/x");
  auto credentials = make_default_credentials_chain(f.context())->get();
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->access_key_id, "AKENV");
  EXPECT_TRUE(f.transport.requests().empty());
  EXPECT_NE(f.log_text.str().find("credentials from environment"), std::string::npos);
}

TEST(CredentialChain, WebIdentityBeatsProfile) {
  Fixture f;
  f.env.set("AWS_WEB_IDENTITY_TOKEN_FILE", "/t");
  f.env.set("AWS_ROLE_ARN", "arn:aws:iam::1:role/w");
  f.files.files["/t"] = "jwt";
  f.credentials("[default]\naws_access_key_id = AKPROFILE\naws_secret_access_key = SP\n");
  auto credentials = make_default_credentials_chain(f.context())->get();
  ASSERT_TRUE(credentials);
  EXPECT_EQ(f.sts.web_requests.size(), 1u);
  EXPECT_NE(credentials->source.find("web identity"), std::string::npos);
}

TEST(CredentialChain, ProfileBeatsContainerAndImds) {
  Fixture f;
  f.credentials("[default]\naws_access_key_id = AKPROFILE\naws_secret_access_key = SP\n");
  f.env.set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/x");
  auto credentials = make_default_credentials_chain(f.context())->get();
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->access_key_id, "AKPROFILE");
  EXPECT_TRUE(f.transport.requests().empty());
  EXPECT_NE(f.log_text.str().find("credentials from profile \"default\""), std::string::npos);
}

TEST(CredentialChain, ContainerBeatsImds) {
  Fixture f;
  f.env.set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/x");
  f.transport.reply(200, R"({"AccessKeyId":"AKC","SecretAccessKey":"SC","Token":"TC"})");
  auto credentials = make_default_credentials_chain(f.context())->get();
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->access_key_id, "AKC");
  EXPECT_EQ(f.transport.requests().size(), 1u);
}

TEST(CredentialChain, ImdsIsTheLastResort) {
  Fixture f;
  f.transport.reply(200, "tok");
  f.transport.reply(200, "role");
  f.transport.reply(200, R"({"Code":"Success","AccessKeyId":"AKI","SecretAccessKey":"SI"})");
  auto credentials = make_default_credentials_chain(f.context())->get();
  ASSERT_TRUE(credentials) << credentials.error().message;
  EXPECT_EQ(credentials->source, "IMDS (role role)");
}

TEST(CredentialChain, NothingYieldsListsEverySource) {
  Fixture f;
  f.profiles.credentials_path = "/root/.aws/credentials";
  f.profiles.config_path = "/root/.aws/config";
  f.transport.time_out();
  f.transport.time_out();
  auto result = make_default_credentials_chain(f.context())->get();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::credentials);
  EXPECT_EQ(result.error().message,
            "no AWS credentials found; tried: environment (AWS_ACCESS_KEY_ID not set), "
            "web identity (AWS_WEB_IDENTITY_TOKEN_FILE not set), shared files (profile \"default\" "
            "not found in /root/.aws/credentials, /root/.aws/config), container "
            "(AWS_CONTAINER_CREDENTIALS_* not set), IMDS (timed out after 1 s)");
}

TEST(CredentialChain, AConfiguredSourceThatFailsStopsTheChain) {
  Fixture f;
  f.env.set("AWS_ACCESS_KEY_ID", "AKONLY");
  f.credentials("[default]\naws_access_key_id = AKPROFILE\naws_secret_access_key = SP\n");
  auto partial = make_default_credentials_chain(f.context())->get();
  ASSERT_FALSE(partial);
  EXPECT_EQ(partial.error().message,
            "credentials from environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is "
            "not; set both or neither");

  Fixture g;
  g.config(
      "[default]\nrole_arn = arn:r\nsource_profile = base\n"
      "[profile base]\naws_access_key_id = AK\naws_secret_access_key = S\n");
  g.sts.queued.push_back(fail(Error{ErrorCode::aws_auth, "AccessDenied", "AccessDenied", "", 403}));
  auto denied = make_default_credentials_chain(g.context())->get();
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, ErrorCode::aws_auth);
  EXPECT_EQ(denied.error().message,
            "credentials from shared files: profile \"default\": assume role arn:r: AccessDenied");
  EXPECT_TRUE(g.transport.requests().empty());  // never fell through to IMDS
}

TEST(CredentialChain, LogsTheSourceOfAssumedRoles) {
  Fixture f;
  f.config(
      "[profile dev]\nrole_arn = arn:aws:iam::1:role/dev\nsource_profile = base\n"
      "[profile base]\naws_access_key_id = AK\naws_secret_access_key = S\n");
  f.select("dev");
  ASSERT_TRUE(make_default_credentials_chain(f.context())->get());
  EXPECT_NE(f.log_text.str().find(
                "adjust: debug: credentials from profile \"dev\" (assumed role arn:aws:iam::1:role/dev)"),
            std::string::npos)
      << f.log_text.str();
}

// --- cache --------------------------------------------------------------------

struct CacheFixture {
  FakeClock clock{k_new_year_2024};
  std::ostringstream log_text;
  Logger logger{log_text, LogLevel::trace};
  CountingProvider* inner = nullptr;
  std::unique_ptr<CachedCredentials> cache;

  explicit CacheFixture(std::chrono::minutes lifetime = 60min) {
    auto provider = std::make_unique<CountingProvider>(clock, lifetime);
    inner = provider.get();
    cache = std::make_unique<CachedCredentials>(std::move(provider), clock, logger);
  }
};

TEST(CachedCredentials, ReturnsCachedUntilTheAdvisoryWindow) {
  CacheFixture c;
  EXPECT_EQ(c.cache->get()->access_key_id, "AK1");
  c.clock.advance(44min);
  EXPECT_EQ(c.cache->get()->access_key_id, "AK1");
  EXPECT_EQ(c.inner->calls, 1);
  c.clock.advance(2min);  // 14 min left: advisory refresh
  EXPECT_EQ(c.cache->get()->access_key_id, "AK2");
  EXPECT_EQ(c.inner->calls, 2);
}

TEST(CachedCredentials, AdvisoryRefreshFailureKeepsTheOldCredentials) {
  CacheFixture c;
  ASSERT_TRUE(c.cache->get());
  c.clock.advance(47min);  // 13 min left
  c.inner->failing = true;
  auto kept = c.cache->get();
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->access_key_id, "AK1");
  EXPECT_NE(c.log_text.str().find("refreshing them failed: endpoint unreachable"), std::string::npos);
}

TEST(CachedCredentials, MandatoryRefreshFailureIsAnError) {
  CacheFixture c;
  ASSERT_TRUE(c.cache->get());
  c.clock.advance(51min);  // 9 min left
  c.inner->failing = true;
  auto result = c.cache->get();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::aws_network);
  c.inner->failing = false;
  EXPECT_EQ(c.cache->get()->access_key_id, "AK3");
}

TEST(CachedCredentials, InvalidateForcesARefresh) {
  CacheFixture c;
  ASSERT_TRUE(c.cache->get());
  c.cache->invalidate();
  EXPECT_EQ(c.inner->invalidations, 1);
  EXPECT_EQ(c.cache->get()->access_key_id, "AK2");
}

TEST(CachedCredentials, CredentialsWithoutExpirationAreKept) {
  FakeClock clock{k_new_year_2024};
  auto cache = CachedCredentials(
      std::make_unique<StaticCredentialsProvider>(Credentials{"AK", "S", "", std::nullopt, "static"}), clock,
      null_logger());
  ASSERT_TRUE(cache.get());
  clock.advance(std::chrono::hours(24 * 365));
  EXPECT_EQ(cache.get()->access_key_id, "AK");
}

TEST(CachedCredentials, AlreadyExpiredCredentialsAreRefused) {
  FakeClock clock{k_new_year_2024};
  auto cache = CachedCredentials(std::make_unique<StaticCredentialsProvider>(
                                     Credentials{"AK", "S", "T", clock.now() - 1min, "IMDS (role r)"}),
                                 clock, null_logger());
  auto result = cache.get();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "credentials from IMDS (role r) are already expired");
}

TEST(CachedCredentials, ConcurrentCallersShareOneFetch) {
  CacheFixture c;
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 50; ++j) {
        EXPECT_TRUE(c.cache->get());
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(c.inner->calls, 1);
}

// --- canary: secrets never leak -------------------------------------------------

constexpr const char* k_secrets[] = {"CANARY-SECRET-KEY", "CANARY-SESSION-TOKEN", "CANARY-WEB-TOKEN",
                                     "CANARY-CONTAINER-AUTH"};

void expect_no_secret(const std::string& text, const std::string& where) {
  for (const char* secret : k_secrets) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " leaked in " << where << ": " << text;
  }
}

TEST(CredentialsCanary, SecretsNeverAppearInErrorsOrTraceLogs) {
  std::vector<std::string> errors;
  std::string logs;
  auto run = [&](Fixture& f) {
    auto chain = make_default_credentials_chain(f.context());
    auto result = chain->get();
    if (!result) {
      errors.push_back(result.error().message);
    }
    chain->invalidate();
    (void)chain->get();
    logs += f.log_text.str();
  };

  {  // environment: partial, then success
    Fixture f;
    f.env.set("AWS_SECRET_ACCESS_KEY", "CANARY-SECRET-KEY");
    f.env.set("AWS_SESSION_TOKEN", "CANARY-SESSION-TOKEN");
    run(f);
    f.env.set("AWS_ACCESS_KEY_ID", "AK");
    run(f);
  }
  {  // profile with a partial key, and an assume-role denied
    Fixture f;
    f.credentials(
        "[default]\naws_secret_access_key = CANARY-SECRET-KEY\naws_session_token = CANARY-SESSION-TOKEN\n");
    run(f);
    Fixture g;
    g.config(
        "[default]\nrole_arn = arn:r\nsource_profile = b\n"
        "[profile b]\naws_access_key_id = AK\naws_secret_access_key = CANARY-SECRET-KEY\n");
    g.sts.queued.push_back(fail(Error{ErrorCode::aws_auth, "AccessDenied", "", "", 403}));
    run(g);
  }
  {  // web identity denied, token in file
    Fixture f;
    f.env.set("AWS_WEB_IDENTITY_TOKEN_FILE", "/t");
    f.env.set("AWS_ROLE_ARN", "arn:r");
    f.files.files["/t"] = "CANARY-WEB-TOKEN";
    f.sts.queued.push_back(fail(Error{ErrorCode::aws_auth, "AccessDenied", "", "", 403}));
    run(f);
  }
  {  // container: bad header token, bad documents, success
    Fixture f;
    f.env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1/c");
    f.env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "CANARY-CONTAINER-AUTH\n");
    run(f);
    f.env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "CANARY-CONTAINER-AUTH");
    f.transport.reply(200, R"({"AccessKeyId":"AK","Token":"CANARY-SESSION-TOKEN"})");
    f.transport.reply(200, R"({"SecretAccessKey":"CANARY-SECRET-KEY"})");
    run(f);
    f.transport.reply(200, R"({"AccessKeyId":"AK","SecretAccessKey":"CANARY-SECRET-KEY",)"
                           R"("Token":"CANARY-SESSION-TOKEN","Expiration":"bad"})");
    f.transport.reply(200, R"({"AccessKeyId":"AK","SecretAccessKey":"CANARY-SECRET-KEY",)"
                           R"("Token":"CANARY-SESSION-TOKEN","Expiration":"2024-01-01T00:01:00Z"})");
    run(f);
  }
  {  // IMDS: bad code, bad document, expired credentials, advisory refresh failure
    Fixture f;
    for (
        const char* body :
        {R"({"Code":"Failed","AccessKeyId":"AK","SecretAccessKey":"CANARY-SECRET-KEY"})",
         R"({"Code":"Success","Token":"CANARY-SESSION-TOKEN","SecretAccessKey":"CANARY-SECRET-KEY"})",
         R"({"Code":"Success","AccessKeyId":"AK","SecretAccessKey":"CANARY-SECRET-KEY","Token":"CANARY-SESSION-TOKEN","Expiration":"2023-01-01T00:00:00Z"})"}) {
      f.transport.reply(200, "CANARY-SESSION-TOKEN");  // the IMDS token is secret too
      f.transport.reply(200, "role");
      f.transport.reply(200, body);
    }
    run(f);
    run(f);
  }
  ASSERT_FALSE(errors.empty());
  for (const auto& error : errors) {
    expect_no_secret(error, "error");
  }
  ASSERT_FALSE(logs.empty());
  expect_no_secret(logs, "trace log");
}

}  // namespace
}  // namespace adjust
