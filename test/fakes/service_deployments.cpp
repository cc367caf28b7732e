// FakeEcs's service deployments: how each one it starts moves through its
// statuses and (blue/green, linear, canary) lifecycle stages in the reconcile
// rounds, rollbacks, hooks, and the five API calls. See ecs.hpp for the rules
// a test can rely on.
#include "fakes/service_deployments.hpp"

#include <algorithm>
#include <array>

#include "fakes/ecs.hpp"

namespace adjust::testing {
namespace {

using json = nlohmann::json;
using SdStatus = ServiceDeploymentStatus;

const std::array<const char*, 9> k_stages = {"PRE_SCALE_UP",
                                             "SCALE_UP",
                                             "POST_SCALE_UP",
                                             "TEST_TRAFFIC_SHIFT",
                                             "POST_TEST_TRAFFIC_SHIFT",
                                             "PRODUCTION_TRAFFIC_SHIFT",
                                             "POST_PRODUCTION_TRAFFIC_SHIFT",
                                             "BAKE_TIME",
                                             "CLEAN_UP"};

std::string ecs_prefix() { return std::string("arn:aws:ecs:") + k_fake_region + ":" + k_fake_account; }

std::string cluster_arn(const std::string& cluster) { return ecs_prefix() + ":cluster/" + cluster; }

std::string short_revision_of(const std::string& arn) {
  auto slash = arn.rfind('/');
  return slash == std::string::npos ? arn : arn.substr(slash + 1);
}

// Like ECS's: 21 letters and digits, unique by the trailing number.
std::string deployment_id_text(int n) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out(21, 'A');
  unsigned long long value = static_cast<unsigned long long>(n) * 0x9e3779b97f4a7c15ULL;
  for (auto& c : out) {
    c = alphabet[value % 62];
    value = value / 62 + 0x632be59bd9b4e019ULL * (value % 7 + 1);
  }
  std::string tail = std::to_string(n);
  out.replace(out.size() - tail.size(), tail.size(), tail);
  return out;
}

Error not_found(const std::string& arn) {
  return Error{ErrorCode::aws_client, "ServiceDeploymentNotFoundException: " + arn + " not found.",
               "ServiceDeploymentNotFoundException", "req-missing", 400};
}

Error conflict(const std::string& message) {
  return Error{ErrorCode::aws_client, "ConflictException: " + message, "ConflictException", "req-conflict",
               400};
}

bool set_monitoring_complete(RollbackMonitor& monitor) {
  if (monitor.status != "MONITORING") return false;
  monitor.status = "MONITORING_COMPLETE";
  return true;
}

}  // namespace

bool FakeServiceDeployment::staged() const {
  return strategy == DeploymentStrategy::blue_green || strategy == DeploymentStrategy::linear ||
         strategy == DeploymentStrategy::canary;
}

std::string next_stage(const std::string& stage) {
  for (std::size_t i = 0; i + 1 < k_stages.size(); ++i) {
    if (stage == k_stages[i]) return k_stages[i + 1];
  }
  return "";
}

double production_weight_at(const FakeServiceDeployment& deployment, int step, int steps) {
  if (deployment.strategy == DeploymentStrategy::blue_green || step >= steps) return 100;
  if (deployment.strategy == DeploymentStrategy::canary) {
    double canary = 5;
    if (deployment.configuration.contains("canaryConfiguration"))
      canary = deployment.configuration["canaryConfiguration"].value("canaryPercent", 5.0);
    return canary + (100 - canary) * (step - 1) / (steps - 1);
  }
  return 100.0 * step / steps;
}

std::vector<std::size_t> pause_hooks_at(const json& configuration, const std::string& stage) {
  std::vector<std::size_t> out;
  if (!configuration.contains("lifecycleHooks") || !configuration["lifecycleHooks"].is_array()) return out;
  const json& hooks = configuration["lifecycleHooks"];
  for (std::size_t i = 0; i < hooks.size(); ++i) {
    if (hooks[i].value("targetType", "") != "PAUSE") continue;
    for (const auto& hook_stage : hooks[i].value("lifecycleStages", json::array())) {
      if (hook_stage.is_string() && hook_stage.get<std::string>() == stage) out.push_back(i);
    }
  }
  return out;
}

// ---- records (m_mutex held) -----------------------------------------------------------------

