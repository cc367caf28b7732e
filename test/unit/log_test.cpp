// The stderr log: "adjust: LEVEL: message" for people, JSON lines for log
// pipelines (ADJUST_LOG_FORMAT=json).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "adjust/base/log.hpp"

namespace adjust::testing {
namespace {

using json = nlohmann::json;

TEST(Log, TextIsOneLinePerRecordWithItsLevel) {
  std::ostringstream out;
  Logger logger(out, LogLevel::info);
  logger.info("component web: registered web:8");
  logger.debug("not shown");
  EXPECT_EQ(out.str(), "adjust: info: component web: registered web:8\n");
}

TEST(Log, JsonRecordsCarryTimeLevelComponentAndMessage) {
  std::ostringstream out;
  Logger logger(out, LogLevel::debug);
  logger.set_format(LogFormat::json);
  logger.set_component_names({"web", "web-api"});
  logger.set_time_source(
      [] { return std::chrono::system_clock::time_point(std::chrono::milliseconds(1764758495123)); });
  logger.info("component web: registered web:8");
  logger.warn("web-api: 1/2 new tasks running");
  logger.debug("region us-east-1, ECS endpoint https://ecs.us-east-1.amazonaws.com");
  logger.error("quote \" and\nnewline, bad UTF-8 \xff");
  std::istringstream lines(out.str());
  std::vector<json> records;
  for (std::string line; std::getline(lines, line);) records.push_back(json::parse(line));
  ASSERT_EQ(records.size(), 4u) << out.str();
  EXPECT_EQ(records[0], (json{{"time", "2025-12-03T10:41:35.123Z"},
                              {"level", "info"},
                              {"component", "web"},
                              {"message", "component web: registered web:8"}}));
  EXPECT_EQ(records[1].at("component"), "web-api") << "the longest name that prefixes the message";
  EXPECT_EQ(records[1].at("level"), "warn");
  EXPECT_FALSE(records[2].contains("component"));
  EXPECT_EQ(records[3].at("message"), "quote \" and\nnewline, bad UTF-8 \xEF\xBF\xBD");
}

TEST(Log, FormatNames) {
  EXPECT_EQ(parse_log_format("json"), LogFormat::json);
  EXPECT_EQ(parse_log_format("text"), LogFormat::text);
  EXPECT_FALSE(parse_log_format("xml"));
}

}  // namespace
}  // namespace adjust::testing
