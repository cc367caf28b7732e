// Fuzz target: awsQuery (XML) responses and AWS error responses. The input is
// parsed as XML and handed to every Query decoder (ELBv2 target health and
// attributes, STS credentials and caller identity). Then, for the error
// mapper (src/aws_errors.cpp), its first line is the value of the error type
// and date headers and the rest the body of an error response, in both
// protocols.
// Contract: decoders give values or ErrorCode::aws_bad_response; the mapper
// never fails and always names the operation; never a crash or an exception.
#include "adjust/aws/elbv2_client.hpp"
#include "adjust/aws/errors.hpp"
#include "adjust/aws/sts_client.hpp"
#include "adjust/aws/xml.hpp"
#include "fuzz_check.hpp"

namespace {

using adjust::ErrorCode;

template <class T>
void expect_decoded_or_bad_response(const adjust::Result<T>& result) {
  FUZZ_CHECK(result || result.error().code == ErrorCode::aws_bad_response);
}

void decode(const adjust::XmlDocument& document) {
  expect_decoded_or_bad_response(adjust::decode_target_health(document));
  auto attributes = adjust::decode_target_group_attributes(document);
  expect_decoded_or_bad_response(attributes);
  if (attributes) (void)adjust::deregistration_delay_seconds(*attributes);
  for (const char* operation : {"AssumeRole", "AssumeRoleWithWebIdentity"}) {
    expect_decoded_or_bad_response(adjust::decode_sts_credentials(document, operation, "fuzz"));
  }
  expect_decoded_or_bad_response(adjust::decode_caller_identity(document));
}

void map_error(std::string_view body, std::string_view header) {
  const std::string header_value(header);
  for (long status : {400L, 403L, 503L}) {
    adjust::HttpResponse response{status,
                                  {{"X-Amzn-ErrorType", header_value},
                                   {"x-amzn-RequestId", "fuzz-request"},
                                   {"x-amz-date", header_value},
                                   {"Date", header_value}},
                                  std::string(body)};
    for (auto protocol : {adjust::AwsProtocol::json, adjust::AwsProtocol::query}) {
      const bool skew = status == 403;
      adjust::Error error = adjust::make_aws_error("FuzzOperation", protocol, response, skew);
      FUZZ_CHECK(error.message.starts_with("FuzzOperation: "));
      FUZZ_CHECK(error.http_status == status);
      FUZZ_CHECK(error.code != ErrorCode::internal);
    }
    (void)adjust::server_time(response);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = adjust::fuzz::as_text(data, size);
  auto document = adjust::parse_xml(text);
  if (document) {
    decode(*document);
  } else {
    FUZZ_CHECK(document.error().code == ErrorCode::aws_bad_response);
  }
  const std::string_view header = adjust::fuzz::first_line(text);
  map_error(header.size() < text.size() ? text.substr(header.size() + 1) : text, header);
  // Codes are cleaned once: cleaning again changes nothing.
  const std::string code = adjust::sanitize_error_code(header);
  FUZZ_CHECK(adjust::sanitize_error_code(code) == code);
  return 0;
}