std::optional<SystemTime> FakeEcs::stamp() const {
  if (m_clock == nullptr) return std::nullopt;
  return m_clock->now();
}

FakeServiceRevision& FakeEcs::new_revision(Service& service, const std::string& task_definition,
                                           const std::string& target_group) {
  FakeServiceRevision revision;
  revision.arn = ecs_prefix() + ":service-revision/" + service.cluster + "/" + service.name + "/" +
                 std::to_string(++service.revisions);
  revision.service_arn = service.arn;
  revision.cluster_arn = cluster_arn(service.cluster);
  revision.task_definition = task_definition;
  revision.target_group = target_group;
  revision.created_at = stamp();
  std::string arn = revision.arn;
  return m_revisions.insert_or_assign(arn, std::move(revision)).first->second;
}

FakeServiceDeployment& FakeEcs::new_service_deployment(Service& service, const std::string& target_revision,
                                                       Deployment& deployment) {
  FakeServiceDeployment sd;
  sd.id = deployment_id_text(++m_next_service_deployment);
  sd.arn = ecs_prefix() + ":service-deployment/" + service.cluster + "/" + service.name + "/" + sd.id;
  sd.service_arn = service.arn;
  sd.cluster_arn = cluster_arn(service.cluster);
  sd.strategy = service.strategy;
  sd.configuration = service.deployment_configuration;
  sd.target_revision = target_revision;
  if (service.serving_revision != target_revision) sd.source_revision = service.serving_revision;
  sd.deployment_id = deployment.id;
  const json breaker = sd.configuration.value("deploymentCircuitBreaker", json::object());
  sd.circuit_breaker.status = breaker.value("enable", false) ? "MONITORING" : "DISABLED";
  sd.circuit_breaker.threshold = deployment.fate.breaker_threshold;
  const json alarms = sd.configuration.value("alarms", json::object());
  for (const auto& name : alarms.value("alarmNames", json::array())) {
    if (name.is_string()) sd.alarms.alarm_names.push_back(name.get<std::string>());
  }
  if (!deployment.fate.alarm_in_bake.empty() &&
      std::find(sd.alarms.alarm_names.begin(), sd.alarms.alarm_names.end(), deployment.fate.alarm_in_bake) ==
          sd.alarms.alarm_names.end()) {
    sd.alarms.alarm_names.push_back(deployment.fate.alarm_in_bake);
  }
  if (alarms.value("enable", false) || !deployment.fate.alarm_in_bake.empty())
    sd.alarms.status = "MONITORING";
  sd.created_at = sd.updated_at = stamp();
  deployment.service_deployment = sd.arn;
  service.service_deployments.push_back(sd.arn);
  m_service_deployments.push_back(std::move(sd));
  return m_service_deployments.back();
}

FakeEcs::Deployment& FakeEcs::start_deployment(Service& service, const std::string& task_definition,
                                               int desired, Fate fate) {
  if (service.deployment_configuration.contains("strategy") &&
      service.deployment_configuration["strategy"].is_string()) {
    auto strategy =
        parse_deployment_strategy(service.deployment_configuration["strategy"].get<std::string>());
    if (strategy != DeploymentStrategy::unknown) service.strategy = strategy;
  }
  if (FakeServiceDeployment* old = live_service_deployment(service)) {
    finish(service, *old, SdStatus::stopped, "Superseded by a newer service deployment.");
    if (old->staged() && old->rollback == FakeServiceDeployment::Rollback::none) {
      // ECS reconciles: a green that had all production traffic stays, else blue does.
      bool promoted = old->production_weight >= 100;
      auto losing = [&](const Deployment& d) {
        return promoted ? d.revision == old->source_revision : d.id == old->deployment_id;
      };
      for (const auto& deployment : service.deployments) {
        if (losing(deployment)) drain_deployment(service, deployment.id, "Service deployment superseded");
      }
      std::erase_if(service.deployments, losing);
      if (promoted) service.serving_revision = old->target_revision;
      service.production_target_group = m_revisions.at(service.serving_revision).target_group;
    }
  }
  bool staged = service.strategy == DeploymentStrategy::blue_green ||
                service.strategy == DeploymentStrategy::linear ||
                service.strategy == DeploymentStrategy::canary;
  if (staged && service.alternate_target_group.empty() && !service.target_group.empty())
    service.alternate_target_group = fake_target_group_arn(service.name + "-alt");
  std::string target_group =
      staged ? other_target_group(service, service.production_target_group) : service.production_target_group;
  std::string revision = new_revision(service, task_definition, target_group).arn;
  Deployment& deployment = new_primary(service, task_definition, desired, std::move(fate));
  deployment.target_group = target_group;
  deployment.revision = revision;
  new_service_deployment(service, revision, deployment);
  return deployment;
}

