// Private: parsers for one setting body (cpu, mem, replicas, an env var),
// shared by the config parser. Each records problems in the walker.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "adjust/config/config.hpp"
#include "adjust/config/yaml_walker.hpp"

namespace adjust {

enum class ResourceKind { cpu, memory };

// entry.value may be null: the setting is enabled with defaults. use_ranges is
// the OPTUNE_ECS_USE_RANGES mode, used when the body has no `type`.
std::optional<ResourceSetting> parse_resource_setting(YamlWalker& walker, const YamlEntry& entry,
                                                      std::string_view path, ResourceKind kind,
                                                      bool use_ranges);

std::optional<ReplicasSetting> parse_replicas_setting(YamlWalker& walker, const YamlEntry& entry,
                                                      std::string_view path);

std::optional<EnvSetting> parse_env_setting(YamlWalker& walker, const YamlEntry& entry,
                                            std::string_view path);

}  // namespace adjust
