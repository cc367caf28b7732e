
#include "adjust/config/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace adjust {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

MapEnvironment env_with(const std::string& name, const std::string& value) {
  MapEnvironment env;
  env.set(name, value);
  return env;
}

std::string fixture(const std::string& name) { return std::string(ADJUST_TEST_DATA_DIR) + "/config/" + name; }

Config must_parse(std::string_view yaml, const Environment& env = MapEnvironment{}) {
  auto config = parse_config(yaml, "config.yaml", env);
  EXPECT_TRUE(config.has_value()) << (config ? "" : config.error().message);
  return config ? *config : Config{};
}

std::string parse_error(std::string_view yaml, const Environment& env = MapEnvironment{}) {
  auto config = parse_config(yaml, "config.yaml", env);
  EXPECT_FALSE(config.has_value());
  if (config) {
    return "";
  }
  EXPECT_EQ(config.error().code, ErrorCode::config);
  return config.error().message;
}

std::vector<std::string> strings_of(const std::vector<EnumValue>& values) {
  std::vector<std::string> out;
  for (const auto& value : values) {
    out.push_back(value.value.dump());
  }
  return out;
}

// --- Valid original shapes -------------------------------------------------

TEST(ConfigTest, OriginalExampleEnumMode) {
  MapEnvironment env;
  auto config = load_config(fixture("original_example.yaml"), env);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->path, fixture("original_example.yaml"));
  ASSERT_EQ(config->components.size(), 1u);
  const auto& c = config->components[0];
  EXPECT_EQ(c.name, "co-http");
  EXPECT_EQ(c.service_name, "co-http");
  EXPECT_EQ(c.cluster, "test-cluster");
  EXPECT_EQ(c.timeout_service_desired_count, std::chrono::seconds(1200));
  ASSERT_TRUE(c.cpu);
  EXPECT_FALSE(c.cpu->is_range);
  EXPECT_THAT(strings_of(c.cpu->values), ElementsAre("\"0.25\"", "\"0.5\"", "\"1\""));
  EXPECT_DOUBLE_EQ(c.cpu->values[0].number, 0.25);
  ASSERT_TRUE(c.memory);
  EXPECT_EQ(c.memory->key, "mem");
  EXPECT_THAT(strings_of(c.memory->values), ElementsAre("\"0.5\"", "\"1\"", "\"2\""));
  ASSERT_TRUE(c.replicas);
  EXPECT_EQ(c.replicas->min, 0);
  EXPECT_EQ(c.replicas->max, 20);
  EXPECT_FALSE(c.replicas->pinned);
  ASSERT_EQ(c.environment.size(), 2u);
  const auto& gogc = c.environment[0];
  EXPECT_EQ(gogc.name, "GOGC");
  EXPECT_TRUE(gogc.is_range);
  EXPECT_EQ(gogc.range.min, 50);
  EXPECT_EQ(gogc.range.max, 300);
  EXPECT_EQ(gogc.range.step, 10);
  EXPECT_EQ(gogc.default_value, nlohmann::json(100));
  const auto& test = c.environment[1];
  EXPECT_FALSE(test.is_range);
  EXPECT_EQ(test.unit, "none");
  EXPECT_EQ(nlohmann::json(test.values), nlohmann::json({"A", "B", "C"}));
  EXPECT_EQ(test.default_value, nlohmann::json("A"));
  EXPECT_THAT(c.setting_order, ElementsAre("cpu", "mem", "replicas", "GOGC", "TEST"));
  EXPECT_TRUE(config->warnings.empty());
  EXPECT_EQ(c.find_env("TEST"), &c.environment[1]);
  EXPECT_EQ(c.find_env("NOPE"), nullptr);
  EXPECT_EQ(config->find_component("co-http"), &config->components[0]);
  EXPECT_EQ(config->find_component("other"), nullptr);
}