FakeServiceDeployment* FakeEcs::find_service_deployment(const std::string& arn) {
  for (auto& sd : m_service_deployments) {
    if (sd.arn == arn) return &sd;
  }
  return nullptr;
}

FakeServiceDeployment* FakeEcs::current_service_deployment(Service& service) {
  if (service.service_deployments.empty()) return nullptr;
  return find_service_deployment(service.service_deployments.back());
}

FakeServiceDeployment* FakeEcs::live_service_deployment(Service& service) {
  FakeServiceDeployment* sd = current_service_deployment(service);
  return sd != nullptr && !sd->completed() ? sd : nullptr;
}

FakeServiceDeployment* FakeEcs::forwarding(Service&, const Deployment& deployment) {
  FakeServiceDeployment* sd = find_service_deployment(deployment.service_deployment);
  if (sd == nullptr || sd->completed() || sd->deployment_id != deployment.id ||
      sd->rollback != FakeServiceDeployment::Rollback::none) {
    return nullptr;
  }
  return sd;
}

FakeEcs::Service* FakeEcs::service_of(const FakeServiceDeployment& sd) {
  for (auto& [key, service] : m_services) {
    if (service.arn == sd.service_arn) return &service;
  }
  return nullptr;
}

std::string FakeEcs::other_target_group(const Service& service, const std::string& target_group) const {
  if (service.alternate_target_group.empty()) return service.target_group;
  return target_group == service.target_group ? service.alternate_target_group : service.target_group;
}

// ---- the lifecycle (m_mutex held) -------------------------------------------------------------

bool FakeEcs::service_deployment_before_round(Service& service, FakeServiceDeployment& sd) {
  ++sd.rounds;
  sd.updated_at = stamp();
  if (sd.status == SdStatus::pending) {
    sd.status = SdStatus::in_progress;
    sd.started_at = stamp();
    if (sd.staged()) {
      sd.stage = k_first_stage;
      sd.stage_since = sd.rounds;
    }
  }
  switch (sd.rollback) {
    case FakeServiceDeployment::Rollback::requested:
      start_rollback(service, sd, sd.rollback_reason);
      return false;
    case FakeServiceDeployment::Rollback::flipped:
      if (sd.rounds > sd.flip_round) {
        service.deployments.resize(1);
        finish(service, sd, SdStatus::rollback_successful,
               "Service deployment rolled back to " + sd.rollback_revision + ".");
      }
      return false;
    case FakeServiceDeployment::Rollback::redeploying:
      return false;
    case FakeServiceDeployment::Rollback::none:
      break;
  }
  if (service.deployments.front().id != sd.deployment_id) return false;
  if (sd.staged()) {
    advance_stages(service, sd, /*before_tasks=*/true);
    return sd.stage == k_first_stage;
  }
  // ROLLING: a PRE_SCALE_UP pause holds the new tasks back.
  return paused_at(sd, "PRE_SCALE_UP");
}

void FakeEcs::service_deployment_after_round(Service& service) {
  FakeServiceDeployment* sd = live_service_deployment(service);
  if (sd != nullptr && !sd->staged()) update_rolling_weight(service, *sd);
}

bool FakeEcs::green_ready(const Service& service, const Deployment& green) const {
  int ready = 0;
  for (const auto& task : service.tasks) {
    if (task.deployment != green.id || task.desired_status != "RUNNING") continue;
    if (task.last_status != "RUNNING") return false;
    if (!service.target_group.empty() && task.target_state != "healthy") return false;
    ++ready;
  }
  return ready == green.desired;
}

