// Fuzz target: SigV4 canonicalisation and signing. The input is a raw request
// in the aws-c-auth request.txt layout ("METHOD target HTTP/1.1", header lines,
// a blank line, the body), so the SigV4 suite's requests are the seeds.
// Invariants: canonicalising what is already canonical (query string, path,
// header set, header value) changes nothing; percent-decoding undoes encoding;
// signing never crashes and always yields a full signature.
#include <chrono>

#include "adjust/aws/sigv4.hpp"
#include "adjust/aws/sigv4_stages.hpp"
#include "fuzz_check.hpp"
#include "support/sigv4_case.hpp"

namespace {

namespace sigv4 = adjust::sigv4;

constexpr std::string_view k_url_prefix = "https://example.amazonaws.com";

sigv4::SigningParams params_without_double_encoding() {
  sigv4::SigningParams params;
  params.double_encode_path = false;
  return params;
}

void check_strings(std::string_view path, std::string_view query) {
  const std::string canonical_query = sigv4::canonical_query(query);
  FUZZ_CHECK(sigv4::canonical_query(canonical_query) == canonical_query);

  for (std::string_view text : {path, query}) {
    FUZZ_CHECK(sigv4::uri_decode(sigv4::uri_encode(text)) == text);
    FUZZ_CHECK(sigv4::uri_decode(sigv4::uri_encode(text, false)) == text);
    const std::string value = sigv4::canonical_header_value(text);
    FUZZ_CHECK(sigv4::canonical_header_value(value) == value);
  }

  const std::string normalized = sigv4::remove_dot_segments(path);
  FUZZ_CHECK(sigv4::remove_dot_segments(normalized) == normalized);
  const auto plain = params_without_double_encoding();
  const std::string uri = sigv4::canonical_uri(path, plain);
  FUZZ_CHECK(sigv4::canonical_uri(uri, plain) == uri);
}

// The canonical header lines read back as headers canonicalise to themselves.
void check_headers(const adjust::HttpRequest& request) {
  const sigv4::CanonicalHeaders first = sigv4::canonical_headers(request.headers, {}, request.url);
  adjust::HttpHeaders again;
  std::string_view lines = first.lines;
  while (!lines.empty()) {
    const auto end = lines.find('\n');
    FUZZ_CHECK(end != std::string_view::npos);  // every line ends with '\n'
    const std::string_view line = lines.substr(0, end);
    const auto colon = line.find(':');
    FUZZ_CHECK(colon != std::string_view::npos);
    again.push_back({std::string(line.substr(0, colon)), std::string(line.substr(colon + 1))});
    lines.remove_prefix(end + 1);
  }
  const sigv4::CanonicalHeaders second = sigv4::canonical_headers(again, {}, request.url);
  FUZZ_CHECK(second.lines == first.lines);
  FUZZ_CHECK(second.signed_headers == first.signed_headers);
}

void check_signing(const adjust::HttpRequest& request) {
  using namespace std::chrono;
  const adjust::Credentials credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                        "session-token", std::nullopt, "fuzz"};
  sigv4::SigningParams params;
  params.region = "us-east-1";
  params.service = "service";
  params.time = sys_days{year{2015} / 8 / 30} + hours{12} + minutes{36};
  for (int variant = 0; variant < 4; ++variant) {
    params.normalize_path = variant != 1;  // 1: the S3 rule
    params.sign_body_hash_header = variant == 2;
    params.omit_session_token = variant == 3;
    const sigv4::Signature signature = sigv4::sign(request, credentials, params);
    FUZZ_CHECK(signature.signature.size() == 64);
    FUZZ_CHECK(signature.authorization.ends_with("Signature=" + signature.signature));
    FUZZ_CHECK(signature.canonical_request.starts_with(request.method + "\n"));
    FUZZ_CHECK(signature.headers_to_add.back().name == "Authorization");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(adjust::fuzz::as_text(data, size));
  auto request = adjust::testing::parse_raw_request(text, std::string(k_url_prefix));
  if (!request) {
    // Not a request: its first line still exercises the string functions.
    const std::string_view line = adjust::fuzz::first_line(text);
    const auto question = line.find('?');
    check_strings(line.substr(0, question),
                  question == std::string_view::npos ? std::string_view{} : line.substr(question + 1));
    return 0;
  }
  const sigv4::UrlParts parts = sigv4::split_url(request->url);
  check_strings(parts.path, parts.query);
  check_headers(*request);
  check_signing(*request);
  return 0;
}
