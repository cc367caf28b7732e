// AWS Signature Version 4, pure: the timestamp is an input, nothing is read
// from the clock or the network. Stages are exposed so tests can check each.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "adjust/aws/credentials/provider.hpp"
#include "adjust/aws/http.hpp"

namespace adjust::sigv4 {

struct SigningParams {
  std::string region;   // e.g. "us-east-1"
  std::string service;  // signing name: "ecs", "elasticloadbalancing", "sts"
  std::chrono::system_clock::time_point time;
  bool normalize_path = true;          // RFC 3986 dot-segment removal, collapse "//"
  bool double_encode_path = true;      // non-S3 rule: encode the wire path again
  bool sign_body_hash_header = false;  // add and sign x-amz-content-sha256
  bool omit_session_token = false;     // add X-Amz-Security-Token unsigned
};

// Everything the signer computed, stage by stage.
struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;       // lowercase hex
  std::string authorization;   // full Authorization header value
  HttpHeaders headers_to_add;  // X-Amz-Date, [X-Amz-Security-Token], [x-amz-content-sha256], Authorization
};

// RFC 3986 percent-encoding of everything but A-Za-z0-9-_.~ (uppercase hex);
// "/" is kept when encode_slash is false. Also the encoding of Query-protocol
// form bodies, so that what is hashed is exactly what is sent.
std::string uri_encode(std::string_view text, bool encode_slash = true);

// "20150830T123600Z"
std::string amz_date(std::chrono::system_clock::time_point time);

// Sign a request. The request's own headers must include Host or the URL
// must carry the host; headers in headers_to_add must not already be present.
Signature sign(const HttpRequest& request, const Credentials& credentials, const SigningParams& params);

// Convenience: sign and append headers_to_add to the request.
void sign_in_place(HttpRequest& request, const Credentials& credentials, const SigningParams& params);

}  // namespace adjust::sigv4
