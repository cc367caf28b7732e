// SigV4: string to sign, key derivation and its cache, and sign() composing
// the stages. The canonical request is built in sigv4_canonical.cpp.
#include <chrono>

#include "adjust/aws/sigv4_stages.hpp"

namespace adjust::sigv4 {
namespace {

constexpr std::string_view k_algorithm = "AWS4-HMAC-SHA256";

void put_digits(std::string& out, long long value, int width) {
  char buffer[8];
  for (int i = width - 1; i >= 0; --i) {
    buffer[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buffer, static_cast<std::size_t>(width));
}

}  // namespace

std::string amz_date(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto seconds = floor<std::chrono::seconds>(time);
  const auto day = floor<days>(seconds);
  const year_month_day date{day};
  const hh_mm_ss clock{seconds - day};
  std::string out;
  out.reserve(16);
  put_digits(out, static_cast<int>(date.year()), 4);
  put_digits(out, static_cast<unsigned>(date.month()), 2);
  put_digits(out, static_cast<unsigned>(date.day()), 2);
  out.push_back('T');
  put_digits(out, clock.hours().count(), 2);
  put_digits(out, clock.minutes().count(), 2);
  put_digits(out, clock.seconds().count(), 2);
  out.push_back('Z');
  return out;
}

std::string credential_scope(std::string_view day, std::string_view region, std::string_view service) {
  std::string out;
  out.reserve(day.size() + region.size() + service.size() + 16);
  out += day;
  out += '/';
  out += region;
  out += '/';
  out += service;
  out += "/aws4_request";
  return out;
}

std::string string_to_sign(std::string_view amz_date_value, std::string_view scope,
                           std::string_view canonical_request_text) {
  std::string out;
  out.reserve(k_algorithm.size() + amz_date_value.size() + scope.size() + 64 + 3);
  out += k_algorithm;
  out += '\n';
  out += amz_date_value;
  out += '\n';
  out += scope;
  out += '\n';
  out += crypto::sha256_hex(canonical_request_text);
  return out;
}

crypto::Digest signing_key(std::string_view secret, std::string_view day, std::string_view region,
                           std::string_view service) {
  std::string seed;
  seed.reserve(4 + secret.size());
  seed += "AWS4";
  seed += secret;
  const crypto::Digest date_key = crypto::hmac_sha256(seed, day);
  crypto::cleanse(seed);  // don't leave the secret in freed memory
  const crypto::Digest region_key = crypto::hmac_sha256(date_key, region);
  const crypto::Digest service_key = crypto::hmac_sha256(region_key, service);
  return crypto::hmac_sha256(service_key, "aws4_request");
}

std::string signature_hex(const crypto::Digest& key, std::string_view string_to_sign_text) {
  return crypto::to_hex(crypto::hmac_sha256(key, string_to_sign_text));
}

crypto::Digest SigningKeyCache::get(std::string_view secret, std::string_view day, std::string_view region,
                                    std::string_view service) {
  std::lock_guard lock(m_mutex);
  for (const Entry& entry : m_entries) {
    if (entry.day == day && entry.region == region && entry.service == service && entry.secret == secret) {
      return entry.key;
    }
  }
  // Deriving under the lock is fine: it takes about a microsecond, once a day.
  Entry entry{std::string(secret), std::string(day), std::string(region), std::string(service),
              signing_key(secret, day, region, service)};
  ++m_derivations;
  if (m_capacity > 0 && m_entries.size() >= m_capacity) {
    m_entries.erase(m_entries.begin());
  }
  m_entries.push_back(std::move(entry));
  return m_entries.back().key;
}

std::uint64_t SigningKeyCache::derivations() const {
  std::lock_guard lock(m_mutex);
  return m_derivations;
}

SigningKeyCache& default_signing_key_cache() {
  static SigningKeyCache cache;
  return cache;
}

Signature sign(const HttpRequest& request, const Credentials& credentials, const SigningParams& params) {
  const std::string date = amz_date(params.time);
  const std::string_view day = std::string_view(date).substr(0, 8);

  HttpHeaders additions;  // the headers we add that are signed
  additions.push_back({"X-Amz-Date", date});
  const bool has_token = !credentials.session_token.empty();
  if (has_token && !params.omit_session_token) {
    additions.push_back({"X-Amz-Security-Token", credentials.session_token});
  }
  // A caller-provided x-amz-content-sha256 (e.g. UNSIGNED-PAYLOAD) is the
  // payload hash; it is signed as one of the request's own headers.
  const std::optional<std::string> given_hash = find_header(request.headers, "x-amz-content-sha256");
  const std::string payload_hash = given_hash ? *given_hash : crypto::sha256_hex(request.body);
  if (params.sign_body_hash_header && !given_hash) {
    additions.push_back({"x-amz-content-sha256", payload_hash});
  }

  Signature out;
  CanonicalRequest canonical = canonical_request(request, additions, payload_hash, params);
  out.canonical_request = std::move(canonical.text);
  const std::string scope = credential_scope(day, params.region, params.service);
  out.string_to_sign = string_to_sign(date, scope, out.canonical_request);
  const crypto::Digest key =
      default_signing_key_cache().get(credentials.secret_access_key, day, params.region, params.service);
  out.signature = signature_hex(key, out.string_to_sign);

  out.authorization.reserve(k_algorithm.size() + credentials.access_key_id.size() + scope.size() +
                            canonical.signed_headers.size() + out.signature.size() + 40);
  out.authorization += k_algorithm;
  out.authorization += " Credential=";
  out.authorization += credentials.access_key_id;
  out.authorization += '/';
  out.authorization += scope;
  out.authorization += ", SignedHeaders=";
  out.authorization += canonical.signed_headers;
  out.authorization += ", Signature=";
  out.authorization += out.signature;

  out.headers_to_add = std::move(additions);
  if (has_token && params.omit_session_token) {
    // Sent but not signed (post-sts-header-after); keep the documented order.
    out.headers_to_add.insert(out.headers_to_add.begin() + 1,
                              HttpHeader{"X-Amz-Security-Token", credentials.session_token});
  }
  out.headers_to_add.push_back({"Authorization", out.authorization});
  return out;
}

void sign_in_place(HttpRequest& request, const Credentials& credentials, const SigningParams& params) {
  Signature signature = sign(request, credentials, params);
  for (HttpHeader& header : signature.headers_to_add) {
    request.headers.push_back(std::move(header));
  }
}

}  // namespace adjust::sigv4
