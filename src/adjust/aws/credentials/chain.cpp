#include "adjust/aws/credentials/sources.hpp"

namespace adjust {

Result<Credentials> CredentialSource::get() {
  auto result = ADJUST_TRY(resolve());
  if (!result.credentials) {
    return fail(ErrorCode::credentials, name() + ": " + result.skipped);
  }
  return *std::move(result.credentials);
}

Result<Credentials> CredentialChain::get() {
  std::string tried;
  for (const auto& source : m_sources) {
    auto result = source->resolve();
    if (!result) {
      m_logger.debug("credentials: " + source->name() + " failed");
      return fail(with_context(result.error(), "credentials from " + source->name()));
    }
    if (result->credentials) {
      m_logger.debug("credentials from " + result->credentials->source);
      return *std::move(result->credentials);
    }
    m_logger.trace("credentials: " + source->name() + " skipped: " + result->skipped);
    tried += (tried.empty() ? "" : ", ") + source->name() + " (" + result->skipped + ")";
  }
  return fail(ErrorCode::credentials, "no AWS credentials found; tried: " + tried);
}

void CredentialChain::invalidate() {
  for (const auto& source : m_sources) {
    source->invalidate();
  }
}

std::unique_ptr<CredentialsProvider> make_default_credentials_chain(const CredentialContext& context) {
  std::vector<std::unique_ptr<CredentialSource>> sources;
  sources.push_back(std::make_unique<EnvironmentCredentials>(context.env));
  sources.push_back(std::make_unique<WebIdentityCredentials>(context));
  sources.push_back(std::make_unique<ProfileCredentials>(context));
  sources.push_back(std::make_unique<ContainerCredentials>(context));
  sources.push_back(std::make_unique<ImdsCredentials>(context));
  return std::make_unique<CachedCredentials>(
      std::make_unique<CredentialChain>(std::move(sources), context.logger), context.clock, context.logger);
}

namespace {

// Owns the profile files the chain's context refers to.
class OwningChain final : public CredentialsProvider {
 public:
  OwningChain(ProfileFiles profiles, const Environment& env, Transport& transport, StsApi& sts, Clock& clock,
              Logger& logger)
      : m_profiles(std::move(profiles)),
        m_context{env, m_profiles, local_file_source(), transport, sts, clock, logger},
        m_chain(make_default_credentials_chain(m_context)) {}
  Result<Credentials> get() override { return m_chain->get(); }
  void invalidate() override { m_chain->invalidate(); }

 private:
  ProfileFiles m_profiles;
  CredentialContext m_context;
  std::unique_ptr<CredentialsProvider> m_chain;
};

}  // namespace

Result<std::unique_ptr<CredentialsProvider>> make_default_credentials_chain(const Environment& env,
                                                                            Transport& transport, StsApi& sts,
                                                                            Clock& clock, Logger& logger) {
  auto profiles = ADJUST_TRY(load_profile_files(env, local_file_source()));
  return std::unique_ptr<CredentialsProvider>(
      std::make_unique<OwningChain>(std::move(profiles), env, transport, sts, clock, logger));
}

}  // namespace adjust
