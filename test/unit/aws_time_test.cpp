// Parsing AWS time formats; out-of-range years are rejected, not overflowed.
#include "adjust/aws/time.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "adjust/aws/json_decoder.hpp"

namespace adjust::aws_time {
namespace {

using namespace std::chrono;

const TimePoint k_example = sys_days{2015y / August / 30} + 12h + 36min;

TEST(AwsTime, ParsesEachFormat) {
  EXPECT_EQ(parse_http_date("Sun, 30 Aug 2015 12:36:00 GMT"), k_example);
  EXPECT_EQ(parse_amz_date("20150830T123600Z"), k_example);
  EXPECT_EQ(parse_iso8601("2015-08-30T12:36:00Z"), k_example);
  EXPECT_EQ(parse_iso8601("2015-08-30T14:36:00.5+02:00"), k_example + 500ms);
  EXPECT_EQ(from_epoch_seconds(1440938160.25), k_example + 250ms);
}

// Found by fuzz_query_xml and fuzz_ecs_decode: years past 2262 overflowed
// system_clock's nanoseconds (undefined behaviour) instead of failing.
TEST(AwsTime, YearsOutsideTheSupportedRangeAreRejected) {
  EXPECT_EQ(parse_http_date("Tue, 15 Nov 9194 08:12:31 GMT"), std::nullopt);
  EXPECT_EQ(parse_amz_date("99991231T235959Z"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2200-01-01T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_iso8601("1969-12-31T23:59:59Z"), std::nullopt);
  EXPECT_TRUE(parse_iso8601("2199-12-31T23:59:59Z"));
  EXPECT_EQ(from_epoch_seconds(12795200000.001e6), std::nullopt);
  EXPECT_EQ(from_epoch_seconds(-1), std::nullopt);
  EXPECT_EQ(from_epoch_seconds(std::numeric_limits<double>::quiet_NaN()), std::nullopt);
}

// A sign in a two-digit field used to be read as a negative hour.
TEST(AwsTime, FieldsAreDigitsOnly) {
  EXPECT_EQ(parse_iso8601("2015-08-30T-1:36:00Z"), std::nullopt);
  EXPECT_EQ(parse_amz_date("20150830T-13600Z"), std::nullopt);
  EXPECT_EQ(parse_http_date("Sun, 30 Aug 2015 -1:36:00 GMT"), std::nullopt);
}

TEST(AwsTime, DecoderReportsAnOutOfRangeTimestampAsABadResponse) {
  JsonDecoder decoder("DescribeServices response");
  std::optional<TimePoint> created;
  decoder.read(nlohmann::json{{"createdAt", 1e17}}, "/services/0", "createdAt", created);
  ASSERT_TRUE(decoder.failed());
  EXPECT_EQ(decoder.error().code, ErrorCode::aws_bad_response);
  EXPECT_EQ(decoder.error().message,
            "DescribeServices response: /services/0/createdAt: expected a timestamp between 1970 "
            "and 2200, got number");
  EXPECT_FALSE(created);
}

}  // namespace
}  // namespace adjust::aws_time