TEST(ConfigTest, MemoryIsAnAliasOfMem) {
  auto config = load_config(fixture("original_memory_alias.yaml"), MapEnvironment{});
  ASSERT_TRUE(config) << config.error().message;
  const auto& c = config->components[0];
  ASSERT_TRUE(c.memory);
  EXPECT_EQ(c.memory->key, "memory");
  EXPECT_THAT(strings_of(c.memory->values), ElementsAre("\"0.5\"", "\"1\"", "\"2\""));
  EXPECT_EQ(c.timeout_service_desired_count, std::chrono::seconds(600));
  EXPECT_EQ(c.replicas->min, 1);
  EXPECT_EQ(c.replicas->max, 4);
  EXPECT_THAT(c.setting_order, ElementsAre("cpu", "memory", "replicas"));
}

TEST(ConfigTest, NullBodiesEnableDefaults) {
  MapEnvironment env = env_with("FARGATE_CLUSTER", "from-env");
  auto config = load_config(fixture("null_bodies.yaml"), env);
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_EQ(config->components.size(), 2u);
  const auto& web = config->components[0];
  EXPECT_EQ(web.cluster, "from-env");
  ASSERT_TRUE(web.cpu);
  EXPECT_FALSE(web.cpu->is_range);
  EXPECT_THAT(strings_of(web.cpu->values), ElementsAre("\"0.25\"", "\"0.5\"", "\"1\"", "\"2\"", "\"4\""));
  ASSERT_TRUE(web.memory);
  ASSERT_EQ(web.memory->values.size(), 31u);
  EXPECT_EQ(web.memory->values.front().value, "0.5");
  EXPECT_EQ(web.memory->values[1].value, "1");
  EXPECT_EQ(web.memory->values.back().value, "30");
  // A replicas entry without a body was skipped by the original: kept so, with a warning.
  EXPECT_FALSE(web.replicas);
  ASSERT_EQ(config->warnings.size(), 1u);
  EXPECT_THAT(config->warnings[0], HasSubstr(":7:7: fargate.web.settings.replicas: has no body"));
  const auto& worker = config->components[1];
  EXPECT_FALSE(worker.cpu);
  EXPECT_FALSE(worker.memory);
  EXPECT_EQ(worker.cluster, "from-env");
}

TEST(ConfigTest, ClusterDefaultsToDefault) {
  auto config = must_parse("fargate:\n  web:\n    service_name: web\n    cluster:\n");
  EXPECT_EQ(config.components[0].cluster, "default");
}

TEST(ConfigTest, RangeModeFromExplicitType) {
  auto config = load_config(fixture("range_mode.yaml"), MapEnvironment{});
  ASSERT_TRUE(config) << config.error().message;
  const auto& c = config->components[0];
  ASSERT_TRUE(c.cpu);
  EXPECT_TRUE(c.cpu->is_range);
  EXPECT_EQ(c.cpu->range.min, 0.25);
  EXPECT_EQ(c.cpu->range.max, 2);
  EXPECT_EQ(c.cpu->range.step, 0.25);
  EXPECT_TRUE(c.cpu->pinned);
  EXPECT_TRUE(c.memory->is_range);
  EXPECT_EQ(c.memory->range.min, 0.5);
  EXPECT_EQ(c.memory->range.max, 8);
  EXPECT_EQ(c.memory->range.step, 0.5);  // the original's default step
}

TEST(ConfigTest, UseRangesEnvironmentVariable) {
  struct Case {
    const char* value;
    bool range;
  };
  for (const auto& test : std::vector<Case>{{"1", true},
                                            {"true", true},
                                            {"yes", true},
                                            {"0", false},
                                            {"false", false},
                                            {"off", false},
                                            {"no", false},
                                            {"", false}}) {
    MapEnvironment env = env_with("OPTUNE_ECS_USE_RANGES", test.value);
    auto config = must_parse(
        "fargate:\n  web:\n    service_name: web\n    settings:\n"
        "      cpu:\n      mem:\n        type: enum\n",
        env);
    ASSERT_EQ(config.components.size(), 1u);
    const auto& c = config.components[0];
    EXPECT_EQ(c.cpu->is_range, test.range) << "OPTUNE_ECS_USE_RANGES=" << test.value;
    EXPECT_FALSE(c.memory->is_range) << "explicit type wins";
    if (test.range) {
      EXPECT_EQ(c.cpu->range.min, 0.25);
      EXPECT_EQ(c.cpu->range.max, 4);
      EXPECT_EQ(c.cpu->range.step, 0.25);
    }
  }
}

