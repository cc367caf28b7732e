#include "adjust/engine/prune.hpp"

#include <optional>
#include <set>

#include "adjust/logic/task_definition.hpp"

namespace adjust {
namespace {

// The revisions a service runs or deploys.
void add_revisions_of(const EcsService& service, std::set<std::string>& in_use) {
  in_use.insert(service.task_definition);
  for (const auto& deployment : service.deployments) in_use.insert(deployment.task_definition);
}

// Every revision a service in this run uses, may use, or used before.
std::set<std::string> task_definitions_in_use(const std::vector<ComponentRun>& runs) {
  std::set<std::string> in_use;
  for (const auto& run : runs) add_revisions_of(run.service, in_use);
  for (const auto& run : runs) {
    if (run.updated_service) add_revisions_of(*run.updated_service, in_use);
    in_use.insert(run.target_task_definition);
    in_use.insert(run.plan.current_task_definition);
  }
  return in_use;
}

// Every revision any service of `cluster` runs or deploys (siblings of the
// same family included), or nullopt when it cannot be known.
std::optional<std::set<std::string>> task_definitions_in_cluster(const EngineDeps& deps,
                                                                 const std::string& cluster) {
  auto arns = deps.ecs.list_services(cluster);
  if (!arns) {
    deps.logger.warn("keep_revisions: cannot list the services of cluster " + cluster + " (" +
                     arns.error().message + "); keeping every revision a service there might use");
    return std::nullopt;
  }
  std::set<std::string> in_use;
  if (arns->empty()) return in_use;
  auto services = deps.ecs.describe_services(cluster, *arns);
  if (!services || !services->failures.empty()) {
    deps.logger.warn("keep_revisions: cannot describe every service of cluster " + cluster +
                     (services ? std::string() : " (" + services.error().message + ")") +
                     "; keeping every revision a service there might use");
    return std::nullopt;
  }
  for (const auto& service : services->services) add_revisions_of(service, in_use);
  return in_use;
}

void prune_family(const EngineDeps& deps, const ComponentRun& run, const std::set<std::string>& in_use) {
  int keep = run.plan.config->keep_revisions;
  if (keep <= 0 || run.registered_arn.empty() || !run.plan.new_revision) return;
  std::string family = run.plan.new_revision->register_request.value("family", std::string());
  auto arns = deps.ecs.list_task_definitions(family);
  if (!arns) {
    deps.logger.warn("keep_revisions: cannot list revisions of " + family + ": " + arns.error().message);
    return;
  }
  int kept = 0;
  std::vector<std::string> removed;
  constexpr size_t k_max_scanned = 50;  // bounded cost per adjustment
  if (arns->size() > k_max_scanned) {
    deps.logger.info("keep_revisions: looking at the newest " + std::to_string(k_max_scanned) + " of " +
                     std::to_string(arns->size()) + (arns->size() >= 100 ? " or more" : "") +
                     " revisions of " + family + "; older ones are left for later adjustments");
  }
  // Read only once there is something to deregister: what every service of
  // the cluster uses, since a sibling service may share the family.
  std::optional<std::optional<std::set<std::string>>> in_cluster;
  for (size_t i = 0; i < arns->size() && i < k_max_scanned; ++i) {
    const std::string& arn = (*arns)[i];
    auto described = deps.ecs.describe_task_definition(arn);
    if (!described || !has_created_by_tag(described->tags)) continue;
    if (kept < keep || in_use.contains(arn)) {
      ++kept;
      continue;
    }
    if (!in_cluster) in_cluster = task_definitions_in_cluster(deps, run.plan.cluster);
    if (!*in_cluster) return;  // cannot verify: keep them all
    if ((*in_cluster)->contains(arn)) continue;
    if (auto deregistered = deps.ecs.deregister_task_definition(arn)) {
      removed.push_back(revision_of(arn));
    } else {
      deps.logger.warn("keep_revisions: cannot deregister " + revision_of(arn) + ": " +
                       deregistered.error().message);
    }
  }
  if (!removed.empty()) {
    std::string list;
    for (const auto& revision : removed) list += (list.empty() ? "" : ", ") + revision;
    deps.logger.info("component " + run.name() + ": keep_revisions " + std::to_string(keep) +
                     ": deregistered " + list);
  }
}

}  // namespace

void prune_revisions(const EngineDeps& deps, const std::vector<ComponentRun>& runs) {
  std::set<std::string> in_use = task_definitions_in_use(runs);
  for (const auto& run : runs) {
    if (!run.outcome && run.service_updated) prune_family(deps, run, in_use);
  }
}

}  // namespace adjust
