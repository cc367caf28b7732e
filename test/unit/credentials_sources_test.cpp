// Environment, web identity and shared-file (incl. assume-role) sources.
#include <gtest/gtest.h>

#include "fakes/credentials_fixture.hpp"

namespace adjust {
namespace {

using Fixture = testing::CredentialsFixture;
using testing::RecordingSts;

TEST(EnvironmentCredentials, KeySecretAndToken) {
  MapEnvironment env{
      {{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", "SECRET"}, {"AWS_SESSION_TOKEN", "TOKEN"}}};
  auto credentials = EnvironmentCredentials(env).get();
  ASSERT_TRUE(credentials) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id, "AKID");
  EXPECT_EQ(credentials->secret_access_key, "SECRET");
  EXPECT_EQ(credentials->session_token, "TOKEN");
  EXPECT_FALSE(credentials->expiration);
  EXPECT_EQ(credentials->source, "environment");
}

TEST(EnvironmentCredentials, LegacySecurityTokenAndExpiration) {
  MapEnvironment env{{{"AWS_ACCESS_KEY_ID", "AKID"},
                      {"AWS_SECRET_ACCESS_KEY", "SECRET"},
                      {"AWS_SECURITY_TOKEN", "LEGACY"},
                      {"AWS_CREDENTIAL_EXPIRATION", "2024-01-01T01:00:00Z"}}};
  auto credentials = EnvironmentCredentials(env).get();
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->session_token, "LEGACY");
  ASSERT_TRUE(credentials->expiration);
  EXPECT_EQ(*credentials->expiration,
            std::chrono::sys_days{std::chrono::year{2024} / 1 / 1} + std::chrono::hours{1});

  env.set("AWS_CREDENTIAL_EXPIRATION", "tomorrow");
  auto bad = EnvironmentCredentials(env).get();
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("AWS_CREDENTIAL_EXPIRATION"), std::string::npos);
}

TEST(EnvironmentCredentials, AbsentIsSkippedPartialIsAnError) {
  auto none = EnvironmentCredentials(MapEnvironment{}).resolve();
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->credentials);
  EXPECT_EQ(none->skipped, "AWS_ACCESS_KEY_ID not set");

  auto key_only = EnvironmentCredentials(MapEnvironment{{{"AWS_ACCESS_KEY_ID", "AKID"}}}).resolve();
  ASSERT_FALSE(key_only);
  EXPECT_EQ(key_only.error().code, ErrorCode::credentials);
  EXPECT_EQ(key_only.error().message,
            "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both or neither");

  auto secret_only = EnvironmentCredentials(MapEnvironment{{{"AWS_SECRET_ACCESS_KEY", "SECRET"}}}).resolve();
  ASSERT_FALSE(secret_only);
  EXPECT_EQ(secret_only.error().message,
            "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not; set both or neither");
  EXPECT_EQ(secret_only.error().message.find("SECRET\""), std::string::npos);
}

TEST(WebIdentityCredentials, FromEnvironmentReadsTheTokenEachTime) {
  Fixture f;
  f.env.set("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token");
  f.env.set("AWS_ROLE_ARN", "arn:aws:iam::1:role/web");
  f.env.set("AWS_ROLE_SESSION_NAME", "servo");
  f.files.files["/var/run/token"] = "jwt-one\n";
  WebIdentityCredentials provider(f.context());

  auto first = provider.get();
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->source, "web identity (assumed role arn:aws:iam::1:role/web with web identity)");
  f.files.files["/var/run/token"] = "jwt-two";
  ASSERT_TRUE(provider.get());

  ASSERT_EQ(f.sts.web_requests.size(), 2u);
  EXPECT_EQ(f.sts.web_requests[0].web_identity_token, "jwt-one");
  EXPECT_EQ(f.sts.web_requests[1].web_identity_token, "jwt-two");
  EXPECT_EQ(f.sts.web_requests[0].role_arn, "arn:aws:iam::1:role/web");
  EXPECT_EQ(f.sts.web_requests[0].role_session_name, "servo");
  EXPECT_FALSE(f.sts.web_requests[0].duration_seconds);
}

