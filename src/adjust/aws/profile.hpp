// The AWS shared config and credentials files (~/.aws/config,
// ~/.aws/credentials): INI parsing and a merged view per profile, read the
// way botocore reads them so that a setup that works with the AWS CLI works here.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "adjust/base/environment.hpp"
#include "adjust/base/file_source.hpp"
#include "adjust/base/result.hpp"

namespace adjust {

// One profile's keys (case as written) and values (trimmed, verbatim otherwise).
using Profile = std::map<std::string, std::string, std::less<>>;
using ProfileMap = std::map<std::string, Profile, std::less<>>;

enum class ProfileFileKind {
  credentials,  // sections are profile names: [dev]
  config,       // [default] and [profile dev]; other sections ignored
};

// Parse one file's text. `origin` names the file in errors ("path:line: reason",
// ErrorCode::config). Duplicate sections merge; a repeated key keeps the last value.
// Indented lines after a key are sub-properties (e.g. "s3 =\n  max_concurrency = 4"):
// tolerated and not exposed.
Result<ProfileMap> parse_profile_file(std::string_view text, ProfileFileKind kind, std::string_view origin);

// AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default".
std::string selected_profile_name(const Environment& env);

// Both files, loaded, plus which profile is selected.
struct ProfileFiles {
  std::string credentials_path;  // as resolved, for messages
  std::string config_path;
  bool credentials_exists = false;
  bool config_exists = false;
  ProfileMap credentials;
  ProfileMap config;
  std::string selected = "default";
  bool selected_explicitly = false;  // named by AWS_PROFILE / AWS_DEFAULT_PROFILE

  bool has_profile(std::string_view name) const;
  // The merged view: config file keys, overridden by credentials file keys.
  std::optional<Profile> profile(std::string_view name) const;
  // One key of one profile in the merged view.
  std::optional<std::string> value(std::string_view profile_name, std::string_view key) const;
  // One key of the selected profile.
  std::optional<std::string> selected_value(std::string_view key) const { return value(selected, key); }
};

// Read both files: AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE, else
// $HOME/.aws/credentials and $HOME/.aws/config ("~/" in the variables expands
// to $HOME). Absent files are empty; unreadable or malformed ones are errors
// (ErrorCode::config).
Result<ProfileFiles> load_profile_files(const Environment& env, const FileSource& files);

}  // namespace adjust
