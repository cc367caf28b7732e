#include "adjust/engine/deployment_records.hpp"

#include <algorithm>

#include "adjust/base/parallel.hpp"

namespace adjust {
namespace {

void add_unique(std::vector<std::string>& list, const std::string& arn) {
  if (!arn.empty() && std::find(list.begin(), list.end(), arn) == list.end()) list.push_back(arn);
}

const ServiceDeployment* find_record(const std::vector<ServiceDeployment>& records, const std::string& arn) {
  for (const auto& record : records) {
    if (record.arn == arn) return &record;
  }
  return nullptr;
}

// Ours is the candidate whose target revision runs the task definition we set.
std::optional<ServiceDeployment> match(Follower& follower, const std::vector<std::string>& candidates,
                                       const std::vector<ServiceDeployment>& deployments,
                                       const std::vector<ServiceRevision>& revisions, Logger& logger) {
  for (const auto& arn : candidates) {
    const ServiceDeployment* deployment = find_record(deployments, arn);
    if (deployment == nullptr || !deployment->target_revision) continue;
    for (const auto& revision : revisions) {
      if (revision.arn != deployment->target_revision->arn ||
          revision.task_definition != follower.tracker.target().task_definition)
        continue;
      follower.record = Follower::Record::api;
      follower.serving_target_groups = revision.resolved_target_groups;
      follower.tracker.bind(deployment->arn);
      logger.info(follower.run->name() + ": following service deployment " + deployment->arn);
      return *deployment;
    }
  }
  return std::nullopt;
}

}  // namespace

void DeploymentRecords::use_describe_services(Follower& follower, const std::string& why) {
  follower.record = Follower::Record::describe_services;
  follower.tracker.bind("");
  if (!m_warned_unavailable.exchange(true)) {
    m_deps.logger.warn(why +
                       "; judging deployments by DescribeServices alone (the IAM actions "
                       "ecs:ListServiceDeployments, ecs:DescribeServiceDeployments and "
                       "ecs:DescribeServiceRevisions give the deployments' own verdicts)");
  }
}

Result<std::vector<std::string>> DeploymentRecords::candidates(const Follower& follower,
                                                               const EcsService& service) {
  const ComponentRun& run = *follower.run;
  const std::string& previous = follower.tracker.target().previous_service_deployment;
  std::vector<std::string> found;
  auto consider = [&](const std::string& arn) {
    if (arn != previous) add_unique(found, arn);
  };
  consider(follower.tracker.target().service_deployment);
  if (run.updated_service) consider(run.updated_service->current_service_deployment);
  consider(service.current_service_deployment);
  if (!found.empty()) return found;
  // Not shown on the service yet: the newest deployments of the last minutes.
  ListServiceDeploymentsRequest request{
      run.plan.cluster, run.plan.service, m_deps.clock.now() - std::chrono::minutes(10), {}};
  auto listed = ADJUST_TRY(m_deps.ecs.list_service_deployments(request));
  std::sort(listed.begin(), listed.end(),
            [](const auto& a, const auto& b) { return a.created_at > b.created_at; });
  for (const auto& brief : listed) {
    if (found.size() < 5) consider(brief.arn);
  }
  return found;
}

std::optional<ServiceDeployment> DeploymentRecords::settle_binding(
    Follower& follower, Result<std::optional<ServiceDeployment>> bound) {
  SteadyTime now = m_deps.clock.monotonic();
  if (!follower.binding_since) follower.binding_since = now;
  if (!bound && deployments_api_unavailable(bound.error())) {
    use_describe_services(follower,
                          "the ECS service deployments API is not available (" + bound.error().message + ")");
  } else if (bound && *bound) {
    return std::move(**bound);
  } else if (now - *follower.binding_since >= m_deps.policy.binding_window) {
    use_describe_services(follower, follower.run->name() +
                                        ": could not find the service deployment this adjustment started" +
                                        (bound ? "" : " (" + bound.error().message + ")"));
  }
  return std::nullopt;
}

// A poll without a readable record of the deployment (the read failed, the
// record was missing, or its status was absent or unknown) is judged by
// DescribeServices; three in a row and the follower stops asking, so an
// answer that is always odd cannot hold the verdict until the deadline.
std::optional<ServiceDeployment> DeploymentRecords::readable(Follower& follower,
                                                             const std::vector<ServiceDeployment>& records) {
  constexpr int k_unreadable_limit = 3;
  const ServiceDeployment* found = find_record(records, follower.tracker.target().service_deployment);
  if (found != nullptr && found->status != ServiceDeploymentStatus::unknown) {
    follower.unreadable_records = 0;
    return *found;
  }
  if (++follower.unreadable_records >= k_unreadable_limit) {
    std::string what = found == nullptr ? std::string("no record")
                       : found->status_text.empty()
                           ? std::string("a record without a status")
                           : "a record with the unknown status " + found->status_text;
    use_describe_services(follower,
                          follower.run->name() + ": ECS's record of the deployment could not be read " +
                              std::to_string(k_unreadable_limit) + " times in a row (" + what + ")");
  }
  return std::nullopt;
}

std::vector<std::optional<ServiceDeployment>> DeploymentRecords::read(
    const std::vector<std::pair<Follower*, const EcsService*>>& observed) {
  const std::size_t count = observed.size();
  std::vector<std::optional<ServiceDeployment>> records(count);

  // 1. What to describe: the deployments followed, and each binding follower's candidates.
  std::vector<std::optional<Result<std::vector<std::string>>>> candidates_of(count);
  parallel_for(count, m_deps.policy.concurrency, [&](std::size_t i) {
    if (observed[i].first->record == Follower::Record::binding)
      candidates_of[i] = candidates(*observed[i].first, *observed[i].second);
  });
  std::vector<std::string> arns;
  bool any_followed = false;
  for (std::size_t i = 0; i < count; ++i) {
    const Follower& follower = *observed[i].first;
    if (follower.record == Follower::Record::api) {
      any_followed = true;
      add_unique(arns, follower.tracker.target().service_deployment);
    }
    if (candidates_of[i] && *candidates_of[i]) {
      for (const auto& arn : **candidates_of[i]) add_unique(arns, arn);
    }
  }
  Result<ServiceDeployments> described = ServiceDeployments{};
  if (!arns.empty()) described = m_deps.ecs.describe_service_deployments(arns);

  // 2. The revisions the binding candidates deploy.
  std::vector<std::string> revision_arns;
  for (std::size_t i = 0; described && i < count; ++i) {
    if (!candidates_of[i] || !*candidates_of[i]) continue;
    for (const auto& arn : **candidates_of[i]) {
      const ServiceDeployment* deployment = find_record(described->deployments, arn);
      if (deployment != nullptr && deployment->target_revision)
        add_unique(revision_arns, deployment->target_revision->arn);
    }
  }
  Result<ServiceRevisions> revisions = ServiceRevisions{};
  if (!revision_arns.empty()) revisions = m_deps.ecs.describe_service_revisions(revision_arns);

  // 3. Each follower's record. A read denied now (a policy changed mid-run)
  // switches the followed ones to DescribeServices for good; another failed
  // read only for this poll.
  bool denied = !described && deployments_api_unavailable(described.error());
  if (!described && !denied && any_followed)
    m_deps.logger.warn("DescribeServiceDeployments: " + described.error().message);
  static const std::vector<ServiceDeployment> k_none;
  for (std::size_t i = 0; i < count; ++i) {
    Follower& follower = *observed[i].first;
    if (follower.record == Follower::Record::binding) {
      Result<std::optional<ServiceDeployment>> bound = std::optional<ServiceDeployment>{};
      if (!*candidates_of[i]) {
        bound = fail(candidates_of[i]->error());
      } else if (!described) {
        bound = fail(described.error());
      } else if (!revisions) {
        bound = fail(revisions.error());
      } else {
        bound =
            match(follower, **candidates_of[i], described->deployments, revisions->revisions, m_deps.logger);
      }
      records[i] = settle_binding(follower, std::move(bound));
    } else if (follower.record == Follower::Record::api) {
      if (denied) {
        use_describe_services(follower, "DescribeServiceDeployments: " + described.error().message);
        continue;
      }
      records[i] = readable(follower, described ? described->deployments : k_none);
    }
  }
  return records;
}

}  // namespace adjust
