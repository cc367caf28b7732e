// TEMPORARY stand-in for the SigV4 signer until branch `sigv4` lands on main:
// compiled only while src/sigv4.cpp does not exist. The signature is fake; the
// Authorization header still names the scope and the signed headers, which is
// what the client tests check (and what moto routes on).
#if !__has_include("sigv4.cpp")

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>

#include "adjust/sigv4.hpp"

namespace adjust::sigv4 {

std::string uri_encode(std::string_view text, bool encode_slash) {
  std::string out;
  for (char raw : text) {
    auto c = static_cast<unsigned char>(raw);
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~' ||
        (c == '/' && !encode_slash)) {
      out += static_cast<char>(c);
    } else {
      char buffer[4];
      std::snprintf(buffer, sizeof buffer, "%%%02X", c);
      out += buffer;
    }
  }
  return out;
}

std::string amz_date(std::chrono::system_clock::time_point time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[20];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &tm);
  return buffer;
}

Signature sign(const HttpRequest& request, const Credentials& credentials,
               const SigningParams& params) {
  Signature result;
  std::string date = amz_date(params.time);
  result.headers_to_add.push_back({"X-Amz-Date", date});
  std::vector<std::string> names{"host", "x-amz-date"};
  if (!credentials.session_token.empty()) {
    result.headers_to_add.push_back({"X-Amz-Security-Token", credentials.session_token});
    if (!params.omit_session_token) {
      names.push_back("x-amz-security-token");
    }
  }
  for (const auto& header : request.headers) {
    std::string lower = header.name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    names.push_back(lower);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string signed_headers;
  for (const auto& name : names) {
    signed_headers += (signed_headers.empty() ? "" : ";") + name;
  }
  result.signature = "0000stub";
  result.authorization = "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" +
                         date.substr(0, 8) + "/" + params.region + "/" + params.service +
                         "/aws4_request, SignedHeaders=" + signed_headers +
                         ", Signature=" + result.signature;
  result.headers_to_add.push_back({"Authorization", result.authorization});
  return result;
}

void sign_in_place(HttpRequest& request, const Credentials& credentials,
                   const SigningParams& params) {
  Signature signature = sign(request, credentials, params);
  for (auto& header : signature.headers_to_add) {
    request.headers.push_back(std::move(header));
  }
}

}  // namespace adjust::sigv4

#endif
