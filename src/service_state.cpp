#include "adjust/service_state.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "adjust/parallel.hpp"
#include "adjust/task_definition.hpp"

namespace adjust {
namespace {

Status check_adjustable(const ComponentConfig& component, const EcsService& service) {
  std::string where = "component " + component.name + ": service " + component.service_name +
                      " in cluster " + component.cluster;
  if (service.status != "ACTIVE") {
    return fail(ErrorCode::not_found, where + " is " + service.status + ", not ACTIVE");
  }
  if (!is_fargate(service)) {
    std::string launch = service.launch_type.empty() ? "a non-Fargate capacity provider"
                                                     : "launch type " + service.launch_type;
    return fail(ErrorCode::unsupported, where + " uses " + launch + "; only Fargate services can be adjusted");
  }
  if (!service.deployment_controller_type.empty() && service.deployment_controller_type != "ECS") {
    return fail(ErrorCode::unsupported, where + " uses the " + service.deployment_controller_type +
                                            " deployment controller; only ECS rolling updates are supported");
  }
  return {};
}

// The service's name as it appears in an ARN or as given.
bool names_service(const EcsService& service, const std::string& name) {
  return service.name == name || service.arn == name ||
         (service.arn.size() > name.size() && service.arn.ends_with("/" + name));
}

}  // namespace

std::map<std::string, Result<EcsServices>> describe_services_by_cluster(
    EcsApi& ecs, const std::map<std::string, std::vector<std::string>>& names_by_cluster,
    std::size_t concurrency) {
  // DescribeServices takes at most 10 names: one call per batch, all batches at once.
  constexpr std::size_t k_batch = 10;
  struct Batch {
    const std::string* cluster;
    std::vector<std::string> names;
    Result<EcsServices> answer;
  };
  std::vector<Batch> batches;
  for (const auto& [cluster, names] : names_by_cluster) {
    for (std::size_t start = 0; start < names.size(); start += k_batch) {
      auto first = names.begin() + static_cast<std::ptrdiff_t>(start);
      auto last = names.begin() + static_cast<std::ptrdiff_t>(std::min(names.size(), start + k_batch));
      batches.push_back({&cluster, std::vector<std::string>(first, last), EcsServices{}});
    }
  }
  parallel_for(batches.size(), concurrency, [&](std::size_t i) {
    batches[i].answer = ecs.describe_services(*batches[i].cluster, batches[i].names);
  });
  std::map<std::string, Result<EcsServices>> out;
  for (auto& batch : batches) {
    auto [entry, inserted] = out.try_emplace(*batch.cluster, EcsServices{});
    if (!entry->second) continue;  // this cluster already failed
    if (!batch.answer) {
      entry->second = std::move(batch.answer);
      continue;
    }
    auto& merged = *entry->second;
    for (auto& service : batch.answer->services) merged.services.push_back(std::move(service));
    for (auto& failure : batch.answer->failures) merged.failures.push_back(std::move(failure));
  }
  return out;
}

Result<std::vector<ComponentState>> read_component_states(
    EcsApi& ecs, const std::vector<const ComponentConfig*>& components, std::size_t concurrency) {
  std::map<std::string, std::vector<std::string>> names_by_cluster;
  for (const auto* component : components) {
    names_by_cluster[component->cluster].push_back(component->service_name);
  }
  std::map<std::string, EcsServices> described;
  for (auto& [cluster, services] : describe_services_by_cluster(ecs, names_by_cluster, concurrency)) {
    if (!services) {
      if (services.error().code == ErrorCode::credentials) return fail(services.error());
      return fail(with_context(services.error(), "cluster " + cluster));
    }
    described[cluster] = std::move(*services);
  }

  // Each component's service, checked; then every distinct revision, fetched at once.
  std::vector<const EcsService*> found_services;
  std::map<std::string, std::optional<Result<EcsTaskDefinition>>> task_definitions;
  for (const auto* component : components) {
    const EcsServices& found = described[component->cluster];
    const EcsService* service = nullptr;
    for (const auto& candidate : found.services) {
      if (names_service(candidate, component->service_name)) service = &candidate;
    }
    if (service == nullptr) {
      std::string reason = "not found";
      for (const auto& failure : found.failures) {
        if (failure.arn.ends_with("/" + component->service_name)) reason = failure.reason;
      }
      return fail(ErrorCode::not_found, "component " + component->name + ": service " +
                                            component->service_name + " not found in cluster " +
                                            component->cluster + " (" + reason + ")");
    }
    ADJUST_CHECK(check_adjustable(*component, *service));
    if (service->task_definition.empty()) {
      return fail(ErrorCode::aws_bad_response, "component " + component->name + ": DescribeServices returned service " +
                                                   component->service_name + " without a taskDefinition");
    }
    found_services.push_back(service);
    task_definitions.try_emplace(service->task_definition);
  }
  std::vector<std::pair<const std::string, std::optional<Result<EcsTaskDefinition>>>*> to_fetch;
  for (auto& entry : task_definitions) to_fetch.push_back(&entry);
  parallel_for(to_fetch.size(), concurrency, [&](std::size_t i) {
    to_fetch[i]->second = ecs.describe_task_definition(to_fetch[i]->first);
  });

  std::vector<ComponentState> states;
  for (std::size_t i = 0; i < components.size(); ++i) {
    const auto& task_definition = *task_definitions.at(found_services[i]->task_definition);
    if (!task_definition) {
      return fail(with_context(task_definition.error(), "component " + components[i]->name));
    }
    states.push_back({components[i], *found_services[i], *task_definition});
  }
  return states;
}

Result<std::string> env_container_for(const ComponentConfig& component, const EnvSetting& setting,
                                      const nlohmann::json& task_definition) {
  std::string configured = setting.container.value_or(component.container.value_or(""));
  auto container = resolve_env_container(task_definition, configured);
  if (!container) {
    return fail(with_context(container.error(), "component " + component.name + ": " + setting.name));
  }
  return container;
}

Result<CurrentValues> current_values(const ComponentState& state) {
  const ComponentConfig& component = *state.config;
  const nlohmann::json& task_definition = state.task_definition.task_definition;
  CurrentValues values;
  auto cpu = task_cpu_units(task_definition);
  auto memory = task_memory_mib(task_definition);
  if ((component.cpu && !cpu) || (component.memory && !memory)) {
    return fail(ErrorCode::unsupported,
                "component " + component.name + ": task definition " + state.task_definition.arn() +
                    " has no task-level cpu/memory (Fargate requires both)");
  }
  values.cpu_units = cpu.value_or(0);
  values.memory_mib = memory.value_or(0);
  values.desired_count = state.service.desired_count;
  for (const auto& setting : component.environment) {
    std::string container_name = ADJUST_TRY(env_container_for(component, setting, task_definition));
    std::optional<std::string> value;
    for (const auto& container : task_definition.value("containerDefinitions", nlohmann::json::array())) {
      if (container.value("name", "") != container_name) continue;
      for (const auto& entry : container.value("environment", nlohmann::json::array())) {
        if (entry.value("name", "") == setting.name && entry.contains("value") &&
            entry["value"].is_string()) {
          value = entry["value"].get<std::string>();
        }
      }
    }
    values.env[setting.name] = value;
  }
  return values;
}

}  // namespace adjust
