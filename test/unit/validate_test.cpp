
#include "adjust/logic/desired.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace adjust {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr const char* k_config = R"(fargate:
  web:
    service_name: web
    settings:
      cpu:
        values: ['0.25', '0.5', '1', 2]
      mem:
        values: ['0.5', '1', '2', 4]
        pinned: true
      replicas:
        min: 1
        max: 10
    environment:
      GOGC:
        type: range
        min: 50
        max: 300
        step: 10
        container: app
      RATIO:
        type: range
        min: 0
        max: 1
        step: 0.05
      MODE:
        type: enum
        values: [fast, safe, 1, true]
  api:
    service_name: api
    settings:
      cpu: {type: range, min: 0.25, max: 4, step: 0.25}
      memory: {type: range, min: 0.5, max: 30, step: 0.5}
)";

const Config& config() {
  static const Config parsed = [] {
    auto result = parse_config(k_config, "config.yaml", MapEnvironment{});
    EXPECT_TRUE(result) << result.error().message;
    return result ? *result : Config{};
  }();
  return parsed;
}

AdjustRequest request(const std::string& component, std::vector<std::pair<std::string, json>> settings) {
  AdjustRequest out;
  RequestedComponent requested{component, {}};
  for (auto& [name, value] : settings) {
    requested.settings.push_back({name, value});
  }
  out.components.push_back(std::move(requested));
  return out;
}

TEST(ValidateTest, AcceptsAndConverts) {
  auto state = validate_request(config(), request("web", {{"cpu", "0.5"},
                                                          {"mem", 1},
                                                          {"replicas", 2.0},
                                                          {"GOGC", 150.0},
                                                          {"RATIO", "0.35"},
                                                          {"MODE", "safe"}}));
  ASSERT_TRUE(state) << state.error().message;
  ASSERT_EQ(state->components.size(), 1u);
  const auto& web = state->components[0];
  EXPECT_EQ(web.name, "web");
  EXPECT_EQ(web.cpu_units, 512);
  EXPECT_EQ(web.memory_mib, 1024);
  EXPECT_EQ(web.replicas, 2);
  EXPECT_TRUE(web.size_checked);
  ASSERT_EQ(web.env.size(), 3u);
  EXPECT_EQ(web.env[0].name, "GOGC");
  EXPECT_EQ(web.env[0].value, "150");
  EXPECT_EQ(web.env[0].container, "app");
  EXPECT_EQ(web.env[1].value, "0.35");
  EXPECT_FALSE(web.env[1].container);
  EXPECT_EQ(web.env[2].value, "safe");
  ASSERT_EQ(web.current_only.size(), 1u);  // mem is pinned in the config
  EXPECT_EQ(web.current_only[0].setting, "mem");
  EXPECT_EQ(web.current_only[0].value, json(1024));
  EXPECT_EQ(state->find("web"), &state->components[0]);
  EXPECT_EQ(state->find("api"), nullptr);  // not requested
}

TEST(ValidateTest, EnumsCompareNumericallyAndAsText) {
  auto state = validate_request(config(), request("web", {{"cpu", 2}, {"memory", "4.0"}, {"MODE", 1}}));
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->components[0].cpu_units, 2048);
  EXPECT_EQ(state->components[0].memory_mib, 4096);
  EXPECT_EQ(state->components[0].env[0].value, "1");
  auto with_bool = validate_request(config(), request("web", {{"MODE", true}}));
  ASSERT_TRUE(with_bool) << with_bool.error().message;
  EXPECT_EQ(with_bool->components[0].env[0].value, "true");
}

TEST(ValidateTest, OneOfCpuOrMemoryLeavesThePairToTheEngine) {
  auto state = validate_request(config(), request("api", {{"cpu", 1}}));
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->components[0].cpu_units, 1024);
  EXPECT_FALSE(state->components[0].memory_mib);
  EXPECT_FALSE(state->components[0].size_checked);
}

struct RejectCase {
  const char* name;
  const char* component;
  std::vector<std::pair<std::string, json>> settings;
  ErrorCode code;
  const char* message;
};

class ValidateRejectTest : public ::testing::TestWithParam<RejectCase> {};

