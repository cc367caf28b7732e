#include <gtest/gtest.h>

#include "adjust/base/result.hpp"

namespace adjust {
namespace {

Result<int> half(int value) {
  if (value % 2 != 0) return fail(ErrorCode::invalid_input, "odd");
  return value / 2;
}

Result<int> quarter(int value) {
  int halved = ADJUST_TRY(half(value));
  return ADJUST_TRY(half(halved));
}

TEST(Result, TryPropagatesTheFirstError) {
  EXPECT_EQ(*quarter(8), 2);
  auto odd = quarter(6);
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(odd.error().message, "odd");
}

TEST(Result, RetryableCodesAreTheTransientOnes) {
  EXPECT_TRUE((Error{ErrorCode::aws_throttled, "", "", "", 400}).retryable());
  EXPECT_TRUE((Error{ErrorCode::aws_network, "", "", "", 0}).retryable());
  EXPECT_FALSE((Error{ErrorCode::aws_client, "", "", "", 400}).retryable());
  EXPECT_FALSE((Error{ErrorCode::config, "", "", "", 0}).retryable());
}

TEST(Result, WithContextPrefixesTheMessage) {
  Error error =
      with_context(Error{ErrorCode::not_found, "no such service", "", "", 0}, "describe service web");
  EXPECT_EQ(error.message, "describe service web: no such service");
}

}  // namespace
}  // namespace adjust
