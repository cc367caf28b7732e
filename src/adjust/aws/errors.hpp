// The one place that turns an AWS error response into an adjust::Error:
// finds the AWS code, message and request id in JSON or XML bodies (or none),
// and maps the code to the closed ErrorCode set.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adjust/aws/client.hpp"
#include "adjust/aws/http.hpp"
#include "adjust/base/result.hpp"

namespace adjust {

struct AwsErrorDetails {
  std::string code;  // "ThrottlingException"; empty when the body had none
  std::string message;
  std::string request_id;
};

// Best effort: never fails; unknown bodies give an empty code.
AwsErrorDetails parse_aws_error(AwsProtocol protocol, const HttpResponse& response);

// "aws.protocoltests.json#FooError:http://internal..." -> "FooError"
std::string sanitize_error_code(std::string_view raw);

// skew_detected: the response's date differs from our signing time by >= 4 min.
ErrorCode classify_aws_error(std::string_view code, long http_status, bool skew_detected);

// Codes that mean "your clock is off" when the server's date confirms it.
bool is_clock_skew_code(std::string_view code);

// "DescribeServices: ClusterNotFoundException: Cluster not found. (request id 1234)"
// `secrets` (what was sent that must stay hidden) are redacted from the
// message, which may quote the request (AWS's canonical request, a proxy's page).
Error make_aws_error(std::string_view operation, AwsProtocol protocol, const HttpResponse& response,
                     bool skew_detected, const std::vector<std::string>& secrets = {});

// The server's time from x-amz-date, else Date; nullopt when neither parses.
std::optional<std::chrono::system_clock::time_point> server_time(const HttpResponse& response);

}  // namespace adjust
