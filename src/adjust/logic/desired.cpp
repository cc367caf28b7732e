
#include "adjust/logic/desired.hpp"

#include <limits>

#include <algorithm>
#include <cmath>

#include "adjust/base/numeric.hpp"
#include "adjust/model/fargate.hpp"

namespace adjust {

namespace {

struct Problem {
  ErrorCode code;
  std::string message;
};

// Collects problems for one request; the first problem's code is the result's.
class Problems {
 public:
  void add(ErrorCode code, std::string message) { m_list.push_back({code, std::move(message)}); }
  bool empty() const { return m_list.empty(); }
  std::size_t size() const { return m_list.size(); }

  Error error() const {
    std::string message;
    for (const auto& problem : m_list) {
      message += (message.empty() ? "" : "\n") + problem.message;
    }
    return Error{m_list.front().code, message, {}, {}, 0};
  }

 private:
  std::vector<Problem> m_list;
};

std::string show(const nlohmann::json& value) {
  if (value.is_string()) {
    return value.dump();
  }
  return format_scalar(value).value_or(value.dump());
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) {
    text += (text.empty() ? "" : ", ") + item;
  }
  return text;
}

std::string range_text(const RangeSpec& range, const std::string& unit_suffix) {
  return format_number(range.min) + "-" + format_number(range.max) + unit_suffix + " in steps of " +
         format_number(range.step);
}

// Range membership and step alignment; "" when fine, else why not.
std::string range_violation(double value, const RangeSpec& range, const std::string& unit_suffix) {
  if (value < range.min && !nearly_equal(value, range.min)) {
    return "is below the minimum " + format_number(range.min) + unit_suffix + " (allowed " +
           range_text(range, unit_suffix) + ")";
  }
  if (value > range.max && !nearly_equal(value, range.max)) {
    return "is above the maximum " + format_number(range.max) + unit_suffix + " (allowed " +
           range_text(range, unit_suffix) + ")";
  }
  if (!is_step_aligned(value, range.min, range.step)) {
    return "is not on a step (allowed " + range_text(range, unit_suffix) + ")";
  }
  return "";
}

class ComponentValidator {
 public:
  ComponentValidator(const ComponentConfig& config, Problems& problems, DesiredComponent& desired)
      : m_config(config), m_problems(problems), m_desired(desired) {}

  void setting(const RequestedSetting& requested) {
    const std::string& name = requested.name;
    if (name == "cpu" && m_config.cpu) {
      resource(requested, *m_config.cpu, true);
    } else if ((name == "mem" || name == "memory") && m_config.memory) {
      if (m_memory_seen) {
        reject(name, "memory is requested twice (as mem and memory)");
        return;
      }
      m_memory_seen = true;
      resource(requested, *m_config.memory, false);
    } else if (name == "replicas" && m_config.replicas) {
      replicas(requested, *m_config.replicas);
    } else if (const EnvSetting* env = m_config.find_env(name)) {
      environment(requested, *env);
    } else {
      m_problems.add(ErrorCode::rejected_value, "component " + m_config.name + ": unknown setting \"" + name +
                                                    "\" (known: " + join(m_config.setting_order) + ")");
    }
  }

 private:
  void reject(const std::string& setting, const std::string& why) {
    m_problems.add(ErrorCode::rejected_value, "component " + m_config.name + ": " + setting + " " + why);
  }

  void resource(const RequestedSetting& requested, const ResourceSetting& config, bool is_cpu) {
    const char* unit = is_cpu ? "vCPU" : "GiB";
    std::string suffix = std::string(" ") + unit;
    auto number = json_to_number(requested.value);
    if (!number) {
      reject(requested.name, "value " + show(requested.value) + " is not a number of " + unit);
      return;
    }
    std::string label = "value " + format_number(*number) + suffix;
    std::string refusal;
    if (config.is_range) {
      auto why = range_violation(*number, config.range, suffix);
      if (!why.empty()) refusal = label + " " + why;
    } else {
      bool listed = std::any_of(config.values.begin(), config.values.end(),
                                [&](const EnumValue& value) { return nearly_equal(value.number, *number); });
      if (!listed) {
        std::vector<std::string> allowed;
        for (const auto& value : config.values) {
          allowed.push_back(format_number(value.number));
        }
        refusal = label + " is not one of the allowed values " + join(allowed) + suffix;
      }
    }
    auto scaled = is_cpu ? vcpu_to_units(*number) : gib_to_mib(*number);
    bool valid = scaled && (is_cpu ? is_valid_fargate_cpu(*scaled) : is_valid_fargate_memory(*scaled));
    if (!valid && !refusal.empty()) {  // no service runs it: the config's refusal says why
      reject(requested.name, refusal);
      return;
    }
    if (!valid) {
      m_problems.add(
          ErrorCode::infeasible,
          "component " + m_config.name + ": " + requested.name + " " + format_number(*number) + suffix +
              " is not a Fargate task size (valid: " +
              (is_cpu ? "0.25, 0.5, 1, 2, 4, 8, 16 vCPU" : "0.5, 1-30 by 1, 32-60 by 4, 64-120 by 8 GiB") +
              ")");
      return;
    }
    (is_cpu ? m_desired.cpu_units : m_desired.memory_mib) = *scaled;
    if (config.pinned || !refusal.empty())
      m_desired.current_only.push_back({requested.name, *scaled, refusal});
  }

