#include "adjust/logic/current.hpp"

#include "adjust/logic/task_definition.hpp"

namespace adjust {

Status check_adjustable(const ComponentConfig& component, const EcsService& service) {
  std::string where = "component " + component.name + ": service " + component.service_name + " in cluster " +
                      component.cluster;
  if (service.status != "ACTIVE") {
    return fail(ErrorCode::not_found, where + " is " + service.status + ", not ACTIVE");
  }
  if (!is_fargate(service)) {
    std::string launch = service.launch_type.empty() ? "a non-Fargate capacity provider"
                                                     : "launch type " + service.launch_type;
    return fail(ErrorCode::unsupported,
                where + " uses " + launch + "; only Fargate services can be adjusted");
  }
  if (!service.deployment_controller_type.empty() && service.deployment_controller_type != "ECS") {
    return fail(ErrorCode::unsupported, where + " uses the " + service.deployment_controller_type +
                                            " deployment controller; only ECS rolling updates are supported");
  }
  return {};
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
    return fail(ErrorCode::unsupported, "component " + component.name + ": task definition " +
                                            state.task_definition.arn() +
                                            " has no task-level cpu/memory (Fargate requires both)");
  }
  values.cpu_units = cpu.value_or(0);
  values.memory_mib = memory.value_or(0);
  values.desired_count = state.service.desired_count;
  for (const auto& setting : component.environment) {
    std::string container_name = ADJUST_TRY(env_container_for(component, setting, task_definition));
    values.env[setting.name] = env_value(task_definition, container_name, setting.name);
  }
  return values;
}

}  // namespace adjust
