#include <gtest/gtest.h>

#include <string>

#include "adjust/aws/crypto.hpp"

namespace adjust::crypto {
namespace {

TEST(Sigv4Crypto, Sha256OfEmptyAndAbc) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sigv4Crypto, Sha256HashesEmbeddedNulBytes) {
  EXPECT_EQ(sha256_hex(std::string("a\0b", 3)),
            "59b271ae1bbcb1d31d41929817f4b16fb439eb4f31520b5ad1d5ce98920a7138");
}

TEST(Sigv4Crypto, HmacRfc4231TestCase2) {
  EXPECT_EQ(to_hex(hmac_sha256(std::string_view("Jefe"), "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Sigv4Crypto, HmacWithEmptyKeyAndMessage) {
  EXPECT_EQ(to_hex(hmac_sha256(std::string_view(""), "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(Sigv4Crypto, HmacWithKeyLongerThanBlock) {
  // RFC 4231 test case 6: a 131-byte key is hashed first.
  const std::string key(131, '\xaa');
  EXPECT_EQ(
      to_hex(hmac_sha256(std::string_view(key), "Test Using Larger Than Block-Size Key - Hash Key First")),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Sigv4Crypto, ToHexIsLowercase) {
  const unsigned char bytes[] = {0x00, 0xab, 0xff, 0x10};
  EXPECT_EQ(to_hex(bytes), "00abff10");
}

}  // namespace
}  // namespace adjust::crypto

namespace adjust::crypto {
namespace {

TEST(Sigv4Crypto, CleanseZeroesEveryByteAndKeepsTheSize) {
  std::string secret = "AWS4secret";
  cleanse(secret);
  EXPECT_EQ(secret, std::string(10, '\0'));
}

}  // namespace
}  // namespace adjust::crypto
