// JSON -> typed ECS views. Tolerant of missing fields, strict about types.
#include "adjust/aws/ecs_client.hpp"
#include "adjust/aws/json_decoder.hpp"

namespace adjust {
namespace {

std::vector<EcsCapacityProvider> decode_providers(JsonDecoder& d, const nlohmann::json& parent,
                                                  const std::string& path) {
  std::vector<EcsCapacityProvider> out;
  if (const auto* items = d.array(parent, path, "capacityProviderStrategy")) {
    std::string base = json_path(path, "capacityProviderStrategy");
    for (std::size_t i = 0; i < items->size(); ++i) {
      const auto& item = (*items)[i];
      std::string item_path = json_path(base, i);
      if (!d.expect_object(item, item_path)) {
        continue;
      }
      EcsCapacityProvider provider;
      d.read(item, item_path, "capacityProvider", provider.capacity_provider);
      d.read(item, item_path, "weight", provider.weight);
      d.read(item, item_path, "base", provider.base);
      out.push_back(std::move(provider));
    }
  }
  return out;
}

EcsDeployment decode_deployment(JsonDecoder& d, const nlohmann::json& json, const std::string& path) {
  EcsDeployment deployment;
  d.read(json, path, "id", deployment.id);
  // Status and rollout state are decoded here, once, so nothing else compares ECS strings.
  std::string status;
  d.read(json, path, "status", status);
  deployment.status = parse_deployment_status(status);
  d.read(json, path, "taskDefinition", deployment.task_definition);
  d.read(json, path, "desiredCount", deployment.desired_count);
  d.read(json, path, "pendingCount", deployment.pending_count);
  d.read(json, path, "runningCount", deployment.running_count);
  d.read(json, path, "failedTasks", deployment.failed_tasks);
  d.read(json, path, "createdAt", deployment.created_at);
  d.read(json, path, "updatedAt", deployment.updated_at);
  std::string rollout_state;
  d.read(json, path, "rolloutState", rollout_state);
  deployment.rollout_state = parse_rollout_state(rollout_state);
  d.read(json, path, "rolloutStateReason", deployment.rollout_state_reason);
  d.read(json, path, "launchType", deployment.launch_type);
  d.read(json, path, "platformFamily", deployment.platform_family);
  deployment.capacity_provider_strategy = decode_providers(d, json, path);
  return deployment;
}

// deploymentConfiguration.lifecycleHooks[] (blue/green, linear, canary).
LifecycleHookConfig decode_hook_config(JsonDecoder& d, const nlohmann::json& json, const std::string& path) {
  LifecycleHookConfig hook;
  d.read(json, path, "targetType", hook.target_type);
  d.read(json, path, "hookTargetArn", hook.target_arn);
  d.read(json, path, "lifecycleStages", hook.stages);
  if (const auto* timeout = d.object(json, path, "timeoutConfiguration")) {
    std::string timeout_path = json_path(path, "timeoutConfiguration");
    d.read(*timeout, timeout_path, "timeoutInMinutes", hook.timeout_minutes);
    d.read(*timeout, timeout_path, "action", hook.timeout_action);
  }
  return hook;
}

void decode_deployment_configuration(JsonDecoder& d, const nlohmann::json& config, const std::string& path,
                                     EcsDeploymentConfiguration& out) {
  d.read(config, path, "maximumPercent", out.maximum_percent);
  d.read(config, path, "minimumHealthyPercent", out.minimum_healthy_percent);
  if (const auto* breaker = d.object(config, path, "deploymentCircuitBreaker")) {
    std::string breaker_path = json_path(path, "deploymentCircuitBreaker");
    d.read(*breaker, breaker_path, "enable", out.circuit_breaker_enable);
    d.read(*breaker, breaker_path, "rollback", out.circuit_breaker_rollback);
  }
  d.read(config, path, "strategy", out.strategy_text);
  out.strategy = parse_deployment_strategy(out.strategy_text);
  d.read(config, path, "bakeTimeInMinutes", out.bake_time_minutes);
  if (const auto* linear = d.object(config, path, "linearConfiguration")) {
    std::string linear_path = json_path(path, "linearConfiguration");
    d.read(*linear, linear_path, "stepPercent", out.linear_step_percent);
    d.read(*linear, linear_path, "stepBakeTimeInMinutes", out.linear_step_bake_minutes);
  }
  if (const auto* canary = d.object(config, path, "canaryConfiguration")) {
    std::string canary_path = json_path(path, "canaryConfiguration");
    d.read(*canary, canary_path, "canaryPercent", out.canary_percent);
    d.read(*canary, canary_path, "canaryBakeTimeInMinutes", out.canary_bake_minutes);
  }
  out.lifecycle_hooks = decode_list<LifecycleHookConfig>(
      d, config, path, "lifecycleHooks", [&d](const nlohmann::json& item, const std::string& item_path) {
        return decode_hook_config(d, item, item_path);
      });
  if (const auto* alarms = d.object(config, path, "alarms")) {
    std::string alarms_path = json_path(path, "alarms");
    d.read(*alarms, alarms_path, "alarmNames", out.alarm_names);
    d.read(*alarms, alarms_path, "enable", out.alarms_enable);
    d.read(*alarms, alarms_path, "rollback", out.alarms_rollback);
  }
  if (const auto* early = d.object(config, path, "earlySuccessCriteria")) {
    std::string early_path = json_path(path, "earlySuccessCriteria");
    EarlySuccessCriteria criteria;
    d.read(*early, early_path, "enable", criteria.enable);
    d.read(*early, early_path, "healthyPercent", criteria.healthy_percent);
    d.read(*early, early_path, "sourceServiceRevisionCleanup", criteria.source_cleanup);
    out.early_success = std::move(criteria);
  }
}

// Everything but `raw`, which the callers copy or move in.
Result<EcsService> decode_service_fields(const nlohmann::json& json, const std::string& what,
                                         const std::string& base_path) {
  JsonDecoder d(what);
  const std::string& path = base_path;
  if (!d.expect_object(json, path.empty() ? "/" : path)) {
    return fail(d.error());
  }
  EcsService service;
  d.read(json, path, "serviceArn", service.arn);
  d.read(json, path, "serviceName", service.name);
  d.read(json, path, "clusterArn", service.cluster_arn);
  d.read(json, path, "status", service.status);
  d.read(json, path, "desiredCount", service.desired_count);
  d.read(json, path, "runningCount", service.running_count);
  d.read(json, path, "pendingCount", service.pending_count);
  d.read(json, path, "launchType", service.launch_type);
  d.read(json, path, "platformFamily", service.platform_family);
  d.read(json, path, "platformVersion", service.platform_version);
  d.read(json, path, "taskDefinition", service.task_definition);
  d.read(json, path, "currentServiceDeployment", service.current_service_deployment);
  service.capacity_provider_strategy = decode_providers(d, json, path);
  service.deployments = decode_list<EcsDeployment>(
      d, json, path, "deployments", [&d](const nlohmann::json& item, const std::string& item_path) {
        return decode_deployment(d, item, item_path);
      });
  service.events = decode_list<EcsServiceEvent>(
      d, json, path, "events", [&d](const nlohmann::json& item, const std::string& item_path) {
        EcsServiceEvent event;
        d.read(item, item_path, "id", event.id);
        d.read(item, item_path, "createdAt", event.created_at);
        d.read(item, item_path, "message", event.message);
        return event;
      });
  service.load_balancers = decode_list<EcsLoadBalancer>(
      d, json, path, "loadBalancers", [&d](const nlohmann::json& item, const std::string& item_path) {
        EcsLoadBalancer lb;
        d.read(item, item_path, "targetGroupArn", lb.target_group_arn);
        d.read(item, item_path, "loadBalancerName", lb.load_balancer_name);
        d.read(item, item_path, "containerName", lb.container_name);
        d.read(item, item_path, "containerPort", lb.container_port);
        if (const auto* advanced = d.object(item, item_path, "advancedConfiguration")) {
          d.read(*advanced, json_path(item_path, "advancedConfiguration"), "alternateTargetGroupArn",
                 lb.alternate_target_group_arn);
        }
        return lb;
      });
  if (const auto* config = d.object(json, path, "deploymentConfiguration")) {
    decode_deployment_configuration(d, *config, json_path(path, "deploymentConfiguration"),
                                    service.deployment_configuration);
  }
  if (const auto* controller = d.object(json, path, "deploymentController")) {
    d.read(*controller, json_path(path, "deploymentController"), "type", service.deployment_controller_type);
  }
  if (d.failed()) {
    return fail(d.error());
  }
  return service;
}

}  // namespace

Result<EcsService> decode_ecs_service(const nlohmann::json& json, const std::string& what,
                                      const std::string& base_path) {
  auto service = decode_service_fields(json, what, base_path);
  if (service) service->raw = json;
  return service;
}

Result<EcsService> decode_ecs_service(nlohmann::json&& json, const std::string& what,
                                      const std::string& base_path) {
  auto service = decode_service_fields(json, what, base_path);
  if (service) service->raw = std::move(json);
  return service;
}

Result<EcsTask> decode_ecs_task(const nlohmann::json& json, const std::string& what,
                                const std::string& base_path) {
  JsonDecoder d(what);
  const std::string& path = base_path;
  if (!d.expect_object(json, path.empty() ? "/" : path)) {
    return fail(d.error());
  }
  EcsTask task;
  d.read(json, path, "taskArn", task.arn);
  d.read(json, path, "taskDefinitionArn", task.task_definition_arn);
  d.read(json, path, "lastStatus", task.last_status);
  d.read(json, path, "desiredStatus", task.desired_status);
  d.read(json, path, "startedBy", task.started_by);
  d.read(json, path, "group", task.group);
  d.read(json, path, "stopCode", task.stop_code);
  d.read(json, path, "stoppedReason", task.stopped_reason);
  d.read(json, path, "healthStatus", task.health_status);
  d.read(json, path, "startedAt", task.started_at);
  d.read(json, path, "stoppedAt", task.stopped_at);
  // The ENI's address: attachments[].details[name=privateIPv4Address] (match
  // by detail name, not attachment type).
  decode_list<int>(d, json, path, "attachments",
                   [&d, &task](const nlohmann::json& attachment, const std::string& attachment_path) {
                     decode_list<int>(
                         d, attachment, attachment_path, "details",
                         [&d, &task](const nlohmann::json& detail, const std::string& detail_path) {
                           std::string name;
                           d.read(detail, detail_path, "name", name);
                           if (name == "privateIPv4Address" && task.private_ipv4.empty()) {
                             d.read(detail, detail_path, "value", task.private_ipv4);
                           } else if (name == "ipv6Address" && task.ipv6.empty()) {
                             d.read(detail, detail_path, "value", task.ipv6);
                           }
                           return 0;
                         });
                     return 0;
                   });
  task.containers = decode_list<EcsContainerState>(
      d, json, path, "containers", [&d, &task](const nlohmann::json& item, const std::string& item_path) {
        EcsContainerState container;
        d.read(item, item_path, "name", container.name);
        d.read(item, item_path, "lastStatus", container.last_status);
        d.read(item, item_path, "exitCode", container.exit_code);
        d.read(item, item_path, "reason", container.reason);
        decode_list<int>(d, item, item_path, "networkInterfaces",
                         [&d, &task](const nlohmann::json& eni, const std::string& eni_path) {
                           if (task.private_ipv4.empty()) {
                             d.read(eni, eni_path, "privateIpv4Address", task.private_ipv4);
                           }
                           if (task.ipv6.empty()) d.read(eni, eni_path, "ipv6Address", task.ipv6);
                           return 0;
                         });
        return container;
      });
  if (d.failed()) {
    return fail(d.error());
  }
  return task;
}

}  // namespace adjust
