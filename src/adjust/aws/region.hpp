// Which AWS region to use, and the client settings a profile may carry.
#pragma once

#include <optional>
#include <string>

#include "adjust/aws/profile.hpp"
#include "adjust/base/environment.hpp"
#include "adjust/base/result.hpp"

namespace adjust {

// config `region` → AWS_REGION → AWS_DEFAULT_REGION → the selected profile's
// `region`. None set, or a value that is not [a-z0-9-]+ (it goes into host
// names), is ErrorCode::config naming where it looked / where the value came from.
Result<std::string> resolve_region(std::optional<std::string> config_region, const Environment& env,
                                   const ProfileFiles& profiles);

// Client settings from the selected profile, verbatim (the client validates them).
struct ProfileClientSettings {
  std::optional<std::string> max_attempts;
  std::optional<std::string> retry_mode;
  std::optional<std::string> endpoint_url;
};

ProfileClientSettings profile_client_settings(const ProfileFiles& profiles);

}  // namespace adjust
