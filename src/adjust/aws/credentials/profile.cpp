#include <algorithm>

#include "adjust/aws/credentials/detail.hpp"
#include "adjust/aws/credentials/sources.hpp"

namespace adjust {
namespace {

std::optional<std::string> setting(const Profile& profile, std::string_view key) {
  auto found = profile.find(key);
  if (found == profile.end() || found->second.empty()) {
    return std::nullopt;
  }
  return found->second;
}

std::string quoted(const std::string& name) { return "profile \"" + name + "\""; }

std::string where(const ProfileFiles& profiles) {
  return profiles.credentials_path + ", " + profiles.config_path;
}

// aws_access_key_id + aws_secret_access_key [+ aws_session_token]; nullopt when neither key is set.
Result<std::optional<Credentials>> static_keys(const std::string& name, const Profile& profile) {
  auto access_key = setting(profile, "aws_access_key_id");
  auto secret = setting(profile, "aws_secret_access_key");
  if (!access_key && !secret) {
    return std::optional<Credentials>();
  }
  if (!secret) {
    return fail(ErrorCode::credentials, quoted(name) + " has aws_access_key_id but no aws_secret_access_key");
  }
  if (!access_key) {
    return fail(ErrorCode::credentials, quoted(name) + " has aws_secret_access_key but no aws_access_key_id");
  }
  Credentials credentials;
  credentials.access_key_id = *access_key;
  credentials.secret_access_key = *secret;
  credentials.session_token = setting(profile, "aws_session_token").value_or("");
  credentials.source = quoted(name);
  return std::optional<Credentials>(std::move(credentials));
}

std::string join_path(const std::vector<std::string>& path, const std::string& last) {
  std::string text;
  for (const auto& name : path) {
    text += name + " -> ";
  }
  return text + last;
}

}  // namespace

Result<SourceResult> ProfileCredentials::resolve() {
  const auto& profiles = m_context.profiles;
  const auto& name = profiles.selected;
  if (!profiles.has_profile(name)) {
    std::string why = quoted(name) + " not found in " + where(profiles);
    if (profiles.selected_explicitly) {
      // The user asked for this profile: using another source instead would surprise.
      return fail(ErrorCode::credentials, why + " (selected by AWS_PROFILE/AWS_DEFAULT_PROFILE)");
    }
    return SourceResult::skip(why);
  }
  auto credentials = ADJUST_TRY(from_profile(name, {}));
  if (!credentials) {
    return SourceResult::skip(quoted(name) + " has no credentials");
  }
  return SourceResult::yielded(*std::move(credentials));
}

// The credentials a profile defines, or nullopt when it defines none.
Result<std::optional<Credentials>> ProfileCredentials::from_profile(const std::string& name,
                                                                    std::vector<std::string> path) {
  auto profile = m_context.profiles.profile(name);
  if (!profile) {
    return fail(ErrorCode::credentials, quoted(name) + " not found in " + where(m_context.profiles));
  }
  if (setting(*profile, "role_arn")) {
    return std::optional<Credentials>(ADJUST_TRY(assume_role(name, *profile, std::move(path))));
  }
  auto keys = ADJUST_TRY(static_keys(name, *profile));
  if (keys) {
    return keys;
  }
  if (setting(*profile, "web_identity_token_file")) {
    return fail(ErrorCode::credentials, quoted(name) + ": web_identity_token_file requires role_arn");
  }
  if (setting(*profile, "credential_process")) {
    return fail(ErrorCode::credentials, quoted(name) +
                                            " uses credential_process, which adjust does not support; "
                                            "export credentials in the environment instead");
  }
  if (setting(*profile, "sso_session") || setting(*profile, "sso_start_url")) {
    return fail(ErrorCode::credentials, quoted(name) +
                                            " uses AWS IAM Identity Center (SSO), which adjust does not "
                                            "support; export credentials in the environment instead");
  }
  return std::optional<Credentials>();
}

Result<Credentials> ProfileCredentials::assume_role(const std::string& name, const Profile& profile,
                                                    std::vector<std::string> path) {
  std::string role_arn = *setting(profile, "role_arn");
  auto source_profile = setting(profile, "source_profile");
  auto credential_source = setting(profile, "credential_source");
  if (setting(profile, "mfa_serial")) {
    return fail(ErrorCode::credentials, quoted(name) +
                                            " requires an MFA code (mfa_serial), which adjust cannot prompt "
                                            "for; use a role or credentials without MFA");
  }
  if (source_profile && credential_source) {
    return fail(ErrorCode::credentials,
                quoted(name) + " sets both source_profile and credential_source; keep one");
  }

  AssumeRoleRequest request;
  request.role_arn = role_arn;
  request.role_session_name = setting(profile, "role_session_name")
                                  .value_or(credentials_detail::default_session_name(m_context.clock));
  request.external_id = setting(profile, "external_id").value_or("");
  if (auto duration = setting(profile, "duration_seconds")) {
    request.duration_seconds = credentials_detail::parse_duration_seconds(*duration);
    if (!request.duration_seconds) {
      return fail(ErrorCode::credentials,
                  quoted(name) + ": duration_seconds must be a whole number of seconds");
    }
  }

  Credentials source;
  if (source_profile) {
    if (*source_profile == name) {
      // botocore allows a profile to be its own source when it also has static keys.
      auto keys = ADJUST_TRY(static_keys(name, profile));
      if (!keys) {
        return fail(ErrorCode::credentials,
                    quoted(name) + " is its own source_profile but has no static keys");
      }
      source = *std::move(keys);
    } else {
      path.push_back(name);
      if (std::find(path.begin(), path.end(), *source_profile) != path.end()) {
        return fail(ErrorCode::credentials, "source_profile cycle: " + join_path(path, *source_profile));
      }
      if (!m_context.profiles.has_profile(*source_profile)) {
        return fail(ErrorCode::credentials, "source_profile \"" + *source_profile + "\" of " + quoted(name) +
                                                " not found in " + where(m_context.profiles));
      }
      auto found = ADJUST_TRY(from_profile(*source_profile, path));
      if (!found) {
        return fail(ErrorCode::credentials,
                    "source_profile \"" + *source_profile + "\" of " + quoted(name) + " has no credentials");
      }
      source = *std::move(found);
    }
  } else if (credential_source) {
    source = ADJUST_TRY(from_credential_source(name, *credential_source));
  } else if (auto token_file = setting(profile, "web_identity_token_file")) {
    WebIdentityRequest web;
    web.role_arn = role_arn;
    web.role_session_name = request.role_session_name;
    web.duration_seconds = request.duration_seconds;
    return credentials_detail::assume_role_with_web_identity_file(m_context, *token_file, std::move(web),
                                                                  quoted(name));
  } else {
    return fail(ErrorCode::credentials,
                quoted(name) + " has role_arn but no source_profile or credential_source");
  }

  auto assumed = m_context.sts.assume_role(source, request);
  if (!assumed) {
    return fail(with_context(assumed.error(), quoted(name) + ": assume role " + role_arn));
  }
  assumed->source = quoted(name) + " (assumed role " + role_arn + ")";
  return assumed;
}

Result<Credentials> ProfileCredentials::from_credential_source(const std::string& name,
                                                               const std::string& source) {
  std::unique_ptr<CredentialSource> provider;
  if (source == "Environment") {
    provider = std::make_unique<EnvironmentCredentials>(m_context.env);
  } else if (source == "Ec2InstanceMetadata") {
    provider = std::make_unique<ImdsCredentials>(m_context);
  } else if (source == "EcsContainer") {
    provider = std::make_unique<ContainerCredentials>(m_context);
  } else {
    return fail(ErrorCode::credentials,
                quoted(name) + ": credential_source \"" + source +
                    "\" is not one of Environment, Ec2InstanceMetadata, EcsContainer");
  }
  auto result = provider->resolve();
  if (!result) {
    return fail(with_context(result.error(), quoted(name) + ": credential_source " + source));
  }
  if (!result->credentials) {
    return fail(ErrorCode::credentials,
                quoted(name) + ": credential_source " + source + ": " + result->skipped);
  }
  return *std::move(result->credentials);
}

}  // namespace adjust