void FakeEcs::advance_stages(Service& service, FakeServiceDeployment& sd, bool before_tasks) {
  Deployment& green = service.deployments.front();
  const Fate fate = green.fate;
  // Stages that take no round pass in this one; at most every stage once.
  for (std::size_t guard = 0; guard <= k_stages.size(); ++guard) {
    if (sd.completed() || sd.rollback != FakeServiceDeployment::Rollback::none) return;
    const std::string stage = sd.stage;
    if (before_tasks && stage != k_first_stage) return;
    const int elapsed = sd.rounds - sd.stage_since;
    if (paused_at(sd, stage)) return;
    if (stage == "SCALE_UP") {
      if (!green_ready(service, green)) return;
    } else if (stage == "TEST_TRAFFIC_SHIFT") {
      sd.test_weight = 100;
      if (elapsed < fate.stage_rounds) return;
    } else if (stage == "PRODUCTION_TRAFFIC_SHIFT") {
      const int steps = sd.strategy == DeploymentStrategy::blue_green ? 1 : std::max(1, fate.traffic_steps);
      if (sd.shift_round != sd.rounds) {  // one step a round
        sd.shift_round = sd.rounds;
        ++sd.shift_step;
        sd.production_weight = production_weight_at(sd, sd.shift_step, steps);
      }
      if (sd.shift_step < steps) return;
      service.production_target_group = green.target_group;
      reach_production(sd);
    } else if (stage == "BAKE_TIME") {
      if (!fate.alarm_in_bake.empty() && (elapsed >= 1 || fate.bake_rounds <= 0)) {
        sd.alarms.status = "TRIGGERED";
        sd.alarms.triggered_alarm_names = {fate.alarm_in_bake};
        event(service, "(service " + service.name + ") alarm " + fate.alarm_in_bake +
                           " is in ALARM: rolling back the deployment.");
        start_rollback(service, sd, "Alarm " + fate.alarm_in_bake + " went into ALARM during BAKE_TIME.");
        return;
      }
      if (elapsed < fate.bake_rounds) return;
    } else if (stage == "CLEAN_UP") {
      for (const auto& deployment : service.deployments) {
        if (deployment.id != green.id)
          drain_deployment(service, deployment.id,
                           "Scaling activity initiated by (deployment " + green.id + ")");
      }
      service.deployments.resize(1);  // green is first
      if (elapsed < fate.stage_rounds) return;
      Deployment& done = service.deployments.front();
      done.rollout = "COMPLETED";
      done.reason = "ECS deployment " + done.id + " completed.";
      done.rounds_completed = 0;
      service.proven.insert(done.task_definition);
      on_complete(service, done);
      event(service, "(service " + service.name + ") has reached a steady state.");
      return;
    } else if (elapsed < fate.stage_rounds) {  // PRE_/POST_ stages
      return;
    }
    sd.stage = next_stage(stage);
    sd.stage_since = sd.rounds;
  }
}

bool FakeEcs::paused_at(FakeServiceDeployment& sd, const std::string& stage) {
  bool waiting = false;
  for (std::size_t index : pause_hooks_at(sd.configuration, stage)) {
    auto found = std::find_if(sd.hooks.begin(), sd.hooks.end(), [&](const FakeServiceDeployment::Hook& hook) {
      return hook.config == index && hook.stage == stage;
    });
    if (found == sd.hooks.end()) {
      const json& config = sd.configuration["lifecycleHooks"][index];
      FakeServiceDeployment::Hook hook;
      hook.config = index;
      hook.stage = stage;
      hook.detail.hook_id = sd.id + "-pause-" + std::to_string(sd.hooks.size() + 1);
      hook.detail.target_type = "PAUSE";
      hook.detail.target_arn = config.value("hookTargetArn", "");
      hook.detail.status = "AWAITING_ACTION";
      hook.detail.timeout_action =
          config.value("timeoutConfiguration", json::object()).value("action", std::string("ROLLBACK"));
      sd.hooks.push_back(std::move(hook));
      waiting = true;
    } else if (found->detail.status == "AWAITING_ACTION") {
      waiting = true;
    }
  }
  return waiting;
}

bool FakeEcs::may_complete(Service& service, Deployment& primary) {
  FakeServiceDeployment* sd = forwarding(service, primary);
  if (sd == nullptr) return true;
  if (paused_at(*sd, "POST_SCALE_UP")) return false;
  const std::string alarm = primary.fate.alarm_in_bake;
  if (alarm.empty()) return true;
  sd->alarms.status = "TRIGGERED";
  sd->alarms.triggered_alarm_names = {alarm};
  event(service,
        "(service " + service.name + ") alarm " + alarm + " is in ALARM: rolling back the deployment.");
  start_rollback(service, *sd, "Alarm " + alarm + " went into ALARM.");  // `primary` moves
  return false;
}

