#include <gtest/gtest.h>

#include "adjust/aws/profile.hpp"
#include "fakes/files.hpp"

namespace adjust {
namespace {

using testing::MapFileSource;

ProfileMap parse_ok(std::string_view text, ProfileFileKind kind = ProfileFileKind::config) {
  auto parsed = parse_profile_file(text, kind, "/home/u/.aws/config");
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().message);
  return parsed ? *parsed : ProfileMap{};
}

TEST(AwsProfileParse, ConfigSectionsDefaultAndProfilePrefix) {
  auto profiles = parse_ok(
      "[default]\n"
      "region = us-east-1\n"
      "[profile dev]\n"
      "region=eu-west-1\n"
      "[profile   spaced  ]\n"
      "region = ap-south-1\n"
      "[sso-session corp]\n"
      "sso_region = us-east-1\n"
      "[services local]\n"
      "ecs =\n"
      "  endpoint_url = http://127.0.0.1:5000\n"
      "[bare]\n"
      "region = ignored-1\n"
      "[profilefoo]\n"
      "region = ignored-2\n");
  ASSERT_EQ(profiles.size(), 3u);
  EXPECT_EQ(profiles["default"]["region"], "us-east-1");
  EXPECT_EQ(profiles["dev"]["region"], "eu-west-1");
  EXPECT_EQ(profiles["spaced"]["region"], "ap-south-1");
}

TEST(AwsProfileParse, CredentialsSectionsAreProfileNamesAsWritten) {
  auto profiles =
      parse_ok("[dev]\naws_access_key_id = AKIDEV\n[profile x]\nk = v\n", ProfileFileKind::credentials);
  EXPECT_EQ(profiles["dev"]["aws_access_key_id"], "AKIDEV");
  EXPECT_EQ(profiles["profile x"]["k"], "v");
}

TEST(AwsProfileParse, CommentsWhitespaceAndCrlf) {
  auto profiles = parse_ok(
      "# leading comment\r\n"
      "; another\r\n"
      "\r\n"
      "  [ default ]   # trailing comment\r\n"
      "   region   =   us-west-2   \r\n"
      "\t# indented comment\r\n"
      "output: json\r\n"
      "Mixed_Case = Value With Spaces\r\n"
      "empty =\r\n"
      "role_arn = arn:aws:iam::123456789012:role/a=b\r\n"
      "hash = value # not a comment inside values, as in botocore\r\n");
  auto& profile = profiles["default"];
  EXPECT_EQ(profile["region"], "us-west-2");
  EXPECT_EQ(profile["output"], "json");
  EXPECT_EQ(profile["Mixed_Case"], "Value With Spaces");
  EXPECT_FALSE(profile.contains("mixed_case"));
  EXPECT_EQ(profile["empty"], "");
  EXPECT_EQ(profile["role_arn"], "arn:aws:iam::123456789012:role/a=b");
  EXPECT_EQ(profile["hash"], "value # not a comment inside values, as in botocore");
}

TEST(AwsProfileParse, SubPropertiesAreToleratedAndDoNotLeak) {
  auto profiles = parse_ok(
      "[default]\n"
      "s3 =\n"
      "  max_concurrent_requests = 20\n"
      "  addressing_style = path\n"
      "region = us-east-1\n");
  auto& profile = profiles["default"];
  EXPECT_EQ(profile["s3"], "");
  EXPECT_FALSE(profile.contains("max_concurrent_requests"));
  EXPECT_EQ(profile["region"], "us-east-1");
}

TEST(AwsProfileParse, DuplicateSectionsMergeAndLastKeyWins) {
  auto profiles =
      parse_ok("[default]\nregion = a\nk1 = x\n[profile dev]\nregion = d\n[default]\nregion = b\n");
  EXPECT_EQ(profiles["default"]["region"], "b");
  EXPECT_EQ(profiles["default"]["k1"], "x");
}

TEST(AwsProfileParse, EmptyTextAndEmptySections) {
  EXPECT_TRUE(parse_ok("").empty());
  auto profiles = parse_ok("[default]\n[profile dev]");
  EXPECT_TRUE(profiles.contains("default"));
  EXPECT_TRUE(profiles.contains("dev"));
}

TEST(AwsProfileParse, MalformedLinesAreErrorsWithFileAndLine) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : {
           Case{"region = x\n", "/home/u/.aws/config:1: property outside of any section"},
           Case{"[default\n", "/home/u/.aws/config:1: section header without ']'"},
           Case{"[default]\n\nnot a property\n", "/home/u/.aws/config:3: expected 'key = value'"},
           Case{"[]\n", "/home/u/.aws/config:1: empty section name"},
           Case{"[default]\n = v\n", "/home/u/.aws/config:2: property without a name"},
           Case{"[default] junk\n", "/home/u/.aws/config:1: unexpected text after section header"},
       }) {
    auto parsed = parse_profile_file(c.text, ProfileFileKind::config, "/home/u/.aws/config");
    ASSERT_FALSE(parsed) << c.text;
    EXPECT_EQ(parsed.error().code, ErrorCode::config);
    EXPECT_EQ(parsed.error().message, c.message);
  }
}

