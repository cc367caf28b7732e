#include "adjust/engine/read_state.hpp"

#include <map>
#include <optional>

#include "adjust/base/parallel.hpp"
#include "adjust/logic/current.hpp"
#include "adjust/logic/task_definition.hpp"
#include "adjust/model/arn.hpp"

namespace adjust {

std::map<std::string, Result<EcsServices>> describe_services_by_cluster(
    EcsApi& ecs, const std::map<std::string, std::vector<std::string>>& names_by_cluster,
    std::size_t concurrency) {
  // One call per cluster, the clusters at once; EcsApi::describe_services
  // splits each into DescribeServices' batches of 10.
  std::vector<const std::pair<const std::string, std::vector<std::string>>*> clusters;
  for (const auto& entry : names_by_cluster) clusters.push_back(&entry);
  std::vector<Result<EcsServices>> answers(clusters.size());
  parallel_for(clusters.size(), concurrency, [&](std::size_t i) {
    answers[i] = ecs.describe_services(clusters[i]->first, clusters[i]->second);
  });
  std::map<std::string, Result<EcsServices>> out;
  for (std::size_t i = 0; i < clusters.size(); ++i) out.emplace(clusters[i]->first, std::move(answers[i]));
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
      return fail(ErrorCode::aws_bad_response, "component " + component->name +
                                                   ": DescribeServices returned service " +
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
    states.push_back({components[i], *found_services[i], *task_definition, std::nullopt});
  }
  return states;
}

void read_scalable_targets(AutoScalingApi* autoscaling, std::vector<ComponentState>& states, Logger& logger) {
  if (autoscaling == nullptr || states.empty()) return;
  std::vector<std::string> ids;
  for (const auto& state : states)
    ids.push_back(scalable_resource_id(state.config->cluster, state.service.name));
  auto targets = autoscaling->describe_scalable_targets(ids);
  if (!targets) {
    logger.warn("Application Auto Scaling: cannot read the services' scalable targets (" +
                targets.error().message + "); treating them as not autoscaled");
    return;
  }
  for (std::size_t i = 0; i < states.size(); ++i) {
    for (const auto& target : *targets) {
      if (target.resource_id == ids[i]) states[i].scalable_target = target;
    }
  }
}

}  // namespace adjust