TEST(ConfigTest, NumericAndLargeEnumValues) {
  auto config = must_parse(
      "fargate:\n  web:\n    service_name: web\n    settings:\n"
      "      cpu:\n        values: [0.25, 1, '2', 8, 16]\n"
      "      mem:\n        values: [0.5, 2, 32, 120, '60']\n");
  ASSERT_EQ(config.components.size(), 1u);
  const auto& c = config.components[0];
  EXPECT_THAT(strings_of(c.cpu->values), ElementsAre("0.25", "1", "\"2\"", "8", "16"));
  EXPECT_THAT(strings_of(c.memory->values), ElementsAre("0.5", "2", "32", "120", "\"60\""));
}

TEST(ConfigTest, LargeRangesUpToFargateLimits) {
  auto config = must_parse(
      "fargate:\n  web:\n    service_name: web\n    settings:\n"
      "      cpu: {type: range, min: 1, max: 16, step: 1}\n"
      "      memory: {type: range, min: 2, max: 120, step: 2}\n");
  ASSERT_EQ(config.components.size(), 1u);
  EXPECT_EQ(config.components[0].cpu->range.max, 16);
  EXPECT_EQ(config.components[0].memory->range.max, 120);
}

TEST(ConfigTest, NewKeysAndDefaults) {
  auto config = must_parse(R"(fargate:
  region: eu-west-1
  endpoint_url: http://127.0.0.1:5000
  notify:
    webhook_url: https://hooks.example.com/x
  web:
    service_name: web
    container: app
    on_failure: nothing
    keep_revisions: 5
    settlement: 30
    wait_for_drain: true
    replicas_when_autoscaled: pin
    scale_container_resources: yes
    deployment:
      maximum_percent: 200
      minimum_healthy_percent: 50
      paused_hooks: continue
    environment:
      GOGC: {type: range, min: 50, max: 300, step: 10, container: sidecar, pinned: true}
  plain:
    service_name: plain
)");
  ASSERT_EQ(config.components.size(), 2u);
  EXPECT_EQ(config.region, "eu-west-1");
  EXPECT_EQ(config.endpoint_url, "http://127.0.0.1:5000");
  EXPECT_EQ(config.notify_webhook_url, "https://hooks.example.com/x");
  const auto& web = config.components[0];
  EXPECT_EQ(web.container, "app");
  EXPECT_EQ(web.on_failure, OnFailure::nothing);
  EXPECT_EQ(web.keep_revisions, 5);
  EXPECT_EQ(web.settlement, std::chrono::seconds(30));
  EXPECT_TRUE(web.wait_for_drain);
  EXPECT_TRUE(web.pin_autoscaled_replicas);
  EXPECT_TRUE(web.scale_container_resources);
  EXPECT_EQ(web.deployment.maximum_percent, 200);
  EXPECT_EQ(web.deployment.minimum_healthy_percent, 50);
  EXPECT_TRUE(web.deployment.continue_paused_hooks);
  EXPECT_EQ(web.environment[0].container, "sidecar");
  EXPECT_TRUE(web.environment[0].pinned);
  const auto& plain = config.components[1];
  EXPECT_FALSE(plain.container);
  EXPECT_EQ(plain.on_failure, OnFailure::rollback);
  EXPECT_FALSE(plain.deployment.continue_paused_hooks);
  EXPECT_EQ(plain.keep_revisions, 0);
  EXPECT_EQ(plain.settlement, std::chrono::seconds(0));
  EXPECT_FALSE(plain.wait_for_drain);
  EXPECT_FALSE(plain.pin_autoscaled_replicas);
  EXPECT_FALSE(plain.scale_container_resources);
  EXPECT_FALSE(plain.deployment.maximum_percent);
}