void FakeEcs::on_breaker(Service& service, Deployment& deployment, bool rolling_back) {
  FakeServiceDeployment* sd = forwarding(service, deployment);
  if (sd == nullptr) return;
  sd->circuit_breaker.status = "TRIGGERED";
  sd->circuit_breaker.failure_count = deployment.failed;
  sd->circuit_breaker.threshold = deployment.fate.breaker_threshold;
  std::string reason = "ECS deployment circuit breaker: " + std::to_string(deployment.failed) +
                       " tasks failed to start (threshold " +
                       std::to_string(deployment.fate.breaker_threshold) + ").";
  if (!rolling_back || sd->source_revision.empty()) {
    finish(service, *sd, SdStatus::stopped, reason);
    return;
  }
  if (sd->staged()) {
    start_rollback(service, *sd, reason);  // flips back to blue
    return;
  }
  // ROLLING: count_failure starts the rollback deployment, as it did before this API.
  sd->status = SdStatus::rollback_in_progress;
  sd->rollback = FakeServiceDeployment::Rollback::redeploying;
  sd->rollback_reason = reason;
  sd->rollback_revision = sd->source_revision;
  sd->rollback_started_at = stamp();
}

void FakeEcs::on_complete(Service& service, Deployment& primary) {
  service.serving_revision = primary.revision;
  service.production_target_group = primary.target_group;
  FakeServiceDeployment* sd = find_service_deployment(primary.service_deployment);
  if (sd == nullptr || sd->completed()) return;
  if (primary.id == sd->rollback_deployment_id) {
    finish(service, *sd, SdStatus::rollback_successful,
           "Service deployment rolled back to " + sd->rollback_revision + ".");
  } else if (primary.id == sd->deployment_id && sd->rollback == FakeServiceDeployment::Rollback::none) {
    finish(service, *sd, SdStatus::successful, "Service deployment completed.");
  }
}

void FakeEcs::start_rollback(Service& service, FakeServiceDeployment& sd, const std::string& reason) {
  sd.rollback_reason = reason;
  sd.rollback_started_at = stamp();
  sd.rollback_revision = sd.source_revision;
  sd.status = SdStatus::rollback_in_progress;
  sd.production_weight = 0;
  sd.test_weight = 0;
  if (sd.source_revision.empty()) {
    finish(service, sd, SdStatus::rollback_failed, "No service revision to roll back to.");
    return;
  }
  int desired = service.desired;
  if (Deployment* forward = find_deployment(service, sd.deployment_id)) {
    desired = forward->desired;
    if (forward->rollout == "IN_PROGRESS") {
      forward->rollout = "FAILED";
      forward->reason = "ECS deployment " + forward->id + " rolled back: " + reason;
    }
    forward->status = "ACTIVE";
    drain_deployment(service, forward->id, "Deployment " + forward->id + " rolled back");
  }
  const FakeServiceRevision& source = m_revisions.at(sd.source_revision);
  service.production_target_group = source.target_group;
  if (sd.staged()) {
    auto blue =
        std::find_if(service.deployments.begin(), service.deployments.end(), [&](const Deployment& d) {
          return d.revision == source.arn && d.id != sd.deployment_id && d.rollout != "FAILED";
        });
    if (blue != service.deployments.end()) {  // blue still runs: flip production traffic back at once
      std::rotate(service.deployments.begin(), blue, blue + 1);
      for (auto& deployment : service.deployments) deployment.status = "ACTIVE";
      service.deployments.front().status = "PRIMARY";
      sd.rollback = FakeServiceDeployment::Rollback::flipped;
      sd.flip_round = sd.rounds;
      event(service, "(service " + service.name + ") rolled back production traffic to " +
                         short_revision_of(source.task_definition) + ".");
      return;
    }
  }
  event(service,
        "(service " + service.name + ") rolling back to " + short_revision_of(source.task_definition) + ".");
  Deployment& rollback = new_primary(service, source.task_definition, desired, Fate{});
  rollback.target_group = source.target_group;
  rollback.revision = source.arn;
  rollback.service_deployment = sd.arn;
  sd.rollback = FakeServiceDeployment::Rollback::redeploying;
  sd.rollback_deployment_id = rollback.id;
}

