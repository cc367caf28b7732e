#include "adjust/aws/crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace adjust::crypto {
namespace {

struct MdDeleter {
  void operator()(EVP_MD* md) const { EVP_MD_free(md); }
};
struct MacDeleter {
  void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
};
struct MacCtxDeleter {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

// OpenSSL failing on SHA-256 means a broken installation, not bad input:
// there is nothing a caller could do, so stop loudly (never with key data).
[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "adjust: OpenSSL failure in %s\n", what);
  std::abort();
}

const EVP_MD* sha256_md() {
  static const std::unique_ptr<EVP_MD, MdDeleter> md{EVP_MD_fetch(nullptr, "SHA256", nullptr)};
  if (!md) {
    die("EVP_MD_fetch(SHA256)");
  }
  return md.get();
}

// A keyless HMAC-SHA256 context with the digest already set; duplicating it
// is much cheaper than fetching the MAC and parsing the digest name per call.
const EVP_MAC_CTX* hmac_template() {
  static const MacCtxPtr ctx = [] {
    std::unique_ptr<EVP_MAC, MacDeleter> mac{EVP_MAC_fetch(nullptr, "HMAC", nullptr)};
    if (!mac) {
      die("EVP_MAC_fetch(HMAC)");
    }
    MacCtxPtr created{EVP_MAC_CTX_new(mac.get())};
    char digest_name[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                                 OSSL_PARAM_construct_end()};
    if (!created || EVP_MAC_CTX_set_params(created.get(), params) != 1) {
      die("EVP_MAC_CTX_set_params");
    }
    return created;  // the context holds its own reference to the MAC
  }();
  return ctx.get();
}

// One digest and one HMAC context per thread, reused for every call: a fresh
// context per call (EVP_Digest, EVP_MAC_CTX_dup) spends more time allocating
// and reference-counting than hashing a request (bench/sigv4_bench.cpp).
EVP_MD_CTX* thread_digest_context() {
  thread_local const MdCtxPtr ctx{EVP_MD_CTX_new()};
  if (!ctx) {
    die("EVP_MD_CTX_new");
  }
  return ctx.get();
}

EVP_MAC_CTX* thread_hmac_context() {
  thread_local const MacCtxPtr ctx{EVP_MAC_CTX_dup(hmac_template())};
  if (!ctx) {
    die("EVP_MAC_CTX_dup");
  }
  return ctx.get();
}

}  // namespace

Digest sha256(std::string_view data) {
  EVP_MD_CTX* ctx = thread_digest_context();
  Digest out{};
  unsigned int length = 0;
  if (EVP_DigestInit_ex2(ctx, sha256_md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, out.data(), &length) != 1 || length != out.size()) {
    die("SHA-256");
  }
  return out;
}

std::string sha256_hex(std::string_view data) { return to_hex(sha256(data)); }

Digest hmac_sha256(std::span<const unsigned char> key, std::string_view data) {
  EVP_MAC_CTX* ctx = thread_hmac_context();
  // A zero-length key is valid HMAC input; OpenSSL wants a non-null pointer.
  static const unsigned char k_empty = 0;
  const unsigned char* key_data = key.empty() ? &k_empty : key.data();
  Digest out{};
  std::size_t length = 0;
  if (EVP_MAC_init(ctx, key_data, key.size(), nullptr) != 1 ||
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(ctx, out.data(), &length, out.size()) != 1 || length != out.size()) {
    die("HMAC-SHA256");
  }
  return out;
}

Digest hmac_sha256(std::string_view key, std::string_view data) {
  return hmac_sha256(std::span(reinterpret_cast<const unsigned char*>(key.data()), key.size()), data);
}

void cleanse(std::string& secret) { OPENSSL_cleanse(secret.data(), secret.size()); }

std::string to_hex(std::span<const unsigned char> bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '\0');
  std::size_t i = 0;
  for (unsigned char byte : bytes) {
    out[i++] = k_digits[byte >> 4];
    out[i++] = k_digits[byte & 0x0f];
  }
  return out;
}

}  // namespace adjust::crypto
