// adjust --query: the current settings of every configured component.
#include "adjust/aws/session.hpp"
#include "adjust/base/parallel.hpp"
#include "adjust/cli/verbs.hpp"
#include "adjust/config/config.hpp"
#include "adjust/engine/read_state.hpp"
#include "adjust/logic/descriptors.hpp"
#include "adjust/logic/strategy.hpp"
#include "adjust/model/arn.hpp"
#include "adjust/protocol/query_table.hpp"

namespace adjust::verbs {
namespace {

// Beside the settings (servo reads only those): how the service deploys and
// whether a deployment is under way, for the SRE reading the output.
nlohmann::ordered_json deployment_summary(const EcsService& service) {
  const EcsDeployment* primary = primary_of(service);
  bool in_progress = service.deployments.size() > 1 ||
                     (primary != nullptr && primary->rollout_state == RolloutState::in_progress);
  const auto& configuration = service.deployment_configuration;
  nlohmann::ordered_json summary = {{"strategy", strategy_name(configuration)},
                                    {"description", describe_strategy(configuration)},
                                    {"in_progress", in_progress}};
  if (!service.current_service_deployment.empty()) summary["current"] = service.current_service_deployment;
  return summary;
}

ServiceStanding standing_of(const ComponentState& state, const nlohmann::ordered_json& described) {
  ServiceStanding standing;
  standing.service = state.config->service_name + " in " + state.config->cluster;
  standing.revision = revision_of(state.service.task_definition);
  standing.desired = state.service.desired_count;
  standing.running = state.service.running_count;
  standing.deployment_in_progress = described.at("deployment").value("in_progress", false);
  standing.strategy = described.at("deployment").value("strategy", std::string());
  if (state.scalable_target)
    standing.autoscaling =
        std::pair{state.scalable_target->min_capacity, state.scalable_target->max_capacity};
  return standing;
}

}  // namespace

FinalStatus query(Context& context) {
  auto config = load_run_config(context);
  if (!config) return final_status_for(config.error());
  auto session = open_aws_session(AwsSettings{config->region, config->endpoint_url}, context.env,
                                  context.transport, context.clock, context.logger);
  if (!session) return final_status_for(session.error());

  std::vector<const ComponentConfig*> components;
  for (const auto& component : config->components) components.push_back(&component);
  auto states = read_component_states((*session)->ecs(), components, k_default_aws_concurrency);
  if (!states) return final_status_for(states.error());
  read_scalable_targets(&(*session)->autoscaling(), *states, context.logger);

  nlohmann::ordered_json described = nlohmann::ordered_json::object();
  std::map<std::string, ServiceStanding> standing;
  for (const auto& state : *states) {
    auto current = current_values(state);
    if (!current) return final_status_for(current.error());
    auto description = describe_component(*state.config, *current);
    if (!description)
      return final_status_for(with_context(description.error(), "component " + state.config->name));
    for (const auto& warning : description->warnings) {
      context.logger.warn("component " + state.config->name + ": " + warning);
    }
    // Settings in config order (the descriptor object itself is key-sorted).
    nlohmann::ordered_json settings = nlohmann::ordered_json::object();
    const auto& by_name = description->component.at("settings");
    for (const auto& name : state.config->setting_order) {
      if (by_name.contains(name)) settings[name] = by_name.at(name);
    }
    for (const auto& [name, setting] : by_name.items()) {
      if (!settings.contains(name)) settings[name] = setting;
    }
    described[state.config->name] = {{"settings", settings},
                                     {"deployment", deployment_summary(state.service)}};
    if (state.scalable_target) {
      described[state.config->name]["autoscaling"] = {{"min", state.scalable_target->min_capacity},
                                                      {"max", state.scalable_target->max_capacity}};
    }
    if (context.table) standing[state.config->name] = standing_of(state, described[state.config->name]);
  }
  if (context.table) {
    context.output.text(render_query_table(described, standing));
    return FinalStatus::ok();
  }
  context.output.document({{"application", {{"components", described}}}});
  return FinalStatus::ok();
}

}  // namespace adjust::verbs