void FakeEcs::finish(Service& service, FakeServiceDeployment& sd, ServiceDeploymentStatus status,
                     const std::string& reason) {
  if (!sd.staged() && status != SdStatus::rollback_successful) update_rolling_weight(service, sd);
  sd.frozen_target = summary(service, sd.target_revision, sd.production_weight, sd.test_weight);
  if (!sd.source_revision.empty()) {
    sd.frozen_source = summary(service, sd.source_revision, 100 - sd.production_weight, 100 - sd.test_weight);
  }
  sd.status = status;
  sd.status_reason = reason;
  sd.updated_at = stamp();
  if (status == SdStatus::stopped) {
    sd.stopped_at = sd.updated_at;
  } else {
    sd.finished_at = sd.updated_at;
  }
  set_monitoring_complete(sd.circuit_breaker);
  set_monitoring_complete(sd.alarms);
}

void FakeEcs::update_rolling_weight(Service& service, FakeServiceDeployment& sd) {
  // ROLLING has no traffic shift: the target's share of the tasks that serve.
  int target = 0;
  int serving = 0;
  for (const auto& task : service.tasks) {
    if (task.last_status != "RUNNING") continue;
    if (!service.target_group.empty() && task.target_state != "healthy") continue;
    ++serving;
    if (task.revision == sd.target_revision) ++target;
  }
  sd.production_weight = serving == 0 ? 0 : 100.0 * target / serving;
  sd.test_weight = sd.production_weight;
  if (sd.production_weight >= 100) reach_production(sd);
}

void FakeEcs::reach_production(FakeServiceDeployment& sd) {
  if (sd.production_shift_seq < 0) sd.production_shift_seq = m_round_seq;
}

void FakeEcs::drain_deployment(Service& service, const std::string& deployment_id,
                               const std::string& reason) {
  for (auto& task : service.tasks) {
    if (task.deployment == deployment_id) drain_task(task, reason);
  }
}

ServiceRevisionSummary FakeEcs::summary(const Service& service, const std::string& revision, double weight,
                                        double test_weight) const {
  ServiceRevisionSummary out;
  out.arn = revision;
  for (const auto& deployment : service.deployments) {
    if (deployment.revision == revision && deployment.rollout != "FAILED")
      out.requested_task_count += deployment.desired;
  }
  for (const auto& task : service.tasks) {
    if (task.revision != revision) continue;
    if (task.last_status == "RUNNING") ++out.running_task_count;
    if (task.last_status == "PENDING" && task.desired_status == "RUNNING") ++out.pending_task_count;
  }
  out.requested_production_traffic_weight = weight;
  out.requested_test_traffic_weight = test_weight;
  return out;
}

ServiceDeployment FakeEcs::typed(const FakeServiceDeployment& sd) {
  ServiceDeployment out;
  out.arn = sd.arn;
  out.service_arn = sd.service_arn;
  out.cluster_arn = sd.cluster_arn;
  out.created_at = sd.created_at;
  out.started_at = sd.started_at;
  out.finished_at = sd.finished_at;
  out.stopped_at = sd.stopped_at;
  out.updated_at = sd.updated_at;
  const Service* service = service_of(sd);
  if (sd.completed() && sd.frozen_target) {
    out.target_revision = sd.frozen_target;
    if (sd.frozen_source) out.source_revisions.push_back(*sd.frozen_source);
  } else if (service != nullptr) {
    out.target_revision = summary(*service, sd.target_revision, sd.production_weight, sd.test_weight);
    if (!sd.source_revision.empty()) {
      out.source_revisions.push_back(
          summary(*service, sd.source_revision, 100 - sd.production_weight, 100 - sd.test_weight));
    }
  }
  out.status = sd.status;
  out.status_text = adjust::to_string(sd.status);
  out.status_reason = sd.status_reason;
  out.lifecycle_stage = sd.stage;
  for (const auto& hook : sd.hooks) out.lifecycle_hooks.push_back(hook.detail);
  out.rollback_reason = sd.rollback_reason;
  out.rollback_service_revision = sd.rollback_revision;
  out.rollback_started_at = sd.rollback_started_at;
  out.circuit_breaker = sd.circuit_breaker;
  out.alarms = sd.alarms;
  return out;
}

