// The typed, validated model of config.yaml: a superset of the original
// servo-fargate schema (servo-protocol.md §3.3). Parsing applies every default
// and checks every value, so the rest of the program trusts a Config.
// The full key reference, with defaults and units, is config.yaml.example.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adjust/base/environment.hpp"
#include "adjust/base/result.hpp"

namespace adjust {

struct RangeSpec {
  double min = 0;
  double max = 0;
  double step = 0;  // > 0 unless min == max
};

// One enum value as written in the file: its JSON form (string or number, kept
// for output) and, for cpu/mem, its number (vCPU or GiB) for comparisons.
struct EnumValue {
  nlohmann::json value;
  double number = 0;
};

// cpu (vCPU) or memory (GiB): either a range or an enum.
struct ResourceSetting {
  std::string key;  // as in the file: "cpu", "mem" or "memory"
  bool is_range = false;
  RangeSpec range;                // when is_range
  std::vector<EnumValue> values;  // when !is_range, in file order, non-empty
  bool pinned = false;
};

struct ReplicasSetting {
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::optional<std::string> unit;
  bool pinned = false;
};

// A container environment variable offered as a setting.
struct EnvSetting {
  std::string name;
  bool is_range = false;
  RangeSpec range;                     // when is_range
  std::vector<nlohmann::json> values;  // when !is_range: strings, numbers or bools
  std::optional<std::string> unit;
  std::optional<nlohmann::json> default_value;  // number (range) or one of values (enum)
  std::optional<std::string> container;         // overrides the component's container
  bool pinned = false;
};

enum class OnFailure { rollback, nothing };

struct DeploymentOptions {
  std::optional<int> maximum_percent;  // ECS deploymentConfiguration, unset = leave as is
  std::optional<int> minimum_healthy_percent;
  // A deployment waiting at a PAUSE lifecycle hook: fail fast and roll back
  // (default), or continue it with ContinueServiceDeployment.
  bool continue_paused_hooks = false;
};

// One ECS service; its key under `fargate` is the component name.
struct ComponentConfig {
  std::string name;
  std::string service_name;
  std::string cluster;  // config, else $FARGATE_CLUSTER, else "default"
  std::chrono::seconds timeout_service_desired_count{1200};
  std::optional<ResourceSetting> cpu;
  std::optional<ResourceSetting> memory;  // key "mem" or "memory"
  std::optional<ReplicasSetting> replicas;
  std::vector<EnvSetting> environment;     // in file order
  std::vector<std::string> setting_order;  // every setting name, in file order
  std::optional<std::string> container;    // default container for env vars
  OnFailure on_failure = OnFailure::rollback;
  int keep_revisions = 0;  // 0 = keep all
  std::chrono::seconds settlement{0};
  bool wait_for_drain = false;
  // A replicas setting on a service Application Auto Scaling scales: refused
  // (the scaler would undo it), or pinned (min = max = the value).
  bool pin_autoscaled_replicas = false;
  bool scale_container_resources = false;
  DeploymentOptions deployment;

  const EnvSetting* find_env(std::string_view var) const;
};

struct Config {
  std::string path;                         // where it was read from
  std::vector<ComponentConfig> components;  // in file order, at least one
  std::optional<std::string> region;
  std::optional<std::string> endpoint_url;
  std::optional<std::string> notify_webhook_url;
  // Things the original silently ignored (unknown component keys...): reported,
  // not fatal, so every config the original accepted still loads.
  std::vector<std::string> warnings;

  const ComponentConfig* find_component(std::string_view name) const;
};

// Parse and validate. Every problem is collected; the ErrorCode::config
// message starts with how many there are, then one line each:
// "<origin>:<line>:<col>: <key.path>: <what is wrong>".
Result<Config> parse_config(std::string_view yaml_text, std::string_view origin_path, const Environment& env);

// Read path, then parse_config. A missing or unreadable file is ErrorCode::config.
Result<Config> load_config(const std::string& path, const Environment& env);

// --config, else $OPTUNE_CONFIG (when non-empty), else "./config.yaml".
std::string resolve_config_path(std::optional<std::string> cli_path, const Environment& env);

}  // namespace adjust
