// The container and IMDS sources, over a scripted transport (no network).
#include <gtest/gtest.h>

#include "fakes/credentials_fixture.hpp"

namespace adjust {
namespace {

using Fixture = testing::CredentialsFixture;

constexpr const char* k_container_json =
    R"({"AccessKeyId":"AKCONT","SecretAccessKey":"SCONT","Token":"TCONT",)"
    R"("Expiration":"2024-01-01T06:00:00Z","RoleArn":"arn:aws:iam::1:role/task"})";

constexpr const char* k_imds_json =
    R"({"Code":"Success","LastUpdated":"2024-01-01T00:00:00Z","Type":"AWS-HMAC",)"
    R"("AccessKeyId":"AKIMDS","SecretAccessKey":"SIMDS","Token":"TIMDS",)"
    R"("Expiration":"2024-01-01T06:00:00.000Z"})";

// --- container ----------------------------------------------------------------

TEST(ContainerCredentials, SkippedWithoutTheVariables) {
  Fixture f;
  auto result = ContainerCredentials(f.context()).resolve();
  ASSERT_TRUE(result);
  EXPECT_EQ(result->skipped, "AWS_CONTAINER_CREDENTIALS_* not set");
  EXPECT_TRUE(f.transport.requests().empty());
}

TEST(ContainerCredentials, RelativeUriWinsOverFullUri) {
  Fixture f;
  f.env.set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/guid");
  f.env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9000/creds");
  f.transport.reply(200, k_container_json);
  auto credentials = ContainerCredentials(f.context()).get();
  ASSERT_TRUE(credentials) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id, "AKCONT");
  EXPECT_EQ(credentials->secret_access_key, "SCONT");
  EXPECT_EQ(credentials->session_token, "TCONT");
  EXPECT_EQ(*credentials->expiration,
            std::chrono::sys_days{std::chrono::year{2024} / 1 / 1} + std::chrono::hours{6});
  EXPECT_EQ(credentials->source, "container (http://169.254.170.2)");

  ASSERT_EQ(f.transport.requests().size(), 1u);
  const auto request = f.transport.requests()[0];
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.url, "http://169.254.170.2/v2/credentials/guid");
  EXPECT_EQ(request.timeout, std::chrono::seconds(2));
  EXPECT_EQ(request.connect_timeout, std::chrono::seconds(2));
  EXPECT_FALSE(find_header(request.headers, "Authorization"));
}

TEST(ContainerCredentials, FullUriWithTokenFromVariable) {
  Fixture f;
  f.env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9000/creds");
  f.env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Basic abc");
  f.transport.reply(200, k_container_json);
  auto credentials = ContainerCredentials(f.context()).get();
  ASSERT_TRUE(credentials) << credentials.error().message;
  EXPECT_EQ(credentials->source, "container (http://127.0.0.1:9000)");
  EXPECT_EQ(f.transport.requests().at(0).url, "http://127.0.0.1:9000/creds");
  EXPECT_EQ(find_header(f.transport.requests().at(0).headers, "Authorization"), "Basic abc");
}

TEST(ContainerCredentials, TokenFileWinsAndIsReadEachTime) {
  Fixture f;
  f.env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials");
  f.env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "from-env");
  f.env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/var/run/pod-token");
  f.files.files["/var/run/pod-token"] = "token-one\n";
  f.transport.reply(200, k_container_json);
  f.transport.reply(200, k_container_json);
  ContainerCredentials provider(f.context());
  ASSERT_TRUE(provider.get());
  f.files.files["/var/run/pod-token"] = "token-two";
  ASSERT_TRUE(provider.get());
  EXPECT_EQ(find_header(f.transport.requests().at(0).headers, "Authorization"), "token-one");
  EXPECT_EQ(find_header(f.transport.requests().at(1).headers, "Authorization"), "token-two");
}

TEST(ContainerCredentials, LineBreaksInTokensAreRejected) {
  Fixture f;
  f.env.set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/guid");
  f.env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "abc\r\nX-Injected: 1");
  auto from_env = ContainerCredentials(f.context()).get();
  ASSERT_FALSE(from_env);
  EXPECT_EQ(from_env.error().message, "AWS_CONTAINER_AUTHORIZATION_TOKEN contains a line break");
  EXPECT_EQ(from_env.error().message.find("Injected"), std::string::npos);

  f.env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/tok");
  f.files.files["/tok"] = "abc\nX-Injected: 1\n";
  auto from_file = ContainerCredentials(f.context()).get();
  ASSERT_FALSE(from_file);
  EXPECT_EQ(from_file.error().message,
            "the token in AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE contains a line break");

  f.files.files.erase("/tok");
  auto missing = ContainerCredentials(f.context()).get();
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE /tok does not exist");
  EXPECT_TRUE(f.transport.requests().empty());
}