TEST(WebIdentityCredentials, DefaultSessionNameFromTheClock) {
  Fixture f;
  f.env.set("AWS_WEB_IDENTITY_TOKEN_FILE", "/t");
  f.env.set("AWS_ROLE_ARN", "arn:aws:iam::1:role/web");
  f.files.files["/t"] = "jwt";
  ASSERT_TRUE(WebIdentityCredentials(f.context()).get());
  EXPECT_EQ(f.sts.web_requests.at(0).role_session_name, "adjust-1704067200");
}

TEST(WebIdentityCredentials, FailureModes) {
  Fixture f;
  auto skipped = WebIdentityCredentials(f.context()).resolve();
  ASSERT_TRUE(skipped);
  EXPECT_EQ(skipped->skipped, "AWS_WEB_IDENTITY_TOKEN_FILE not set");

  f.env.set("AWS_WEB_IDENTITY_TOKEN_FILE", "/t");
  auto no_role = WebIdentityCredentials(f.context()).get();
  ASSERT_FALSE(no_role);
  EXPECT_EQ(no_role.error().message, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not; set both");

  f.env.set("AWS_ROLE_ARN", "arn:aws:iam::1:role/web");
  auto missing_file = WebIdentityCredentials(f.context()).get();
  ASSERT_FALSE(missing_file);
  EXPECT_EQ(missing_file.error().message, "web identity: web identity token file /t does not exist");

  f.files.files["/t"] = " \n";
  auto empty = WebIdentityCredentials(f.context()).get();
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, "web identity: web identity token file /t is empty");

  f.files.files["/t"] = "jwt";
  f.sts.queued.push_back(
      fail(Error{ErrorCode::aws_auth, "AccessDenied: Not authorized", "AccessDenied", "req-1", 403}));
  auto denied = WebIdentityCredentials(f.context()).get();
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, ErrorCode::aws_auth);
  EXPECT_EQ(denied.error().aws_code, "AccessDenied");
  EXPECT_EQ(denied.error().message,
            "web identity: assume role with web identity arn:aws:iam::1:role/web: "
            "AccessDenied: Not authorized");
}

TEST(WebIdentityCredentials, FromTheSelectedProfile) {
  Fixture f;
  f.config(
      "[profile eks]\nrole_arn = arn:aws:iam::1:role/eks\nweb_identity_token_file = /tok\n"
      "role_session_name = s\nduration_seconds = 900\n");
  f.select("eks");
  f.files.files["/tok"] = "jwt";
  auto credentials = WebIdentityCredentials(f.context()).get();
  ASSERT_TRUE(credentials) << credentials.error().message;
  EXPECT_EQ(credentials->source, "profile \"eks\" (assumed role arn:aws:iam::1:role/eks with web identity)");
  ASSERT_EQ(f.sts.web_requests.size(), 1u);
  EXPECT_EQ(f.sts.web_requests[0].role_session_name, "s");
  EXPECT_EQ(f.sts.web_requests[0].duration_seconds, 900);
}

// --- shared files ----------------------------------------------------------

TEST(ProfileCredentials, StaticKeysOfTheSelectedProfile) {
  Fixture f;
  f.credentials(
      "[default]\naws_access_key_id = AKDEFAULT\naws_secret_access_key = SDEFAULT\n"
      "[dev]\naws_access_key_id = AKDEV\naws_secret_access_key = SDEV\naws_session_token = TDEV\n");
  auto by_default = ProfileCredentials(f.context()).get();
  ASSERT_TRUE(by_default);
  EXPECT_EQ(by_default->access_key_id, "AKDEFAULT");
  EXPECT_EQ(by_default->source, "profile \"default\"");

  f.select("dev");
  auto dev = ProfileCredentials(f.context()).get();
  ASSERT_TRUE(dev);
  EXPECT_EQ(dev->access_key_id, "AKDEV");
  EXPECT_EQ(dev->secret_access_key, "SDEV");
  EXPECT_EQ(dev->session_token, "TDEV");
}

