// The `--query` settings descriptors servo reads (servo-protocol.md §1.3,
// §3.4), built from a component's config and its current values, with the
// original's defects fixed (§3.8): stable value order, memory not truncated,
// value of the same type as the enum values.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "adjust/base/result.hpp"
#include "adjust/config/config.hpp"

namespace adjust {

// What the service runs now.
struct CurrentValues {
  int cpu_units = 0;   // task cpu
  int memory_mib = 0;  // task memory
  int desired_count = 0;
  // Env var name → value in the container it lives in; absent or nullopt = unset.
  std::map<std::string, std::optional<std::string>, std::less<>> env;
};

struct ComponentDescription {
  // {"settings": {"cpu": {...}, "mem": {...}, "replicas": {...}, "GOGC": {...}}}
  nlohmann::json component;
  // Current values the descriptor cannot honestly represent (outside the range,
  // off step, not in values): the descriptor still reports them; log these.
  std::vector<std::string> warnings;
};

// ErrorCode::config when an env var has no value and no default, or a range env
// var holds a value that is not a number.
Result<ComponentDescription> describe_component(const ComponentConfig& config, const CurrentValues& current);

}  // namespace adjust
