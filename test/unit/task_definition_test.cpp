#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "adjust/logic/task_definition.hpp"

namespace adjust {
namespace {

using nlohmann::json;

json load_fixture() {
  std::ifstream file(std::string(ADJUST_TEST_DATA_DIR) + "/ecs/task_definition_full.json");
  std::stringstream text;
  text << file.rdbuf();
  return json::parse(text.str());
}

class TaskDefinitionClone : public ::testing::Test {
 protected:
  json response = load_fixture();
  const json& td = response["taskDefinition"];
  const json& tags = response["tags"];
};

TEST_F(TaskDefinitionClone, CopiesEveryRegistrableFieldVerbatimAndDropsReadOnlyOnes) {
  auto cloned = clone_task_definition(td, tags, {});
  ASSERT_TRUE(cloned) << cloned.error().message;
  const json& request = cloned->register_request;
  for (const auto& field : registrable_task_definition_fields()) {
    if (td.contains(field)) {
      EXPECT_EQ(request.at(field), td.at(field)) << field;
    }
  }
  for (const auto& field : read_only_task_definition_fields()) {
    EXPECT_FALSE(request.contains(field)) << field;
  }
  EXPECT_EQ(request["containerDefinitions"][0]["someFutureContainerField"]["kept"], true);
  EXPECT_FALSE(cloned->changed());
}

TEST_F(TaskDefinitionClone, ReportsUnknownTopLevelFieldsByName) {
  auto cloned = clone_task_definition(td, tags, {});
  ASSERT_TRUE(cloned);
  EXPECT_EQ(cloned->unknown_fields, std::vector<std::string>{"brandNewTopLevelField"});
  EXPECT_FALSE(cloned->register_request.contains("brandNewTopLevelField"));
}

TEST_F(TaskDefinitionClone, KeepsTagsButNotAwsReservedOnes) {
  auto cloned = clone_task_definition(td, tags, {});
  ASSERT_TRUE(cloned);
  EXPECT_EQ(cloned->register_request["tags"], json::parse(R"([{"key": "team", "value": "platform"}])"));
  auto only_aws = clone_task_definition(td, json::parse(R"([{"key": "aws:x", "value": "y"}])"), {});
  ASSERT_TRUE(only_aws);
  EXPECT_FALSE(only_aws->register_request.contains("tags"));
}

TEST_F(TaskDefinitionClone, ChangesOnlyCpuMemoryAndEnvironment) {
  TaskDefinitionChange change;
  change.cpu_units = 1024;
  change.memory_mib = 2048;
  change.env = {{"web", "LOG_LEVEL", "debug"}, {"web", "GOGC", "150"}, {"envoy", "ENVOY_LOG", "info"}};
  auto cloned = clone_task_definition(td, tags, change);
  ASSERT_TRUE(cloned) << cloned.error().message;
  json expected = td;
  for (const auto& field : read_only_task_definition_fields()) expected.erase(field);
  expected.erase("brandNewTopLevelField");
  expected["cpu"] = "1024";
  expected["memory"] = "2048";
  expected["containerDefinitions"][0]["environment"] = json::parse(
      R"([{"name": "MODE", "value": "prod"}, {"name": "LOG_LEVEL", "value": "debug"}, {"name": "GOGC", "value": "150"}])");
  expected["containerDefinitions"][1]["environment"][0]["value"] = "info";
  expected["tags"] = json::parse(R"([{"key": "team", "value": "platform"}])");
  EXPECT_EQ(cloned->register_request, expected) << cloned->register_request.dump(2);
  ASSERT_EQ(cloned->diff.size(), 5U);
  EXPECT_EQ(cloned->diff[0].path, "cpu");
  EXPECT_EQ(cloned->diff[0].before, "256");
  EXPECT_EQ(cloned->diff[0].after, "1024");
  EXPECT_EQ(cloned->diff[3].path, "containerDefinitions[web].environment.GOGC");
  EXPECT_EQ(cloned->diff[3].before, "(unset)");
}

TEST_F(TaskDefinitionClone, SameValuesMeanNoChange) {
  TaskDefinitionChange change;
  change.cpu_units = 256;
  change.memory_mib = 512;
  change.env = {{"web", "MODE", "prod"}};
  auto cloned = clone_task_definition(td, tags, change);
  ASSERT_TRUE(cloned);
  EXPECT_FALSE(cloned->changed());
}

// ECS keeps a variable listed twice and the container sees the last entry:
// the current value is the last one, and a change reaches every entry.
TEST_F(TaskDefinitionClone, DuplicateEnvironmentEntriesReadTheLastAndAllChange) {
  json twice = td;
  twice["containerDefinitions"][0]["environment"] =
      json::parse(R"([{"name": "MODE", "value": "prod"}, {"name": "MODE", "value": "canary"}])");
  EXPECT_EQ(env_value(twice, "web", "MODE"), "canary");
  TaskDefinitionChange change;
  change.env = {{"web", "MODE", "fast"}};
  auto cloned = clone_task_definition(twice, tags, change);
  ASSERT_TRUE(cloned) << cloned.error().message;
  EXPECT_EQ(cloned->register_request["containerDefinitions"][0]["environment"],
            json::parse(R"([{"name": "MODE", "value": "fast"}, {"name": "MODE", "value": "fast"}])"));
  ASSERT_EQ(cloned->diff.size(), 1U);
  EXPECT_EQ(cloned->diff[0].before, "canary");
  EXPECT_EQ(env_value(cloned->register_request, "web", "MODE"), "fast");
  // Asking for what the container already sees changes nothing.
  change.env = {{"web", "MODE", "canary"}};
  auto same = clone_task_definition(twice, tags, change);
  ASSERT_TRUE(same);
  EXPECT_FALSE(same->changed()) << same->register_request.dump();
}

TEST_F(TaskDefinitionClone, RejectsContainerHardLimitAboveNewTaskMemory) {
  json small = td;
  small["cpu"] = "1024";
  small["memory"] = "2048";
  small["containerDefinitions"][0]["memory"] = 1536;
  TaskDefinitionChange change;
  change.cpu_units = 512;
  change.memory_mib = 1024;
  auto cloned = clone_task_definition(small, tags, change);
  ASSERT_FALSE(cloned);
  EXPECT_EQ(cloned.error().code, ErrorCode::infeasible);
  EXPECT_NE(cloned.error().message.find("container web has a memory hard limit of 1536 MiB"),
            std::string::npos)
      << cloned.error().message;
}

TEST_F(TaskDefinitionClone, RejectsContainerCpuAboveNewTaskCpu) {
  json big = td;
  big["cpu"] = "1024";
  big["memory"] = "2048";
  big["containerDefinitions"][0]["cpu"] = 512;
  TaskDefinitionChange change;
  change.cpu_units = 512;
  auto cloned = clone_task_definition(big, tags, change);
  ASSERT_FALSE(cloned);
  EXPECT_EQ(cloned.error().code, ErrorCode::infeasible);
  EXPECT_NE(cloned.error().message.find("576 cpu units in total, above the task's 512"), std::string::npos)
      << cloned.error().message;
}

TEST_F(TaskDefinitionClone, ScalesContainerLimitsWhenAsked) {
  json big = td;
  big["cpu"] = "1024";
  big["memory"] = "2048";
  big["containerDefinitions"][0]["cpu"] = 512;
  big["containerDefinitions"][0]["memory"] = 1536;
  big["containerDefinitions"][0]["memoryReservation"] = 1024;
  TaskDefinitionChange change;
  change.cpu_units = 512;
  change.memory_mib = 1024;
  change.scale_container_resources = true;
  auto cloned = clone_task_definition(big, tags, change);
  ASSERT_TRUE(cloned) << cloned.error().message;
  const json& web = cloned->register_request["containerDefinitions"][0];
  EXPECT_EQ(web["cpu"], 256);
  EXPECT_EQ(web["memory"], 768);
  EXPECT_EQ(web["memoryReservation"], 512);
  const json& envoy = cloned->register_request["containerDefinitions"][1];
  EXPECT_EQ(envoy["cpu"], 32);
  EXPECT_EQ(envoy["memory"], 64);
}

TEST(TaskDefinitionSizes, ParsesUnitsAndHumanForms) {
  EXPECT_EQ(task_cpu_units(json::parse(R"({"cpu": "256"})")), 256);
  EXPECT_EQ(task_cpu_units(json::parse(R"({"cpu": "1 vCPU"})")), 1024);
  EXPECT_EQ(task_cpu_units(json::parse(R"({"cpu": "0.5vcpu"})")), 512);
  EXPECT_EQ(task_memory_mib(json::parse(R"({"memory": "2 GB"})")), 2048);
  EXPECT_EQ(task_memory_mib(json::parse(R"({"memory": "1536"})")), 1536);
  EXPECT_EQ(task_cpu_units(json::parse(R"({"cpu": "lots"})")), std::nullopt);
  EXPECT_EQ(task_cpu_units(json::parse(R"({})")), std::nullopt);
}

TEST(TaskDefinitionEnvContainer, DefaultsToTheOnlyContainerAndRequiresANameOtherwise) {
  json one = json::parse(R"({"containerDefinitions": [{"name": "web"}]})");
  EXPECT_EQ(*resolve_env_container(one, ""), "web");
  json two = json::parse(R"({"containerDefinitions": [{"name": "web"}, {"name": "sidecar"}]})");
  auto ambiguous = resolve_env_container(two, "");
  ASSERT_FALSE(ambiguous);
  EXPECT_NE(ambiguous.error().message.find("several containers (web, sidecar)"), std::string::npos);
  EXPECT_EQ(*resolve_env_container(two, "sidecar"), "sidecar");
  auto missing = resolve_env_container(two, "db");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::config);
}

}  // namespace
}  // namespace adjust

namespace adjust {
namespace {

TEST(TaskDefinitionMarker, OnlyKeepRevisionsTagsNewRevisionsAsOurs) {
  nlohmann::json td = nlohmann::json::parse(
      R"({"family": "web", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "web"}]})");
  nlohmann::json tags = nlohmann::json::parse(R"([{"key": "team", "value": "platform"}])");
  TaskDefinitionChange change;
  change.cpu_units = 512;
  change.memory_mib = 1024;
  auto plain = clone_task_definition(td, tags, change);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(has_created_by_tag(plain->register_request["tags"]));
  change.mark_created = true;
  auto marked = clone_task_definition(td, tags, change);
  ASSERT_TRUE(marked);
  EXPECT_TRUE(has_created_by_tag(marked->register_request["tags"]));
  EXPECT_EQ(marked->register_request["tags"].size(), 2U) << "the team tag is kept";
  auto again = clone_task_definition(td, marked->register_request["tags"], change);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->register_request["tags"].size(), 2U) << "marking is idempotent";
}

}  // namespace
}  // namespace adjust
