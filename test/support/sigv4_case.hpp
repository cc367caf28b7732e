// Loads a SigV4 test case in the aws-c-auth layout: context.json (signing
// inputs) and request.txt (raw request without X-Amz-Date); expected
// per-stage outputs are read by the tests by name.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "adjust/aws/credentials/provider.hpp"
#include "adjust/aws/http.hpp"
#include "adjust/aws/sigv4.hpp"
#include "adjust/base/result.hpp"

namespace adjust::testing {

struct Sigv4Case {
  std::string name;
  HttpRequest request;
  Credentials credentials;
  sigv4::SigningParams params;
};

// The URL is context.json's optional "url_prefix" (scheme://authority, else
// https://example.amazonaws.com) followed by the request target.
Result<Sigv4Case> load_sigv4_case(const std::filesystem::path& directory);

// Parse request.txt: "METHOD target HTTP/1.1", "Name:value" lines (folded
// continuation lines appended to the previous value after '\n'), a blank
// line, the body.
Result<HttpRequest> parse_raw_request(const std::string& text, const std::string& url_prefix);

// The whole file, or nullopt when it cannot be read.
std::optional<std::string> read_text_file(const std::filesystem::path& path);

}  // namespace adjust::testing
