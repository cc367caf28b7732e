#include "adjust/config/config.hpp"

#include <algorithm>
#include <cmath>

#include "adjust/base/numeric.hpp"
#include "adjust/base/utf8.hpp"
#include "adjust/config/settings.hpp"
#include "adjust/config/yaml_walker.hpp"

namespace adjust {

namespace {

constexpr std::string_view k_section = "fargate";
constexpr const char* k_use_ranges_var = "OPTUNE_ECS_USE_RANGES";

// Reserved names for the setting kinds: an env var may not take one.
bool is_resource_name(std::string_view name) {
  return name == "cpu" || name == "mem" || name == "memory" || name == "replicas";
}

// Whole seconds from a number of seconds (rounded up: a timeout is a minimum).
std::optional<std::chrono::seconds> read_seconds(YamlWalker& walker, const YamlEntry& entry,
                                                 std::string_view path, bool allow_zero) {
  auto value = walker.number(entry, path);
  if (!value) {
    return std::nullopt;
  }
  if (*value < 0 || (!allow_zero && *value == 0) || *value > 1e9) {
    walker.error_at(value_mark(entry), path,
                    std::string(allow_zero ? "must be 0 or more" : "must be greater than 0") +
                        " seconds, got " + format_number(*value));
    return std::nullopt;
  }
  return std::chrono::seconds(static_cast<std::int64_t>(std::ceil(*value - 1e-9)));
}

std::optional<std::string> read_non_empty_string(YamlWalker& walker, const YamlEntry& entry,
                                                 std::string_view path) {
  auto text = walker.string(entry, path);
  if (text && text->empty()) {
    walker.error_at(value_mark(entry), path, "must not be empty");
    return std::nullopt;
  }
  return text;
}

std::optional<int> read_percent(YamlWalker& walker, const YamlEntry& entry, std::string_view path,
                                std::int64_t max) {
  auto value = walker.integer(entry, path);
  if (!value) {
    return std::nullopt;
  }
  if (*value < 0 || *value > max) {
    walker.error_at(value_mark(entry), path,
                    "must be between 0 and " + std::to_string(max) + ", got " + std::to_string(*value));
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

void parse_deployment(YamlWalker& walker, const YamlEntry& entry, std::string_view path,
                      DeploymentOptions& deployment) {
  for (const auto& item : walker.entries(entry.value, path)) {
    std::string item_path = join_path(path, item.key);
    if (item.key == "maximum_percent") {
      deployment.maximum_percent = read_percent(walker, item, item_path, 2000);
    } else if (item.key == "minimum_healthy_percent") {
      deployment.minimum_healthy_percent = read_percent(walker, item, item_path, 100);
    } else if (item.key == "paused_hooks") {
      auto text = walker.string(item, item_path);
      if (text && *text == "continue") {
        deployment.continue_paused_hooks = true;
      } else if (text && *text != "fail") {
        walker.error_at(value_mark(item), item_path, "must be fail or continue, got \"" + *text + "\"");
      }
    } else {
      walker.error(item.key_node, item_path,
                   "unknown key (allowed here: maximum_percent, minimum_healthy_percent, paused_hooks)");
    }
  }
  if (deployment.maximum_percent && deployment.minimum_healthy_percent &&
      *deployment.maximum_percent < *deployment.minimum_healthy_percent) {
    walker.error(entry.key_node, path, "maximum_percent is less than minimum_healthy_percent");
  }
}

void parse_settings(YamlWalker& walker, const YamlEntry& entry, std::string_view path, bool use_ranges,
                    ComponentConfig& component) {
  if (entry.value.IsNull()) {
    return;
  }
  const YamlEntry* memory_entry = nullptr;
  for (const auto& item : walker.entries(entry.value, path)) {
    std::string item_path = join_path(path, item.key);
    if (item.key == "cpu") {
      component.cpu = parse_resource_setting(walker, item, item_path, ResourceKind::cpu, use_ranges);
      component.setting_order.push_back(item.key);
    } else if (item.key == "mem" || item.key == "memory") {
      if (memory_entry) {
        walker.error(item.key_node, item_path,
                     "both mem and memory are given; they are the same setting, keep one");
        continue;
      }
      memory_entry = &item;
      component.memory = parse_resource_setting(walker, item, item_path, ResourceKind::memory, use_ranges);
      component.setting_order.push_back(item.key);
    } else if (item.key == "replicas") {
      if (item.value.IsNull()) {
        // The original skipped a replicas entry without a body; max has no default.
        walker.warn(item.key_node, item_path, "has no body, so replicas is not offered (max is required)");
        continue;
      }
      component.replicas = parse_replicas_setting(walker, item, item_path);
      component.setting_order.push_back(item.key);
    } else {
      walker.warn(
          item.key_node, item_path,
          "unknown setting, ignored (known: cpu, mem/memory, replicas; env vars go under environment)");
    }
  }
}

void parse_environment(YamlWalker& walker, const YamlEntry& entry, std::string_view path,
                       ComponentConfig& component) {
  if (entry.value.IsNull()) {
    return;
  }
  for (const auto& item : walker.entries(entry.value, path)) {
    std::string item_path = join_path(path, item.key);
    if (is_resource_name(item.key)) {
      walker.error(item.key_node, item_path,
                   "an environment variable may not be named like the setting " + item.key);
      continue;
    }
    if (auto setting = parse_env_setting(walker, item, item_path)) {
      component.environment.push_back(std::move(*setting));
      component.setting_order.push_back(item.key);
    }
  }
}

std::optional<ComponentConfig> parse_component(YamlWalker& walker, const YamlEntry& entry,
                                               const Environment& env) {
  std::string path = join_path(k_section, entry.key);
  if (!entry.value.IsMap()) {
    walker.error_at(
        value_mark(entry), path,
        "a component must be a mapping with at least service_name, got " + describe_node(entry.value));
    return std::nullopt;
  }
  ComponentConfig component;
  component.name = entry.key;
  bool use_ranges = env_flag(env, k_use_ranges_var);
  bool has_service_name = false;
  std::optional<std::string> cluster;
  for (const auto& item : walker.entries(entry.value, path)) {
    std::string item_path = join_path(path, item.key);
    const std::string& key = item.key;
    if (key == "service_name") {
      has_service_name = true;
      component.service_name = read_non_empty_string(walker, item, item_path).value_or("");
    } else if (key == "cluster") {
      if (!item.value.IsNull()) {  // the original treated an empty cluster as unset
        cluster = walker.string(item, item_path);
      }
    } else if (key == "timeout_service_desired_count") {
      if (auto seconds = read_seconds(walker, item, item_path, false)) {
        component.timeout_service_desired_count = *seconds;
      }
    } else if (key == "settings") {
      parse_settings(walker, item, item_path, use_ranges, component);
    } else if (key == "environment") {
      parse_environment(walker, item, item_path, component);
    } else if (key == "container") {
      component.container = read_non_empty_string(walker, item, item_path);
    } else if (key == "on_failure") {
      auto text = walker.string(item, item_path);
      if (text == "rollback") {
        component.on_failure = OnFailure::rollback;
      } else if (text == "nothing") {
        component.on_failure = OnFailure::nothing;
      } else if (text) {
        walker.error_at(value_mark(item), item_path, "must be rollback or nothing, got \"" + *text + "\"");
      }
    } else if (key == "keep_revisions") {
      auto value = walker.integer(item, item_path);
      if (value && (*value < 0 || *value > 1000000)) {
        walker.error_at(value_mark(item), item_path,
                        "must be 0 (keep all) or more, got " + std::to_string(*value));
      } else if (value) {
        component.keep_revisions = static_cast<int>(*value);
      }
    } else if (key == "settlement") {
      if (auto seconds = read_seconds(walker, item, item_path, true)) {
        component.settlement = *seconds;
      }
    } else if (key == "replicas_when_autoscaled") {
      auto text = walker.string(item, item_path);
      if (text == "pin") {
        component.pin_autoscaled_replicas = true;
      } else if (text && *text != "refuse") {
        walker.error_at(value_mark(item), item_path, "must be refuse or pin, got \"" + *text + "\"");
      }
    } else if (key == "wait_for_drain") {
      component.wait_for_drain = walker.boolean(item, item_path).value_or(false);
    } else if (key == "scale_container_resources") {
      component.scale_container_resources = walker.boolean(item, item_path).value_or(false);
    } else if (key == "deployment") {
      parse_deployment(walker, item, item_path, component.deployment);
    } else {
      walker.warn(item.key_node, item_path, "unknown key, ignored");
    }
  }
  if (!has_service_name) {
    walker.error(entry.key_node, join_path(path, "service_name"), "is required");
  }
  if (!cluster || cluster->empty()) {
    cluster = env.non_empty("FARGATE_CLUSTER").value_or("default");
  }
  component.cluster = *cluster;
  return component;
}

bool is_http_url(std::string_view text) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (text.starts_with(scheme) && text.size() > scheme.size()) {
      return true;
    }
  }
  return false;
}

std::optional<std::string> read_url(YamlWalker& walker, const YamlEntry& entry, std::string_view path) {
  auto text = walker.string(entry, path);
  if (text && !is_http_url(*text)) {
    walker.error_at(value_mark(entry), path, "must be an http:// or https:// URL, got \"" + *text + "\"");
    return std::nullopt;
  }
  return text;
}

void parse_notify(YamlWalker& walker, const YamlEntry& entry, Config& config) {
  std::string path = join_path(k_section, "notify");
  for (const auto& item : walker.entries(entry.value, path)) {
    std::string item_path = join_path(path, item.key);
    if (item.key == "webhook_url") {
      config.notify_webhook_url = read_url(walker, item, item_path);
    } else {
      walker.error(item.key_node, item_path, "unknown key (allowed here: webhook_url)");
    }
  }
}

// Keys under `fargate` that are options, not components, when their value has
// the option's shape (a component named "region" stays possible as a mapping).
bool is_reserved_option(const YamlEntry& entry) {
  if (entry.key == "region" || entry.key == "endpoint_url") {
    return !entry.value.IsMap();
  }
  if (entry.key == "notify") {
    return entry.value.IsMap() && !entry.value["service_name"];
  }
  return false;
}

void parse_fargate(YamlWalker& walker, const YamlEntry& section, const Environment& env, Config& config) {
  if (!section.value.IsMap() || section.value.size() == 0) {
    walker.error_at(value_mark(section), std::string(k_section),
                    "must be a non-empty mapping of components, got " + describe_node(section.value));
    return;
  }
  for (const auto& entry : walker.entries(section.value, k_section)) {
    std::string path = join_path(k_section, entry.key);
    if (is_reserved_option(entry)) {
      if (entry.key == "region") {
        config.region = read_non_empty_string(walker, entry, path);
      } else if (entry.key == "endpoint_url") {
        config.endpoint_url = read_url(walker, entry, path);
      } else {
        parse_notify(walker, entry, config);
      }
      continue;
    }
    if (auto component = parse_component(walker, entry, env)) {
      config.components.push_back(std::move(*component));
    }
  }
  if (config.components.empty() && walker.errors().empty()) {
    walker.error_at(value_mark(section), std::string(k_section), "defines no component");
  }
}

Error config_error(const std::string& origin, const std::vector<std::string>& problems) {
  std::string message =
      origin + ": " + std::to_string(problems.size()) + (problems.size() == 1 ? " problem" : " problems");
  for (const auto& problem : problems) {
    message += "\n" + problem;
  }
  return Error{ErrorCode::config, message, {}, {}, 0};
}

}  // namespace

const EnvSetting* ComponentConfig::find_env(std::string_view var) const {
  auto found = std::find_if(environment.begin(), environment.end(),
                            [&](const EnvSetting& setting) { return setting.name == var; });
  return found == environment.end() ? nullptr : &*found;
}

const ComponentConfig* Config::find_component(std::string_view name) const {
  auto found = std::find_if(components.begin(), components.end(),
                            [&](const ComponentConfig& component) { return component.name == name; });
  return found == components.end() ? nullptr : &*found;
}

Result<Config> parse_config(std::string_view yaml_text, std::string_view origin_path,
                            const Environment& env) {
  std::string origin(origin_path);
  if (auto bad = first_invalid_utf8(yaml_text)) {
    const std::string_view before = yaml_text.substr(0, *bad);
    const auto line = std::count(before.begin(), before.end(), '\n') + 1;
    const auto line_start = before.rfind('\n');
    const auto column = *bad - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
    return fail(config_error(origin, {origin + ":" + std::to_string(line) + ":" + std::to_string(column) +
                                      ": not valid UTF-8 text"}));
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::ParserException& error) {
    std::string where = origin;
    if (!error.mark.is_null()) {
      where += ":" + std::to_string(error.mark.line + 1) + ":" + std::to_string(error.mark.column + 1);
    }
    return fail(config_error(origin, {where + ": invalid YAML: " + error.msg}));
  } catch (const YAML::Exception& error) {
    return fail(config_error(origin, {origin + ": invalid YAML: " + error.what()}));
  }

  Config config;
  config.path = origin;
  YamlWalker walker(origin);
  try {
    if (!root.IsMap() || !root[std::string(k_section)]) {
      walker.error_at(root.Mark(), "",
                      "no fargate section (the file must be a mapping with a top-level fargate key)");
    } else {
      // Other top-level keys belong to other drivers sharing servo's config.yaml.
      for (auto it = root.begin(); it != root.end(); ++it) {
        if (it->first.IsScalar() && it->first.Scalar() == k_section) {
          parse_fargate(walker, YamlEntry{std::string(k_section), it->first, it->second}, env, config);
        }
      }
    }
  } catch (const YAML::Exception& error) {
    walker.error_at(YAML::Mark::null_mark(), "", std::string("unexpected YAML problem: ") + error.what());
  }
  if (!walker.errors().empty()) {
    return fail(config_error(origin, walker.errors()));
  }
  config.warnings = std::move(walker.warnings());
  return config;
}

}  // namespace adjust
