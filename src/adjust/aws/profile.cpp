#include "adjust/aws/profile.hpp"

#include <cstddef>

namespace adjust {
namespace {

constexpr std::string_view k_blanks = " \t\r\f\v";

std::string_view trim(std::string_view text) {
  auto first = text.find_first_not_of(k_blanks);
  if (first == std::string_view::npos) {
    return {};
  }
  auto last = text.find_last_not_of(k_blanks);
  return text.substr(first, last - first + 1);
}

bool is_comment(std::string_view trimmed) {
  return !trimmed.empty() && (trimmed.front() == '#' || trimmed.front() == ';');
}

Error parse_error(std::string_view origin, std::size_t line_number, std::string_view reason) {
  return Error{ErrorCode::config,
               std::string(origin) + ":" + std::to_string(line_number) + ": " + std::string(reason),
               {},
               {},
               0};
}

// The profile a section header names, or nullopt for sections we ignore
// (sso-session, services, and config sections without the "profile " prefix).
std::optional<std::string> profile_of_section(std::string_view header, ProfileFileKind kind) {
  if (kind == ProfileFileKind::credentials) {
    return std::string(header);
  }
  if (header == "default") {
    return std::string(header);
  }
  constexpr std::string_view k_prefix = "profile";
  if (header.starts_with(k_prefix) && header.size() > k_prefix.size() &&
      k_blanks.find(header[k_prefix.size()]) != std::string_view::npos) {
    auto name = trim(header.substr(k_prefix.size()));
    if (!name.empty()) {
      return std::string(name);
    }
  }
  return std::nullopt;
}

}  // namespace

Result<ProfileMap> parse_profile_file(std::string_view text, ProfileFileKind kind, std::string_view origin) {
  ProfileMap profiles;
  Profile* current = nullptr;  // null outside a section or in an ignored one
  bool in_section = false;
  bool after_property = false;  // an indented line may continue the last property
  std::size_t line_number = 0;

  std::size_t position = 0;
  while (position <= text.size()) {
    auto end = text.find('\n', position);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    auto line = text.substr(position, end - position);
    position = end + 1;
    ++line_number;

    auto trimmed = trim(line);
    if (trimmed.empty() || is_comment(trimmed)) {
      continue;
    }
    bool indented = k_blanks.find(line.front()) != std::string_view::npos;

    if (indented && after_property) {
      continue;  // a sub-property or continuation line: tolerated, not exposed
    }
    if (trimmed.front() == '[') {
      auto close = trimmed.find(']');
      if (close == std::string_view::npos) {
        return fail(parse_error(origin, line_number, "section header without ']'"));
      }
      auto rest = trim(trimmed.substr(close + 1));
      if (!rest.empty() && !is_comment(rest)) {
        return fail(parse_error(origin, line_number, "unexpected text after section header"));
      }
      auto header = trim(trimmed.substr(1, close - 1));
      if (header.empty()) {
        return fail(parse_error(origin, line_number, "empty section name"));
      }
      auto name = profile_of_section(header, kind);
      current = name ? &profiles[*name] : nullptr;
      in_section = true;
      after_property = false;
      continue;
    }
    if (!in_section) {
      return fail(parse_error(origin, line_number, "property outside of any section"));
    }
    auto delimiter = trimmed.find_first_of("=:");
    if (delimiter == std::string_view::npos) {
      return fail(parse_error(origin, line_number, "expected 'key = value'"));
    }
    auto key = trim(trimmed.substr(0, delimiter));
    if (key.empty()) {
      return fail(parse_error(origin, line_number, "property without a name"));
    }
    auto value = trim(trimmed.substr(delimiter + 1));
    if (current != nullptr) {
      (*current)[std::string(key)] = std::string(value);
    }
    after_property = true;
  }
  return profiles;
}

std::string selected_profile_name(const Environment& env) {
  if (auto name = env.non_empty("AWS_PROFILE")) {
    return *name;
  }
  if (auto name = env.non_empty("AWS_DEFAULT_PROFILE")) {
    return *name;
  }
  return "default";
}

bool ProfileFiles::has_profile(std::string_view name) const {
  return credentials.contains(name) || config.contains(name);
}

std::optional<Profile> ProfileFiles::profile(std::string_view name) const {
  auto from_config = config.find(name);
  auto from_credentials = credentials.find(name);
  if (from_config == config.end() && from_credentials == credentials.end()) {
    return std::nullopt;
  }
  Profile merged;
  if (from_config != config.end()) {
    merged = from_config->second;
  }
  if (from_credentials != credentials.end()) {
    for (const auto& [key, value] : from_credentials->second) {
      merged[key] = value;
    }
  }
  return merged;
}

std::optional<std::string> ProfileFiles::value(std::string_view profile_name, std::string_view key) const {
  for (const ProfileMap* map : {&credentials, &config}) {
    auto found = map->find(profile_name);
    if (found == map->end()) {
      continue;
    }
    auto entry = found->second.find(key);
    if (entry != found->second.end()) {
      return entry->second;
    }
  }
  return std::nullopt;
}

namespace {

std::string expand_home(std::string path, const std::optional<std::string>& home) {
  if (home && (path == "~" || path.starts_with("~/"))) {
    return *home + path.substr(1);
  }
  return path;
}

// Read and parse one file; an absent file is an empty map.
Status load_one(const FileSource& files, const std::string& path, ProfileFileKind kind, bool& exists,
                ProfileMap& out) {
  auto content = ADJUST_TRY(files.read(path));
  exists = content.has_value();
  if (content) {
    out = ADJUST_TRY(parse_profile_file(*content, kind, path));
  }
  return {};
}

}  // namespace

Result<ProfileFiles> load_profile_files(const Environment& env, const FileSource& files) {
  ProfileFiles result;
  auto home = env.non_empty("HOME");
  result.credentials_path =
      expand_home(env.non_empty("AWS_SHARED_CREDENTIALS_FILE").value_or("~/.aws/credentials"), home);
  result.config_path = expand_home(env.non_empty("AWS_CONFIG_FILE").value_or("~/.aws/config"), home);
  result.selected = selected_profile_name(env);
  result.selected_explicitly =
      env.non_empty("AWS_PROFILE").has_value() || env.non_empty("AWS_DEFAULT_PROFILE").has_value();

  // Without HOME a "~/" path cannot be resolved: treat the file as absent.
  if (!result.credentials_path.starts_with("~")) {
    ADJUST_CHECK(load_one(files, result.credentials_path, ProfileFileKind::credentials,
                          result.credentials_exists, result.credentials));
  }
  if (!result.config_path.starts_with("~")) {
    ADJUST_CHECK(
        load_one(files, result.config_path, ProfileFileKind::config, result.config_exists, result.config));
  }
  return result;
}

}  // namespace adjust
