#include "adjust/logic/task_definition.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace adjust {
namespace {

using nlohmann::json;

std::string display(const json& value) {
  if (value.is_null()) return "(unset)";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

// "1024", "1 vCPU", "1vcpu" → 1024; "2048", "2 GB", "2GB" → 2048.
std::optional<int> parse_size(const json& value, const char* unit_word, int units_per_unit) {
  if (value.is_number_integer()) return value.get<int>();
  if (!value.is_string()) return std::nullopt;
  std::string text = value.get<std::string>();
  std::string lowered;
  for (char c : text) {
    if (c != ' ') lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  try {
    size_t used = 0;
    double number = std::stod(lowered, &used);
    std::string suffix = lowered.substr(used);
    if (suffix.empty()) return static_cast<int>(std::lround(number));
    if (suffix == unit_word) return static_cast<int>(std::lround(number * units_per_unit));
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::string container_name(const json& container) {
  auto name = container.find("name");
  return name != container.end() && name->is_string() ? name->get<std::string>() : "";
}

int reserved_memory(const json& container) {
  if (auto reservation = container.find("memoryReservation");
      reservation != container.end() && reservation->is_number_integer()) {
    return reservation->get<int>();
  }
  if (auto memory = container.find("memory"); memory != container.end() && memory->is_number_integer()) {
    return memory->get<int>();
  }
  return 0;
}

int int_field(const json& container, const char* key) {
  auto found = container.find(key);
  return found != container.end() && found->is_number_integer() ? found->get<int>() : 0;
}

// Container limits must fit the task: hard limits and the sum of reservations
// within task memory, the sum of container cpu within task cpu.
Status check_containers_fit(const json& containers, int cpu_units, int memory_mib) {
  int reserved_total = 0;
  int cpu_total = 0;
  std::vector<std::string> problems;
  for (const auto& container : containers) {
    int hard = int_field(container, "memory");
    if (hard > memory_mib) {
      problems.push_back("container " + container_name(container) + " has a memory hard limit of " +
                         std::to_string(hard) + " MiB, above the task's " + std::to_string(memory_mib) +
                         " MiB");
    }
    reserved_total += reserved_memory(container);
    cpu_total += int_field(container, "cpu");
  }
  if (reserved_total > memory_mib) {
    problems.push_back("containers reserve " + std::to_string(reserved_total) +
                       " MiB in total, above the task's " + std::to_string(memory_mib) + " MiB");
  }
  if (cpu_total > cpu_units) {
    problems.push_back("containers use " + std::to_string(cpu_total) +
                       " cpu units in total, above the task's " + std::to_string(cpu_units));
  }
  if (problems.empty()) return {};
  std::string message = "container limits do not fit the new task size: ";
  for (size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i];
  message += " (set scale_container_resources: true to scale them with the task)";
  return fail(ErrorCode::infeasible, message);
}

// Scale a container integer field by new/old, keeping at least `floor`.
void scale_field(json& container, const char* key, double ratio, int floor) {
  auto found = container.find(key);
  if (found == container.end() || !found->is_number_integer()) return;
  int scaled = static_cast<int>(std::floor(found->get<int>() * ratio));
  *found = std::max(scaled, floor);
}

void scale_containers(json& containers, std::optional<int> old_cpu, int new_cpu,
                      std::optional<int> old_memory, int new_memory) {
  for (auto& container : containers) {
    if (old_cpu && *old_cpu > 0) {
      scale_field(container, "cpu", static_cast<double>(new_cpu) / *old_cpu, 0);
    }
    if (old_memory && *old_memory > 0) {
      double ratio = static_cast<double>(new_memory) / *old_memory;
      // Docker's minimum is 6 MiB; keep the hard limit above the reservation.
      scale_field(container, "memoryReservation", ratio, 6);
      scale_field(container, "memory", ratio, 6);
      if (container.contains("memory") && container.contains("memoryReservation") &&
          container["memoryReservation"].is_number_integer() &&
          container["memory"].get<int>() <= container["memoryReservation"].get<int>()) {
        container["memoryReservation"] = container["memory"].get<int>() - 1;
      }
    }
  }
}

json* find_container(json& containers, const std::string& name) {
  for (auto& container : containers) {
    if (container_name(container) == name) return &container;
  }
  return nullptr;
}

// Set NAME=value in a container's environment; returns the previous value.
// ECS accepts a name listed twice and the container sees the last entry (as
// env_value reads it), so every entry of the name gets the value.
std::optional<std::string> set_environment(json& container, const std::string& name,
                                           const std::string& value) {
  json& environment = container["environment"];
  if (!environment.is_array()) environment = json::array();
  std::optional<std::string> previous;
  bool found = false;
  for (auto& entry : environment) {
    if (!entry.is_object() || entry.value("name", "") != name) continue;
    found = true;
    previous.reset();
    if (auto current = entry.find("value"); current != entry.end() && current->is_string()) {
      previous = current->get<std::string>();
    }
    entry["value"] = value;
  }
  if (!found) environment.push_back({{"name", name}, {"value", value}});
  return previous;
}

}  // namespace

bool has_created_by_tag(const json& tags) {
  if (!tags.is_array()) return false;
  return std::any_of(tags.begin(), tags.end(), [](const json& tag) {
    return tag.is_object() && tag.value("key", "") == k_created_by_tag;
  });
}

const std::vector<std::string>& registrable_task_definition_fields() {
  static const std::vector<std::string> k_fields{"family",
                                                 "containerDefinitions",
                                                 "taskRoleArn",
                                                 "executionRoleArn",
                                                 "networkMode",
                                                 "volumes",
                                                 "placementConstraints",
                                                 "requiresCompatibilities",
                                                 "cpu",
                                                 "memory",
                                                 "pidMode",
                                                 "ipcMode",
                                                 "proxyConfiguration",
                                                 "inferenceAccelerators",
                                                 "ephemeralStorage",
                                                 "runtimePlatform",
                                                 "enableFaultInjection"};
  return k_fields;
}

const std::vector<std::string>& read_only_task_definition_fields() {
  static const std::vector<std::string> k_fields{
      "taskDefinitionArn", "revision",     "status",         "requiresAttributes", "compatibilities",
      "registeredAt",      "registeredBy", "deregisteredAt", "deleteRequestedAt"};
  return k_fields;
}

std::optional<int> task_cpu_units(const json& task_definition) {
  auto cpu = task_definition.find("cpu");
  if (cpu == task_definition.end()) return std::nullopt;
  return parse_size(*cpu, "vcpu", 1024);
}

std::optional<int> task_memory_mib(const json& task_definition) {
  auto memory = task_definition.find("memory");
  if (memory == task_definition.end()) return std::nullopt;
  return parse_size(*memory, "gb", 1024);
}

std::optional<std::string> env_value(const nlohmann::json& task_definition, const std::string& container,
                                     const std::string& name) {
  std::optional<std::string> value;
  for (const auto& definition : task_definition.value("containerDefinitions", nlohmann::json::array())) {
    if (!definition.is_object() || definition.value("name", "") != container) continue;
    for (const auto& entry : definition.value("environment", nlohmann::json::array())) {
      if (entry.is_object() && entry.value("name", "") == name && entry.contains("value") &&
          entry["value"].is_string()) {
        value = entry["value"].get<std::string>();
      }
    }
  }
  return value;
}

Result<std::string> resolve_env_container(const json& task_definition,
                                          const std::string& configured_container) {
  auto containers = task_definition.find("containerDefinitions");
  if (containers == task_definition.end() || !containers->is_array() || containers->empty()) {
    return fail(ErrorCode::not_found, "the task definition has no container definitions");
  }
  std::vector<std::string> names;
  for (const auto& container : *containers) names.push_back(container_name(container));
  if (!configured_container.empty()) {
    if (std::find(names.begin(), names.end(), configured_container) == names.end()) {
      std::string known;
      for (const auto& name : names) known += (known.empty() ? "" : ", ") + name;
      // The config names it: a config error, not a missing AWS resource.
      return fail(ErrorCode::config, "container \"" + configured_container +
                                         "\" is not in the task definition (it has: " + known + ")");
    }
    return configured_container;
  }
  if (names.size() > 1) {
    std::string known;
    for (const auto& name : names) known += (known.empty() ? "" : ", ") + name;
    return fail(ErrorCode::config, "the task definition has several containers (" + known +
                                       "): set `container:` on the component or the environment setting");
  }
  return names.front();
}

Result<ClonedTaskDefinition> clone_task_definition(const json& task_definition, const json& tags,
                                                   const TaskDefinitionChange& change) {
  if (!task_definition.is_object()) {
    return fail(ErrorCode::aws_bad_response, "the task definition is not a JSON object");
  }
  ClonedTaskDefinition result;
  json& request = result.register_request;
  request = json::object();

  const auto& registrable = registrable_task_definition_fields();
  const auto& read_only = read_only_task_definition_fields();
  for (const auto& [key, value] : task_definition.items()) {
    if (std::find(registrable.begin(), registrable.end(), key) != registrable.end()) {
      request[key] = value;
    } else if (std::find(read_only.begin(), read_only.end(), key) == read_only.end()) {
      result.unknown_fields.push_back(key);
    }
  }
  if (!request.contains("family") || !request.contains("containerDefinitions") ||
      !request["containerDefinitions"].is_array()) {
    return fail(ErrorCode::aws_bad_response, "the task definition lacks family or containerDefinitions");
  }

  // Tags come back beside the definition; aws: keys cannot be re-applied.
  if (tags.is_array()) {
    json kept = json::array();
    for (const auto& tag : tags) {
      if (tag.is_object() && !tag.value("key", "").starts_with("aws:")) kept.push_back(tag);
    }
    if (!kept.empty()) request["tags"] = kept;
  }

  if (change.mark_created && !has_created_by_tag(request.value("tags", json::array()))) {
    if (!request.contains("tags")) request["tags"] = json::array();
    request["tags"].push_back({{"key", k_created_by_tag}, {"value", "opsani-adjust"}});
  }

  auto old_cpu = task_cpu_units(task_definition);
  auto old_memory = task_memory_mib(task_definition);
  int new_cpu = change.cpu_units.value_or(old_cpu.value_or(0));
  int new_memory = change.memory_mib.value_or(old_memory.value_or(0));
  if (change.cpu_units && change.cpu_units != old_cpu) {
    request["cpu"] = std::to_string(*change.cpu_units);
    result.diff.push_back({"cpu", display(task_definition.value("cpu", json())), request["cpu"]});
  }
  if (change.memory_mib && change.memory_mib != old_memory) {
    request["memory"] = std::to_string(*change.memory_mib);
    result.diff.push_back({"memory", display(task_definition.value("memory", json())), request["memory"]});
  }

  json& containers = request["containerDefinitions"];
  bool resized = (change.cpu_units && change.cpu_units != old_cpu) ||
                 (change.memory_mib && change.memory_mib != old_memory);
  if (resized && new_cpu > 0 && new_memory > 0) {
    if (change.scale_container_resources) {
      json before = containers;
      scale_containers(containers, old_cpu, new_cpu, old_memory, new_memory);
      for (size_t i = 0; i < containers.size(); ++i) {
        for (const char* key : {"cpu", "memory", "memoryReservation"}) {
          if (before[i].contains(key) && before[i][key] != containers[i][key]) {
            result.diff.push_back({"containerDefinitions[" + container_name(containers[i]) + "]." + key,
                                   display(before[i][key]), display(containers[i][key])});
          }
        }
      }
    }
    ADJUST_CHECK(check_containers_fit(containers, new_cpu, new_memory));
  }

  for (const auto& env : change.env) {
    std::string name = ADJUST_TRY(resolve_env_container(task_definition, env.container));
    json* container = find_container(containers, name);
    if (container == nullptr) {
      return fail(ErrorCode::not_found, "container \"" + name + "\" is not in the task definition");
    }
    auto previous = set_environment(*container, env.name, env.value);
    if (previous != env.value) {
      result.diff.push_back({"containerDefinitions[" + name + "].environment." + env.name,
                             previous.value_or("(unset)"), env.value});
    }
  }
  return result;
}

}  // namespace adjust