TEST(ProfileCredentials, KeysInTheConfigFileCountToo) {
  Fixture f;
  f.config("[profile dev]\naws_access_key_id = AK\naws_secret_access_key = S\n");
  f.select("dev");
  auto credentials = ProfileCredentials(f.context()).get();
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->access_key_id, "AK");
}

TEST(ProfileCredentials, MissingProfiles) {
  Fixture f;
  auto skipped = ProfileCredentials(f.context()).resolve();
  ASSERT_TRUE(skipped);
  EXPECT_EQ(skipped->skipped,
            "profile \"default\" not found in /home/u/.aws/credentials, /home/u/.aws/config");

  f.select("prod");
  auto named = ProfileCredentials(f.context()).resolve();
  ASSERT_FALSE(named);
  EXPECT_EQ(named.error().message,
            "profile \"prod\" not found in /home/u/.aws/credentials, /home/u/.aws/config "
            "(selected by AWS_PROFILE/AWS_DEFAULT_PROFILE)");

  Fixture g;
  g.config("[default]\nregion = us-east-1\n");
  auto no_keys = ProfileCredentials(g.context()).resolve();
  ASSERT_TRUE(no_keys);
  EXPECT_EQ(no_keys->skipped, "profile \"default\" has no credentials");
}

TEST(ProfileCredentials, PartialKeysAndUnsupportedKinds) {
  struct Case {
    const char* config;
    const char* message;
  };
  for (const Case& c : {
           Case{"[default]\naws_access_key_id = AK\n",
                "profile \"default\" has aws_access_key_id but no aws_secret_access_key"},
           Case{"[default]\naws_secret_access_key = S\n",
                "profile \"default\" has aws_secret_access_key but no aws_access_key_id"},
           Case{"[default]\ncredential_process = /bin/creds\n",
                "profile \"default\" uses credential_process, which adjust does not support; "
                "export credentials in the environment instead"},
           Case{"[default]\nsso_session = corp\n",
                "profile \"default\" uses AWS IAM Identity Center (SSO), which adjust does not "
                "support; export credentials in the environment instead"},
           Case{"[default]\nrole_arn = arn:r\nmfa_serial = arn:mfa\nsource_profile = default\n",
                "profile \"default\" requires an MFA code (mfa_serial), which adjust cannot prompt "
                "for; use a role or credentials without MFA"},
           Case{"[default]\nrole_arn = arn:r\n",
                "profile \"default\" has role_arn but no source_profile or credential_source"},
           Case{"[default]\nrole_arn = arn:r\nsource_profile = a\ncredential_source = Environment\n",
                "profile \"default\" sets both source_profile and credential_source; keep one"},
           Case{"[default]\nrole_arn = arn:r\ncredential_source = Magic\n",
                "profile \"default\": credential_source \"Magic\" is not one of Environment, "
                "Ec2InstanceMetadata, EcsContainer"},
           Case{"[default]\nrole_arn = arn:r\ncredential_source = Environment\nduration_seconds = 1h\n",
                "profile \"default\": duration_seconds must be a whole number of seconds"},
       }) {
    Fixture f;
    f.config(c.config);
    auto result = ProfileCredentials(f.context()).get();
    ASSERT_FALSE(result) << c.config;
    EXPECT_EQ(result.error().code, ErrorCode::credentials);
    EXPECT_EQ(result.error().message, c.message);
    EXPECT_TRUE(f.sts.assume_requests.empty());
  }
}

TEST(ProfileCredentials, AssumeRoleWithSourceProfileAndOptions) {
  Fixture f;
  f.credentials("[base]\naws_access_key_id = AKBASE\naws_secret_access_key = SBASE\n");
  f.config(
      "[profile dev]\nrole_arn = arn:aws:iam::1:role/dev\nsource_profile = base\n"
      "external_id = ext-123\nduration_seconds = 3600\nrole_session_name = my-session\n");
  f.select("dev");
  auto credentials = ProfileCredentials(f.context()).get();
  ASSERT_TRUE(credentials) << credentials.error().message;
  EXPECT_EQ(credentials->source, "profile \"dev\" (assumed role arn:aws:iam::1:role/dev)");
  EXPECT_EQ(credentials->secret_access_key,
            RecordingSts::for_role("arn:aws:iam::1:role/dev").secret_access_key);
  ASSERT_EQ(f.sts.assume_requests.size(), 1u);
  const auto& request = f.sts.assume_requests[0];
  EXPECT_EQ(request.role_arn, "arn:aws:iam::1:role/dev");
  EXPECT_EQ(request.role_session_name, "my-session");
  EXPECT_EQ(request.external_id, "ext-123");
  EXPECT_EQ(request.duration_seconds, 3600);
  EXPECT_EQ(f.sts.sources[0].access_key_id, "AKBASE");
  EXPECT_EQ(f.sts.sources[0].secret_access_key, "SBASE");
}

