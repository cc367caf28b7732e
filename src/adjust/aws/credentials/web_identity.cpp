#include "adjust/aws/credentials/detail.hpp"
#include "adjust/aws/credentials/sources.hpp"

#include <charconv>

namespace adjust {
namespace credentials_detail {

Result<Credentials> assume_role_with_web_identity_file(const CredentialContext& context,
                                                       const std::string& token_file,
                                                       WebIdentityRequest request,
                                                       const std::string& origin) {
  auto content = context.files.read(token_file);
  if (!content) {
    return fail(ErrorCode::credentials, origin + ": " + content.error().message);
  }
  if (!*content) {
    return fail(ErrorCode::credentials,
                origin + ": web identity token file " + token_file + " does not exist");
  }
  request.web_identity_token = trim_copy(**content);
  if (request.web_identity_token.empty()) {
    return fail(ErrorCode::credentials, origin + ": web identity token file " + token_file + " is empty");
  }
  if (request.role_session_name.empty()) {
    request.role_session_name = default_session_name(context.clock);
  }
  auto role_arn = request.role_arn;
  auto credentials = context.sts.assume_role_with_web_identity(request);
  if (!credentials) {
    return fail(with_context(credentials.error(), origin + ": assume role with web identity " + role_arn));
  }
  credentials->source = origin + " (assumed role " + role_arn + " with web identity)";
  return credentials;
}

std::optional<int> parse_duration_seconds(std::string_view text) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) {
    return std::nullopt;
  }
  return value;
}

}  // namespace credentials_detail

Result<SourceResult> WebIdentityCredentials::resolve() {
  const auto& env = m_context.env;
  if (auto token_file = env.non_empty("AWS_WEB_IDENTITY_TOKEN_FILE")) {
    auto role_arn = env.non_empty("AWS_ROLE_ARN");
    if (!role_arn) {
      return fail(ErrorCode::credentials,
                  "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not; set both");
    }
    WebIdentityRequest request;
    request.role_arn = *role_arn;
    request.role_session_name = env.non_empty("AWS_ROLE_SESSION_NAME").value_or("");
    return SourceResult::yielded(ADJUST_TRY(credentials_detail::assume_role_with_web_identity_file(
        m_context, *token_file, std::move(request), "web identity")));
  }

  // The selected profile, when it is a plain web identity profile; one with
  // source_profile or credential_source is the shared-files provider's.
  const auto& profiles = m_context.profiles;
  auto token_file = profiles.selected_value("web_identity_token_file");
  if (!token_file || token_file->empty() || profiles.selected_value("source_profile") ||
      profiles.selected_value("credential_source")) {
    return SourceResult::skip("AWS_WEB_IDENTITY_TOKEN_FILE not set");
  }
  std::string origin = "profile \"" + profiles.selected + "\"";
  auto role_arn = profiles.selected_value("role_arn");
  if (!role_arn || role_arn->empty()) {
    return fail(ErrorCode::credentials, origin + ": web_identity_token_file requires role_arn");
  }
  WebIdentityRequest request;
  request.role_arn = *role_arn;
  request.role_session_name = profiles.selected_value("role_session_name").value_or("");
  if (auto duration = profiles.selected_value("duration_seconds")) {
    request.duration_seconds = credentials_detail::parse_duration_seconds(*duration);
    if (!request.duration_seconds) {
      return fail(ErrorCode::credentials, origin + ": duration_seconds must be a whole number of seconds");
    }
  }
  return SourceResult::yielded(ADJUST_TRY(credentials_detail::assume_role_with_web_identity_file(
      m_context, *token_file, std::move(request), origin)));
}

}  // namespace adjust
