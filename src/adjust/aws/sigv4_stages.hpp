// The stages of SigV4 signing, exposed for tests and the benchmark. sign() in
// sigv4.hpp composes them; nothing here reads the clock or the network.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "adjust/aws/crypto.hpp"
#include "adjust/aws/http.hpp"
#include "adjust/aws/sigv4.hpp"

namespace adjust::sigv4 {

// scheme://[userinfo@]host[:port]/path?query#fragment, as views into the URL.
struct UrlParts {
  std::string_view scheme;
  std::string_view authority;
  std::string_view path;   // empty when the URL has none
  std::string_view query;  // without '?'
};
UrlParts split_url(std::string_view url);

// The Host value an HTTP client sends for this URL: lowercase, no userinfo,
// ":port" only when not the scheme's default (80 for http, 443 for https).
std::string host_from_url(std::string_view url);

// Percent-decoding ("%41" -> "A"); malformed escapes are kept as they are.
std::string uri_decode(std::string_view text);

// RFC 3986 §5.2.4 dot-segment removal that also collapses empty segments
// ("//"), as botocore and aws-c-auth do for every service but S3.
std::string remove_dot_segments(std::string_view path);

// The CanonicalURI line. With double_encode the wire path (already encoded)
// is encoded again, so "%3D" becomes "%253D"; without, it is used as sent.
std::string canonical_uri(std::string_view path, const SigningParams& params);

// The CanonicalQueryString line from a wire query: each key and value is
// decoded then encoded with the unreserved set, pairs sorted by key then
// value, a valueless key becomes "k=".
std::string canonical_query(std::string_view query);

// Headers never signed: they are changed or added by proxies and HTTP
// libraries (hop-by-hop, Expect, User-Agent, X-Amzn-Trace-Id) or carry the
// signature itself. `name` must be lowercase.
bool is_unsigned_header(std::string_view name);

// A header value as signed: ends trimmed, inner whitespace runs (including
// folded continuation lines) collapsed to one space.
std::string canonical_header_value(std::string_view value);

struct CanonicalHeaders {
  std::string lines;           // "name:value\n" per signed header, sorted by name
  std::string signed_headers;  // "name;name;..."
};

// Canonicalise the request's headers plus `additions` (the headers the signer
// adds). Host is derived from `url` when no header carries it.
CanonicalHeaders canonical_headers(const HttpHeaders& headers, const HttpHeaders& additions,
                                   std::string_view url);

struct CanonicalRequest {
  std::string text;
  std::string signed_headers;
};

// METHOD \n URI \n query \n headers \n \n signed headers \n payload hash.
CanonicalRequest canonical_request(const HttpRequest& request, const HttpHeaders& additions,
                                   std::string_view payload_hash, const SigningParams& params);

// "20150830/us-east-1/ecs/aws4_request"
std::string credential_scope(std::string_view day, std::string_view region, std::string_view service);

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request);

// The HMAC chain AWS4+secret -> day -> region -> service -> "aws4_request".
crypto::Digest signing_key(std::string_view secret, std::string_view day, std::string_view region,
                           std::string_view service);

// Lowercase hex HMAC of the string to sign.
std::string signature_hex(const crypto::Digest& key, std::string_view string_to_sign);

// Derived keys by (secret, day, region, service), so the HMAC chain runs once
// per day, region and service. Thread-safe; bounded (oldest entry evicted).
class SigningKeyCache {
 public:
  explicit SigningKeyCache(std::size_t capacity = 16) : m_capacity(capacity) {}

  crypto::Digest get(std::string_view secret, std::string_view day, std::string_view region,
                     std::string_view service);

  // How many times the chain actually ran (for tests).
  std::uint64_t derivations() const;

 private:
  struct Entry {
    std::string secret;
    std::string day;
    std::string region;
    std::string service;
    crypto::Digest key;
  };

  std::size_t m_capacity;
  mutable std::mutex m_mutex;
  std::vector<Entry> m_entries;  // most recently added last
  std::uint64_t m_derivations = 0;
};

// The process-wide cache sign() uses.
SigningKeyCache& default_signing_key_cache();

}  // namespace adjust::sigv4
