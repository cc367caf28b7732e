#include "adjust/engine/follower.hpp"

namespace adjust {

std::string look_signature(const EcsService& service, const std::optional<ServiceDeployment>& record) {
  std::string signature = std::to_string(service.desired_count) + ';';
  for (const auto& deployment : service.deployments) {
    signature += deployment.id + ':' + to_string(deployment.status) + ':' +
                 to_string(deployment.rollout_state) + ':' + std::to_string(deployment.desired_count) + '/' +
                 std::to_string(deployment.running_count) + '/' + std::to_string(deployment.pending_count) +
                 '/' + std::to_string(deployment.failed_tasks) + ';';
  }
  // A target registered or drained shows as a new event ("registered 1 targets in ...").
  if (!service.events.empty()) signature += service.events.front().id + '/' + service.events.back().id + ';';
  if (record) signature += record->status_text + ':' + record->lifecycle_stage;
  return signature;
}

}  // namespace adjust
