// ECS's own record of each followed deployment (the service deployments
// API), read for a whole poll at once: one DescribeServiceDeployments per 20
// deployments, whether a follower is still finding the deployment its
// UpdateService started (binding) or already follows it; one
// DescribeServiceRevisions per 20 candidates while binding.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adjust/engine/follower.hpp"

namespace adjust {

class DeploymentRecords {
 public:
  explicit DeploymentRecords(const EngineDeps& deps) : m_deps(deps) {}

  // This poll's record for each follower (nullopt: none readable, judge by
  // DescribeServices). Binds followers whose deployment is found, and
  // switches followers to DescribeServices alone when the API is not there.
  std::vector<std::optional<ServiceDeployment>> read(
      const std::vector<std::pair<Follower*, const EcsService*>>& observed);

  // Judge this follower by DescribeServices from now on (warns once a run).
  void use_describe_services(Follower& follower, const std::string& why);

 private:
  // The deployments that may be the one our UpdateService started.
  Result<std::vector<std::string>> candidates(const Follower& follower, const EcsService& service);
  std::optional<ServiceDeployment> settle_binding(Follower& follower,
                                                  Result<std::optional<ServiceDeployment>> bound);
  std::optional<ServiceDeployment> readable(Follower& follower,
                                            const std::vector<ServiceDeployment>& records);

  const EngineDeps& m_deps;
  std::atomic<bool> m_warned_unavailable{false};
};

}  // namespace adjust