TEST(ConfigTest, ReservedNamesStayComponentsWhenShapedLikeOne) {
  auto config = must_parse(
      "fargate:\n  region:\n    service_name: region-svc\n"
      "  notify:\n    service_name: notify-svc\n");
  ASSERT_EQ(config.components.size(), 2u);
  EXPECT_EQ(config.components[0].name, "region");
  EXPECT_EQ(config.components[1].name, "notify");
  EXPECT_FALSE(config.region);
}

TEST(ConfigTest, OtherTopLevelSectionsAreIgnored) {
  auto config = must_parse("prom:\n  x: 1\nfargate:\n  web:\n    service_name: web\n");
  EXPECT_EQ(config.components.size(), 1u);
  EXPECT_TRUE(config.warnings.empty());
}

TEST(ConfigTest, LenientWhereTheOriginalWasWarnsInstead) {
  auto config = must_parse(R"(fargate:
  web:
    service_name: web
    replica_count: 3
    settings:
      cpu:
        values: ['0.25', '0.25']
        colour: red
      disk:
        max: 3
      replicas:
        max: 3
        pinned: yes
)");
  ASSERT_EQ(config.components.size(), 1u);
  EXPECT_THAT(config.warnings,
              ElementsAre(HasSubstr("config.yaml:4:5: fargate.web.replica_count: unknown key"),
                          HasSubstr("config.yaml:8:9: fargate.web.settings.cpu.colour: unknown key"),
                          HasSubstr("config.yaml:7:26: fargate.web.settings.cpu.values[1]: duplicate"),
                          HasSubstr("config.yaml:9:7: fargate.web.settings.disk: unknown setting")));
  EXPECT_EQ(config.components[0].cpu->values.size(), 1u);
  EXPECT_TRUE(config.components[0].replicas->pinned);
}

// --- Malformed configs: exact locations --------------------------------------

// Found by fuzz_config: a value that is not UTF-8 reached nlohmann::json,
// whose dump() threw out of parse_config.
TEST(ConfigTest, TextThatIsNotUtf8IsAProblemAtItsPosition) {
  const std::string yaml = "fargate:\n  web:\n    service_name: \xD6x\n";
  EXPECT_EQ(parse_error(yaml), "config.yaml: 1 problem\nconfig.yaml:3:19: not valid UTF-8 text");
  EXPECT_THAT(parse_error("fargate:\n  end max:max: \xD6"
                          "1\n"),
              HasSubstr("config.yaml:2:16: not valid"));
  must_parse("fargate:\n  web:\n    service_name: caf\xC3\xA9\n");
}

// Found by fuzz_config: valid UTF-8 input still yields invalid scalars through
// yaml-cpp, which decodes the "\N" and "\_" escapes (and a raw NUL before
// "_") to lone bytes 0x85 and 0xA0; these then threw the same way.
TEST(ConfigTest, ScalarsThatYamlCppDecodesToInvalidUtf8AreProblems) {
  EXPECT_THAT(parse_error("fargate:\n  web:\n    service_name: \"\\N\"\n"),
              HasSubstr("config.yaml:3:19: fargate.web.service_name: must be a string, got text "
                        "that is not valid UTF-8"));
  EXPECT_THAT(parse_error("fargate:\n  \"\\_\": {service_name: web}\n"),
              HasSubstr("config.yaml:2:3: fargate: keys must be valid UTF-8 text"));
  EXPECT_THAT(parse_error("fargate:\n  web:\n    service_name: a" + std::string(1, '\0') + "_b\n"),
              HasSubstr("config.yaml:3:19: fargate.web.service_name: must be a string, got text "
                        "that is not valid UTF-8"));
}