TEST(ProfileCredentials, DefaultsWhenOptionsAreAbsent) {
  Fixture f;
  f.config(
      "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n"
      "[profile base]\naws_access_key_id = AK\naws_secret_access_key = S\n");
  ASSERT_TRUE(ProfileCredentials(f.context()).get());
  const auto& request = f.sts.assume_requests.at(0);
  EXPECT_EQ(request.role_session_name, "adjust-1704067200");
  EXPECT_EQ(request.external_id, "");
  EXPECT_FALSE(request.duration_seconds);
}

TEST(ProfileCredentials, ChainedRolesUseEachResultAsTheNextSource) {
  Fixture f;
  f.config(
      "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
      "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = c\n"
      "[profile c]\naws_access_key_id = AKC\naws_secret_access_key = SC\n");
  f.select("a");
  auto credentials = ProfileCredentials(f.context()).get();
  ASSERT_TRUE(credentials) << credentials.error().message;
  ASSERT_EQ(f.sts.assume_requests.size(), 2u);
  EXPECT_EQ(f.sts.assume_requests[0].role_arn, "arn:aws:iam::1:role/b");
  EXPECT_EQ(f.sts.sources[0].access_key_id, "AKC");
  EXPECT_EQ(f.sts.assume_requests[1].role_arn, "arn:aws:iam::1:role/a");
  EXPECT_EQ(f.sts.sources[1].access_key_id, RecordingSts::for_role("arn:aws:iam::1:role/b").access_key_id);
}

TEST(ProfileCredentials, SourceProfileCyclesAreDetected) {
  Fixture f;
  f.config(
      "[profile a]\nrole_arn = arn:ra\nsource_profile = b\n"
      "[profile b]\nrole_arn = arn:rb\nsource_profile = c\n"
      "[profile c]\nrole_arn = arn:rc\nsource_profile = a\n");
  f.select("a");
  auto result = ProfileCredentials(f.context()).get();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::credentials);
  EXPECT_EQ(result.error().message, "source_profile cycle: a -> b -> c -> a");
  EXPECT_TRUE(f.sts.assume_requests.empty());
}

TEST(ProfileCredentials, SelfSourceNeedsStaticKeys) {
  Fixture f;
  f.config(
      "[default]\nrole_arn = arn:r\nsource_profile = default\n"
      "aws_access_key_id = AKSELF\naws_secret_access_key = SSELF\n");
  ASSERT_TRUE(ProfileCredentials(f.context()).get());
  EXPECT_EQ(f.sts.sources.at(0).access_key_id, "AKSELF");

  Fixture g;
  g.config("[default]\nrole_arn = arn:r\nsource_profile = default\n");
  auto result = ProfileCredentials(g.context()).get();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "profile \"default\" is its own source_profile but has no static keys");
}

TEST(ProfileCredentials, SourceProfileMissingOrWithoutCredentials) {
  Fixture f;
  f.config("[default]\nrole_arn = arn:r\nsource_profile = gone\n");
  auto missing = ProfileCredentials(f.context()).get();
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            "source_profile \"gone\" of profile \"default\" not found in "
            "/home/u/.aws/credentials, /home/u/.aws/config");

  Fixture g;
  g.config("[default]\nrole_arn = arn:r\nsource_profile = empty\n[profile empty]\nregion = x\n");
  auto empty = ProfileCredentials(g.context()).get();
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, "source_profile \"empty\" of profile \"default\" has no credentials");
}

