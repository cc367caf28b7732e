// Keeping credentials out of logs and error text: header dumps with secret
// values replaced, and echoed text scrubbed of known secret values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "adjust/aws/http.hpp"

namespace adjust {

// Headers as "Name: value" lines with Authorization, X-Amz-Security-Token and
// other credential-bearing values replaced by "<redacted>".
std::string redact_headers(const HttpHeaders& headers);
bool is_secret_header(std::string_view name);
// The values of those headers (what redact_values must hide in echoed text).
std::vector<std::string> secret_header_values(const HttpHeaders& headers);

// `text` with every occurrence of each secret replaced by "<redacted>", for
// text that may echo what was sent (an AWS error quoting the canonical
// request, a proxy's error page). Empty values are ignored.
std::string redact_values(std::string text, const std::vector<std::string>& secrets);

}  // namespace adjust