TEST(ConfigTest, MissingFile) {
  auto config = load_config(fixture("does-not-exist.yaml"), MapEnvironment{});
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code, ErrorCode::config);
  EXPECT_THAT(config.error().message, HasSubstr("does-not-exist.yaml"));
  EXPECT_THAT(config.error().message, HasSubstr("No such file"));
}

struct FixtureCase {
  const char* file;
  const char* expected;  // after "<path>:"
};

class ConfigFixtureErrorTest : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(ConfigFixtureErrorTest, NamesFileLineColumnAndKey) {
  const auto& test = GetParam();
  std::string path = fixture(test.file);
  auto config = load_config(path, MapEnvironment{});
  ASSERT_FALSE(config) << test.file;
  EXPECT_EQ(config.error().code, ErrorCode::config);
  EXPECT_THAT(config.error().message, StartsWith(path + ": 1 problem\n"));
  EXPECT_THAT(config.error().message, HasSubstr("\n" + path + ":" + test.expected));
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, ConfigFixtureErrorTest,
    ::testing::Values(FixtureCase{"syntax_error.yaml", "4:12: invalid YAML: end of sequence flow not found"},
                      FixtureCase{"missing_service_name.yaml", "2:3: fargate.web.service_name: is required"},
                      FixtureCase{"min_greater_than_max.yaml",
                                  "8:14: fargate.web.settings.cpu.max: max 1 is less than min 2"},
                      FixtureCase{"unknown_setting_type.yaml",
                                  "6:15: fargate.web.settings.cpu.type: unknown setting type \"ranged\" "
                                  "(expected range or enum)"},
                      FixtureCase{"non_numeric_bound.yaml",
                                  "7:14: fargate.web.environment.GOGC.min: must be a number, got \"fifty\""},
                      FixtureCase{"unknown_env_key.yaml",
                                  "10:9: fargate.web.environment.GOGC.stepsize: unknown key (allowed here: "
                                  "type, min, max, step, unit, default, container, pinned)"}));

TEST(ConfigTest, CollectsEveryProblem) {
  std::string path = fixture("many_problems.yaml");
  auto config = load_config(path, MapEnvironment{});
  ASSERT_FALSE(config);
  const std::string& message = config.error().message;
  EXPECT_THAT(message, StartsWith(path + ": 4 problems\n"));
  EXPECT_THAT(message, HasSubstr(path + ":5:26: fargate.web.settings.cpu.values[1]: 0.75 is not a "
                                        "valid Fargate cpu size"));
  EXPECT_THAT(message, HasSubstr(path + ":8:14: fargate.web.settings.replicas.max: max 2 is less "
                                        "than min 3"));
  EXPECT_THAT(message, HasSubstr(path + ":2:3: fargate.web.service_name: is required"));
  EXPECT_THAT(message, HasSubstr(path + ":11:36: fargate.db.timeout_service_desired_count: must be "
                                        "greater than 0 seconds, got -5"));
}

struct InlineCase {
  const char* name;
  const char* yaml;
  const char* expected;
};

class ConfigInlineErrorTest : public ::testing::TestWithParam<InlineCase> {};

TEST_P(ConfigInlineErrorTest, Rejects) {
  const auto& test = GetParam();
  EXPECT_THAT(parse_error(test.yaml), HasSubstr(test.expected)) << test.name;
}

constexpr const char* k_head = "fargate:\n  web:\n    service_name: web\n    settings:\n";