TEST(ContainerCredentials, FullUriHostRules) {
  for (const char* allowed :
       {"http://127.0.0.1/c", "http://127.1.2.3:8080/c", "http://[::1]:80/c", "http://localhost/c",
        "http://169.254.170.2/c", "http://169.254.170.23/v1/credentials",
        "http://[fd00:ec2::23]/v1/credentials", "https://creds.example.com/c", "HTTP://127.0.0.1/c"}) {
    Fixture f;
    f.env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", allowed);
    f.transport.reply(200, k_container_json);
    EXPECT_TRUE(ContainerCredentials(f.context()).get()) << allowed;
  }
  for (const char* refused : {"http://example.com/c", "http://10.0.0.1/c", "http://128.0.0.1/c",
                              "http://127.0.0.256/c", "http://169.254.169.254/latest",
                              "http://user@evil.com/c", "http://127.0.0.1.evil.com/c", "http://[::2]/c"}) {
    Fixture f;
    f.env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", refused);
    auto result = ContainerCredentials(f.context()).get();
    ASSERT_FALSE(result) << refused;
    EXPECT_EQ(result.error().code, ErrorCode::credentials);
    EXPECT_NE(result.error().message.find("is not allowed over http"), std::string::npos) << refused;
    EXPECT_TRUE(f.transport.requests().empty());
  }
  for (const char* malformed : {"ftp://127.0.0.1/c", "127.0.0.1/c", "http:///c"}) {
    Fixture f;
    f.env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", malformed);
    auto result = ContainerCredentials(f.context()).get();
    ASSERT_FALSE(result) << malformed;
    EXPECT_EQ(result.error().message, "AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL");
  }
}

TEST(ContainerCredentials, RetriesThreeTimesOneSecondApart) {
  Fixture f;
  f.env.set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/guid");
  f.transport.time_out();
  f.transport.reply(503);
  f.transport.reply(200, k_container_json);
  ASSERT_TRUE(ContainerCredentials(f.context()).get());
  EXPECT_EQ(f.transport.requests().size(), 3u);
  EXPECT_EQ(f.clock.sleeps(),
            (std::vector<std::chrono::milliseconds>{std::chrono::seconds(1), std::chrono::seconds(1)}));
}

TEST(ContainerCredentials, GivesUpAfterThreeAttemptsWithoutQuotingThePath) {
  Fixture f;
  f.env.set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/secret-guid");
  f.transport.time_out();
  f.transport.time_out();
  f.transport.time_out();
  auto result = ContainerCredentials(f.context()).get();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::credentials);
  EXPECT_EQ(result.error().message,
            "container credentials endpoint http://169.254.170.2: timed out after 2 s (3 attempts)");
}

TEST(ContainerCredentials, ClientErrorsAndBadDocumentsAreNotRetried) {
  Fixture f;
  f.env.set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/guid");
  f.transport.reply(403, "denied");
  auto denied = ContainerCredentials(f.context()).get();
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().message, "container credentials endpoint http://169.254.170.2 returned HTTP 403");

  f.transport.reply(200, R"({"AccessKeyId":"AK","Token":"SECRETTOKEN"})");
  auto partial = ContainerCredentials(f.context()).get();
  ASSERT_FALSE(partial);
  EXPECT_EQ(partial.error().code, ErrorCode::aws_bad_response);
  EXPECT_EQ(partial.error().message,
            "container credentials endpoint http://169.254.170.2: response has no SecretAccessKey");

  f.transport.reply(200, "not json SECRETTOKEN");
  auto garbage = ContainerCredentials(f.context()).get();
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().message.find("SECRETTOKEN"), std::string::npos);
  EXPECT_EQ(f.transport.requests().size(), 3u);
}

// --- IMDS ---------------------------------------------------------------------

void script_imds_success(testing::FakeTransport& transport) {
  transport.reply(200, "imds-token");
  transport.reply(200, "web-role\n");
  transport.reply(200, k_imds_json);
}

