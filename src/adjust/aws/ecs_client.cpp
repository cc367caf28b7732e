// EcsClient: request building, batching and pagination over AwsClient.
#include <algorithm>

#include "adjust/aws/client.hpp"
#include "adjust/aws/ecs_client.hpp"
#include "adjust/aws/json_decoder.hpp"

namespace adjust {
namespace {

constexpr std::size_t k_describe_services_batch = 10;
constexpr std::size_t k_describe_tasks_batch = 100;
constexpr int k_list_tasks_page = 100;
// Guards against a service that keeps returning a nextToken.
constexpr int k_max_pages = 1000;

Result<std::vector<EcsFailure>> decode_failures(const nlohmann::json& response, const std::string& what) {
  JsonDecoder d(what);
  std::vector<EcsFailure> out;
  if (const auto* items = d.array(response, "", "failures")) {
    for (std::size_t i = 0; i < items->size(); ++i) {
      std::string path = json_path("/failures", i);
      if (!d.expect_object((*items)[i], path)) {
        continue;
      }
      EcsFailure failure;
      d.read((*items)[i], path, "arn", failure.arn);
      d.read((*items)[i], path, "reason", failure.reason);
      d.read((*items)[i], path, "detail", failure.detail);
      out.push_back(std::move(failure));
    }
  }
  if (d.failed()) {
    return fail(d.error());
  }
  return out;
}

// The array member `key` of a response, which must be present.
Result<const nlohmann::json*> required_array(const nlohmann::json& response, const char* key,
                                             const std::string& what) {
  JsonDecoder d(what);
  const auto* items = d.array(response, "", key);
  if (d.failed()) {
    return fail(d.error());
  }
  if (items == nullptr) {
    return fail(ErrorCode::aws_bad_response, what + ": /" + key + " is missing");
  }
  return items;
}

Result<EcsTaskDefinition> decode_task_definition_response(const nlohmann::json& response,
                                                          const std::string& what) {
  auto found = response.find("taskDefinition");
  if (found == response.end() || !found->is_object()) {
    return fail(ErrorCode::aws_bad_response, what + ": /taskDefinition is missing or not an object");
  }
  EcsTaskDefinition out;
  out.task_definition = *found;
  if (auto tags = response.find("tags"); tags != response.end() && !tags->is_null()) {
    if (!tags->is_array()) {
      return fail(ErrorCode::aws_bad_response, what + ": /tags: expected an array");
    }
    out.tags = *tags;
  }
  return out;
}

template <class T>
std::vector<std::vector<T>> chunks(const std::vector<T>& items, std::size_t size) {
  std::vector<std::vector<T>> out;
  for (std::size_t start = 0; start < items.size(); start += size) {
    auto end = std::min(items.size(), start + size);
    out.emplace_back(items.begin() + static_cast<std::ptrdiff_t>(start),
                     items.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return out;
}

}  // namespace

Result<EcsServices> EcsClient::describe_services(const std::string& cluster,
                                                 const std::vector<std::string>& services) {
  EcsServices out;
  for (const auto& batch : chunks(services, k_describe_services_batch)) {
    nlohmann::json request{{"cluster", cluster}, {"services", batch}};
    auto response = ADJUST_TRY(m_client.call_json(k_ecs_target_prefix, "DescribeServices", request));
    const std::string what = "DescribeServices response";
    if (auto checked = required_array(response, "services", what); !checked) return fail(checked.error());
    auto& items = response["services"];  // checked: an array; its elements are moved out
    for (std::size_t i = 0; i < items.size(); ++i) {
      auto service = decode_ecs_service(std::move(items[i]), what, json_path("/services", i));
      if (!service) {
        return fail(service.error());
      }
      out.services.push_back(std::move(*service));
    }
    auto failures = ADJUST_TRY(decode_failures(response, what));
    out.failures.insert(out.failures.end(), failures.begin(), failures.end());
  }
  return out;
}

Result<EcsTaskDefinition> EcsClient::describe_task_definition(const std::string& reference) {
  nlohmann::json request{{"taskDefinition", reference}, {"include", {"TAGS"}}};
  auto response = ADJUST_TRY(m_client.call_json(k_ecs_target_prefix, "DescribeTaskDefinition", request));
  return decode_task_definition_response(response, "DescribeTaskDefinition response");
}

Result<EcsTaskDefinition> EcsClient::register_task_definition(const nlohmann::json& request) {
  auto response = ADJUST_TRY(m_client.call_json(k_ecs_target_prefix, "RegisterTaskDefinition", request));
  auto registered = ADJUST_TRY(decode_task_definition_response(response, "RegisterTaskDefinition response"));
  // The new revision's ARN is what the service gets pointed at: never go on without it.
  if (registered.arn().empty()) {
    return fail(
        ErrorCode::aws_bad_response,
        "RegisterTaskDefinition response: /taskDefinition/taskDefinitionArn is missing or not a string");
  }
  return registered;
}

Result<EcsTaskDefinition> EcsClient::deregister_task_definition(const std::string& arn) {
  nlohmann::json request{{"taskDefinition", arn}};
  auto response = ADJUST_TRY(m_client.call_json(k_ecs_target_prefix, "DeregisterTaskDefinition", request));
  return decode_task_definition_response(response, "DeregisterTaskDefinition response");
}

nlohmann::json to_json(const UpdateServiceRequest& request) {
  nlohmann::json json = {{"cluster", request.cluster}, {"service", request.service}};
  if (request.task_definition) json["taskDefinition"] = *request.task_definition;
  if (request.desired_count) json["desiredCount"] = *request.desired_count;
  if (const auto& limits = request.deployment_limits) {
    nlohmann::json configuration = limits->current.is_object() ? limits->current : nlohmann::json::object();
    if (limits->maximum_percent) configuration["maximumPercent"] = *limits->maximum_percent;
    if (limits->minimum_healthy_percent)
      configuration["minimumHealthyPercent"] = *limits->minimum_healthy_percent;
    json["deploymentConfiguration"] = std::move(configuration);
  }
  return json;
}

Result<EcsService> EcsClient::update_service(const UpdateServiceRequest& request) {
  auto response = ADJUST_TRY(m_client.call_json(k_ecs_target_prefix, "UpdateService", to_json(request)));
  auto found = response.find("service");
  if (found == response.end()) {
    return fail(ErrorCode::aws_bad_response, "UpdateService response: /service is missing");
  }
  return decode_ecs_service(*found, "UpdateService response", "/service");
}

namespace {

// A response member that must be an array of strings (ARNs).
Result<std::vector<std::string>> string_array(const nlohmann::json& response, const char* key,
                                              const std::string& what) {
  const auto* items = ADJUST_TRY(required_array(response, key, what));
  std::vector<std::string> values;
  values.reserve(items->size());
  for (std::size_t i = 0; i < items->size(); ++i) {
    if (!(*items)[i].is_string()) {
      return fail(ErrorCode::aws_bad_response,
                  what + ": /" + key + "/" + std::to_string(i) + ": expected a string");
    }
    values.push_back((*items)[i].get<std::string>());
  }
  return values;
}

}  // namespace

Result<std::vector<std::string>> EcsClient::list_task_definitions(const std::string& family) {
  nlohmann::json request{
      {"familyPrefix", family}, {"status", "ACTIVE"}, {"sort", "DESC"}, {"maxResults", 100}};
  auto response = ADJUST_TRY(m_client.call_json(k_ecs_target_prefix, "ListTaskDefinitions", request));
  return string_array(response, "taskDefinitionArns", "ListTaskDefinitions response");
}

Result<std::vector<std::string>> EcsClient::list_services(const std::string& cluster) {
  std::vector<std::string> arns;
  std::string next_token;
  for (int page = 0; page < k_max_pages; ++page) {
    nlohmann::json request{{"cluster", cluster}, {"maxResults", 100}};
    if (!next_token.empty()) request["nextToken"] = next_token;
    auto response = ADJUST_TRY(m_client.call_json(k_ecs_target_prefix, "ListServices", request));
    const std::string what = "ListServices response";
    auto page_arns = ADJUST_TRY(string_array(response, "serviceArns", what));
    arns.insert(arns.end(), page_arns.begin(), page_arns.end());
    JsonDecoder d(what);
    next_token.clear();
    d.read(response, "", "nextToken", next_token);
    if (d.failed()) return fail(d.error());
    if (next_token.empty()) return arns;
  }
  return fail(ErrorCode::aws_bad_response, "ListServices: more than 1000 pages; giving up");
}

Result<std::vector<std::string>> EcsClient::list_tasks(const std::string& cluster, const std::string& service,
                                                       const std::string& desired_status) {
  std::vector<std::string> arns;
  std::string next_token;
  for (int page = 0; page < k_max_pages; ++page) {
    nlohmann::json request{{"cluster", cluster}, {"maxResults", k_list_tasks_page}};
    if (!service.empty()) {
      request["serviceName"] = service;
    }
    if (!desired_status.empty()) {
      request["desiredStatus"] = desired_status;
    }
    if (!next_token.empty()) {
      request["nextToken"] = next_token;
    }
    auto response = ADJUST_TRY(m_client.call_json(k_ecs_target_prefix, "ListTasks", request));
    const std::string what = "ListTasks response";
    auto page_arns = ADJUST_TRY(string_array(response, "taskArns", what));
    arns.insert(arns.end(), page_arns.begin(), page_arns.end());
    JsonDecoder d(what);
    next_token.clear();
    d.read(response, "", "nextToken", next_token);
    if (d.failed()) {
      return fail(d.error());
    }
    if (next_token.empty()) {
      return arns;
    }
  }
  return fail(ErrorCode::aws_bad_response, "ListTasks: more than 1000 pages; giving up");
}

Result<EcsTasks> EcsClient::describe_tasks(const std::string& cluster,
                                           const std::vector<std::string>& tasks) {
  EcsTasks out;
  for (const auto& batch : chunks(tasks, k_describe_tasks_batch)) {
    nlohmann::json request{{"cluster", cluster}, {"tasks", batch}};
    auto response = ADJUST_TRY(m_client.call_json(k_ecs_target_prefix, "DescribeTasks", request));
    const std::string what = "DescribeTasks response";
    const auto* items = ADJUST_TRY(required_array(response, "tasks", what));
    for (std::size_t i = 0; i < items->size(); ++i) {
      auto task = decode_ecs_task((*items)[i], what, json_path("/tasks", i));
      if (!task) {
        return fail(task.error());
      }
      out.tasks.push_back(std::move(*task));
    }
    auto failures = ADJUST_TRY(decode_failures(response, what));
    out.failures.insert(out.failures.end(), failures.begin(), failures.end());
  }
  return out;
}

}  // namespace adjust

namespace adjust {

// An ECS without the service deployments API.
static Error unsupported_feature(const std::string& operation) {
  return Error{ErrorCode::aws_client, operation + ": UnsupportedFeatureException: not supported by this ECS",
               "UnsupportedFeatureException", "", 400};
}

Result<std::vector<std::string>> EcsApi::list_services(const std::string&) {
  return fail(unsupported_feature("ListServices"));
}
Result<std::vector<ServiceDeploymentBrief>> EcsApi::list_service_deployments(
    const ListServiceDeploymentsRequest&) {
  return fail(unsupported_feature("ListServiceDeployments"));
}
Result<ServiceDeployments> EcsApi::describe_service_deployments(const std::vector<std::string>&) {
  return fail(unsupported_feature("DescribeServiceDeployments"));
}
Result<ServiceRevisions> EcsApi::describe_service_revisions(const std::vector<std::string>&) {
  return fail(unsupported_feature("DescribeServiceRevisions"));
}
Status EcsApi::stop_service_deployment(const std::string&, StopType) {
  return fail(unsupported_feature("StopServiceDeployment"));
}
Status EcsApi::continue_service_deployment(const std::string&, const std::string&, HookAction) {
  return fail(unsupported_feature("ContinueServiceDeployment"));
}

namespace {

constexpr std::size_t k_service_deployments_batch = 20;  // Describe{ServiceDeployments,ServiceRevisions}
constexpr int k_list_service_deployments_page = 100;
// The interface's promise: a service's last 1000 deployments are plenty.
constexpr int k_max_service_deployment_pages = 10;

// createdAt.after as botocore sends it: whole epoch seconds. Rounding down
// can only let an earlier deployment in, never leave a later one out.
long long epoch_seconds(SystemTime time) {
  return std::chrono::floor<std::chrono::seconds>(time.time_since_epoch()).count();
}

}  // namespace

Result<std::vector<ServiceDeploymentBrief>> EcsClient::list_service_deployments(
    const ListServiceDeploymentsRequest& request) {
  const std::string what = "ListServiceDeployments response";
  nlohmann::json base{{"cluster", request.cluster},
                      {"service", request.service},
                      {"maxResults", k_list_service_deployments_page}};
  if (!request.statuses.empty()) {
    nlohmann::json statuses = nlohmann::json::array();
    for (auto status : request.statuses) {
      if (status == ServiceDeploymentStatus::unknown) {
        return fail(ErrorCode::internal, "ListServiceDeployments: asked for the status 'unknown'");
      }
      statuses.push_back(to_string(status));
    }
    base["status"] = std::move(statuses);
  }
  if (request.created_after) {
    base["createdAt"] = {{"after", epoch_seconds(*request.created_after)}};
  }
  std::vector<ServiceDeploymentBrief> out;
  std::string next_token;
  for (int page = 0; page < k_max_service_deployment_pages; ++page) {
    nlohmann::json body = base;
    if (!next_token.empty()) body["nextToken"] = next_token;
    auto response = ADJUST_TRY(m_client.call_json(k_ecs_target_prefix, "ListServiceDeployments", body));
    const auto* items = ADJUST_TRY(required_array(response, "serviceDeployments", what));
    for (std::size_t i = 0; i < items->size(); ++i) {
      out.push_back(ADJUST_TRY(
          decode_service_deployment_brief((*items)[i], what, json_path("/serviceDeployments", i))));
    }
    JsonDecoder d(what);
    next_token.clear();
    d.read(response, "", "nextToken", next_token);
    if (d.failed()) return fail(d.error());
    if (next_token.empty()) break;
  }
  return out;
}

Result<ServiceDeployments> EcsClient::describe_service_deployments(const std::vector<std::string>& arns) {
  const std::string what = "DescribeServiceDeployments response";
  ServiceDeployments out;
  for (const auto& batch : chunks(arns, k_service_deployments_batch)) {
    nlohmann::json request{{"serviceDeploymentArns", batch}};
    auto response =
        ADJUST_TRY(m_client.call_json(k_ecs_target_prefix, "DescribeServiceDeployments", request));
    const auto* items = ADJUST_TRY(required_array(response, "serviceDeployments", what));
    for (std::size_t i = 0; i < items->size(); ++i) {
      out.deployments.push_back(
          ADJUST_TRY(decode_service_deployment((*items)[i], what, json_path("/serviceDeployments", i))));
    }
    auto failures = ADJUST_TRY(decode_failures(response, what));
    out.failures.insert(out.failures.end(), failures.begin(), failures.end());
  }
  return out;
}

Result<ServiceRevisions> EcsClient::describe_service_revisions(const std::vector<std::string>& arns) {
  const std::string what = "DescribeServiceRevisions response";
  ServiceRevisions out;
  for (const auto& batch : chunks(arns, k_service_deployments_batch)) {
    nlohmann::json request{{"serviceRevisionArns", batch}};
    auto response = ADJUST_TRY(m_client.call_json(k_ecs_target_prefix, "DescribeServiceRevisions", request));
    const auto* items = ADJUST_TRY(required_array(response, "serviceRevisions", what));
    for (std::size_t i = 0; i < items->size(); ++i) {
      out.revisions.push_back(
          ADJUST_TRY(decode_service_revision((*items)[i], what, json_path("/serviceRevisions", i))));
    }
    auto failures = ADJUST_TRY(decode_failures(response, what));
    out.failures.insert(out.failures.end(), failures.begin(), failures.end());
  }
  return out;
}

// Both answer {serviceDeploymentArn}, which tells nothing new: only success matters.
Status EcsClient::stop_service_deployment(const std::string& arn, StopType stop_type) {
  nlohmann::json request{{"serviceDeploymentArn", arn},
                         {"stopType", stop_type == StopType::rollback ? "ROLLBACK" : "ABORT"}};
  ADJUST_CHECK(m_client.call_json(k_ecs_target_prefix, "StopServiceDeployment", request));
  return {};
}

Status EcsClient::continue_service_deployment(const std::string& arn, const std::string& hook_id,
                                              HookAction action) {
  nlohmann::json request{{"serviceDeploymentArn", arn},
                         {"action", action == HookAction::resume ? "CONTINUE" : "ROLLBACK"}};
  if (!hook_id.empty()) request["hookId"] = hook_id;
  ADJUST_CHECK(m_client.call_json(k_ecs_target_prefix, "ContinueServiceDeployment", request));
  return {};
}

}  // namespace adjust
