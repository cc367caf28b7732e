#include "adjust/logic/plan.hpp"

#include "adjust/base/numeric.hpp"
#include "adjust/model/fargate.hpp"

namespace adjust {
namespace {

// A pinned setting, or a value outside the config's limits, may be sent back
// by servo, but only at its current value.
Status check_current_only(const ComponentState& state, const DesiredComponent& desired, int current_cpu,
                          int current_memory) {
  const ComponentConfig& component = *state.config;
  std::string refusals;  // every value refused, one per line
  for (const auto& pinned : desired.current_only) {
    std::string current;
    std::string requested = format_scalar(pinned.value).value_or(pinned.value.dump());
    if (pinned.setting == "cpu") {
      current = std::to_string(current_cpu);
    } else if (pinned.setting == "mem" || pinned.setting == "memory") {
      current = std::to_string(current_memory);
    } else if (pinned.setting == "replicas") {
      current = std::to_string(state.service.desired_count);
    } else if (const EnvSetting* env = component.find_env(pinned.setting)) {
      std::string container =
          ADJUST_TRY(env_container_for(component, *env, state.task_definition.task_definition));
      auto value = env_value(state.task_definition.task_definition, container, env->name);
      bool found = value.has_value();
      current = value.value_or("");
      if (!found && env->default_value) current = format_scalar(*env->default_value).value_or("");
    }
    if (current == requested) continue;
    refusals += (refusals.empty() ? "" : "\n") + std::string("component ") + component.name + ": " +
                (pinned.refusal.empty() ? "setting " + pinned.setting + " is pinned at " + current +
                                              "; it cannot be changed to " + requested
                                        : pinned.setting + " " + pinned.refusal);
  }
  if (!refusals.empty()) return fail(ErrorCode::rejected_value, refusals);
  return {};
}

}  // namespace

Result<ComponentPlan> make_plan(const ComponentState& state, const DesiredComponent& desired) {
  const ComponentConfig& component = *state.config;
  const nlohmann::json& task_definition = state.task_definition.task_definition;
  ComponentPlan plan;
  plan.config = &component;
  plan.cluster = component.cluster;
  plan.service = component.service_name;
  plan.current_task_definition = state.service.task_definition;
  plan.current_desired_count = state.service.desired_count;

  auto current_cpu = task_cpu_units(task_definition);
  auto current_memory = task_memory_mib(task_definition);
  ADJUST_CHECK(check_current_only(state, desired, current_cpu.value_or(0), current_memory.value_or(0)));

  // A size half-requested pairs with the other half as it is now.
  if ((desired.cpu_units || desired.memory_mib) && !desired.size_checked) {
    int cpu = desired.cpu_units.value_or(current_cpu.value_or(0));
    int memory = desired.memory_mib.value_or(current_memory.value_or(0));
    ADJUST_CHECK(check_fargate_size(component.name, cpu, memory));
  }

  TaskDefinitionChange change;
  change.cpu_units = desired.cpu_units;
  change.memory_mib = desired.memory_mib;
  change.scale_container_resources = component.scale_container_resources;
  change.mark_created = component.keep_revisions > 0;
  for (const auto& env : desired.env) {
    const EnvSetting* setting = component.find_env(env.name);
    if (setting == nullptr) continue;  // validate_request guarantees it exists
    std::string container = ADJUST_TRY(env_container_for(component, *setting, task_definition));
    bool found = env_value(task_definition, container, env.name).has_value();
    // Unset means "the default": asking for the default changes nothing.
    if (!found && setting->default_value &&
        format_scalar(*setting->default_value) == std::optional<std::string>(env.value)) {
      plan.notes.push_back(env.name + " stays unset (its default " + env.value + " is requested)");
      continue;
    }
    change.env.push_back({container, env.name, env.value});
  }

  auto cloned = clone_task_definition(task_definition, state.task_definition.tags, change);
  if (!cloned) return fail(with_context(cloned.error(), "component " + component.name));
  if (cloned->changed()) {
    plan.notes.push_back("register a new revision of " + task_definition.value("family", std::string("?")) +
                         " (from " + state.task_definition.arn() + ")");
    plan.new_revision = std::move(*cloned);
  } else {
    plan.notes.push_back("task definition unchanged: no new revision");
  }
  plan.count_requested = desired.replicas.has_value();
  if (desired.replicas && *desired.replicas != state.service.desired_count) {
    plan.desired_count = *desired.replicas;
    plan.notes.push_back("desired count " + std::to_string(state.service.desired_count) + " -> " +
                         std::to_string(*desired.replicas));
  }
  if (desired.replicas && state.scalable_target) {
    // A scaler owns the count: a new one only stays if its bounds say so.
    const ScalableTarget& target = *state.scalable_target;
    int count = *desired.replicas;
    bool pinned_already = target.min_capacity == count && target.max_capacity == count;
    if (!component.pin_autoscaled_replicas && plan.desired_count) {
      return fail(
          ErrorCode::config,
          "component " + component.name + ": service " + component.service_name +
              " is scaled by Application Auto Scaling (min " + std::to_string(target.min_capacity) +
              ", max " + std::to_string(target.max_capacity) + "), which would undo replicas " +
              std::to_string(count) +
              "; set replicas_when_autoscaled: pin (min = max = the value), or drop the replicas setting");
    }
    if (component.pin_autoscaled_replicas && !pinned_already) {
      plan.pin = ComponentPlan::Pin{target.resource_id, count, target.min_capacity, target.max_capacity};
      plan.notes.push_back("Application Auto Scaling bounds " + std::to_string(target.min_capacity) + "-" +
                           std::to_string(target.max_capacity) + " -> pinned at " + std::to_string(count));
    }
  }
  if (!plan.changes_anything()) plan.notes.push_back("nothing to change: only check the service is healthy");
  return plan;
}

std::string describe_plan(const ComponentPlan& plan) {
  std::string out = "plan for component " + plan.config->name + " (service " + plan.service + " in cluster " +
                    plan.cluster + "):\n";
  for (const auto& note : plan.notes) out += "  - " + note + "\n";
  if (plan.new_revision) {
    for (const auto& diff : plan.new_revision->diff) {
      out += "    " + diff.path + ": " + diff.before + " -> " + diff.after + "\n";
    }
    for (const auto& field : plan.new_revision->unknown_fields) {
      out += "    warning: field " + field + " is neither registrable nor known read-only; not copied\n";
    }
  }
  return out;
}

}  // namespace adjust