TEST(ImdsCredentials, V2HappyPathSendsTheExactRequests) {
  Fixture f;
  script_imds_success(f.transport);
  auto credentials = ImdsCredentials(f.context()).get();
  ASSERT_TRUE(credentials) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id, "AKIMDS");
  EXPECT_EQ(credentials->secret_access_key, "SIMDS");
  EXPECT_EQ(credentials->session_token, "TIMDS");
  EXPECT_EQ(credentials->source, "IMDS (role web-role)");
  ASSERT_TRUE(credentials->expiration);

  const auto& requests = f.transport.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].url, "http://169.254.169.254/latest/api/token");
  EXPECT_EQ(find_header(requests[0].headers, "x-aws-ec2-metadata-token-ttl-seconds"), "21600");
  EXPECT_FALSE(find_header(requests[0].headers, "x-aws-ec2-metadata-token"));
  EXPECT_EQ(requests[1].method, "GET");
  EXPECT_EQ(requests[1].url, "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
  EXPECT_EQ(find_header(requests[1].headers, "x-aws-ec2-metadata-token"), "imds-token");
  EXPECT_EQ(requests[2].method, "GET");
  EXPECT_EQ(requests[2].url, "http://169.254.169.254/latest/meta-data/iam/security-credentials/web-role");
  EXPECT_EQ(find_header(requests[2].headers, "x-aws-ec2-metadata-token"), "imds-token");
  for (const auto& request : requests) {
    EXPECT_EQ(request.timeout, std::chrono::seconds(1));
    EXPECT_EQ(request.connect_timeout, std::chrono::seconds(1));
  }
}

TEST(ImdsCredentials, EndpointOverridesAndIpv6Mode) {
  Fixture f;
  f.env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338/");
  script_imds_success(f.transport);
  ASSERT_TRUE(ImdsCredentials(f.context()).get());
  EXPECT_EQ(f.transport.requests().at(0).url, "http://127.0.0.1:1338/latest/api/token");

  Fixture g;
  g.env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6");
  script_imds_success(g.transport);
  ASSERT_TRUE(ImdsCredentials(g.context()).get());
  EXPECT_EQ(g.transport.requests().at(0).url, "http://[fd00:ec2::254]/latest/api/token");

  Fixture h;
  h.config("[default]\nec2_metadata_service_endpoint = http://127.0.0.2:80\n");
  script_imds_success(h.transport);
  ASSERT_TRUE(ImdsCredentials(h.context()).get());
  EXPECT_EQ(h.transport.requests().at(0).url, "http://127.0.0.2:80/latest/api/token");
}

TEST(ImdsCredentials, FallsBackToV1On403404405AndTimeout) {
  for (int variant = 0; variant < 4; ++variant) {
    Fixture f;
    if (variant == 3) {
      f.transport.time_out();
    } else {
      f.transport.reply(variant == 0 ? 403 : variant == 1 ? 404 : 405);
    }
    f.transport.reply(200, "web-role");
    f.transport.reply(200, k_imds_json);
    auto credentials = ImdsCredentials(f.context()).get();
    ASSERT_TRUE(credentials) << variant << ": " << credentials.error().message;
    ASSERT_EQ(f.transport.requests().size(), 3u);
    EXPECT_FALSE(find_header(f.transport.requests()[1].headers, "x-aws-ec2-metadata-token"));
    EXPECT_FALSE(find_header(f.transport.requests()[2].headers, "x-aws-ec2-metadata-token"));
  }
}

TEST(ImdsCredentials, NoFallbackWhenV1IsDisabled) {
  Fixture f;
  f.env.set("AWS_EC2_METADATA_V1_DISABLED", "true");
  f.transport.reply(403);
  auto result = ImdsCredentials(f.context()).resolve();
  ASSERT_TRUE(result);
  EXPECT_EQ(result->skipped, "token request returned HTTP 403 and IMDSv1 is disabled");
  EXPECT_EQ(f.transport.requests().size(), 1u);

  Fixture g;
  g.config("[default]\nec2_metadata_v1_disabled = true\n");
  g.transport.time_out();
  auto timed_out = ImdsCredentials(g.context()).resolve();
  ASSERT_TRUE(timed_out);
  EXPECT_EQ(timed_out->skipped, "timed out after 1 s and IMDSv1 is disabled");
}

TEST(ImdsCredentials, OtherTokenFailuresDoNotFallBack) {
  Fixture f;
  f.transport.reply(400);
  auto bad_request = ImdsCredentials(f.context()).resolve();
  ASSERT_TRUE(bad_request);
  EXPECT_EQ(bad_request->skipped, "token request returned HTTP 400");

  Fixture g;
  g.transport.fail_with(ErrorCode::aws_network, "connection refused");
  auto refused = ImdsCredentials(g.context()).resolve();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->skipped, "unreachable: connection refused");
  EXPECT_EQ(g.transport.requests().size(), 1u);
}

