// The default credential chain of contract.md "AWS access": environment →
// web identity → shared files (incl. assume-role) → ECS container → EC2 IMDS,
// each a CredentialSource, combined by CredentialChain and cached by
// CachedCredentials. No provider logs or returns a secret in a message.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "adjust/aws/credentials/provider.hpp"
#include "adjust/aws/http.hpp"
#include "adjust/aws/profile.hpp"
#include "adjust/aws/sts.hpp"
#include "adjust/base/clock.hpp"
#include "adjust/base/environment.hpp"
#include "adjust/base/file_source.hpp"
#include "adjust/base/log.hpp"

namespace adjust {

// Everything the providers use. Referenced, not owned: it must outlive them.
struct CredentialContext {
  const Environment& env;
  const ProfileFiles& profiles;
  const FileSource& files;
  Transport& transport;
  StsApi& sts;
  Clock& clock;
  Logger& logger;
};

// What one source found: credentials, or why it does not apply here.
struct SourceResult {
  std::optional<Credentials> credentials;
  std::string skipped;  // set when credentials is empty, e.g. "AWS_ACCESS_KEY_ID not set"

  static SourceResult yielded(Credentials credentials) { return {std::move(credentials), {}}; }
  static SourceResult skip(std::string why) { return {std::nullopt, std::move(why)}; }
};

// One source of the chain. resolve() returns credentials; or "skipped" when the
// source is not configured (the chain records why and moves on); or an Error
// when it is configured but fails (the chain stops there, as botocore does, so
// a broken assume-role profile is reported instead of silently using IMDS).
class CredentialSource : public CredentialsProvider {
 public:
  virtual std::string name() const = 0;  // "environment", "web identity", ...
  virtual Result<SourceResult> resolve() = 0;
  // resolve() alone; "skipped" becomes ErrorCode::credentials "<name>: <why>".
  Result<Credentials> get() override;
};

// AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY [+ AWS_SESSION_TOKEN or legacy
// AWS_SECURITY_TOKEN, AWS_CREDENTIAL_EXPIRATION]. Only one of key/secret set is an error.
class EnvironmentCredentials final : public CredentialSource {
 public:
  explicit EnvironmentCredentials(const Environment& env) : m_env(env) {}
  std::string name() const override { return "environment"; }
  Result<SourceResult> resolve() override;

 private:
  const Environment& m_env;
};

// AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN [+ AWS_ROLE_SESSION_NAME], else the
// selected profile's web_identity_token_file + role_arn (when it has no
// source_profile/credential_source) → STS AssumeRoleWithWebIdentity. The token
// file is read on every resolve().
class WebIdentityCredentials final : public CredentialSource {
 public:
  explicit WebIdentityCredentials(const CredentialContext& context) : m_context(context) {}
  std::string name() const override { return "web identity"; }
  Result<SourceResult> resolve() override;

 private:
  CredentialContext m_context;
};

// The selected profile of the shared files: static keys, or role_arn with
// source_profile (recursive, cycles detected) / credential_source
// (Environment | Ec2InstanceMetadata | EcsContainer) / web_identity_token_file
// → STS AssumeRole. mfa_serial, credential_process and SSO are clear errors.
// A profile named by AWS_PROFILE that does not exist is an error; a missing
// "default" profile is skipped.
class ProfileCredentials final : public CredentialSource {
 public:
  explicit ProfileCredentials(const CredentialContext& context) : m_context(context) {}
  std::string name() const override { return "shared files"; }
  Result<SourceResult> resolve() override;

 private:
  Result<std::optional<Credentials>> from_profile(const std::string& name, std::vector<std::string> path);
  Result<Credentials> assume_role(const std::string& name, const Profile& profile,
                                  std::vector<std::string> path);
  Result<Credentials> from_credential_source(const std::string& name, const std::string& source);