TEST_P(ValidateRejectTest, Rejects) {
  const auto& test = GetParam();
  auto state = validate_request(config(), request(test.component, test.settings));
  ASSERT_FALSE(state) << test.name;
  EXPECT_EQ(state.error().code, test.code) << test.name;
  EXPECT_THAT(state.error().message, HasSubstr(test.message)) << test.name;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ValidateRejectTest,
    ::testing::Values(RejectCase{"unknown_component",
                                 "db",
                                 {{"cpu", 1}},
                                 ErrorCode::rejected_value,
                                 "unknown component \"db\" (known: web, api)"},
                      RejectCase{"unknown_setting",
                                 "web",
                                 {{"disk", 1}},
                                 ErrorCode::rejected_value,
                                 "component web: unknown setting \"disk\" (known: cpu, mem, replicas, GOGC, "
                                 "RATIO, MODE)"},
                      RejectCase{"unconfigured_replicas",
                                 "api",
                                 {{"replicas", 1}},
                                 ErrorCode::rejected_value,
                                 "component api: unknown setting \"replicas\" (known: cpu, memory)"},
                      RejectCase{"cpu_not_a_number",
                                 "web",
                                 {{"cpu", "big"}},
                                 ErrorCode::rejected_value,
                                 "component web: cpu value \"big\" is not a number of vCPU"},
                      RejectCase{"cpu_bool",
                                 "web",
                                 {{"cpu", true}},
                                 ErrorCode::rejected_value,
                                 "cpu value true is not a number of vCPU"},
                      RejectCase{"cpu_not_fargate",
                                 "api",
                                 {{"cpu", 0.75}},
                                 ErrorCode::infeasible,
                                 "component api: cpu 0.75 vCPU is not a Fargate task size"},
                      RejectCase{"memory_not_fargate",
                                 "api",
                                 {{"memory", 1.5}},
                                 ErrorCode::infeasible,
                                 "component api: memory 1.5 GiB is not a Fargate task size"},
                      RejectCase{
                          "invalid_pair",
                          "api",
                          {{"cpu", 0.25}, {"memory", 4}},
                          ErrorCode::infeasible,
                          "component api: 0.25 vCPU with 4 GiB memory is not a valid Fargate size: 0.25 "
                          "vCPU allows 0.5, 1, 2 GiB"},
                      RejectCase{"mem_and_memory",
                                 "web",
                                 {{"mem", 1}, {"memory", 1}},
                                 ErrorCode::rejected_value,
                                 "memory is requested twice"},
                      RejectCase{"replicas_fraction",
                                 "web",
                                 {{"replicas", 2.5}},
                                 ErrorCode::rejected_value,
                                 "component web: replicas value 2.5 is not a whole number"},
                      RejectCase{"env_not_number",
                                 "web",
                                 {{"GOGC", "lots"}},
                                 ErrorCode::rejected_value,
                                 "GOGC value \"lots\" is not a number"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(ValidateTest, ReportsEveryProblem) {
  auto state = validate_request(config(), request("web", {{"cpu", "big"}, {"replicas", 2.5}}));
  ASSERT_FALSE(state);
  EXPECT_THAT(state.error().message, HasSubstr("cpu value \"big\""));
  EXPECT_THAT(state.error().message, HasSubstr("\ncomponent web: replicas value 2.5"));
}

// A value outside the config's limits is left to the plan, which accepts it
// only as the service's current value (servo echoes what --query reported).
struct DeferredCase {
  const char* name;
  const char* component;
  std::pair<std::string, json> setting;
  json normalised;  // as the plan compares it
  const char* refusal;
};

class ValidateDefersLimitsTest : public ::testing::TestWithParam<DeferredCase> {};

TEST_P(ValidateDefersLimitsTest, AcceptedOnlyAtTheCurrentValue) {
  const auto& test = GetParam();
  auto state = validate_request(config(), request(test.component, {test.setting}));
  ASSERT_TRUE(state) << test.name << ": " << state.error().message;
  const auto& current_only = state->components.at(0).current_only;
  ASSERT_EQ(current_only.size(), 1u) << test.name;
  EXPECT_EQ(current_only[0].setting, test.setting.first);
  EXPECT_EQ(current_only[0].value, test.normalised) << test.name;
  EXPECT_THAT(current_only[0].refusal, HasSubstr(test.refusal)) << test.name;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ValidateDefersLimitsTest,
    ::testing::Values(
        DeferredCase{"cpu_not_in_enum",
                     "web",
                     {"cpu", 4},
                     4096,
                     "value 4 vCPU is not one of the allowed values 0.25, 0.5, 1, 2 vCPU"},
        DeferredCase{"cpu_out_of_range",
                     "api",
                     {"cpu", 8},
                     8192,
                     "value 8 vCPU is above the maximum 4 vCPU (allowed 0.25-4 vCPU in steps of 0.25)"},
        DeferredCase{"replicas_range", "web", {"replicas", 11}, 11, "value 11 is outside the range 1-10"},
        DeferredCase{"replicas_below", "web", {"replicas", 0}, 0, "value 0 is outside the range 1-10"},
        DeferredCase{"env_range", "web", {"GOGC", 310}, "310", "value 310 is above the maximum 300"},
        DeferredCase{"env_misaligned",
                     "web",
                     {"GOGC", 155},
                     "155",
                     "value 155 is not on a step (allowed 50-300 in steps of 10)"},
        DeferredCase{"env_not_in_enum",
                     "web",
                     {"MODE", "turbo"},
                     "turbo",
                     "value \"turbo\" is not one of the allowed values \"fast\", \"safe\", 1, true"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

// No service can run an off-grid size that Fargate lacks: refused at once.
TEST(ValidateTest, OffGridAndNotAFargateSizeIsRefusedAtOnce) {
  auto state = validate_request(config(), request("api", {{"cpu", 0.3}}));
  ASSERT_FALSE(state);
  EXPECT_EQ(state.error().code, ErrorCode::rejected_value);
  EXPECT_THAT(state.error().message, HasSubstr("component api: cpu value 0.3 vCPU is not on a step"));
}

// A count beyond any int is named as given, not wrapped.
TEST(ValidateTest, OverflowingReplicasAreNamedAsGiven) {
  auto state = validate_request(config(), request("web", {{"replicas", 1e12}}));
  ASSERT_FALSE(state);
  EXPECT_THAT(state.error().message, HasSubstr("replicas value 1000000000000 is not a task count"));
}

TEST(ValidateTest, FloatNoiseIsTolerated) {
  auto state = validate_request(config(), request("web", {{"RATIO", 0.1 + 0.2}}));
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->components[0].env[0].value, "0.3");
}

TEST(ValidateTest, CheckFargateSize) {
  EXPECT_TRUE(check_fargate_size("web", 1024, 2048));
  auto bad = check_fargate_size("web", 4096, 4096);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::infeasible);
  EXPECT_THAT(bad.error().message, HasSubstr("4 vCPU with 4 GiB memory is not a valid Fargate size"));
}

}  // namespace
}  // namespace adjust

namespace adjust {
namespace {

// The original repository's own adjust test request, against our example config.
TEST(ValidateTest, ExampleConfigAcceptsTheOriginalTestRequest) {
  auto config = load_config(std::string(ADJUST_SOURCE_DIR) + "/config.yaml.example", MapEnvironment{});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->region, "us-east-1");
  auto state = validate_request(
      *config,
      request("co-http", {{"cpu", 0.25}, {"mem", 0.5}, {"replicas", 1}, {"GOGC", 90}, {"TEST", "B"}}));
  ASSERT_TRUE(state) << state.error().message;
  const auto& desired = state->components.at(0);
  EXPECT_EQ(desired.cpu_units, 256);
  EXPECT_EQ(desired.memory_mib, 512);
  EXPECT_EQ(desired.replicas, 1);
  EXPECT_TRUE(desired.size_checked);
  ASSERT_EQ(desired.env.size(), 2u);
  EXPECT_EQ(desired.env[0].value, "90");
  EXPECT_EQ(desired.env[1].value, "B");
}

}  // namespace
}  // namespace adjust
