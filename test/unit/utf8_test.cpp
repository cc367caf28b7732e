#include "adjust/base/utf8.hpp"

#include <gtest/gtest.h>

namespace adjust {
namespace {

TEST(Utf8, AcceptsAsciiAndEveryEncodingLength) {
  EXPECT_EQ(first_invalid_utf8(""), std::nullopt);
  EXPECT_EQ(first_invalid_utf8("plain ascii\n"), std::nullopt);
  // é (2 bytes), € (3), U+10FFFF (4), 😀 (4)
  EXPECT_EQ(first_invalid_utf8("\xC3\xA9 \xE2\x82\xAC \xF4\x8F\xBF\xBF \xF0\x9F\x98\x80"), std::nullopt);
}

TEST(Utf8, NamesTheFirstBadByte) {
  EXPECT_EQ(first_invalid_utf8("ab\x80"), 2u);            // stray continuation byte
  EXPECT_EQ(first_invalid_utf8("a\xC0\x80"), 1u);         // overlong NUL
  EXPECT_EQ(first_invalid_utf8("\xE0\x80\xAF"), 0u);      // overlong '/'
  EXPECT_EQ(first_invalid_utf8("x\xED\xA0\x80"), 1u);     // UTF-16 surrogate
  EXPECT_EQ(first_invalid_utf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(first_invalid_utf8("ok\xE2\x82"), 2u);        // truncated at the end
  EXPECT_EQ(first_invalid_utf8("\xC3\xA9\xFF"), 2u);      // never valid
}

}  // namespace
}  // namespace adjust