TEST(ImdsCredentials, DisabledSendsNothing) {
  Fixture f;
  f.env.set("AWS_EC2_METADATA_DISABLED", "true");
  auto result = ImdsCredentials(f.context()).resolve();
  ASSERT_TRUE(result);
  EXPECT_EQ(result->skipped, "AWS_EC2_METADATA_DISABLED is set");
  EXPECT_TRUE(f.transport.requests().empty());
}

TEST(ImdsCredentials, OffEc2TimesOutQuickly) {
  Fixture f;
  f.transport.time_out();  // token PUT: falls back to v1
  f.transport.time_out();  // role GET
  auto result = ImdsCredentials(f.context()).resolve();
  ASSERT_TRUE(result);
  EXPECT_EQ(result->skipped, "timed out after 1 s");
  EXPECT_EQ(f.transport.requests().size(), 2u);
  EXPECT_TRUE(f.clock.sleeps().empty());
}

TEST(ImdsCredentials, TimeoutAndAttemptsFromEnvironment) {
  Fixture f;
  f.env.set("AWS_METADATA_SERVICE_TIMEOUT", "2.5");
  f.env.set("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "3");
  f.transport.time_out();
  f.transport.reply(500);
  f.transport.reply(200, "tok");
  f.transport.reply(200, "role");
  f.transport.reply(200, k_imds_json);
  ASSERT_TRUE(ImdsCredentials(f.context()).get());
  EXPECT_EQ(f.transport.requests().size(), 5u);
  EXPECT_EQ(f.transport.requests()[0].timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(find_header(f.transport.requests()[3].headers, "x-aws-ec2-metadata-token"), "tok");

  Fixture g;
  g.env.set("AWS_METADATA_SERVICE_TIMEOUT", "soon");
  g.env.set("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "-1");
  g.transport.time_out();
  g.transport.time_out();
  auto result = ImdsCredentials(g.context()).resolve();
  ASSERT_TRUE(result);
  EXPECT_EQ(result->skipped, "timed out after 1 s");
  EXPECT_EQ(g.transport.requests().size(), 2u);  // defaults kept
}

TEST(ImdsCredentials, Unauthorized401GetsANewTokenOnce) {
  Fixture f;
  f.transport.reply(200, "old-token");
  f.transport.reply(401);
  f.transport.reply(200, "new-token");
  f.transport.reply(200, "role");
  f.transport.reply(200, k_imds_json);
  ASSERT_TRUE(ImdsCredentials(f.context()).get());
  const auto& requests = f.transport.requests();
  ASSERT_EQ(requests.size(), 5u);
  EXPECT_EQ(requests[2].method, "PUT");
  EXPECT_EQ(find_header(requests[3].headers, "x-aws-ec2-metadata-token"), "new-token");
  EXPECT_EQ(find_header(requests[4].headers, "x-aws-ec2-metadata-token"), "new-token");

  Fixture g;
  g.transport.reply(200, "t1");
  g.transport.reply(401);
  g.transport.reply(200, "t2");
  g.transport.reply(401);
  auto result = ImdsCredentials(g.context()).resolve();
  ASSERT_TRUE(result);
  EXPECT_EQ(result->skipped, "role request returned HTTP 401");
  EXPECT_EQ(g.transport.pending(), 0u);
}

TEST(ImdsCredentials, NoRoleBadCodeAndBadDocumentAreSkipped) {
  Fixture f;
  f.transport.reply(200, "t");
  f.transport.reply(404);
  auto no_role = ImdsCredentials(f.context()).resolve();
  ASSERT_TRUE(no_role);
  EXPECT_EQ(no_role->skipped, "no IAM role attached to this instance (HTTP 404)");

  Fixture g;
  g.transport.reply(200, "t");
  g.transport.reply(200, "role");
  g.transport.reply(200, R"({"Code":"AssumeRoleUnauthorizedAccess","AccessKeyId":"AK"})");
  auto bad_code = ImdsCredentials(g.context()).resolve();
  ASSERT_TRUE(bad_code);
  EXPECT_EQ(bad_code->skipped,
            "credentials for role role have Code \"AssumeRoleUnauthorizedAccess\", not \"Success\"");

  Fixture h;
  h.transport.reply(200, "t");
  h.transport.reply(200, "role");
  h.transport.reply(200,
                    R"({"Code":"Success","AccessKeyId":"AK","SecretAccessKey":"SK","Expiration":"later"})");
  auto bad_time = ImdsCredentials(h.context()).resolve();
  ASSERT_TRUE(bad_time);
  EXPECT_EQ(bad_time->skipped, "IMDS role role: Expiration is not an ISO 8601 time");
}

}  // namespace
}  // namespace adjust
