// Private helpers shared by the credential providers.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "adjust/aws/credentials/provider.hpp"
#include "adjust/aws/credentials/sources.hpp"
#include "adjust/base/clock.hpp"
#include "adjust/base/result.hpp"

namespace adjust::credentials_detail {

// The container/IMDS JSON document: AccessKeyId, SecretAccessKey, Token,
// Expiration (optional). `what` names the endpoint in errors; the body is never
// quoted (it holds the secret). ErrorCode::aws_bad_response on a bad document.
Result<Credentials> parse_credentials_json(std::string_view body, std::string_view what);

// The IMDS document's Code field when present ("Success" when fine).
std::optional<std::string> json_code(std::string_view body);

// "1 s", "1500 ms": for messages.
std::string describe_duration(std::chrono::milliseconds duration);

// "adjust-<unix seconds>", the role session name when the profile sets none.
std::string default_session_name(const Clock& clock);

// Strip leading/trailing whitespace.
std::string trim_copy(std::string_view text);

// Why a request got no response, for messages: "timed out after 2 s" or the transport's message.
std::string describe_transport_error(const Error& error, std::chrono::milliseconds timeout);

// STS AssumeRoleWithWebIdentity with the token read from `token_file` now
// (tokens rotate). `origin` names where the settings came from, for messages.
Result<Credentials> assume_role_with_web_identity_file(const CredentialContext& context,
                                                       const std::string& token_file,
                                                       WebIdentityRequest request, const std::string& origin);

// Non-negative whole seconds for duration_seconds; nullopt when malformed.
std::optional<int> parse_duration_seconds(std::string_view text);

}  // namespace adjust::credentials_detail
