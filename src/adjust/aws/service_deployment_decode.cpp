// JSON -> the service deployments API's values (model/service_deployment.hpp).
// Tolerant of missing fields, strict about types, like ecs_decode.cpp.
#include "adjust/aws/ecs_client.hpp"
#include "adjust/aws/json_decoder.hpp"

namespace adjust {
namespace {

// The start of decoding one response element: `json` must be an object.
bool expect_top_object(JsonDecoder& d, const nlohmann::json& json, const std::string& path) {
  return d.expect_object(json, path.empty() ? "/" : path);
}

ServiceRevisionSummary decode_revision_summary(JsonDecoder& d, const nlohmann::json& json,
                                               const std::string& path) {
  ServiceRevisionSummary summary;
  d.read(json, path, "arn", summary.arn);
  d.read(json, path, "requestedTaskCount", summary.requested_task_count);
  d.read(json, path, "runningTaskCount", summary.running_task_count);
  d.read(json, path, "pendingTaskCount", summary.pending_task_count);
  d.read(json, path, "requestedTestTrafficWeight", summary.requested_test_traffic_weight);
  d.read(json, path, "requestedProductionTrafficWeight", summary.requested_production_traffic_weight);
  return summary;
}

LifecycleHookDetail decode_hook_detail(JsonDecoder& d, const nlohmann::json& json, const std::string& path) {
  LifecycleHookDetail hook;
  d.read(json, path, "hookId", hook.hook_id);
  d.read(json, path, "targetType", hook.target_type);
  d.read(json, path, "targetArn", hook.target_arn);
  d.read(json, path, "status", hook.status);
  d.read(json, path, "expiresAt", hook.expires_at);
  d.read(json, path, "timeoutAction", hook.timeout_action);
  return hook;
}

// deploymentCircuitBreaker {status, failureCount, threshold} and alarms
// {status, alarmNames, triggeredAlarmNames} share one shape here.
RollbackMonitor decode_monitor(JsonDecoder& d, const nlohmann::json& parent, const std::string& path,
                               const char* key) {
  RollbackMonitor monitor;
  if (const auto* json = d.object(parent, path, key)) {
    std::string monitor_path = json_path(path, key);
    d.read(*json, monitor_path, "status", monitor.status);
    d.read(*json, monitor_path, "failureCount", monitor.failure_count);
    d.read(*json, monitor_path, "threshold", monitor.threshold);
    d.read(*json, monitor_path, "alarmNames", monitor.alarm_names);
    d.read(*json, monitor_path, "triggeredAlarmNames", monitor.triggered_alarm_names);
  }
  return monitor;
}

}  // namespace

Result<ServiceDeployment> decode_service_deployment(const nlohmann::json& json, const std::string& what,
                                                    const std::string& base_path) {
  JsonDecoder d(what);
  const std::string& path = base_path;
  if (!expect_top_object(d, json, path)) {
    return fail(d.error());
  }
  ServiceDeployment out;
  d.read(json, path, "serviceDeploymentArn", out.arn);
  d.read(json, path, "serviceArn", out.service_arn);
  d.read(json, path, "clusterArn", out.cluster_arn);
  d.read(json, path, "createdAt", out.created_at);
  d.read(json, path, "startedAt", out.started_at);
  d.read(json, path, "finishedAt", out.finished_at);
  d.read(json, path, "stoppedAt", out.stopped_at);
  d.read(json, path, "updatedAt", out.updated_at);
  out.source_revisions =
      decode_list<ServiceRevisionSummary>(d, json, path, "sourceServiceRevisions",
                                          [&d](const nlohmann::json& item, const std::string& item_path) {
                                            return decode_revision_summary(d, item, item_path);
                                          });
  if (const auto* target = d.object(json, path, "targetServiceRevision")) {
    out.target_revision = decode_revision_summary(d, *target, json_path(path, "targetServiceRevision"));
  }
  d.read(json, path, "status", out.status_text);
  out.status = parse_service_deployment_status(out.status_text);
  d.read(json, path, "statusReason", out.status_reason);
  d.read(json, path, "lifecycleStage", out.lifecycle_stage);
  out.lifecycle_hooks = decode_list<LifecycleHookDetail>(
      d, json, path, "lifecycleHookDetails", [&d](const nlohmann::json& item, const std::string& item_path) {
        return decode_hook_detail(d, item, item_path);
      });
  if (const auto* rollback = d.object(json, path, "rollback")) {
    std::string rollback_path = json_path(path, "rollback");
    d.read(*rollback, rollback_path, "reason", out.rollback_reason);
    d.read(*rollback, rollback_path, "startedAt", out.rollback_started_at);
    d.read(*rollback, rollback_path, "serviceRevisionArn", out.rollback_service_revision);
  }
  out.circuit_breaker = decode_monitor(d, json, path, "deploymentCircuitBreaker");
  out.alarms = decode_monitor(d, json, path, "alarms");
  if (d.failed()) {
    return fail(d.error());
  }
  return out;
}

Result<ServiceDeploymentBrief> decode_service_deployment_brief(const nlohmann::json& json,
                                                               const std::string& what,
                                                               const std::string& base_path) {
  JsonDecoder d(what);
  const std::string& path = base_path;
  if (!expect_top_object(d, json, path)) {
    return fail(d.error());
  }
  ServiceDeploymentBrief out;
  d.read(json, path, "serviceDeploymentArn", out.arn);
  d.read(json, path, "serviceArn", out.service_arn);
  d.read(json, path, "clusterArn", out.cluster_arn);
  d.read(json, path, "createdAt", out.created_at);
  d.read(json, path, "startedAt", out.started_at);
  d.read(json, path, "finishedAt", out.finished_at);
  d.read(json, path, "targetServiceRevisionArn", out.target_service_revision_arn);
  std::string status;
  d.read(json, path, "status", status);
  out.status = parse_service_deployment_status(status);
  d.read(json, path, "statusReason", out.status_reason);
  if (d.failed()) {
    return fail(d.error());
  }
  return out;
}

Result<ServiceRevision> decode_service_revision(const nlohmann::json& json, const std::string& what,
                                                const std::string& base_path) {
  JsonDecoder d(what);
  const std::string& path = base_path;
  if (!expect_top_object(d, json, path)) {
    return fail(d.error());
  }
  ServiceRevision out;
  d.read(json, path, "serviceRevisionArn", out.arn);
  d.read(json, path, "serviceArn", out.service_arn);
  d.read(json, path, "clusterArn", out.cluster_arn);
  d.read(json, path, "taskDefinition", out.task_definition);
  d.read(json, path, "createdAt", out.created_at);
  if (const auto* resolved = d.object(json, path, "resolvedConfiguration")) {
    std::string resolved_path = json_path(path, "resolvedConfiguration");
    auto target_groups =
        decode_list<std::string>(d, *resolved, resolved_path, "loadBalancers",
                                 [&d](const nlohmann::json& item, const std::string& item_path) {
                                   std::string arn;
                                   d.read(item, item_path, "targetGroupArn", arn);
                                   return arn;
                                 });
    for (auto& arn : target_groups) {
      if (!arn.empty()) out.resolved_target_groups.push_back(std::move(arn));
    }
  }
  if (d.failed()) {
    return fail(d.error());
  }
  return out;
}

}  // namespace adjust