  void replicas(const RequestedSetting& requested, const ReplicasSetting& config) {
    auto number = json_to_number(requested.value);
    if (!number) {
      reject("replicas", "value " + show(requested.value) + " is not a number");
      return;
    }
    if (!is_integral(*number)) {
      reject("replicas", "value " + format_number(*number) + " is not a whole number");
      return;
    }
    if (*number < 0 || *number > std::numeric_limits<int>::max()) {
      reject("replicas", "value " + format_number(*number) + " is not a task count");
      return;
    }
    auto count = std::llround(*number);
    std::string refusal;
    if (count < config.min || count > config.max) {
      refusal = "value " + std::to_string(count) + " is outside the range " + std::to_string(config.min) +
                "-" + std::to_string(config.max);
    }
    m_desired.replicas = static_cast<int>(count);
    if (config.pinned || !refusal.empty()) m_desired.current_only.push_back({"replicas", count, refusal});
  }

  void environment(const RequestedSetting& requested, const EnvSetting& config) {
    std::string unit_suffix = config.unit ? " " + *config.unit : "";
    std::optional<std::string> text;
    std::string refusal;
    if (config.is_range) {
      auto number = json_to_number(requested.value);
      if (!number) {
        reject(requested.name, "value " + show(requested.value) + " is not a number");
        return;
      }
      auto why = range_violation(*number, config.range, unit_suffix);
      if (!why.empty()) refusal = "value " + format_number(*number) + unit_suffix + " " + why;
      text = format_number(*number);
    } else {
      text = format_scalar(requested.value);
      if (!text) {
        reject(requested.name, "value " + show(requested.value) + " is not a string or a number");
        return;
      }
      bool listed = std::any_of(config.values.begin(), config.values.end(),
                                [&](const nlohmann::json& value) { return format_scalar(value) == text; });
      if (!listed) {
        std::vector<std::string> allowed;
        for (const auto& value : config.values) {
          allowed.push_back(show(value));
        }
        refusal = "value " + show(requested.value) + " is not one of the allowed values " + join(allowed);
      }
    }
    m_desired.env.push_back({requested.name, *text, config.container});
    if (config.pinned || !refusal.empty()) m_desired.current_only.push_back({requested.name, *text, refusal});
  }

  const ComponentConfig& m_config;
  Problems& m_problems;
  DesiredComponent& m_desired;
  bool m_memory_seen = false;
};

}  // namespace

const DesiredComponent* DesiredState::find(std::string_view component) const {
  auto found = std::find_if(components.begin(), components.end(),
                            [&](const DesiredComponent& desired) { return desired.name == component; });
  return found == components.end() ? nullptr : &*found;
}

Status check_fargate_size(std::string_view component, int cpu_units, int memory_mib) {
  if (is_valid_fargate_size(cpu_units, memory_mib)) {
    return {};
  }
  return fail(ErrorCode::infeasible,
              "component " + std::string(component) + ": " + format_number(units_to_vcpu(cpu_units)) +
                  " vCPU with " + format_number(mib_to_gib(memory_mib)) +
                  " GiB memory is not a valid Fargate size: " + describe_allowed_memory(cpu_units));
}

Result<DesiredState> validate_request(const Config& config, const AdjustRequest& request) {
  Problems problems;
  DesiredState state;
  for (const auto& requested : request.components) {
    const ComponentConfig* component = config.find_component(requested.name);
    if (!component) {
      std::vector<std::string> known;
      for (const auto& candidate : config.components) {
        known.push_back(candidate.name);
      }
      problems.add(ErrorCode::rejected_value,
                   "unknown component \"" + requested.name + "\" (known: " + join(known) + ")");
      continue;
    }
    DesiredComponent desired;
    desired.name = component->name;
    std::size_t before = problems.size();
    ComponentValidator validator(*component, problems, desired);
    for (const auto& setting : requested.settings) {
      validator.setting(setting);
    }
    if (problems.size() == before && desired.cpu_units && desired.memory_mib) {
      auto size = check_fargate_size(component->name, *desired.cpu_units, *desired.memory_mib);
      if (!size) {
        problems.add(size.error().code, size.error().message);
      } else {
        desired.size_checked = true;
      }
    }
    state.components.push_back(std::move(desired));
  }
  if (!problems.empty()) {
    return fail(problems.error());
  }
  return state;
}

}  // namespace adjust
