#include "adjust/engine/read_state.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "adjust/base/parallel.hpp"
#include "adjust/logic/current.hpp"
#include "adjust/model/arn.hpp"
#include "adjust/logic/task_definition.hpp"

namespace adjust {

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

}  // namespace adjust
