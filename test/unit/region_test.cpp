#include <gtest/gtest.h>

#include "adjust/aws/region.hpp"

namespace adjust {
namespace {

ProfileFiles profiles_with_region(std::string region) {
  ProfileFiles files;
  files.config_path = "/home/u/.aws/config";
  files.config["default"]["region"] = std::move(region);
  return files;
}

TEST(Region, ConfigBeatsEnvironmentBeatsProfile) {
  MapEnvironment env{{{"AWS_REGION", "eu-west-1"}, {"AWS_DEFAULT_REGION", "eu-west-2"}}};
  auto profiles = profiles_with_region("ap-south-1");
  EXPECT_EQ(*resolve_region("us-west-2", env, profiles), "us-west-2");
  EXPECT_EQ(*resolve_region(std::nullopt, env, profiles), "eu-west-1");
  EXPECT_EQ(*resolve_region(std::nullopt, MapEnvironment{{{"AWS_DEFAULT_REGION", "eu-west-2"}}}, profiles),
            "eu-west-2");
  EXPECT_EQ(*resolve_region(std::nullopt, MapEnvironment{}, profiles), "ap-south-1");
}

TEST(Region, EmptyValuesAreSkipped) {
  MapEnvironment env{{{"AWS_REGION", ""}, {"AWS_DEFAULT_REGION", "eu-west-2"}}};
  EXPECT_EQ(*resolve_region(std::string(), env, ProfileFiles{}), "eu-west-2");
}

TEST(Region, SelectedProfileRegionOnly) {
  ProfileFiles profiles;
  profiles.config["dev"]["region"] = "eu-central-1";
  profiles.config["default"]["region"] = "us-east-1";
  profiles.selected = "dev";
  EXPECT_EQ(*resolve_region(std::nullopt, MapEnvironment{}, profiles), "eu-central-1");
}

TEST(Region, MissingNamesAllFourPlaces) {
  ProfileFiles profiles;
  profiles.config_path = "/home/u/.aws/config";
  auto region = resolve_region(std::nullopt, MapEnvironment{}, profiles);
  ASSERT_FALSE(region);
  EXPECT_EQ(region.error().code, ErrorCode::config);
  EXPECT_EQ(region.error().message,
            "no AWS region configured; set config region, AWS_REGION, AWS_DEFAULT_REGION or "
            "region in profile \"default\" of /home/u/.aws/config");
}

TEST(Region, RejectsValuesThatAreNotRegionNames) {
  for (const char* bad : {"us-east-1.evil.com", "US-EAST-1", "us east 1", "us-east-1/x", "a@b"}) {
    auto region = resolve_region(std::nullopt, MapEnvironment{{{"AWS_REGION", bad}}}, ProfileFiles{});
    ASSERT_FALSE(region) << bad;
    EXPECT_EQ(region.error().code, ErrorCode::config);
    EXPECT_NE(region.error().message.find("AWS_REGION"), std::string::npos);
  }
  auto from_profile = resolve_region(std::nullopt, MapEnvironment{}, profiles_with_region("x y"));
  ASSERT_FALSE(from_profile);
  EXPECT_NE(from_profile.error().message.find("profile \"default\""), std::string::npos);
}

TEST(Region, ProfileClientSettings) {
  ProfileFiles profiles;
  profiles.config["dev"] = {
      {"max_attempts", "5"}, {"retry_mode", "adaptive"}, {"endpoint_url", "http://127.0.0.1:5000"}};
  profiles.selected = "dev";
  auto settings = profile_client_settings(profiles);
  EXPECT_EQ(settings.max_attempts, "5");
  EXPECT_EQ(settings.retry_mode, "adaptive");
  EXPECT_EQ(settings.endpoint_url, "http://127.0.0.1:5000");
  EXPECT_FALSE(profile_client_settings(ProfileFiles{}).endpoint_url);
}

}  // namespace
}  // namespace adjust
