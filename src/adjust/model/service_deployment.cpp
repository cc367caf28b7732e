#include "adjust/model/service_deployment.hpp"

#include <array>
#include <utility>

namespace adjust {
namespace {

constexpr std::array<std::pair<ServiceDeploymentStatus, const char*>, 9> k_statuses{{
    {ServiceDeploymentStatus::pending, "PENDING"},
    {ServiceDeploymentStatus::in_progress, "IN_PROGRESS"},
    {ServiceDeploymentStatus::stop_requested, "STOP_REQUESTED"},
    {ServiceDeploymentStatus::rollback_requested, "ROLLBACK_REQUESTED"},
    {ServiceDeploymentStatus::rollback_in_progress, "ROLLBACK_IN_PROGRESS"},
    {ServiceDeploymentStatus::successful, "SUCCESSFUL"},
    {ServiceDeploymentStatus::stopped, "STOPPED"},
    {ServiceDeploymentStatus::rollback_successful, "ROLLBACK_SUCCESSFUL"},
    {ServiceDeploymentStatus::rollback_failed, "ROLLBACK_FAILED"},
}};

}  // namespace

const char* to_string(ServiceDeploymentStatus status) {
  for (const auto& [value, text] : k_statuses) {
    if (value == status) return text;
  }
  return "";
}

ServiceDeploymentStatus parse_service_deployment_status(std::string_view text) {
  for (const auto& [value, spelling] : k_statuses) {
    if (text == spelling) return value;
  }
  return ServiceDeploymentStatus::unknown;
}

bool is_completed(ServiceDeploymentStatus status) {
  return status == ServiceDeploymentStatus::successful || status == ServiceDeploymentStatus::stopped ||
         status == ServiceDeploymentStatus::rollback_successful ||
         status == ServiceDeploymentStatus::rollback_failed;
}

const LifecycleHookDetail* find_hook(const ServiceDeployment& deployment, std::string_view status) {
  for (const auto& hook : deployment.lifecycle_hooks) {
    if (hook.status == status) return &hook;
  }
  return nullptr;
}

}  // namespace adjust
