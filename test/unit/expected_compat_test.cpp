// The std::expected stand-in behind Result (result.hpp), for every compiler,
// tested directly: it must keep the standard's meaning.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "adjust/base/expected_compat.hpp"

namespace adjust::compat {
namespace {

expected<int, std::string> parse_digit(char c) {
  if (c < '0' || c > '9') return unexpected<std::string>(std::string("not a digit: ") + c);
  return c - '0';
}

TEST(ExpectedCompat, HoldsAValueOrAnError) {
  auto seven = parse_digit('7');
  ASSERT_TRUE(seven);
  EXPECT_TRUE(seven.has_value());
  EXPECT_EQ(*seven, 7);
  EXPECT_EQ(seven.value(), 7);

  auto letter = parse_digit('x');
  ASSERT_FALSE(letter);
  EXPECT_FALSE(letter.has_value());
  EXPECT_EQ(letter.error(), "not a digit: x");
}

TEST(ExpectedCompat, ValueOnAnErrorThrowsAndValueOrFallsBack) {
  auto letter = parse_digit('x');
  EXPECT_THROW((void)letter.value(), bad_expected_access);
  EXPECT_EQ(letter.value_or(-1), -1);
  EXPECT_EQ(parse_digit('3').value_or(-1), 3);
}

TEST(ExpectedCompat, MovesMoveOnlyValuesAndErrors) {
  expected<std::unique_ptr<int>, std::string> owned = std::make_unique<int>(5);
  std::unique_ptr<int> taken = *std::move(owned);
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(*taken, 5);

  expected<int, std::unique_ptr<int>> failed = unexpected(std::make_unique<int>(9));
  std::unique_ptr<int> error = std::move(failed).error();
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(*error, 9);
}

TEST(ExpectedCompat, ArrowReachesMembersOfTheValue) {
  expected<std::string, int> text = std::string("abc");
  EXPECT_EQ(text->size(), 3u);
  text->push_back('d');
  EXPECT_EQ(*text, "abcd");
}

TEST(ExpectedCompat, CopiesAreIndependent) {
  expected<std::string, int> original = std::string("one");
  auto copy = original;
  *copy = "two";
  EXPECT_EQ(*original, "one");
  EXPECT_EQ(*copy, "two");
  copy = unexpected(3);
  ASSERT_FALSE(copy);
  EXPECT_EQ(copy.error(), 3);
  EXPECT_TRUE(original);
}

TEST(ExpectedCompat, VoidHoldsNothingOrAnError) {
  expected<void, std::string> done;
  EXPECT_TRUE(done);
  EXPECT_NO_THROW(done.value());

  expected<void, std::string> failed = unexpected<std::string>("broken");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error(), "broken");
  EXPECT_THROW(failed.value(), bad_expected_access);
}

TEST(ExpectedCompat, AValueOfTheErrorTypeIsAValue) {
  // Only unexpected<E> makes an error, even when T and E are the same type.
  expected<std::string, std::string> same = std::string("value");
  ASSERT_TRUE(same);
  EXPECT_EQ(*same, "value");
}

}  // namespace
}  // namespace adjust::compat