std::optional<Error> FakeEcs::deployments_api_error(AwsOp op) const {
  switch (m_deployments_api) {
    case DeploymentsApi::available:
      return std::nullopt;
    case DeploymentsApi::denied:
      return Error{ErrorCode::aws_auth,
                   std::string("User: arn:aws:sts::") + k_fake_account +
                       ":assumed-role/adjust/session is not authorized to perform: ecs:" + to_string(op),
                   "AccessDeniedException", "req-denied", 400};
    case DeploymentsApi::unsupported:
      return Error{ErrorCode::aws_client,
                   std::string(to_string(op)) + ": UnsupportedFeatureException: not supported by this ECS",
                   "UnsupportedFeatureException", "req-unsupported", 400};
  }
  return std::nullopt;
}

// ---- EcsApi ---------------------------------------------------------------------------------

Result<std::vector<ServiceDeploymentBrief>> FakeEcs::list_service_deployments(
    const ListServiceDeploymentsRequest& request) {
  Arrival arrival = arrive(AwsOp::list_service_deployments, request.service);
  std::lock_guard lock(m_mutex);
  if (arrival.fault) return fail(arrival.fault->error);
  if (auto error = deployments_api_error(AwsOp::list_service_deployments)) return fail(*error);
  Service* service = find_service(request.cluster, request.service);
  if (service == nullptr) {
    return fail(Error{ErrorCode::aws_client, "ServiceNotFoundException: Service not found.",
                      "ServiceNotFoundException", "req-missing", 400});
  }
  if (arrival.garbled) {
    return fail(ErrorCode::aws_bad_response,
                "ListServiceDeployments response: /serviceDeployments/0/status is not a string");
  }
  std::vector<ServiceDeploymentBrief> out;
  for (auto arn = service->service_deployments.rbegin(); arn != service->service_deployments.rend(); ++arn) {
    const FakeServiceDeployment* sd = find_service_deployment(*arn);
    if (sd == nullptr || sd->lag_left > 0) continue;
    if (!request.statuses.empty() &&
        std::find(request.statuses.begin(), request.statuses.end(), sd->status) == request.statuses.end()) {
      continue;
    }
    // Without a clock there are no timestamps and every deployment passes.
    if (request.created_after && sd->created_at && *sd->created_at < *request.created_after) continue;
    ServiceDeploymentBrief brief;
    brief.arn = sd->arn;
    brief.service_arn = sd->service_arn;
    brief.cluster_arn = sd->cluster_arn;
    brief.created_at = sd->created_at;
    brief.started_at = sd->started_at;
    brief.finished_at = sd->finished_at;
    brief.target_service_revision_arn = sd->target_revision;
    brief.status = sd->status;
    brief.status_reason = sd->status_reason;
    out.push_back(std::move(brief));
  }
  return out;
}

Result<ServiceDeployments> FakeEcs::describe_service_deployments(const std::vector<std::string>& arns) {
  Arrival arrival =
      arrive(AwsOp::describe_service_deployments, std::to_string(arns.size()) + " deployment(s)");
  std::lock_guard lock(m_mutex);
  if (arrival.fault) return fail(arrival.fault->error);
  if (auto error = deployments_api_error(AwsOp::describe_service_deployments)) return fail(*error);
  if (arrival.garbled) {
    return fail(ErrorCode::aws_bad_response,
                "DescribeServiceDeployments response: /serviceDeployments/0/status is not a string");
  }
  ServiceDeployments out;
  for (const auto& arn : arns) {
    if (const FakeServiceDeployment* sd = find_service_deployment(arn)) {
      out.deployments.push_back(typed(*sd));
    } else {
      out.failures.push_back({arn, "MISSING", ""});
    }
  }
  return out;
}