TEST(AwsProfileParse, ErrorsNeverQuoteTheLine) {
  // A malformed line could be a secret pasted without "key =".
  auto parsed = parse_profile_file("[default]\nwJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n",
                                   ProfileFileKind::credentials, "creds");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message.find("wJalr"), std::string::npos);
}

TEST(AwsProfileSelection, ProfileFromEnvironment) {
  EXPECT_EQ(selected_profile_name(MapEnvironment{}), "default");
  EXPECT_EQ(selected_profile_name(MapEnvironment{{{"AWS_DEFAULT_PROFILE", "b"}}}), "b");
  EXPECT_EQ(selected_profile_name(MapEnvironment{{{"AWS_PROFILE", "a"}, {"AWS_DEFAULT_PROFILE", "b"}}}), "a");
  EXPECT_EQ(selected_profile_name(MapEnvironment{{{"AWS_PROFILE", ""}}}), "default");
}

TEST(AwsProfileLoad, DefaultPathsUnderHomeAndMergedView) {
  MapFileSource files;
  files.files["/home/u/.aws/config"] = "[profile dev]\nregion = eu-west-1\naws_access_key_id = FROMCONFIG\n";
  files.files["/home/u/.aws/credentials"] =
      "[dev]\naws_access_key_id = FROMCREDS\naws_secret_access_key = s\n";
  MapEnvironment env{{{"HOME", "/home/u"}, {"AWS_PROFILE", "dev"}}};
  auto loaded = load_profile_files(env, files);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->selected, "dev");
  EXPECT_TRUE(loaded->selected_explicitly);
  EXPECT_TRUE(loaded->credentials_exists);
  EXPECT_TRUE(loaded->config_exists);
  auto merged = loaded->profile("dev");
  ASSERT_TRUE(merged);
  EXPECT_EQ((*merged)["aws_access_key_id"], "FROMCREDS");  // credentials file wins
  EXPECT_EQ((*merged)["region"], "eu-west-1");
  EXPECT_EQ(loaded->selected_value("aws_secret_access_key"), "s");
  EXPECT_EQ(loaded->value("dev", "aws_access_key_id"), "FROMCREDS");
  EXPECT_FALSE(loaded->profile("other"));
}

TEST(AwsProfileLoad, PathsFromEnvironmentWithTilde) {
  MapFileSource files;
  files.files["/home/u/alt-creds"] = "[default]\nk = c\n";
  files.files["/etc/aws-config"] = "[default]\nk = f\nregion = r\n";
  MapEnvironment env{{{"HOME", "/home/u"},
                      {"AWS_SHARED_CREDENTIALS_FILE", "~/alt-creds"},
                      {"AWS_CONFIG_FILE", "/etc/aws-config"}}};
  auto loaded = load_profile_files(env, files);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->credentials_path, "/home/u/alt-creds");
  EXPECT_EQ(loaded->config_path, "/etc/aws-config");
  EXPECT_FALSE(loaded->selected_explicitly);
  EXPECT_EQ(loaded->selected_value("k"), "c");
  EXPECT_EQ(loaded->selected_value("region"), "r");
}

TEST(AwsProfileLoad, AbsentFilesAndNoHomeAreEmpty) {
  MapFileSource files;
  auto loaded = load_profile_files(MapEnvironment{{{"HOME", "/nowhere"}}}, files);
  ASSERT_TRUE(loaded);
  EXPECT_FALSE(loaded->credentials_exists);
  EXPECT_FALSE(loaded->has_profile("default"));

  auto no_home = load_profile_files(MapEnvironment{}, files);
  ASSERT_TRUE(no_home);
  EXPECT_EQ(files.reads, 2);  // nothing read without HOME
}

TEST(AwsProfileLoad, UnreadableOrMalformedFileIsAConfigError) {
  MapFileSource files;
  files.unreadable["/home/u/.aws/credentials"] = true;
  auto unreadable = load_profile_files(MapEnvironment{{{"HOME", "/home/u"}}}, files);
  ASSERT_FALSE(unreadable);
  EXPECT_EQ(unreadable.error().code, ErrorCode::config);

  MapFileSource malformed;
  malformed.files["/home/u/.aws/config"] = "[default\n";
  auto bad = load_profile_files(MapEnvironment{{{"HOME", "/home/u"}}}, malformed);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "/home/u/.aws/config:1: section header without ']'");
}

}  // namespace
}  // namespace adjust
