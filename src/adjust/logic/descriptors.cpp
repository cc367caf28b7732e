
#include "adjust/logic/descriptors.hpp"

#include <algorithm>

#include "adjust/base/numeric.hpp"
#include "adjust/model/fargate.hpp"

namespace adjust {

namespace {

using json = nlohmann::json;

json range_json(const RangeSpec& range) {
  return json{{"type", "range"},
              {"min", number_to_json(range.min)},
              {"max", number_to_json(range.max)},
              {"step", number_to_json(range.step)}};
}

std::string describe_range(const RangeSpec& range) {
  return format_number(range.min) + "-" + format_number(range.max) + " in steps of " +
         format_number(range.step);
}

// Why value does not fit the range, or "" when it does.
std::string misfit(double value, const RangeSpec& range) {
  bool inside = (value >= range.min || nearly_equal(value, range.min)) &&
                (value <= range.max || nearly_equal(value, range.max));
  if (!inside || !is_step_aligned(value, range.min, range.step)) {
    return "is outside the configured range " + describe_range(range);
  }
  return "";
}

class Describer {
 public:
  Describer(const ComponentConfig& config, const CurrentValues& current)
      : m_config(config), m_current(current) {}

  Result<ComponentDescription> run() {
    json settings = json::object();
    for (const auto& name : m_config.setting_order) {
      if (name == "cpu") {
        settings[name] = resource(*m_config.cpu, units_to_vcpu(m_current.cpu_units), "vCPU");
      } else if (name == "mem" || name == "memory") {
        settings[name] = resource(*m_config.memory, mib_to_gib(m_current.memory_mib), "GiB");
      } else if (name == "replicas") {
        settings[name] = replicas(*m_config.replicas);
      } else if (const EnvSetting* env = m_config.find_env(name)) {
        settings[name] = ADJUST_TRY(environment(*env));
      }
    }
    return ComponentDescription{json{{"settings", std::move(settings)}}, std::move(m_warnings)};
  }

 private:
  void warn(const std::string& setting, const std::string& what) {
    m_warnings.push_back("component " + m_config.name + ": current " + setting + " " + what);
  }

  json resource(const ResourceSetting& setting, double current, const char* unit) {
    json out;
    if (setting.is_range) {
      out = range_json(setting.range);
      out["value"] = number_to_json(current);
      if (auto why = misfit(current, setting.range); !why.empty()) {
        warn(setting.key, format_number(current) + " " + unit + " " + why);
      }
    } else {
      json values = json::array();
      for (const auto& value : setting.values) {
        values.push_back(value.value);
      }
      out = json{{"type", "enum"}, {"values", std::move(values)}};
      auto match = std::find_if(setting.values.begin(), setting.values.end(),
                                [&](const EnumValue& value) { return nearly_equal(value.number, current); });
      if (match != setting.values.end()) {
        out["value"] = match->value;
      } else {
        // Same type as the values, so servo can compare them.
        bool strings = setting.values.front().value.is_string();
        out["value"] = strings ? json(format_number(current)) : number_to_json(current);
        warn(setting.key, format_number(current) + " " + unit + " is not one of the configured values");
      }
    }
    out["unit"] = unit;
    out["pinned"] = setting.pinned;
    return out;
  }

  json replicas(const ReplicasSetting& setting) {
    json out{{"type", "range"}, {"min", setting.min}, {"max", setting.max}, {"step", 1}};
    if (setting.unit) {
      out["unit"] = *setting.unit;
    }
    out["pinned"] = setting.pinned;
    out["value"] = m_current.desired_count;
    if (m_current.desired_count < setting.min || m_current.desired_count > setting.max) {
      warn("replicas", std::to_string(m_current.desired_count) + " is outside the configured range " +
                           std::to_string(setting.min) + "-" + std::to_string(setting.max));
    }
    return out;
  }

  Result<json> environment(const EnvSetting& setting) {
    std::optional<std::string> current;
    if (auto found = m_current.env.find(setting.name); found != m_current.env.end()) {
      current = found->second;
    }
    json out;
    if (setting.is_range) {
      out = range_json(setting.range);
    } else {
      out = json{{"type", "enum"}, {"values", setting.values}};
    }
    if (setting.unit) {
      out["unit"] = *setting.unit;
    }
    out["pinned"] = setting.pinned;

    if (!current) {
      if (!setting.default_value) {
        return fail(ErrorCode::config, "component " + m_config.name + ": environment variable " +
                                           setting.name +
                                           " has no value in the container and no default in the config");
      }
      out["value"] = *setting.default_value;
      return out;
    }
    if (setting.is_range) {
      auto number = parse_number(*current);
      if (!number) {
        return fail(ErrorCode::config, "component " + m_config.name + ": environment variable " +
                                           setting.name + " is \"" + *current +
                                           "\" in the container, not a number as its range needs");
      }
      out["value"] = number_to_json(*number);
      if (auto why = misfit(*number, setting.range); !why.empty()) {
        warn(setting.name, format_number(*number) + " " + why);
      }
      return out;
    }
    auto match = std::find_if(setting.values.begin(), setting.values.end(),
                              [&](const json& value) { return format_scalar(value) == current; });
    if (match != setting.values.end()) {
      out["value"] = *match;
    } else {
      out["value"] = *current;
      warn(setting.name, "\"" + *current + "\" is not one of the configured values");
    }
    return out;
  }

  const ComponentConfig& m_config;
  const CurrentValues& m_current;
  std::vector<std::string> m_warnings;
};

}  // namespace

Result<ComponentDescription> describe_component(const ComponentConfig& config, const CurrentValues& current) {
  return Describer(config, current).run();
}

}  // namespace adjust