Result<ServiceRevisions> FakeEcs::describe_service_revisions(const std::vector<std::string>& arns) {
  Arrival arrival = arrive(AwsOp::describe_service_revisions, std::to_string(arns.size()) + " revision(s)");
  std::lock_guard lock(m_mutex);
  if (arrival.fault) return fail(arrival.fault->error);
  if (auto error = deployments_api_error(AwsOp::describe_service_revisions)) return fail(*error);
  if (arrival.garbled) {
    return fail(ErrorCode::aws_bad_response,
                "DescribeServiceRevisions response: /serviceRevisions/0/taskDefinition is not a string");
  }
  ServiceRevisions out;
  for (const auto& arn : arns) {
    auto found = m_revisions.find(arn);
    if (found == m_revisions.end()) {
      out.failures.push_back({arn, "MISSING", ""});
      continue;
    }
    const FakeServiceRevision& revision = found->second;
    ServiceRevision typed_revision;
    typed_revision.arn = revision.arn;
    typed_revision.service_arn = revision.service_arn;
    typed_revision.cluster_arn = revision.cluster_arn;
    typed_revision.task_definition = revision.task_definition;
    typed_revision.created_at = revision.created_at;
    if (!revision.target_group.empty())
      typed_revision.resolved_target_groups.push_back(revision.target_group);
    out.revisions.push_back(std::move(typed_revision));
  }
  return out;
}

Status FakeEcs::stop_service_deployment(const std::string& arn, StopType stop_type) {
  Arrival arrival = arrive(AwsOp::stop_service_deployment, arn);
  std::lock_guard lock(m_mutex);
  m_stops.push_back({arn, stop_type});
  if (arrival.fault && !arrival.fault->applied) return fail(arrival.fault->error);
  if (auto error = deployments_api_error(AwsOp::stop_service_deployment)) return fail(*error);
  FakeServiceDeployment* sd = find_service_deployment(arn);
  if (sd == nullptr) return fail(not_found(arn));
  if (sd->completed()) return fail(conflict("service deployment " + arn + " has completed."));
  if (sd->rollback != FakeServiceDeployment::Rollback::none) {
    return fail(conflict("service deployment " + arn + " is already rolling back."));
  }
  Service* service = service_of(*sd);
  if (stop_type == StopType::rollback) {
    if (sd->source_revision.empty()) return fail(conflict("no service revision to roll back to."));
    sd->status = SdStatus::rollback_requested;
    sd->rollback = FakeServiceDeployment::Rollback::requested;
    sd->rollback_reason = "StopServiceDeployment requested a rollback.";
    sd->updated_at = stamp();
  } else if (service != nullptr) {
    // ABORT: the deployment makes no further progress; nothing is undone.
    if (Deployment* forward = find_deployment(*service, sd->deployment_id)) forward->halted = true;
    finish(*service, *sd, SdStatus::stopped, "Service deployment stopped by StopServiceDeployment (ABORT).");
  }
  if (arrival.fault) return fail(arrival.fault->error);
  return {};
}

Status FakeEcs::continue_service_deployment(const std::string& arn, const std::string& hook_id,
                                            HookAction action) {
  Arrival arrival = arrive(AwsOp::continue_service_deployment, arn + " " + hook_id);
  std::lock_guard lock(m_mutex);
  m_continues.push_back({arn, hook_id, action});
  if (arrival.fault && !arrival.fault->applied) return fail(arrival.fault->error);
  if (auto error = deployments_api_error(AwsOp::continue_service_deployment)) return fail(*error);
  FakeServiceDeployment* sd = find_service_deployment(arn);
  if (sd == nullptr) return fail(not_found(arn));
  auto hook =
      std::find_if(sd->hooks.begin(), sd->hooks.end(), [&](const FakeServiceDeployment::Hook& candidate) {
        return candidate.detail.hook_id == hook_id && candidate.detail.status == "AWAITING_ACTION";
      });
  if (sd->completed() || sd->rollback != FakeServiceDeployment::Rollback::none || hook == sd->hooks.end()) {
    return fail(conflict("service deployment " + arn + " is not waiting at hook " + hook_id + "."));
  }
  if (action == HookAction::resume) {
    hook->detail.status = "SUCCEEDED";
  } else {
    if (sd->source_revision.empty()) return fail(conflict("no service revision to roll back to."));
    hook->detail.status = "FAILED";
    sd->status = SdStatus::rollback_requested;
    sd->rollback = FakeServiceDeployment::Rollback::requested;
    sd->rollback_reason = "ContinueServiceDeployment requested a rollback at hook " + hook_id + ".";
  }
  sd->updated_at = stamp();
  if (arrival.fault) return fail(arrival.fault->error);
  return {};
}

}  // namespace adjust::testing
