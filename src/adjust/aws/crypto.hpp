// SHA-256 and HMAC-SHA256 over OpenSSL 3. Private to the core library: the
// signer is the only user. Algorithms are fetched once and shared (OpenSSL's
// fetched objects are immutable and safe to use from several threads).
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>

namespace adjust::crypto {

using Digest = std::array<unsigned char, 32>;

Digest sha256(std::string_view data);
std::string sha256_hex(std::string_view data);

Digest hmac_sha256(std::span<const unsigned char> key, std::string_view data);
Digest hmac_sha256(std::string_view key, std::string_view data);

// Overwrite secret material in a way the compiler cannot drop (OPENSSL_cleanse).
void cleanse(std::string& secret);

// Lowercase hex of bytes.
std::string to_hex(std::span<const unsigned char> bytes);

}  // namespace adjust::crypto
