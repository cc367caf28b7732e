#include <gtest/gtest.h>

#include "adjust/protocol/request.hpp"

namespace adjust {
namespace {

TEST(ProtocolRequest, ParsesServoInputWithControlAndNoTrailingNewline) {
  auto request = parse_adjust_request(
      R"({"application": {"components": {"co-http": {"settings": {"cpu": {"value": 0.5}, "replicas": {"value": 2}}}}}, "control": {"duration": 120, "userdata": {"deploy_to": "main"}}})");
  ASSERT_TRUE(request) << request.error().message;
  ASSERT_EQ(request->components.size(), 1U);
  EXPECT_EQ(request->components[0].name, "co-http");
  ASSERT_EQ(request->components[0].settings.size(), 2U);
  EXPECT_EQ(request->components[0].settings[0].name, "cpu");
  EXPECT_EQ(request->components[0].settings[0].value, 0.5);
  EXPECT_EQ(request->components[0].settings[1].value, 2);
  EXPECT_EQ(request->control.document["duration"], 120);
  EXPECT_EQ(request->control.document["userdata"]["deploy_to"], "main");
}

TEST(ProtocolRequest, KeepsComponentAndSettingOrderOfTheInput) {
  auto request = parse_adjust_request(
      R"({"application": {"components": {"zeta": {"settings": {"mem": 1, "cpu": 2}}, "alpha": {"settings": {"b": 1}}}}})");
  ASSERT_TRUE(request);
  EXPECT_EQ(request->components[0].name, "zeta");
  EXPECT_EQ(request->components[1].name, "alpha");
  EXPECT_EQ(request->components[0].settings[0].name, "mem");
}

TEST(ProtocolRequest, AcceptsWholeDescriptorsAndBareScalarsAndIgnoresExtraKeys) {
  auto request = parse_adjust_request(
      R"({"application": {"components": {"web": {"settings": {
           "cpu": {"type": "range", "min": 0.25, "max": 4, "step": 0.25, "value": 1, "unit": "vCPU"},
           "TEST": "B", "replicas": 3}}}}})");
  ASSERT_TRUE(request) << request.error().message;
  const auto& settings = request->components[0].settings;
  EXPECT_EQ(settings[0].value, 1);
  EXPECT_EQ(settings[1].value, "B");
  EXPECT_EQ(settings[2].value, 3);
  EXPECT_TRUE(request->control.document.is_object());
  EXPECT_TRUE(request->control.document.empty());
}

TEST(ProtocolRequest, ControlTimeoutAndSettlementAreWholeSecondsRoundedUp) {
  auto request = parse_adjust_request(
      R"({"application": {"components": {"web": {"settings": {"cpu": 1}}}}, "control": {"timeout": 90.2, "settlement": "30"}})");
  ASSERT_TRUE(request) << request.error().message;
  EXPECT_EQ(request->control.timeout, std::chrono::seconds(91));
  EXPECT_EQ(request->control.settlement, std::chrono::seconds(30));

  auto absent = parse_adjust_request(
      R"({"application": {"components": {"web": {"settings": {"cpu": 1}}}}, "control": {"timeout": null}})");
  ASSERT_TRUE(absent) << absent.error().message;
  EXPECT_EQ(absent->control.timeout, std::nullopt);
  EXPECT_EQ(absent->control.settlement, std::nullopt);
}

TEST(ProtocolRequest, StepsIntoATopLevelState) {
  auto request = parse_adjust_request(
      R"({"state": {"application": {"components": {"web": {"settings": {"cpu": {"value": 1}}}}}}, "control": {}})");
  ASSERT_TRUE(request) << request.error().message;
  EXPECT_EQ(request->components[0].name, "web");
}

struct BadInput {
  const char* text;
  const char* expected_fragment;
};

class ProtocolRequestRejects : public ::testing::TestWithParam<BadInput> {};

TEST_P(ProtocolRequestRejects, WithAMessageSayingWhere) {
  auto request = parse_adjust_request(GetParam().text);
  ASSERT_FALSE(request);
  EXPECT_EQ(request.error().code, ErrorCode::invalid_input);
  EXPECT_NE(request.error().message.find(GetParam().expected_fragment), std::string::npos)
      << request.error().message;
}

