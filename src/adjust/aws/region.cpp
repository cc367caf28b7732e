#include "adjust/aws/region.hpp"

#include <algorithm>

namespace adjust {
namespace {

bool looks_like_region(const std::string& region) {
  return !region.empty() && region.size() <= 64 && std::all_of(region.begin(), region.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

}  // namespace

Result<std::string> resolve_region(std::optional<std::string> config_region, const Environment& env,
                                   const ProfileFiles& profiles) {
  struct Candidate {
    std::optional<std::string> value;
    std::string where;
  };
  const Candidate candidates[] = {
      {std::move(config_region), "config region"},
      {env.non_empty("AWS_REGION"), "AWS_REGION"},
      {env.non_empty("AWS_DEFAULT_REGION"), "AWS_DEFAULT_REGION"},
      {profiles.selected_value("region"),
       "region of profile \"" + profiles.selected + "\" in " + profiles.config_path},
  };
  for (const auto& candidate : candidates) {
    if (!candidate.value || candidate.value->empty()) {
      continue;
    }
    if (!looks_like_region(*candidate.value)) {
      // The value is not secret, but it may be long or odd: quote a bounded prefix.
      return fail(ErrorCode::config, candidate.where + " \"" + candidate.value->substr(0, 64) +
                                         "\" is not a region name (expected e.g. us-east-1)");
    }
    return *candidate.value;
  }
  return fail(ErrorCode::config,
              "no AWS region configured; set config region, AWS_REGION, AWS_DEFAULT_REGION or "
              "region in profile \"" +
                  profiles.selected + "\" of " + profiles.config_path);
}

ProfileClientSettings profile_client_settings(const ProfileFiles& profiles) {
  return ProfileClientSettings{profiles.selected_value("max_attempts"), profiles.selected_value("retry_mode"),
                               profiles.selected_value("endpoint_url")};
}

}  // namespace adjust
