
#include "adjust/logic/descriptors.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace adjust {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using json = nlohmann::json;

std::string data_path(const std::string& name) {
  return std::string(ADJUST_TEST_DATA_DIR) + "/config/" + name;
}

json golden(const std::string& name) {
  std::ifstream file(data_path("descriptors/" + name));
  std::stringstream text;
  text << file.rdbuf();
  return json::parse(text.str());
}

ComponentConfig component_from(const std::string& yaml) {
  auto config = parse_config(yaml, "config.yaml", MapEnvironment{});
  EXPECT_TRUE(config) << config.error().message;
  return config ? config->components.front() : ComponentConfig{};
}

ComponentConfig component_from_file(const std::string& name) {
  auto config = load_config(data_path(name), MapEnvironment{});
  EXPECT_TRUE(config) << config.error().message;
  return config ? config->components.front() : ComponentConfig{};
}

TEST(DescriptorsTest, OriginalExampleMatchesGolden) {
  // Task 256/512, one replica, no env set: the values come from the defaults.
  CurrentValues current{256, 512, 1, {}};
  auto description = describe_component(component_from_file("original_example.yaml"), current);
  ASSERT_TRUE(description) << description.error().message;
  EXPECT_EQ(description->component, golden("original_example.json"));
  EXPECT_TRUE(description->warnings.empty());
}

TEST(DescriptorsTest, RangeModeMatchesGolden) {
  CurrentValues current{512, 1536, 3, {}};  // 1.5 GiB is shown as 1.5, not truncated
  auto description = describe_component(component_from_file("range_mode.yaml"), current);
  ASSERT_TRUE(description) << description.error().message;
  EXPECT_EQ(description->component, golden("range_mode.json"));
  EXPECT_EQ(description->component.dump().find("1.5") != std::string::npos, true);
  EXPECT_TRUE(description->warnings.empty());
}

TEST(DescriptorsTest, MemoryKeyFollowsTheConfig) {
  auto component = component_from_file("original_memory_alias.yaml");
  auto description = describe_component(component, CurrentValues{1024, 2048, 2, {}});
  ASSERT_TRUE(description) << description.error().message;
  const json& settings = description->component["settings"];
  EXPECT_TRUE(settings.contains("memory"));
  EXPECT_FALSE(settings.contains("mem"));
  EXPECT_EQ(settings["memory"]["value"], json("2"));
  EXPECT_EQ(settings["cpu"]["value"], json("1"));
}

TEST(DescriptorsTest, NumericEnumValuesGiveNumericValue) {
  auto component = component_from(
      "fargate:\n  w:\n    service_name: w\n    settings:\n"
      "      cpu: {values: [0.5, 1, 2]}\n      mem: {values: ['1', 2, 4]}\n");
  auto description = describe_component(component, CurrentValues{1024, 2048, 1, {}});
  ASSERT_TRUE(description) << description.error().message;
  const json& settings = description->component["settings"];
  EXPECT_EQ(settings["cpu"]["values"], json({0.5, 1, 2}));
  EXPECT_TRUE(settings["cpu"]["value"].is_number_integer());
  EXPECT_EQ(settings["cpu"]["value"], json(1));
  EXPECT_EQ(settings["mem"]["value"], json(2));  // the config's own element
  EXPECT_EQ(settings["mem"]["values"], json({"1", 2, 4}));
}

TEST(DescriptorsTest, EnvValuesFromTheContainer) {
  auto component = component_from_file("original_example.yaml");
  CurrentValues current{256, 512, 1, {{"GOGC", "90"}, {"TEST", std::optional<std::string>("B")}}};
  auto description = describe_component(component, current);
  ASSERT_TRUE(description) << description.error().message;
  const json& settings = description->component["settings"];
  EXPECT_EQ(settings["GOGC"]["value"], json(90));
  EXPECT_TRUE(settings["GOGC"]["value"].is_number());
  EXPECT_EQ(settings["TEST"]["value"], json("B"));
  EXPECT_FALSE(settings["GOGC"].contains("default"));
}

TEST(DescriptorsTest, ValuesOutsideTheConfigAreReportedAndWarned) {
  auto component = component_from_file("original_example.yaml");
  // 2 vCPU / 4 GiB, 25 replicas, GOGC 305, TEST "Z": none fits the config.
  CurrentValues current{2048, 4096, 25, {{"GOGC", "305"}, {"TEST", "Z"}}};
  auto description = describe_component(component, current);
  ASSERT_TRUE(description) << description.error().message;
  const json& settings = description->component["settings"];
  EXPECT_EQ(settings["cpu"]["value"], json("2"));
  EXPECT_EQ(settings["mem"]["value"], json("4"));
  EXPECT_EQ(settings["replicas"]["value"], json(25));
  EXPECT_EQ(settings["GOGC"]["value"], json(305));
  EXPECT_EQ(settings["TEST"]["value"], json("Z"));
  EXPECT_THAT(description->warnings,
              ElementsAre("component co-http: current cpu 2 vCPU is not one of the configured values",
                          "component co-http: current mem 4 GiB is not one of the configured values",
                          "component co-http: current replicas 25 is outside the configured range 0-20",
                          "component co-http: current GOGC 305 is outside the configured range 50-300 "
                          "in steps of 10",
                          "component co-http: current TEST \"Z\" is not one of the configured values"));
}

TEST(DescriptorsTest, EnvWithoutValueOrDefaultIsAnError) {
  auto component = component_from(
      "fargate:\n  w:\n    service_name: w\n    environment:\n"
      "      A: {type: enum, values: [x, y]}\n");
  auto description = describe_component(component, CurrentValues{256, 512, 1, {{"A", std::nullopt}}});
  ASSERT_FALSE(description);
  EXPECT_EQ(description.error().code, ErrorCode::config);
  EXPECT_THAT(description.error().message,
              HasSubstr("component w: environment variable A has no value in the container and no "
                        "default in the config"));
}

TEST(DescriptorsTest, NonNumericRangeEnvIsAnError) {
  auto component = component_from(
      "fargate:\n  w:\n    service_name: w\n    environment:\n"
      "      A: {type: range, min: 1, max: 5, step: 1, default: 2}\n");
  auto description = describe_component(component, CurrentValues{256, 512, 1, {{"A", "many"}}});
  ASSERT_FALSE(description);
  EXPECT_THAT(description.error().message, HasSubstr("environment variable A is \"many\""));
}

TEST(DescriptorsTest, SettingsWithoutConfigAreAbsent) {
  auto component = component_from("fargate:\n  w:\n    service_name: w\n");
  auto description = describe_component(component, CurrentValues{256, 512, 1, {}});
  ASSERT_TRUE(description);
  EXPECT_EQ(description->component, json::parse(R"({"settings": {}})"));
}

}  // namespace
}  // namespace adjust
