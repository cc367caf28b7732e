#include "fakes/ecs.hpp"

#include <algorithm>
#include <stdexcept>

#include "adjust/aws/xml.hpp"

namespace adjust::testing {
namespace {

using json = nlohmann::json;

const std::string k_td_prefix =
    std::string("arn:aws:ecs:") + k_fake_region + ":" + k_fake_account + ":task-definition/";

std::string short_revision(const std::string& arn) {
  auto slash = arn.rfind('/');
  return slash == std::string::npos ? arn : arn.substr(slash + 1);
}

std::string hex_id(int n, std::size_t width) {
  static const char* digits = "0123456789abcdef";
  std::string out(width, '0');
  unsigned long long value = static_cast<unsigned long long>(n) * 2654435761ULL + 0x9e3779b9ULL;
  for (std::size_t i = 0; i < width; ++i) {
    out[i] = digits[(value >> ((i * 4) % 60)) & 0xf];
    if (i % 15 == 14) value = value * 6364136223846793005ULL + 1442695040888963407ULL;
  }
  // Unique whatever the mixing: end with the number itself.
  std::string tail = std::to_string(n);
  out.replace(width - tail.size(), tail.size(), tail);
  return out;
}

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string fake_task_definition_arn(const std::string& revision) {
  return revision.starts_with("arn:") ? revision : k_td_prefix + revision;
}

std::string fake_service_arn(const std::string& cluster, const std::string& name) {
  return std::string("arn:aws:ecs:") + k_fake_region + ":" + k_fake_account + ":service/" + cluster + "/" +
         name;
}

std::string fake_target_group_arn(const std::string& name) {
  return std::string("arn:aws:elasticloadbalancing:") + k_fake_region + ":" + k_fake_account +
         ":targetgroup/" + name + "-tg/0123456789abcdef";
}

const char* to_string(AwsOp op) {
  switch (op) {
    case AwsOp::describe_services:
      return "DescribeServices";
    case AwsOp::describe_task_definition:
      return "DescribeTaskDefinition";
    case AwsOp::register_task_definition:
      return "RegisterTaskDefinition";
    case AwsOp::deregister_task_definition:
      return "DeregisterTaskDefinition";
    case AwsOp::list_task_definitions:
      return "ListTaskDefinitions";
    case AwsOp::list_services:
      return "ListServices";
    case AwsOp::update_service:
      return "UpdateService";
    case AwsOp::list_tasks:
      return "ListTasks";
    case AwsOp::describe_tasks:
      return "DescribeTasks";
    case AwsOp::describe_target_health:
      return "DescribeTargetHealth";
    case AwsOp::describe_target_group_attributes:
      return "DescribeTargetGroupAttributes";
    case AwsOp::list_service_deployments:
      return "ListServiceDeployments";
    case AwsOp::describe_service_deployments:
      return "DescribeServiceDeployments";
    case AwsOp::describe_service_revisions:
      return "DescribeServiceRevisions";
    case AwsOp::stop_service_deployment:
      return "StopServiceDeployment";
    case AwsOp::continue_service_deployment:
      return "ContinueServiceDeployment";
  }
  return "?";
}

TaskFailure oom_failure() {
  return {"EssentialContainerExited", "Essential container in task exited", 137,
          "OutOfMemoryError: Container killed due to memory usage"};
}

TaskFailure image_pull_failure() {
  return {"TaskFailedToStart", "Task failed to start", std::nullopt,
          "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "
          "docker.io/library/nginx:nope: not found"};
}

TaskFailure exit_failure() {
  return {"EssentialContainerExited", "Essential container in task exited", 1, "Essential container exited"};
}

Fate Fate::converge_after(int start_after, int healthy_after) {
  Fate fate;
  fate.start_after = start_after;
  fate.healthy_after = healthy_after;
  return fate;
}

Fate Fate::stall() {
  Fate fate;
  fate.kind = Kind::stall;
  return fate;
}

Fate Fate::fail_start(TaskFailure failure) {
  Fate fate;
  fate.kind = Kind::fail_start;
  fate.failure = std::move(failure);
  return fate;
}

Fate Fate::unhealthy() {
  Fate fate;
  fate.kind = Kind::unhealthy;
  return fate;
}

Error throttled_error() {
  return Error{ErrorCode::aws_throttled, "Rate exceeded", "ThrottlingException", "req-throttled", 400};
}

Error server_error() {
  return Error{ErrorCode::aws_transient, "Service Unavailable", "ServiceUnavailable", "req-5xx", 503};
}

Error network_error() {
  return Error{ErrorCode::aws_network, "connection reset by peer before any answer", "", "", 0};
}

Error client_error(const std::string& message) {
  return Error{ErrorCode::aws_client, message, "ClientException", "req-4xx", 400};
}

Error access_denied_error() {
  return Error{ErrorCode::aws_auth, "User is not authorized to perform: ecs:UpdateService",
               "AccessDeniedException", "req-denied", 400};
}

// ---- the world ------------------------------------------------------------------------------

json FakeEcs::fargate_task_definition(const std::string& family) {
  json container = {
      {"name", "web"},
      {"image", "nginx:1.25"},
      {"essential", true},
      {"portMappings", {{{"containerPort", 8080}, {"protocol", "tcp"}}}},
      {"environment", {{{"name", "MODE"}, {"value", "safe"}}, {{"name", "LOG_LEVEL"}, {"value", "info"}}}}};
  return {{"family", family},
          {"cpu", "256"},
          {"memory", "512"},
          {"networkMode", "awsvpc"},
          {"requiresCompatibilities", {"FARGATE"}},
          {"containerDefinitions", {container}}};
}

std::string FakeEcs::add_task_definition(json td, json tags) {
  std::lock_guard lock(m_mutex);
  std::string family = td.at("family").get<std::string>();
  int revision = 1;
  for (const auto& [arn, entry] : m_task_definitions) {
    if (entry["taskDefinition"].value("family", "") == family) {
      revision = std::max(revision, entry["taskDefinition"].value("revision", 0) + 1);
    }
  }
  std::string arn = k_td_prefix + family + ":" + std::to_string(revision);
  td.erase("tags");
  td["taskDefinitionArn"] = arn;
  td["revision"] = revision;
  td["status"] = "ACTIVE";
  td["compatibilities"] = {"EC2", "FARGATE"};
  m_task_definitions[arn] = {{"taskDefinition", std::move(td)}, {"tags", std::move(tags)}};
  return arn;
}

void FakeEcs::add_service(const ServiceSpec& spec) {
  std::lock_guard lock(m_mutex);
  Service service;
  service.name = spec.name;
  service.cluster = spec.cluster;
  service.arn = fake_service_arn(spec.cluster, spec.name);
  service.desired = spec.desired;
  service.strategy = spec.strategy;
  if (spec.load_balancer) {
    service.target_group = fake_target_group_arn(spec.name);
    if (spec.strategy != DeploymentStrategy::rolling)
      service.alternate_target_group = fake_target_group_arn(spec.name + "-alt");
  }
  service.production_target_group = service.target_group;
  service.deployment_configuration = {
      {"deploymentCircuitBreaker", {{"enable", spec.circuit_breaker}, {"rollback", spec.circuit_breaker}}},
      {"maximumPercent", 200},
      {"minimumHealthyPercent", 100}};
  if (spec.strategy != DeploymentStrategy::rolling) {
    service.deployment_configuration["strategy"] = to_string(spec.strategy);
  }
  if (spec.strategy != DeploymentStrategy::rolling || spec.bake_minutes > 0) {
    service.deployment_configuration["bakeTimeInMinutes"] = spec.bake_minutes;
  }
  if (spec.deployment_configuration_extra.is_object()) {
    service.deployment_configuration.update(spec.deployment_configuration_extra);
  }
  std::string td = fake_task_definition_arn(spec.revision.empty() ? spec.name + ":1" : spec.revision);
  FakeServiceRevision& revision = new_revision(service, td, service.target_group);
  service.serving_revision = revision.arn;
  Deployment& deployment = new_primary(service, td, spec.desired, Fate{});
  for (int i = 0; i < spec.desired; ++i) {
    Task& task = new_task(service, deployment);
    start_task(service, task);
    task.target_state = service.target_group.empty() ? "" : "healthy";
    task.running_rounds = 100;
  }
  deployment.rollout = "COMPLETED";
  deployment.reason = "ECS deployment " + deployment.id + " completed.";
  deployment.rounds_completed = 100;
  service.proven.insert(td);
  FakeServiceDeployment& first = new_service_deployment(service, revision.arn, deployment);
  first.status = ServiceDeploymentStatus::successful;
  first.status_reason = "Service deployment completed.";
  first.stage = first.staged() ? "CLEAN_UP" : "";
  first.production_weight = 100;
  first.test_weight = first.staged() ? 100 : 0;
  first.production_shift_seq = 0;
  first.finished_at = first.created_at;
  first.frozen_target = summary(service, revision.arn, 100, first.test_weight);
  if (first.circuit_breaker.status == "MONITORING") first.circuit_breaker.status = "MONITORING_COMPLETE";
  if (first.alarms.status == "MONITORING") first.alarms.status = "MONITORING_COMPLETE";
  event(service, "(service " + spec.name + ") has reached a steady state.");
  m_services[spec.cluster + "/" + spec.name] = std::move(service);
}

void FakeEcs::set_fate(const std::string& revision, Fate fate) {
  std::lock_guard lock(m_mutex);
  m_fates[fake_task_definition_arn(revision)] = std::move(fate);
}

void FakeEcs::set_default_fate(Fate fate) {
  std::lock_guard lock(m_mutex);
  m_default_fate = std::move(fate);
}

void FakeEcs::inject(AwsOp op, int first_call, Error error, int times, bool applied) {
  std::lock_guard lock(m_mutex);
  m_faults.push_back({op, first_call, first_call + times - 1, std::move(error), applied});
}

void FakeEcs::garble(AwsOp op, int call) {
  std::lock_guard lock(m_mutex);
  m_garbled.emplace_back(op, call);
}

void FakeEcs::on_call(AwsOp op, int call, std::function<void()> action) {
  std::lock_guard lock(m_mutex);
  m_hooks.push_back({op, call, std::move(action)});
}

void FakeEcs::deploy_external(const std::string& name, const std::string& revision) {
  std::lock_guard lock(m_mutex);
  Service& service = service_named(name);
  std::string td = fake_task_definition_arn(revision);
  start_deployment(service, td, service.desired, fate_for(service, td));
}

void FakeEcs::scale_external(const std::string& name, int desired) {
  std::lock_guard lock(m_mutex);
  Service& service = service_named(name);
  service.desired = desired;
  service.deployments.front().desired = desired;
}

void FakeEcs::delete_external(const std::string& name, bool gone) {
  std::lock_guard lock(m_mutex);
  Service& service = service_named(name);
  if (gone) {
    m_services.erase(service.cluster + "/" + service.name);
    return;
  }
  service.status = "DRAINING";
  service.desired = 0;
  service.deployments.front().desired = 0;
}

void FakeEcs::set_deployments_api(DeploymentsApi mode) {
  std::lock_guard lock(m_mutex);
  m_deployments_api = mode;
}

void FakeEcs::stale_describes(const std::string& name, int count) {
  std::lock_guard lock(m_mutex);
  service_named(name).stale_armed = count;
}

void FakeEcs::set_current_lag(int rounds) {
  std::lock_guard lock(m_mutex);
  m_current_lag = rounds;
}

// ---- records --------------------------------------------------------------------------------

std::vector<StopRequest> FakeEcs::stop_requests() const {
  std::lock_guard lock(m_mutex);
  return m_stops;
}

std::vector<ContinueRequest> FakeEcs::continue_requests() const {
  std::lock_guard lock(m_mutex);
  return m_continues;
}

std::vector<UpdateServiceRequest> FakeEcs::update_requests() const {
  std::lock_guard lock(m_mutex);
  return m_updates;
}

std::vector<DescribeServicesCall> FakeEcs::describe_services_calls() const {
  std::lock_guard lock(m_mutex);
  return m_describes;
}

std::vector<json> FakeEcs::register_requests() const {
  std::lock_guard lock(m_mutex);
  return m_registers;
}

std::vector<std::string> FakeEcs::deregistered() const {
  std::lock_guard lock(m_mutex);
  return m_deregistered;
}

std::vector<ListTasksCall> FakeEcs::list_tasks_calls() const {
  std::lock_guard lock(m_mutex);
  return m_list_tasks;
}

std::vector<CallRecord> FakeEcs::calls() const {
  std::lock_guard lock(m_mutex);
  return m_calls;
}

int FakeEcs::count(AwsOp op) const {
  std::lock_guard lock(m_mutex);
  auto found = m_counts.find(op);
  return found == m_counts.end() ? 0 : found->second;
}

int FakeEcs::mutating_calls() const {
  return count(AwsOp::register_task_definition) + count(AwsOp::deregister_task_definition) +
         count(AwsOp::update_service) + count(AwsOp::stop_service_deployment) +
         count(AwsOp::continue_service_deployment);
}

ServiceNow FakeEcs::service(const std::string& name) const {
  std::lock_guard lock(m_mutex);
  const Service& service = service_named(name);
  ServiceNow now;
  const Deployment& primary = service.deployments.front();
  now.revision = short_revision(primary.task_definition);
  now.desired = service.desired;
  now.primary_revision = short_revision(primary.task_definition);
  for (const auto& task : service.tasks) {
    if (task.deployment == primary.id && task.last_status == "RUNNING") ++now.primary_running;
  }
  now.primary_rollout_state = primary.rollout;
  now.deployments = service.deployments.size();
  now.serving_target_group = service.production_target_group;
  now.service_deployments = service.service_deployments.size();
  if (!service.service_deployments.empty()) {
    for (const auto& sd : m_service_deployments) {
      if (sd.arn != service.service_deployments.back()) continue;
      now.current_service_deployment = sd.arn;
      now.deployment_status = adjust::to_string(sd.status);
      now.lifecycle_stage = sd.stage;
      now.production_weight = sd.production_weight;
      now.production_shift_seq = sd.production_shift_seq;
    }
  }
  return now;
}

std::string FakeEcs::task_definition_status(const std::string& revision) const {
  std::lock_guard lock(m_mutex);
  auto found = m_task_definitions.find(fake_task_definition_arn(revision));
  if (found == m_task_definitions.end()) return "";
  return found->second["taskDefinition"].value("status", "");
}

// ---- arrivals -------------------------------------------------------------------------------

FakeEcs::Arrival FakeEcs::arrive(AwsOp op, const std::string& detail) {
  Arrival arrival;
  std::vector<std::function<void()>> actions;
  {
    std::lock_guard lock(m_mutex);
    arrival.number = ++m_counts[op];
    arrival.seq = ++m_seq;
    m_calls.push_back({op, arrival.seq, detail});
    for (const auto& hook : m_hooks) {
      if (hook.op == op && hook.call == arrival.number) actions.push_back(hook.action);
    }
  }
  for (const auto& action : actions) action();
  std::lock_guard lock(m_mutex);
  for (const auto& fault : m_faults) {
    if (fault.op == op && arrival.number >= fault.first && arrival.number <= fault.last) {
      arrival.fault = fault;
      break;
    }
  }
  arrival.garbled =
      std::find(m_garbled.begin(), m_garbled.end(), std::make_pair(op, arrival.number)) != m_garbled.end();
  return arrival;
}

// ---- EcsApi ---------------------------------------------------------------------------------

Result<EcsServices> FakeEcs::describe_services(const std::string& cluster,
                                               const std::vector<std::string>& names) {
  std::string detail;
  for (const auto& name : names) detail += (detail.empty() ? "" : ",") + name;
  Arrival arrival = arrive(AwsOp::describe_services, detail);
  json answer;
  {
    std::lock_guard lock(m_mutex);
    m_describes.push_back({cluster, names, arrival.seq,
                           m_clock ? m_clock->monotonic() : std::chrono::steady_clock::time_point{}});
    if (arrival.fault) return fail(arrival.fault->error);
    answer = {{"services", json::array()}, {"failures", json::array()}};
    for (const auto& name : names) {
      Service* service = find_service(cluster, name);
      if (service == nullptr) {
        std::string arn = name.starts_with("arn:") ? name : fake_service_arn(cluster, name);
        answer["failures"].push_back({{"arn", arn}, {"reason", "MISSING"}});
        continue;
      }
      m_round_seq = arrival.seq;
      round(*service);
      if (service->stale_left > 0) {
        --service->stale_left;
        answer["services"].push_back(service->stale_snapshot);
      } else {
        answer["services"].push_back(render(*service));
      }
      for (auto& sd : m_service_deployments) {
        if (sd.service_arn == service->arn && sd.lag_left > 0) --sd.lag_left;
      }
    }
    if (arrival.garbled && !answer["services"].empty()) answer["services"][0]["desiredCount"] = "2";
  }
  EcsServices out;
  for (std::size_t i = 0; i < answer["services"].size(); ++i) {
    auto decoded = decode_ecs_service(std::move(answer["services"][i]), "DescribeServices response",
                                      "/services/" + std::to_string(i));
    if (!decoded) return fail(decoded.error());
    out.services.push_back(std::move(*decoded));
  }
  for (const auto& failure : answer["failures"]) {
    out.failures.push_back({failure.value("arn", ""), failure.value("reason", ""), ""});
  }
  return out;
}

Result<EcsTaskDefinition> FakeEcs::describe_task_definition(const std::string& reference) {
  Arrival arrival = arrive(AwsOp::describe_task_definition, reference);
  std::lock_guard lock(m_mutex);
  if (arrival.fault) return fail(arrival.fault->error);
  std::string arn = resolve_task_definition(reference);
  auto found = m_task_definitions.find(arn);
  if (found == m_task_definitions.end()) {
    return fail(client_error("ClientException: Unable to describe task definition " + reference + "."));
  }
  if (arrival.garbled) {
    return fail(ErrorCode::aws_bad_response,
                "DescribeTaskDefinition response: /taskDefinition is not an object");
  }
  return EcsTaskDefinition{found->second["taskDefinition"], found->second["tags"]};
}

Result<EcsTaskDefinition> FakeEcs::register_task_definition(const json& request) {
  Arrival arrival = arrive(AwsOp::register_task_definition, request.value("family", ""));
  {
    std::lock_guard lock(m_mutex);
    m_registers.push_back(request);
    if (arrival.fault && !arrival.fault->applied) return fail(arrival.fault->error);
  }
  json tags = request.value("tags", json::array());
  std::string arn = add_task_definition(request, tags);
  std::lock_guard lock(m_mutex);
  if (arrival.fault) return fail(arrival.fault->error);
  if (arrival.garbled)
    return fail(ErrorCode::aws_bad_response,
                "RegisterTaskDefinition response: /taskDefinition/taskDefinitionArn is not a string");
  const json& entry = m_task_definitions.at(arn);
  return EcsTaskDefinition{entry["taskDefinition"], entry["tags"]};
}

Result<EcsTaskDefinition> FakeEcs::deregister_task_definition(const std::string& reference) {
  Arrival arrival = arrive(AwsOp::deregister_task_definition, reference);
  std::lock_guard lock(m_mutex);
  m_deregistered.push_back(reference);
  if (arrival.fault && !arrival.fault->applied) return fail(arrival.fault->error);
  auto found = m_task_definitions.find(resolve_task_definition(reference));
  if (found == m_task_definitions.end()) {
    return fail(client_error("ClientException: The specified task definition does not exist."));
  }
  found->second["taskDefinition"]["status"] = "INACTIVE";
  if (arrival.fault) return fail(arrival.fault->error);
  return EcsTaskDefinition{found->second["taskDefinition"], found->second["tags"]};
}

Result<std::vector<std::string>> FakeEcs::list_task_definitions(const std::string& family) {
  Arrival arrival = arrive(AwsOp::list_task_definitions, family);
  std::lock_guard lock(m_mutex);
  if (arrival.fault) return fail(arrival.fault->error);
  std::vector<std::pair<int, std::string>> found;
  for (const auto& [arn, entry] : m_task_definitions) {
    const json& td = entry["taskDefinition"];
    if (td.value("family", "") == family && td.value("status", "") == "ACTIVE") {
      found.emplace_back(td.value("revision", 0), arn);
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < found.size() && i < 100; ++i) out.push_back(found[i].second);
  return out;
}

Result<std::vector<std::string>> FakeEcs::list_services(const std::string& cluster) {
  Arrival arrival = arrive(AwsOp::list_services, cluster);
  std::lock_guard lock(m_mutex);
  if (arrival.fault) return fail(arrival.fault->error);
  std::vector<std::string> out;
  for (const auto& [key, service] : m_services) {
    if (service.cluster == cluster) out.push_back(service.arn);
  }
  return out;
}

Result<EcsService> FakeEcs::update_service(const UpdateServiceRequest& request) {
  Arrival arrival = arrive(AwsOp::update_service, request.service);
  json answer;
  {
    std::lock_guard lock(m_mutex);
    m_updates.push_back(request);
    if (arrival.fault && !arrival.fault->applied) return fail(arrival.fault->error);
    Service* service = find_service(request.cluster, request.service);
    if (service == nullptr) {
      return fail(Error{ErrorCode::aws_client, "ServiceNotFoundException: Service not found.",
                        "ServiceNotFoundException", "req-missing", 400});
    }
    if (service->stale_armed > 0) {
      service->stale_snapshot = render(*service);
      service->stale_left = service->stale_armed;
      service->stale_armed = 0;
    }
    apply_update(*service, request);
    if (arrival.fault) return fail(arrival.fault->error);
    answer = render(*service);
    if (arrival.garbled) answer["desiredCount"] = "2";
  }
  return decode_ecs_service(std::move(answer), "UpdateService response", "/service");
}

Result<std::vector<std::string>> FakeEcs::list_tasks(const std::string& cluster, const std::string& name,
                                                     const std::string& desired_status) {
  Arrival arrival = arrive(AwsOp::list_tasks, name + " " + desired_status);
  std::lock_guard lock(m_mutex);
  m_list_tasks.push_back({cluster, name, desired_status});
  if (arrival.fault) return fail(arrival.fault->error);
  Service* service = find_service(cluster, name);
  if (service == nullptr) return fail(client_error("ServiceNotFoundException: Service not found."));
  std::vector<std::string> out;
  for (const auto& task : service->tasks) {
    if (task.desired_status == desired_status) out.push_back(task.arn);
  }
  return out;
}

Result<EcsTasks> FakeEcs::describe_tasks(const std::string& cluster, const std::vector<std::string>& arns) {
  Arrival arrival = arrive(AwsOp::describe_tasks, std::to_string(arns.size()) + " task(s)");
  json rendered = json::array();
  json failures = json::array();
  {
    std::lock_guard lock(m_mutex);
    if (arrival.fault) return fail(arrival.fault->error);
    for (const auto& arn : arns) {
      bool found = false;
      for (const auto& [key, service] : m_services) {
        if (service.cluster != cluster && !cluster.ends_with("/" + service.cluster)) continue;
        for (const auto& task : service.tasks) {
          if (task.arn == arn) {
            rendered.push_back(render(task, service));
            found = true;
          }
        }
      }
      if (!found) failures.push_back({{"arn", arn}, {"reason", "MISSING"}});
    }
  }
  EcsTasks out;
  for (std::size_t i = 0; i < rendered.size(); ++i) {
    auto task = decode_ecs_task(rendered[i], "DescribeTasks response", "/tasks/" + std::to_string(i));
    if (!task) return fail(task.error());
    out.tasks.push_back(std::move(*task));
  }
  for (const auto& failure : failures)
    out.failures.push_back({failure.value("arn", ""), failure.value("reason", ""), ""});
  return out;
}

Result<std::vector<TargetHealth>> FakeEcs::target_health(const std::string& target_group_arn) {
  Arrival arrival = arrive(AwsOp::describe_target_health, target_group_arn);
  std::string xml;
  {
    std::lock_guard lock(m_mutex);
    if (arrival.fault) return fail(arrival.fault->error);
    xml =
        "<DescribeTargetHealthResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\">"
        "<DescribeTargetHealthResult><TargetHealthDescriptions>";
    for (const auto& [key, service] : m_services) {
      for (const auto& task : service.tasks) {
        if (task.target_state.empty() || task.target_group != target_group_arn) continue;
        xml += "<member><Target><Id>" + task.ip +
               "</Id><Port>8080</Port></Target>"
               "<HealthCheckPort>8080</HealthCheckPort><TargetHealth><State>" +
               task.target_state + "</State>";
        if (task.target_state == "initial") {
          xml +=
              "<Reason>Elb.RegistrationInProgress</Reason><Description>Target registration is in "
              "progress</Description>";
        } else if (task.target_state == "unhealthy") {
          xml += "<Reason>Target.FailedHealthChecks</Reason><Description>" +
                 xml_escape("Health checks failed") + "</Description>";
        } else if (task.target_state == "draining") {
          xml += "<Reason>Target.DeregistrationInProgress</Reason>";
        }
        xml += "</TargetHealth></member>";
      }
    }
    xml +=
        "</TargetHealthDescriptions></DescribeTargetHealthResult>"
        "<ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></DescribeTargetHealthResponse>";
    if (arrival.garbled) xml = "<DescribeTargetHealthResponse><oops>";
  }
  auto document = parse_xml(xml);
  if (!document) return fail(document.error());
  return decode_target_health(*document);
}

Result<TargetGroupAttributes> FakeEcs::target_group_attributes(const std::string& target_group_arn) {
  Arrival arrival = arrive(AwsOp::describe_target_group_attributes, target_group_arn);
  if (arrival.fault) return fail(arrival.fault->error);
  return TargetGroupAttributes{{"deregistration_delay.timeout_seconds", "300"}};
}

Result<std::vector<TargetHealth>> FakeElbv2::describe_target_health(const std::string& target_group_arn,
                                                                    const std::vector<TargetRef>&) {
  return m_ecs.target_health(target_group_arn);
}

Result<TargetGroupAttributes> FakeElbv2::describe_target_group_attributes(
    const std::string& target_group_arn) {
  return m_ecs.target_group_attributes(target_group_arn);
}

// ---- the model (m_mutex held) ---------------------------------------------------------------

FakeEcs::Service* FakeEcs::find_service(const std::string& cluster, const std::string& name_or_arn) {
  std::string cluster_name = cluster.empty() ? "default" : cluster.substr(cluster.rfind('/') + 1);
  for (auto& [key, service] : m_services) {
    if (name_or_arn.starts_with("arn:")) {
      if (service.arn == name_or_arn) return &service;
    } else if (service.cluster == cluster_name && service.name == name_or_arn) {
      return &service;
    }
  }
  return nullptr;
}

FakeEcs::Service& FakeEcs::service_named(const std::string& name) {
  for (auto& [key, service] : m_services) {
    if (service.name == name) return service;
  }
  throw std::invalid_argument("FakeEcs: no service " + name);
}

const FakeEcs::Service& FakeEcs::service_named(const std::string& name) const {
  for (const auto& [key, service] : m_services) {
    if (service.name == name) return service;
  }
  throw std::invalid_argument("FakeEcs: no service " + name);
}

std::string FakeEcs::resolve_task_definition(const std::string& reference) const {
  if (reference.starts_with("arn:")) return reference;
  if (reference.find(':') != std::string::npos) return k_td_prefix + reference;
  // A bare family: its newest ACTIVE revision.
  std::string best;
  int best_revision = 0;
  for (const auto& [arn, entry] : m_task_definitions) {
    const json& td = entry["taskDefinition"];
    if (td.value("family", "") == reference && td.value("status", "") == "ACTIVE" &&
        td.value("revision", 0) > best_revision) {
      best = arn;
      best_revision = td.value("revision", 0);
    }
  }
  return best.empty() ? k_td_prefix + reference : best;
}

Fate FakeEcs::fate_for(const Service& service, const std::string& task_definition) const {
  if (auto found = m_fates.find(task_definition); found != m_fates.end()) return found->second;
  if (service.proven.contains(task_definition)) return Fate{};
  return m_default_fate;
}

FakeEcs::Deployment& FakeEcs::new_primary(Service& service, const std::string& task_definition, int desired,
                                          Fate fate) {
  for (auto& old : service.deployments) old.status = "ACTIVE";
  Deployment deployment;
  deployment.id = "ecs-svc/" + hex_id(++m_next_id, 19);
  deployment.task_definition = task_definition;
  deployment.desired = desired;
  deployment.fate = std::move(fate);
  deployment.reason = "ECS deployment " + deployment.id + " in progress.";
  deployment.target_group = service.production_target_group;
  deployment.revision = service.serving_revision;  // a rollback reuses its source's revision
  service.deployments.insert(service.deployments.begin(), std::move(deployment));
  return service.deployments.front();
}

FakeEcs::Task& FakeEcs::new_task(Service& service, const Deployment& deployment) {
  int n = ++m_next_id;
  Task task;
  task.arn = std::string("arn:aws:ecs:") + k_fake_region + ":" + k_fake_account + ":task/" + service.cluster +
             "/" + hex_id(n, 32);
  task.task_definition = deployment.task_definition;
  task.deployment = deployment.id;
  task.target_group = deployment.target_group;
  task.revision = deployment.revision;
  task.ip = "10.0." + std::to_string((n / 200) % 250) + "." + std::to_string(n % 200 + 10);
  service.tasks.push_back(std::move(task));
  return service.tasks.back();
}

void FakeEcs::event(Service& service, const std::string& message) {
  int n = ++m_next_id;
  json entry = json::object();
  entry["id"] = "ev-" + hex_id(n, 12);
  entry["message"] = message;
  service.events.insert(service.events.begin(), std::move(entry));
  if (service.events.size() > 100) service.events.resize(100);
}

void FakeEcs::start_task(Service& service, Task& task) {
  task.last_status = "RUNNING";
  task.running_rounds = 0;
  if (!service.target_group.empty()) task.target_state = "initial";
}

void FakeEcs::stop_task(Task& task, const TaskFailure& failure) {
  task.last_status = "STOPPED";
  task.desired_status = "STOPPED";
  task.stop_code = failure.stop_code;
  task.stopped_reason = failure.stopped_reason;
  task.exit_code = failure.exit_code;
  task.container_reason = failure.container_reason;
  task.target_state.clear();
}

void FakeEcs::drain_task(Task& task, const std::string& reason) {
  if (task.desired_status == "STOPPED") return;
  task.last_status = "STOPPED";
  task.desired_status = "STOPPED";
  task.stop_code = "ServiceSchedulerInitiated";
  task.stopped_reason = reason;
  if (task.running_rounds >= 0) task.exit_code = 0;
  task.target_state.clear();
}

void FakeEcs::count_failure(Service& service, Deployment& deployment, int failures) {
  deployment.failed += failures;
  const Fate& fate = deployment.fate;
  if (FakeServiceDeployment* sd = forwarding(service, deployment))
    sd->circuit_breaker.failure_count = deployment.failed;
  if (fate.breaker_threshold <= 0 || deployment.rollout != "IN_PROGRESS" ||
      deployment.failed < fate.breaker_threshold) {
    return;
  }
  deployment.rollout = "FAILED";
  deployment.reason = "ECS deployment circuit breaker: tasks failed to start.";
  event(service, "(service " + service.name + ") (deployment " + deployment.id +
                     ") deployment failed: tasks failed to start.");
  for (auto& task : service.tasks) {
    if (task.deployment == deployment.id) drain_task(task, "Deployment " + deployment.id + " failed");
  }
  // `deployment` and `fate` may move from here on (a flip reorders deployments).
  std::string deployment_id = deployment.id;
  std::string service_deployment = deployment.service_deployment;
  int desired = deployment.desired;
  bool rolling_back = fate.breaker_rollback;
  on_breaker(service, deployment, rolling_back);
  if (!rolling_back || service.deployments.front().id != deployment_id) return;  // stopped, or flipped
  std::string previous;
  for (std::size_t i = 1; i < service.deployments.size(); ++i) {
    if (service.deployments[i].rounds_completed >= 0) {
      previous = service.deployments[i].task_definition;
      break;
    }
  }
  if (previous.empty()) return;
  event(service, "(service " + service.name + ") rolling back to " + short_revision(previous) + ".");
  Deployment& rollback = new_primary(service, previous, desired, Fate{});
  if (FakeServiceDeployment* sd = find_service_deployment(service_deployment);
      sd != nullptr && sd->rollback == FakeServiceDeployment::Rollback::redeploying) {
    rollback.service_deployment = sd->arn;
    sd->rollback_deployment_id = rollback.id;
  }
}

FakeEcs::Deployment* FakeEcs::find_deployment(Service& service, const std::string& id) {
  for (auto& deployment : service.deployments) {
    if (deployment.id == id) return &deployment;
  }
  return nullptr;
}

void FakeEcs::round(Service& service) {
  bool hold = false;
  if (FakeServiceDeployment* sd = live_service_deployment(service))
    hold = service_deployment_before_round(service, *sd);
  deployment_round(service, hold);
  service_deployment_after_round(service);
}

void FakeEcs::deployment_round(Service& service, bool hold) {
  Deployment* primary = &service.deployments.front();
  ++primary->rounds;
  if (primary->rollout == "FAILED" || primary->halted) return;
  const Fate fate = primary->fate;
  if (primary->rounds_completed >= 0) {
    ++primary->rounds_completed;
    if (primary->early && fate.deferred_cleanup_rounds > 0 &&
        primary->rounds_completed >= fate.deferred_cleanup_rounds) {
      // Early success's deferred source cleanup.
      for (auto& task : service.tasks) {
        if (task.deployment != primary->id)
          drain_task(task, "Scaling activity initiated by (deployment " + primary->id + ")");
      }
      service.deployments.resize(1);
      primary->early = false;
    }
    if (fate.stop_after_complete > 0 && primary->rounds_completed == fate.stop_after_complete) {
      for (auto& task : service.tasks) {
        if (task.deployment == primary->id && task.last_status == "RUNNING") {
          stop_task(task, fate.failure);
          event(service, "(service " + service.name + ") has stopped 1 running tasks.");
          count_failure(service, *primary, 1);
          break;
        }
      }
      return;  // the replacement starts next round
    }
  }
  if (fate.kind == Fate::Kind::stall || hold) return;

  // Scale in, then top up to the desired count.
  std::vector<Task*> active;
  for (auto& task : service.tasks) {
    if (task.deployment == primary->id && task.desired_status == "RUNNING") active.push_back(&task);
  }
  while (static_cast<int>(active.size()) > primary->desired) {
    drain_task(*active.back(), "Scaling activity initiated by (deployment " + primary->id + ")");
    active.pop_back();
  }
  int missing = primary->desired - static_cast<int>(active.size());
  for (int i = 0; i < missing; ++i) new_task(service, *primary);

  if (primary->rounds >= fate.start_after) {
    int failed = 0;
    for (auto& task : service.tasks) {
      if (task.deployment != primary->id || task.last_status != "PENDING" || task.desired_status != "RUNNING")
        continue;
      if (fate.kind == Fate::Kind::fail_start) {
        stop_task(task, fate.failure);
        ++failed;
      } else {
        start_task(service, task);
      }
    }
    if (failed > 0) {
      event(service,
            "(service " + service.name + ") has stopped " + std::to_string(failed) + " running tasks.");
      count_failure(service, *primary, failed);
      return;
    }
  }
  // Target health of the running tasks.
  for (auto& task : service.tasks) {
    if (task.deployment != primary->id || task.last_status != "RUNNING" || task.running_rounds < 0) continue;
    int judged = task.running_rounds - fate.healthy_after;
    ++task.running_rounds;
    if (service.target_group.empty() || judged < 0) continue;
    if (fate.kind == Fate::Kind::unhealthy || judged < fate.unhealthy_rounds) {
      task.target_state = "unhealthy";
    } else {
      task.target_state = "healthy";
    }
  }
  FakeServiceDeployment* sd = forwarding(service, *primary);
  if (sd != nullptr && sd->staged()) {
    advance_stages(service, *sd, /*before_tasks=*/false);
  } else {
    check_complete(service);
  }
}

void FakeEcs::check_complete(Service& service) {
  Deployment& primary = service.deployments.front();
  if (primary.rollout != "IN_PROGRESS" || primary.fate.kind != Fate::Kind::converge) return;
  int ready = 0;
  bool all_ready = true;
  for (const auto& task : service.tasks) {
    if (task.deployment != primary.id || task.desired_status != "RUNNING") continue;
    bool healthy = service.target_group.empty() || task.target_state == "healthy";
    if (task.last_status != "RUNNING" || !healthy) {
      all_ready = false;
    } else {
      ++ready;
    }
  }
  FakeServiceDeployment* sd = forwarding(service, primary);
  bool early = sd != nullptr && primary.fate.early_success_healthy > 0 &&
               sd->configuration.contains("earlySuccessCriteria") &&
               sd->configuration["earlySuccessCriteria"].value("enable", false) &&
               ready >= primary.fate.early_success_healthy;
  if (!early && (!all_ready || ready != primary.desired)) return;
  if (!may_complete(service, primary)) return;
  if (early) {
    // ECS is done; the source keeps running (DEFERRED cleanup), the rest start by plain scaling.
    primary.early = true;
  } else {
    for (auto& task : service.tasks) {
      if (task.deployment != primary.id)
        drain_task(task, "Scaling activity initiated by (deployment " + primary.id + ")");
    }
    service.deployments.resize(1);
  }
  primary.rollout = "COMPLETED";
  primary.reason = "ECS deployment " + primary.id + " completed.";
  primary.rounds_completed = 0;
  service.proven.insert(primary.task_definition);
  on_complete(service, primary);
  event(service, "(service " + service.name + ") has reached a steady state.");
}

void FakeEcs::apply_update(Service& service, const UpdateServiceRequest& request) {
  Deployment& primary = service.deployments.front();
  int desired = request.desired_count.value_or(primary.desired);
  if (request.deployment_limits) {
    const auto& limits = *request.deployment_limits;
    json configuration = limits.current.is_object() ? limits.current : json::object();
    if (limits.maximum_percent) configuration["maximumPercent"] = *limits.maximum_percent;
    if (limits.minimum_healthy_percent)
      configuration["minimumHealthyPercent"] = *limits.minimum_healthy_percent;
    service.deployment_configuration = configuration;
  }
  service.desired = desired;
  std::string td =
      request.task_definition ? resolve_task_definition(*request.task_definition) : primary.task_definition;
  if (td != primary.task_definition) {
    start_deployment(service, td, desired, fate_for(service, td));
    if (m_current_lag > 0)
      find_service_deployment(service.service_deployments.back())->lag_left = m_current_lag;
  } else {
    primary.desired = desired;
  }
}

json FakeEcs::render(const Service& service) const {
  json deployments = json::array();
  int running = 0;
  int pending = 0;
  for (const auto& deployment : service.deployments) {
    int dep_running = 0;
    int dep_pending = 0;
    for (const auto& task : service.tasks) {
      if (task.deployment != deployment.id) continue;
      if (task.last_status == "RUNNING") ++dep_running;
      if (task.last_status == "PENDING") ++dep_pending;
    }
    running += dep_running;
    pending += dep_pending;
    deployments.push_back({{"id", deployment.id},
                           {"status", deployment.status},
                           {"taskDefinition", deployment.task_definition},
                           {"desiredCount", deployment.desired},
                           {"pendingCount", dep_pending},
                           {"runningCount", dep_running},
                           {"failedTasks", deployment.failed},
                           {"rolloutState", deployment.rollout},
                           {"rolloutStateReason", deployment.reason},
                           {"launchType", "FARGATE"},
                           {"platformVersion", "1.4.0"},
                           {"platformFamily", "Linux"}});
  }
  json out = {{"serviceArn", service.arn},
              {"serviceName", service.name},
              {"clusterArn", std::string("arn:aws:ecs:") + k_fake_region + ":" + k_fake_account +
                                 ":cluster/" + service.cluster},
              {"status", service.status},
              {"desiredCount", service.desired},
              {"runningCount", running},
              {"pendingCount", pending},
              {"launchType", "FARGATE"},
              {"platformVersion", "1.4.0"},
              {"platformFamily", "Linux"},
              {"taskDefinition", service.deployments.front().task_definition},
              {"deploymentConfiguration", service.deployment_configuration},
              {"deployments", deployments},
              {"events", service.events},
              {"deploymentController", {{"type", "ECS"}}},
              {"schedulingStrategy", "REPLICA"}};
  // The newest service deployment that set_current_lag does not hide yet.
  for (auto arn = service.service_deployments.rbegin(); arn != service.service_deployments.rend(); ++arn) {
    auto found = std::find_if(m_service_deployments.begin(), m_service_deployments.end(),
                              [&](const FakeServiceDeployment& sd) { return sd.arn == *arn; });
    if (found != m_service_deployments.end() && found->lag_left == 0) {
      out["currentServiceDeployment"] = *arn;
      break;
    }
  }
  json lbs = json::array();
  if (!service.target_group.empty()) {
    json lb = {{"targetGroupArn", service.target_group}, {"containerName", "web"}, {"containerPort", 8080}};
    if (!service.alternate_target_group.empty()) {
      std::string prefix =
          std::string("arn:aws:elasticloadbalancing:") + k_fake_region + ":" + k_fake_account;
      lb["advancedConfiguration"] = {
          {"alternateTargetGroupArn", service.alternate_target_group},
          {"productionListenerRule", prefix + ":listener-rule/app/" + service.name +
                                         "-alb/0123456789abcdef/0123456789abcdef/0123456789abcdef"},
          {"roleArn",
           std::string("arn:aws:iam::") + k_fake_account + ":role/ecsInfrastructureRoleForLoadBalancers"}};
    }
    lbs.push_back(std::move(lb));
  }
  out["loadBalancers"] = lbs;
  return out;
}

json FakeEcs::render(const Task& task, const Service& service) const {
  json container = {{"name", task.container},
                    {"lastStatus", task.last_status},
                    {"networkInterfaces", {{{"privateIpv4Address", task.ip}}}}};
  if (task.exit_code) container["exitCode"] = *task.exit_code;
  if (!task.container_reason.empty()) container["reason"] = task.container_reason;
  json out = {{"taskArn", task.arn},
              {"taskDefinitionArn", task.task_definition},
              {"group", "service:" + service.name},
              {"startedBy", task.deployment},
              {"lastStatus", task.last_status},
              {"desiredStatus", task.desired_status},
              {"healthStatus", "UNKNOWN"},
              {"launchType", "FARGATE"},
              {"attachments",
               {{{"type", "ElasticNetworkInterface"},
                 {"details", {{{"name", "privateIPv4Address"}, {"value", task.ip}}}}}}},
              {"containers", {container}}};
  if (!task.stop_code.empty()) out["stopCode"] = task.stop_code;
  if (!task.stopped_reason.empty()) out["stoppedReason"] = task.stopped_reason;
  return out;
}

}  // namespace adjust::testing