INSTANTIATE_TEST_SUITE_P(
    Inline, ConfigInlineErrorTest,
    ::testing::Values(
        InlineCase{"empty file", "", "config.yaml: no fargate section"},
        InlineCase{"no fargate", "k8s:\n  a: 1\n", "no fargate section"},
        InlineCase{"empty fargate", "fargate: {}\n",
                   "config.yaml:1:10: fargate: must be a non-empty mapping of components"},
        InlineCase{"scalar component", "fargate:\n  web: 3\n",
                   "config.yaml:2:8: fargate.web: a component must be a mapping"},
        InlineCase{"mem and memory",
                   "fargate:\n  web:\n    service_name: web\n    settings:\n      mem:\n      memory:\n",
                   "config.yaml:6:7: fargate.web.settings.memory: both mem and memory are given"},
        InlineCase{"cpu out of limits",
                   "fargate:\n  web:\n    service_name: web\n    settings:\n"
                   "      cpu: {type: range, min: 0.125, max: 32}\n",
                   "config.yaml:5:43: fargate.web.settings.cpu.max: 32 vCPU is outside Fargate's "
                   "limits 0.25-16 vCPU"},
        InlineCase{"step does not divide",
                   "fargate:\n  web:\n    service_name: web\n    settings:\n"
                   "      mem: {type: range, min: 1, max: 4, step: 2}\n",
                   "fargate.web.settings.mem.step: step 2 does not divide max - min (4 - 1)"},
        InlineCase{"zero step",
                   "fargate:\n  web:\n    service_name: web\n    settings:\n"
                   "      mem: {type: range, min: 1, max: 4, step: 0}\n",
                   "fargate.web.settings.mem.step: must be greater than 0, got 0"},
        InlineCase{"bad unit",
                   "fargate:\n  web:\n    service_name: web\n    settings:\n"
                   "      cpu: {unit: cores}\n",
                   "config.yaml:5:19: fargate.web.settings.cpu.unit: must be vCPU, got \"cores\""},
        InlineCase{"pinned not bool",
                   "fargate:\n  web:\n    service_name: web\n    settings:\n"
                   "      cpu: {pinned: maybe}\n",
                   "fargate.web.settings.cpu.pinned: must be true or false, got \"maybe\""},
        InlineCase{"mem enum value",
                   "fargate:\n  web:\n    service_name: web\n    settings:\n"
                   "      mem: {values: ['1.5']}\n",
                   "fargate.web.settings.mem.values[0]: 1.5 is not a valid Fargate memory size"},
        InlineCase{"empty values",
                   "fargate:\n  web:\n    service_name: web\n    settings:\n"
                   "      cpu: {values: []}\n",
                   "fargate.web.settings.cpu.values: must be a non-empty list"},
        InlineCase{"replicas without max",
                   "fargate:\n  web:\n    service_name: web\n    settings:\n"
                   "      replicas: {min: 1}\n",
                   "config.yaml:5:7: fargate.web.settings.replicas.max: is required"},
        InlineCase{"replicas fractional",
                   "fargate:\n  web:\n    service_name: web\n    settings:\n"
                   "      replicas: {max: 2.5}\n",
                   "fargate.web.settings.replicas.max: must be a whole number, got 2.5"},
        InlineCase{"replicas step",
                   "fargate:\n  web:\n    service_name: web\n    settings:\n"
                   "      replicas: {max: 4, step: 2}\n",
                   "fargate.web.settings.replicas.step: must be 1, got 2"},
        InlineCase{"replicas enum",
                   "fargate:\n  web:\n    service_name: web\n    settings:\n"
                   "      replicas: {type: enum, max: 4}\n",
                   "fargate.web.settings.replicas.type: replicas must be a range"},
        InlineCase{"negative replicas",
                   "fargate:\n  web:\n    service_name: web\n    settings:\n"
                   "      replicas: {min: -1, max: 4}\n",
                   "fargate.web.settings.replicas.min: must be 0 or more, got -1"},
        InlineCase{"env without type",
                   "fargate:\n  web:\n    service_name: web\n    environment:\n"
                   "      A: {values: [x]}\n",
                   "config.yaml:5:7: fargate.web.environment.A.type: is required"},
        InlineCase{"env range missing step",
                   "fargate:\n  web:\n    service_name: web\n    environment:\n"
                   "      A: {type: range, min: 1, max: 2}\n",
                   "fargate.web.environment.A.step: is required for a range"},
        InlineCase{"env default out of range",
                   "fargate:\n  web:\n    service_name: web\n    environment:\n"
                   "      A: {type: range, min: 1, max: 2, step: 1, default: 3}\n",
                   "fargate.web.environment.A.default: 3 is outside the range 1-2"},
        InlineCase{"env default not in values",
                   "fargate:\n  web:\n    service_name: web\n    environment:\n"
                   "      A: {type: enum, values: [x, y], default: z}\n",
                   "fargate.web.environment.A.default: \"z\" is not one of values"},
        InlineCase{"env enum with min",
                   "fargate:\n  web:\n    service_name: web\n    environment:\n"
                   "      A: {type: enum, values: [x], min: 1}\n",
                   "fargate.web.environment.A.min: unknown key"},
        InlineCase{"env named like a setting",
                   "fargate:\n  web:\n    service_name: web\n    environment:\n"
                   "      cpu: {type: enum, values: [x]}\n",
                   "fargate.web.environment.cpu: an environment variable may not be named"},
        InlineCase{"bad on_failure", "fargate:\n  web:\n    service_name: web\n    on_failure: panic\n",
                   "config.yaml:4:17: fargate.web.on_failure: must be rollback or nothing"},
        InlineCase{"bad endpoint", "fargate:\n  endpoint_url: ftp://x\n  web:\n    service_name: w\n",
                   "config.yaml:2:17: fargate.endpoint_url: must be an http:// or https:// URL"},
        InlineCase{"unknown notify key",
                   "fargate:\n  notify: {url: 'https://x'}\n  web:\n    service_name: w\n",
                   "fargate.notify.url: unknown key (allowed here: webhook_url)"},
        InlineCase{"unknown deployment key",
                   "fargate:\n  web:\n    service_name: w\n    deployment: {max: 1}\n",
                   "fargate.web.deployment.max: unknown key"},
        InlineCase{"healthy percent",
                   "fargate:\n  web:\n    service_name: w\n"
                   "    deployment: {minimum_healthy_percent: 150}\n",
                   "fargate.web.deployment.minimum_healthy_percent: must be between 0 and 100"},
        InlineCase{"paused_hooks",
                   "fargate:\n  web:\n    service_name: w\n    deployment: {paused_hooks: wait}\n",
                   "fargate.web.deployment.paused_hooks: must be fail or continue, got \"wait\""},
        InlineCase{"negative keep_revisions",
                   "fargate:\n  web:\n    service_name: w\n    keep_revisions: -1\n",
                   "fargate.web.keep_revisions: must be 0 (keep all) or more, got -1"},
        InlineCase{"empty service_name", "fargate:\n  web:\n    service_name: ''\n",
                   "config.yaml:3:19: fargate.web.service_name: must not be empty"}),
    [](const auto& param_info) {
      std::string name = param_info.param.name;
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) {
          c = '_';
        }
      }
      return name;
    });

TEST(ConfigTest, ResolveConfigPath) {
  MapEnvironment empty;
  MapEnvironment with_env = env_with("OPTUNE_CONFIG", "/etc/servo/config.yaml");
  MapEnvironment blank_env = env_with("OPTUNE_CONFIG", "");
  EXPECT_EQ(resolve_config_path(std::string("/x.yaml"), with_env), "/x.yaml");
  EXPECT_EQ(resolve_config_path(std::nullopt, with_env), "/etc/servo/config.yaml");
  EXPECT_EQ(resolve_config_path(std::nullopt, empty), "./config.yaml");
  EXPECT_EQ(resolve_config_path(std::nullopt, blank_env), "./config.yaml");
}

TEST(ConfigTest, ExampleFileParses) {
  auto config = load_config(std::string(ADJUST_SOURCE_DIR) + "/config.yaml.example", MapEnvironment{});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_FALSE(config->components.empty());
  EXPECT_TRUE(config->warnings.empty()) << config->warnings.front();
}

}  // namespace
}  // namespace adjust
