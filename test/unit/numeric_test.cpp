
#include "adjust/base/numeric.hpp"

#include <gtest/gtest.h>

namespace adjust {
namespace {

using json = nlohmann::json;

TEST(NumericTest, ParseNumber) {
  EXPECT_EQ(parse_number("0.5"), 0.5);
  EXPECT_EQ(parse_number(" 2 "), 2);
  EXPECT_EQ(parse_number("+1.5"), 1.5);
  EXPECT_EQ(parse_number("1e3"), 1000);
  EXPECT_FALSE(parse_number(""));
  EXPECT_FALSE(parse_number("abc"));
  EXPECT_FALSE(parse_number("1.5x"));
  EXPECT_FALSE(parse_number("nan"));
  EXPECT_FALSE(parse_number("inf"));
}

TEST(NumericTest, FormatNumber) {
  EXPECT_EQ(format_number(150.0), "150");
  EXPECT_EQ(format_number(0.5), "0.5");
  EXPECT_EQ(format_number(0.25), "0.25");
  EXPECT_EQ(format_number(-3), "-3");
  EXPECT_EQ(format_number(0.1 + 0.2), "0.3");
  EXPECT_EQ(format_number(1.5), "1.5");
}

TEST(NumericTest, JsonConversions) {
  EXPECT_TRUE(number_to_json(2.0).is_number_integer());
  EXPECT_TRUE(number_to_json(0.5).is_number_float());
  EXPECT_EQ(json_to_number(json("0.25")), 0.25);
  EXPECT_EQ(json_to_number(json(3)), 3);
  EXPECT_FALSE(json_to_number(json(true)));
  EXPECT_FALSE(json_to_number(json(nullptr)));
  EXPECT_EQ(format_scalar(json("x")), "x");
  EXPECT_EQ(format_scalar(json(90.0)), "90");
  EXPECT_EQ(format_scalar(json(false)), "false");
  EXPECT_FALSE(format_scalar(json::array()));
}

TEST(NumericTest, Tolerances) {
  EXPECT_TRUE(is_step_aligned(0.3, 0, 0.1));
  EXPECT_TRUE(is_step_aligned(0.75, 0.25, 0.25));
  EXPECT_FALSE(is_step_aligned(0.3, 0.25, 0.25));
  EXPECT_TRUE(is_step_aligned(5, 5, 0));
  EXPECT_TRUE(is_integral(2.0000000000001));
  EXPECT_FALSE(is_integral(2.001));
  EXPECT_TRUE(nearly_equal(0.1 + 0.2, 0.3));
}

}  // namespace
}  // namespace adjust