  CredentialContext m_context;
};

// ECS/EKS container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
// (http://169.254.170.2 + value; wins) or _FULL_URI (https anywhere; http only
// to loopback, localhost, 169.254.170.2, 169.254.170.23, [fd00:ec2::23]), with
// Authorization from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read each time) or
// AWS_CONTAINER_AUTHORIZATION_TOKEN. 2 s timeouts, 3 attempts 1 s apart.
class ContainerCredentials final : public CredentialSource {
 public:
  explicit ContainerCredentials(const CredentialContext& context) : m_context(context) {}
  std::string name() const override { return "container"; }
  Result<SourceResult> resolve() override;

  static constexpr std::chrono::milliseconds k_timeout{2000};
  static constexpr int k_attempts = 3;

 private:
  CredentialContext m_context;
};

// EC2 instance metadata, IMDSv2 with IMDSv1 fallback (token PUT 403/404/405 or
// timeout) unless AWS_EC2_METADATA_V1_DISABLED / ec2_metadata_v1_disabled.
// Off with AWS_EC2_METADATA_DISABLED=true. Endpoint AWS_EC2_METADATA_SERVICE_ENDPOINT
// (or mode IPv6), timeout AWS_METADATA_SERVICE_TIMEOUT (1 s), attempts
// AWS_METADATA_SERVICE_NUM_ATTEMPTS (1). As the last resort, every failure
// (timeout, no role, bad reply) is "skipped" with the reason, never an Error.
class ImdsCredentials final : public CredentialSource {
 public:
  explicit ImdsCredentials(const CredentialContext& context) : m_context(context) {}
  std::string name() const override { return "IMDS"; }
  Result<SourceResult> resolve() override;

 private:
  CredentialContext m_context;
};

// Tries sources in order: the first that yields wins (logged at debug by source
// name); a source that errors stops the chain with its error (context added,
// code kept); when none yields, ErrorCode::credentials lists every source and why.
class CredentialChain final : public CredentialsProvider {
 public:
  CredentialChain(std::vector<std::unique_ptr<CredentialSource>> sources, Logger& logger)
      : m_sources(std::move(sources)), m_logger(logger) {}
  Result<Credentials> get() override;
  void invalidate() override;

 private:
  std::vector<std::unique_ptr<CredentialSource>> m_sources;
  Logger& m_logger;
};

// Refresh ahead of expiry (botocore's windows): within `advisory` of
// Expiration try to refresh and keep the old credentials if that fails; within
// `mandatory` the refresh must succeed. Credentials without Expiration are kept
// until invalidate(). Thread-safe (one refresh at a time).
struct RefreshWindows {
  std::chrono::seconds advisory{15 * 60};
  std::chrono::seconds mandatory{10 * 60};
};

class CachedCredentials final : public CredentialsProvider {
 public:
  CachedCredentials(std::unique_ptr<CredentialsProvider> inner, Clock& clock, Logger& logger,
                    RefreshWindows windows = {})
      : m_inner(std::move(inner)), m_clock(clock), m_logger(logger), m_windows(windows) {}
  Result<Credentials> get() override;
  void invalidate() override;

 private:
  std::unique_ptr<CredentialsProvider> m_inner;
  Clock& m_clock;
  Logger& m_logger;
  RefreshWindows m_windows;
  std::mutex m_mutex;
  std::optional<Credentials> m_cached;
};

// The contract's chain, cached. References in `context` must outlive it.
std::unique_ptr<CredentialsProvider> make_default_credentials_chain(const CredentialContext& context);

// Same, reading the profile files itself (local files, $HOME from env) and
// owning them; fails only when a profile file is unreadable or malformed
// (ErrorCode::config). env, transport, sts, clock and logger must outlive it.
Result<std::unique_ptr<CredentialsProvider>> make_default_credentials_chain(const Environment& env,
                                                                            Transport& transport, StsApi& sts,
                                                                            Clock& clock, Logger& logger);

}  // namespace adjust