// 100,000 levels of nesting used to crash the driver (SIGSEGV) instead of
// ending with a failed line.
TEST(ProtocolRequest, DeepNestingIsInvalidInputNotACrash) {
  for (auto [open, close] : {std::pair{"[", "]"}, std::pair{"{\"a\":", "}"}}) {
    std::string deep;
    for (int i = 0; i < 100000; ++i) deep += open;
    deep += "1";
    for (int i = 0; i < 100000; ++i) deep += close;
    std::string text = R"({"application": {"components": {"web": {}}}, "control": {"x": )" + deep + "}}";
    auto request = parse_adjust_request(text);
    ASSERT_FALSE(request);
    EXPECT_EQ(request.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(request.error().message, "stdin: JSON nested deeper than 64 levels");
  }
}

TEST(ProtocolRequest, NestingUpTo64LevelsAndBracketsInStringsAreFine) {
  std::string deep = "1";
  for (int i = 0; i < 61; ++i) deep = "[" + deep + "]";  // with the request and control objects: 63 levels
  std::string text = R"({"application": {"components": {"web": {"settings": {"cpu": {"value": 1}}}}},)"
                     R"( "control": {"userdata": )" +
                     deep + R"(, "note": "[[[[{{{{\"[[["}})";
  auto request = parse_adjust_request(text);
  ASSERT_TRUE(request) << request.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ProtocolRequestRejects,
    ::testing::Values(
        BadInput{"", "received no settings"}, BadInput{"not json", "not valid JSON (at byte"},
        BadInput{"[1,2]", "expected a JSON object, got array"},
        BadInput{R"({"control": {}})", "missing \"application\""},
        BadInput{R"({"application": {}})", "/application: missing \"components\""},
        BadInput{R"({"application": {"components": []}})", "/application/components: must be an object"},
        BadInput{R"({"application": {"components": {}}})", "no components"},
        BadInput{R"({"application": {"components": {"web": 3}}})", "/components/web: must be an object"},
        BadInput{R"({"application": {"components": {"web": {"settings": {"cpu": {"min": 1}}}}}})",
                 "/components/web/settings/cpu: setting has no \"value\""},
        BadInput{R"({"application": {"components": {"web": {"settings": {"cpu": {"value": [1]}}}}}})",
                 "/settings/cpu/value: value must be a number or a string, not array"},
        BadInput{R"({"application": {"components": {"a/b": {"settings": {"x": null}}}}})",
                 "/components/a~1b/settings/x: value must be"},
        BadInput{R"({"application": {"components": {"web": {}}}, "control": 5})",
                 "/control: must be an object"},
        BadInput{R"({"application": {"components": {"web": {}}}, "control": {"timeout": -1}})",
                 "stdin /control/timeout: must be a number of seconds greater than 0 and up to 1000000000, "
                 "not -1"},
        BadInput{
            R"({"application": {"components": {"web": {}}}, "control": {"timeout": 0}})",
            "stdin /control/timeout: must be a number of seconds greater than 0 and up to 1000000000, not 0"},
        // 1e10 s used to overflow the deadline, which then expired at once and rolled back a good change.
        BadInput{R"({"application": {"components": {"web": {}}}, "control": {"timeout": 1e10}})",
                 "stdin /control/timeout: must be a number of seconds greater than 0 and up to 1000000000, "
                 "not 10000000000.0"},
        BadInput{
            R"({"application": {"components": {"web": {}}}, "control": {"settlement": "soon"}})",
            "stdin /control/settlement: must be a number of seconds from 0 up to 1000000000, not \"soon\""},
        BadInput{R"({"application": {"components": {"web": {}}}, "control": {"settlement": 1e12}})",
                 "stdin /control/settlement: must be a number of seconds from 0 up to 1000000000"},
        // Found by fuzz_stdin_protocol: the overflow used to escape as an exception.
        BadInput{R"({"control": -1e309})", "not valid JSON: number overflow parsing '-1e309'"}));

}  // namespace
}  // namespace adjust