TEST(ProfileCredentials, AssumeRoleDeniedStopsWithContext) {
  Fixture f;
  f.config(
      "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n"
      "[profile base]\naws_access_key_id = AK\naws_secret_access_key = S\n");
  f.sts.queued.push_back(
      fail(Error{ErrorCode::aws_auth, "AccessDenied: not allowed", "AccessDenied", "rid", 403}));
  auto result = ProfileCredentials(f.context()).get();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::aws_auth);
  EXPECT_EQ(result.error().request_id, "rid");
  EXPECT_EQ(result.error().message,
            "profile \"default\": assume role arn:aws:iam::1:role/r: AccessDenied: not allowed");
}

TEST(ProfileCredentials, CredentialSourceEnvironment) {
  Fixture f;
  f.config("[default]\nrole_arn = arn:r\ncredential_source = Environment\n");
  auto skipped = ProfileCredentials(f.context()).get();
  ASSERT_FALSE(skipped);
  EXPECT_EQ(skipped.error().message,
            "profile \"default\": credential_source Environment: AWS_ACCESS_KEY_ID not set");

  f.env.set("AWS_ACCESS_KEY_ID", "AKENV");
  f.env.set("AWS_SECRET_ACCESS_KEY", "SENV");
  auto credentials = ProfileCredentials(f.context()).get();
  ASSERT_TRUE(credentials);
  EXPECT_EQ(f.sts.sources.at(0).access_key_id, "AKENV");
}

TEST(ProfileCredentials, CredentialSourceEcsContainer) {
  Fixture f;
  f.config("[default]\nrole_arn = arn:r\ncredential_source = EcsContainer\n");
  f.env.set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc");
  f.transport.reply(200, R"({"AccessKeyId":"AKECS","SecretAccessKey":"SECS","Token":"TECS"})");
  auto credentials = ProfileCredentials(f.context()).get();
  ASSERT_TRUE(credentials) << credentials.error().message;
  EXPECT_EQ(f.sts.sources.at(0).access_key_id, "AKECS");
  EXPECT_EQ(f.sts.sources.at(0).session_token, "TECS");
}

TEST(ProfileCredentials, CredentialSourceEc2InstanceMetadata) {
  Fixture f;
  f.config("[default]\nrole_arn = arn:r\ncredential_source = Ec2InstanceMetadata\n");
  f.env.set("AWS_EC2_METADATA_DISABLED", "true");
  auto disabled = ProfileCredentials(f.context()).get();
  ASSERT_FALSE(disabled);
  EXPECT_EQ(disabled.error().message,
            "profile \"default\": credential_source Ec2InstanceMetadata: "
            "AWS_EC2_METADATA_DISABLED is set");

  Fixture g;
  g.config("[default]\nrole_arn = arn:r\ncredential_source = Ec2InstanceMetadata\n");
  g.transport.reply(200, "tok");
  g.transport.reply(200, "instance-role\n");
  g.transport.reply(200, R"({"Code":"Success","AccessKeyId":"AKIMDS","SecretAccessKey":"S","Token":"T"})");
  ASSERT_TRUE(ProfileCredentials(g.context()).get());
  EXPECT_EQ(g.sts.sources.at(0).access_key_id, "AKIMDS");
}

TEST(ProfileCredentials, RoleWithWebIdentityTokenFile) {
  Fixture f;
  f.config(
      "[default]\nrole_arn = arn:aws:iam::1:role/w\nweb_identity_token_file = /tok\n"
      "source_profile = base\n[profile base]\nrole_arn = arn:aws:iam::1:role/base\n"
      "web_identity_token_file = /tok\n");
  f.files.files["/tok"] = "jwt";
  auto credentials = ProfileCredentials(f.context()).get();
  ASSERT_TRUE(credentials) << credentials.error().message;
  ASSERT_EQ(f.sts.web_requests.size(), 1u);
  EXPECT_EQ(f.sts.web_requests[0].role_arn, "arn:aws:iam::1:role/base");
  EXPECT_EQ(f.sts.assume_requests.at(0).role_arn, "arn:aws:iam::1:role/w");
}

}  // namespace
}  // namespace adjust
