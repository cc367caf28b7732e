#include "adjust/logic/rollout.hpp"

#include <arpa/inet.h>

#include <algorithm>

#include "adjust/logic/deployment_record.hpp"
#include "adjust/model/arn.hpp"

namespace adjust {

using protocol::Reason;

namespace {

bool contains(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

// The last part of an ARN ("…/demo/web/abc" -> "abc").
std::string short_arn(const std::string& arn) {
  auto slash = arn.rfind('/');
  return slash == std::string::npos ? arn : arn.substr(slash + 1);
}

std::string short_task_id(const std::string& arn) { return short_arn(arn).substr(0, 12); }

const EcsDeployment* find_deployment(const EcsService& service, const std::string& id) {
  for (const auto& deployment : service.deployments) {
    if (deployment.id == id) return &deployment;
  }
  return nullptr;
}

// How many tasks of the other deployments still run (draining).
int old_running(const EcsService& service, const std::string& our_id) {
  int running = 0;
  for (const auto& deployment : service.deployments) {
    if (deployment.id != our_id) running += deployment.running_count;
  }
  return running;
}

// The health of `ip` in a group of candidate target groups: where it is
// registered (a blue/green pair registers it in one of the two).
// One spelling per address: IPv6 has many ("2001:DB8:0::1" = "2001:db8::1").
std::string canonical_ip(const std::string& ip) {
  if (ip.find(':') == std::string::npos) return ip;
  in6_addr address{};
  if (inet_pton(AF_INET6, ip.c_str(), &address) != 1) return ip;
  char text[INET6_ADDRSTRLEN] = {};
  return inet_ntop(AF_INET6, &address, text, sizeof text) != nullptr ? std::string(text) : ip;
}

const TargetHealth* health_in(const Observation& observation, const std::vector<std::string>& groups,
                              const std::string& ip) {
  if (ip.empty()) return nullptr;
  const std::string wanted = canonical_ip(ip);
  for (const auto& group : groups) {
    auto found = observation.target_health.find(group);
    if (found == observation.target_health.end()) continue;
    for (const auto& candidate : found->second) {
      if (canonical_ip(candidate.id) != wanted) continue;
      bool registered = candidate.state != "unused" && candidate.state != "unavailable" &&
                        candidate.reason != "Target.NotRegistered";
      if (registered) return &candidate;
    }
  }
  return nullptr;
}

// Each load balancer's candidate target groups: the revision's resolved
// group when known, else the configured one and its blue/green alternate.
std::vector<std::vector<std::string>> health_slots(const Observation& observation) {
  std::vector<std::vector<std::string>> slots;
  if (!observation.serving_target_groups.empty()) {
    for (const auto& group : observation.serving_target_groups) slots.push_back({group});
    return slots;
  }
  for (const auto& lb : observation.service.load_balancers) {
    if (lb.target_group_arn.empty()) continue;
    std::vector<std::string> slot{lb.target_group_arn};
    if (!lb.alternate_target_group_arn.empty()) slot.push_back(lb.alternate_target_group_arn);
    slots.push_back(std::move(slot));
  }
  return slots;
}

}  // namespace

std::vector<std::string> target_groups_to_check(const EcsService& service,
                                                const std::vector<std::string>& serving_target_groups) {
  if (!serving_target_groups.empty()) return serving_target_groups;
  std::vector<std::string> groups;
  for (const auto& lb : service.load_balancers) {
    for (const std::string* group : {&lb.target_group_arn, &lb.alternate_target_group_arn}) {
      if (!group->empty() && std::find(groups.begin(), groups.end(), *group) == groups.end())
        groups.push_back(*group);
    }
  }
  return groups;
}

Reason classify_stopped_task(const EcsTask& task) {
  std::string text = task.stopped_reason + " " + task.stop_code;
  for (const auto& container : task.containers) text += " " + container.reason;
  if (contains(text, "CannotPullContainer") || contains(text, "pull image") || contains(text, "ImagePull")) {
    return Reason::image_pull_failed;
  }
  if (contains(text, "ELB health check") || contains(text, "health checks"))
    return Reason::health_check_failed;
  return Reason::start_failed;
}

std::string describe_stopped_task(const EcsTask& task) {
  std::string text = "stopped";
  if (!task.stop_code.empty()) text += " (" + task.stop_code + ")";
  if (!task.stopped_reason.empty()) text += ": " + task.stopped_reason;
  for (const auto& container : task.containers) {
    if (!container.exit_code && container.reason.empty()) continue;
    text += "; container " + container.name;
    if (container.exit_code) text += " exit code " + std::to_string(*container.exit_code);
    if (!container.reason.empty()) text += ": " + container.reason;
  }
  return text;
}

RolloutTracker::RolloutTracker(std::string component, RolloutTarget target)
    : m_component(std::move(component)), m_target(std::move(target)), m_seen_ours(m_target.settling) {}

// A status message without its "component: " prefix, to quote it in another.
std::string RolloutTracker::without_component(const std::string& message) const {
  return message.substr(std::min(message.size(), m_component.size() + 2));
}

RolloutStatus RolloutTracker::verdict(RolloutVerdict kind, Reason reason, std::string message) const {
  RolloutStatus status;
  status.verdict = kind;
  status.reason = reason;
  status.message = m_component + ": " + message;
  status.percent = kind == RolloutVerdict::succeeded ? 100 : 0;
  return status;
}

std::string RolloutTracker::evidence_text() const {
  std::string text;
  size_t shown = std::min<size_t>(m_evidence.size(), 3);
  for (size_t i = 0; i < shown; ++i) {
    const auto& [description, count] = m_evidence[i];
    text += (i ? " | " : "") + std::to_string(count) + (count == 1 ? " task " : " tasks ") + description;
  }
  if (m_evidence.size() > shown)
    text += " | and " + std::to_string(m_evidence.size() - shown) + " other failure(s)";
  return text;
}

// The most specific reason we can name: stopped-task evidence first, then
// what ECS said, then what we saw of target health.
Reason RolloutTracker::failure_reason_for(const EcsDeployment* ours) const {
  if (m_evidence_reason && *m_evidence_reason != Reason::start_failed) return *m_evidence_reason;
  std::string said = ours != nullptr ? ours->rollout_state_reason : "";
  if (contains(said, "health check")) return Reason::health_check_failed;
  if (contains(said, "pull")) return Reason::image_pull_failed;
  if (!m_evidence_reason && !m_unhealthy_since.empty()) return Reason::health_check_failed;
  return Reason::start_failed;
}

std::optional<RolloutStatus> RolloutTracker::check_replaced(const Observation& observation,
                                                            const EcsDeployment* ours) {
  const EcsService& service = observation.service;
  if (auto count = check_desired_count(observation)) return count;
  if (ours != nullptr && ours->status == DeploymentStatus::primary) return std::nullopt;
  const EcsDeployment* primary = primary_of(service);
  bool we_changed_revision = m_target.task_definition != m_target.previous_task_definition;
  if (primary != nullptr && we_changed_revision &&
      primary->task_definition == m_target.previous_task_definition) {
    Reason reason = failure_reason_for(ours);
    std::string message = "ECS rolled the service back to " + revision_of(primary->task_definition);
    if (ours != nullptr && !ours->rollout_state_reason.empty())
      message += " (" + ours->rollout_state_reason + ")";
    if (auto evidence = evidence_text(); !evidence.empty()) message += ": " + evidence;
    return verdict(RolloutVerdict::rejected, m_target.settling ? Reason::unstable : reason, message);
  }
  std::string who = primary == nullptr
                        ? "no PRIMARY deployment"
                        : "deployment " + primary->id + " (" + revision_of(primary->task_definition) + ")";
  return verdict(RolloutVerdict::failed, Reason::overwritten,
                 who + " replaced the deployment of " + revision_of(m_target.task_definition) +
                     " that this adjustment started");
}

std::optional<RolloutStatus> RolloutTracker::check_desired_count(const Observation& observation) {
  const EcsService& service = observation.service;
  if (service.desired_count == m_target.desired_count) return std::nullopt;
  if (!m_target.count_is_ours && service.desired_count >= 0) {
    m_target.desired_count = service.desired_count;  // the scaler's to set: follow it
    return std::nullopt;
  }
  return verdict(RolloutVerdict::failed, Reason::overwritten,
                 "the service's desired count changed to " + std::to_string(service.desired_count) +
                     " (expected " + std::to_string(m_target.desired_count) +
                     ") by someone else, e.g. Application Auto Scaling");
}

std::optional<RolloutStatus> RolloutTracker::confirmed(const Observation& observation,
                                                       std::optional<RolloutStatus> against_us) {
  if (!against_us) {
    m_unconfirmed.reset();
    return std::nullopt;
  }
  bool just_started =
      !m_seen_ours && m_first_look && observation.now - *m_first_look < m_target.stale_read_grace;
  if (!just_started) {
    if (m_unconfirmed && m_unconfirmed->first == against_us->reason &&
        observation.now > m_unconfirmed->second)
      return against_us;
    if (!m_unconfirmed || m_unconfirmed->first != against_us->reason)
      m_unconfirmed.emplace(against_us->reason, observation.now);
  }
  RolloutStatus waiting;
  std::string said = without_component(against_us->message);
  waiting.message = m_component + ": " +
                    (just_started ? "waiting for ECS to show the new deployment"
                                  : "checking again what DescribeServices says (" + said + ")");
  return waiting;
}

void RolloutTracker::collect_evidence(const Observation& observation, const std::string& deployment_id) {
  // Stopped tasks of our revision, each once.
  for (const auto& task : observation.stopped_tasks) {
    if (task.task_definition_arn != m_target.task_definition) continue;
    if (!deployment_id.empty() && !task.started_by.empty() && task.started_by != deployment_id) continue;
    // Tasks the scheduler or a person stopped (scale-in, a failed deployment's
    // clean-up), or that Fargate Spot reclaimed, say nothing about why the
    // new revision fails.
    if (task.stop_code == "ServiceSchedulerInitiated" || task.stop_code == "UserInitiated" ||
        task.stop_code == "SpotInterruption")
      continue;
    if (!m_evidence_tasks.insert(task.arn).second) continue;
    std::string description = describe_stopped_task(task);
    auto same = std::find_if(m_evidence.begin(), m_evidence.end(),
                             [&](const auto& entry) { return entry.first == description; });
    if (same != m_evidence.end()) {
      ++same->second;
    } else {
      m_evidence.emplace_back(std::move(description), 1);
    }
    Reason reason = classify_stopped_task(task);
    if (!m_evidence_reason || *m_evidence_reason == Reason::start_failed) m_evidence_reason = reason;
  }
}

// Ask for stopped tasks when ECS reports failures we cannot explain yet: at
// once for new failures or a failed/rolled-back deployment, else now and then.
bool RolloutTracker::wants_evidence(const Observation& observation, const EcsDeployment* ours) {
  if (observation.evidence_fetched) return false;
  ++m_steps_since_evidence;
  int failed_now = ours != nullptr ? ours->failed_tasks : 0;
  bool fresh = failed_now > m_failed_seen;
  m_failed_seen = std::max(m_failed_seen, failed_now);
  // Evidence explains a failure of our revision: a FAILED rollout, or ECS
  // putting the previous revision back. Someone else's deployment needs none.
  const EcsDeployment* primary = primary_of(observation.service);
  bool rolled_back = (ours == nullptr || ours->status != DeploymentStatus::primary) && primary != nullptr &&
                     primary->task_definition == m_target.previous_task_definition &&
                     m_target.task_definition != m_target.previous_task_definition;
  bool gone_wrong = rolled_back || (ours != nullptr && ours->rollout_state == RolloutState::failed);
  bool unexplained =
      failed_now > static_cast<int>(m_evidence_tasks.size()) || (gone_wrong && m_evidence.empty());
  if (!unexplained) return false;
  if (fresh || gone_wrong || m_steps_since_evidence >= 3) {
    m_steps_since_evidence = 0;
    return true;
  }
  return false;
}

std::optional<RolloutStatus> RolloutTracker::check_failures(const Observation& observation,
                                                            const EcsDeployment& ours) {
  Reason failure_reason = m_target.settling ? Reason::unstable : failure_reason_for(&ours);

  if (ours.rollout_state == RolloutState::failed) {
    std::string message = "the deployment failed";
    if (!ours.rollout_state_reason.empty()) message += " (" + ours.rollout_state_reason + ")";
    if (auto evidence = evidence_text(); !evidence.empty()) message += ": " + evidence;
    return verdict(RolloutVerdict::rejected, failure_reason, message);
  }
  int failed = std::max(ours.failed_tasks, static_cast<int>(m_evidence_tasks.size()));
  if (failed > 0 && m_evidence_reason == Reason::image_pull_failed) {
    return verdict(RolloutVerdict::rejected, Reason::image_pull_failed, evidence_text());
  }
  // Two failures (one for a single task) are a pattern, not bad luck; after
  // success (settlement) any failure is instability.
  int threshold = m_target.settling ? 1 : std::clamp(m_target.desired_count, 1, 2);
  if (failed >= threshold && !m_evidence.empty()) {
    return verdict(RolloutVerdict::rejected, failure_reason,
                   std::to_string(failed) + " new task(s) failed: " + evidence_text());
  }
  if (!m_events_before) {
    m_events_before.emplace();
    for (const auto& event : observation.service.events) m_events_before->insert(event.id);
  }
  const EcsServiceEvent* newest_placement = nullptr;
  for (const auto& event : observation.service.events) {
    if (m_events_before->contains(event.id)) continue;
    if (contains(event.message, "unable to consistently start tasks")) {
      return verdict(RolloutVerdict::rejected, failure_reason, event.message);
    }
    if (contains(event.message, "unable to place")) {
      m_placement_events.insert(event.id + event.message);
      // Any position in the list: the order is AWS's, compare its own timestamps.
      if (newest_placement == nullptr || event.created_at > newest_placement->created_at)
        newest_placement = &event;
    }
  }
  if (newest_placement != nullptr) m_placement_message = newest_placement->message;
  if (m_placement_events.size() >= 2) {
    return verdict(RolloutVerdict::rejected, Reason::unschedulable,
                   "ECS cannot place the new tasks: " + m_placement_message);
  }
  return std::nullopt;
}

RolloutStatus RolloutTracker::check_ready(const Observation& observation, const EcsDeployment& ours,
                                          bool ecs_done) {
  const int desired = m_target.desired_count;
  const EcsService& service = observation.service;
  const std::vector<std::vector<std::string>> slots = health_slots(observation);
  bool rollout_done = ecs_done;
  bool counts_done = ours.running_count >= desired && ours.pending_count == 0;
  int draining = old_running(service, ours.id);
  if (observation.running_tasks) {
    // Tasks of another revision still running, whatever deployments[] says
    // (early success leaves them serving outside any deployment).
    int others = 0;
    for (const auto& task : *observation.running_tasks) {
      if (task.task_definition_arn != m_target.task_definition && task.last_status == "RUNNING") ++others;
    }
    draining = std::max(draining, others);
  }

  int running_ours = std::min(ours.running_count, desired);
  int healthy = 0;
  std::optional<RolloutStatus> unhealthy_failure;
  bool tasks_known = observation.running_tasks.has_value();
  if (tasks_known) {
    std::vector<const EcsTask*> ours_running;
    for (const auto& task : *observation.running_tasks) {
      if (task.task_definition_arn == m_target.task_definition && task.last_status == "RUNNING") {
        ours_running.push_back(&task);
      }
    }
    running_ours = std::min(static_cast<int>(ours_running.size()), desired);
    for (const EcsTask* task : ours_running) {
      bool healthy_everywhere = true;
      for (const auto& slot : slots) {
        // An IPv6 target group registers the task by its IPv6 address.
        const TargetHealth* health = health_in(observation, slot, task->private_ipv4);
        if (health == nullptr) health = health_in(observation, slot, task->ipv6);
        const std::string address = health != nullptr ? health->id : task->private_ipv4;
        std::string state = health == nullptr ? "unregistered" : health->state;
        if (state == "healthy") continue;
        healthy_everywhere = false;
        if (state.starts_with("unhealthy")) {
          auto [since, inserted] = m_unhealthy_since.emplace(address, observation.now);
          if (observation.now - since->second >= m_target.unhealthy_grace || m_target.settling) {
            std::string detail = health->reason.empty() ? health->state : health->reason;
            if (!health->description.empty()) detail += " (" + health->description + ")";
            unhealthy_failure = verdict(
                RolloutVerdict::rejected, m_target.settling ? Reason::unstable : Reason::health_check_failed,
                "target " + address + " of task " + short_task_id(task->arn) + " is unhealthy: " + detail);
          }
        } else {
          m_unhealthy_since.erase(address);
        }
      }
      if (healthy_everywhere) ++healthy;
    }
    healthy = std::min(healthy, desired);
  }
  if (unhealthy_failure) return *unhealthy_failure;

  RolloutStatus status;
  int denominator = std::max(desired, 1);
  bool has_targets = !slots.empty();
  if (desired == 0) {
    status.percent = ours.running_count == 0 ? 100 : 50;
  } else if (has_targets) {
    status.percent = (running_ours * 50 + healthy * 50) / denominator;
  } else {
    status.percent = running_ours * 100 / denominator;
  }
  status.message = m_component + ": " + std::to_string(running_ours) + "/" + std::to_string(desired) +
                   " new tasks running";
  if (has_targets && tasks_known) {
    status.message += ", " + std::to_string(healthy) + "/" + std::to_string(desired) + " healthy";
  }
  if (draining > 0) {
    // During a bake ECS keeps the old revision up on purpose, for an instant rollback.
    bool baking = observation.deployment && observation.deployment->lifecycle_stage == "BAKE_TIME";
    status.message += ", " + std::to_string(draining) + " old task" + (draining == 1 ? "" : "s") +
                      (baking        ? " kept until the bake ends"
                       : counts_done ? " draining"
                                     : " still serving");
  }

  if (m_target.settling && ours.running_count < desired) {
    return verdict(RolloutVerdict::rejected, Reason::unstable,
                   "only " + std::to_string(ours.running_count) + "/" + std::to_string(desired) +
                       " new tasks still running during settlement" +
                       (m_evidence.empty() ? "" : ": " + evidence_text()));
  }
  // Old tasks must be gone unless all we know is an ECS too old to say when
  // a deployment is done (then draining ones are tolerated, as configured).
  bool old_must_go =
      m_target.wait_for_drain ||
      (!m_target.restoring && (observation.deployment || ours.rollout_state != RolloutState::none));
  bool drained = !old_must_go || draining == 0;
  if (desired == 0) {
    if (rollout_done && ours.running_count == 0 && drained) {
      return verdict(RolloutVerdict::succeeded, Reason::success, "scaled to 0");
    }
    return status;
  }
  if (!counts_done) return status;
  if (!tasks_known) {
    status.wants_tasks = true;
    return status;
  }
  if (rollout_done && running_ours >= desired && (!has_targets || healthy >= desired) && drained) {
    return verdict(RolloutVerdict::succeeded, Reason::success,
                   std::to_string(desired) + "/" + std::to_string(desired) + " new tasks running" +
                       (has_targets ? " and healthy" : ""));
  }
  return status;
}

RolloutStatus RolloutTracker::step(const Observation& observation) {
  if (!m_first_look) m_first_look = observation.now;
  if (observation.deployment) return step_with_record(observation);
  const EcsService& service = observation.service;
  if (m_target.deployment_id.empty()) {
    // No id from UpdateService: adopt the PRIMARY once it runs our revision.
    const EcsDeployment* primary = primary_of(service);
    if (primary == nullptr || primary->task_definition != m_target.task_definition) {
      std::optional<RolloutStatus> replaced;
      if (primary != nullptr && primary->task_definition != m_target.previous_task_definition) {
        replaced = check_replaced(observation, nullptr);
      }
      if (auto decided = confirmed(observation, replaced)) return *decided;
      RolloutStatus waiting;
      waiting.message = m_component + ": waiting for the new deployment to start";
      return waiting;
    }
    m_target.deployment_id = primary->id;
  }
  const EcsDeployment* ours = find_deployment(service, m_target.deployment_id);
  if (ours != nullptr) m_seen_ours = true;
  collect_evidence(observation, m_target.deployment_id);
  if (wants_evidence(observation, ours)) {
    RolloutStatus fetch;
    fetch.wants_evidence = true;
    fetch.message = m_component + ": looking at stopped tasks";
    return fetch;
  }
  std::optional<RolloutStatus> against_us = check_replaced(observation, ours);
  if (!against_us && ours->task_definition != m_target.task_definition) {
    against_us = verdict(RolloutVerdict::failed, Reason::overwritten,
                         "deployment " + ours->id + " runs " + revision_of(ours->task_definition) + ", not " +
                             revision_of(m_target.task_definition));
  }
  if (auto decided = confirmed(observation, against_us)) return *decided;
  if (auto failure = check_failures(observation, *ours)) return *failure;
  bool ecs_done = ours->rollout_state == RolloutState::none
                      ? (ours->running_count >= m_target.desired_count && ours->pending_count == 0)
                      : ours->rollout_state == RolloutState::completed;
  return check_ready(observation, *ours, ecs_done);
}

// With ECS's own record of our deployment: its status decides success and
// failure; DescribeServices gives the live fleet and the early evidence.
RolloutStatus RolloutTracker::step_with_record(const Observation& observation) {
  using Kind = DeploymentReading::Kind;
  const EcsService& service = observation.service;
  const ServiceDeployment& record = *observation.deployment;
  const std::string& current = service.current_service_deployment;
  if (!current.empty() && current != m_target.service_deployment &&
      current != m_target.previous_service_deployment) {
    // Name what now deploys, so the operator knows whose change won.
    const EcsDeployment* primary = primary_of(service);
    std::string theirs = primary != nullptr && primary->task_definition != m_target.task_definition
                             ? ", deploying " + revision_of(primary->task_definition)
                             : std::string();
    return verdict(RolloutVerdict::failed, Reason::overwritten,
                   "service deployment " + short_arn(current) + " (not this adjustment's" + theirs +
                       ") replaced the deployment of " + revision_of(m_target.task_definition) +
                       " that this adjustment started");
  }
  // Our entry in deployments[]: live counts and failed tasks. A read that
  // shows it is fresh, so what it says against us needs no grace.
  const EcsDeployment* ours =
      m_target.deployment_id.empty() ? nullptr : find_deployment(service, m_target.deployment_id);
  if (ours == nullptr) {
    const EcsDeployment* primary = primary_of(service);
    if (primary != nullptr && primary->task_definition == m_target.task_definition) ours = primary;
  }
  if (ours != nullptr) {
    m_seen_ours = true;
    if (m_target.deployment_id.empty()) m_target.deployment_id = ours->id;
  }
  if (auto decided = confirmed(observation, check_desired_count(observation))) return *decided;
  collect_evidence(observation, m_target.deployment_id);

  if (record.lifecycle_stage == "BAKE_TIME" && !m_bake_started) m_bake_started = observation.now;
  std::optional<std::chrono::seconds> bake_elapsed;
  if (m_bake_started)
    bake_elapsed = std::chrono::duration_cast<std::chrono::seconds>(observation.now - *m_bake_started);
  DeploymentReading reading = read_deployment(record, m_target.configuration, bake_elapsed);

  RolloutStatus status;
  if (m_target.rollback_of_record) {
    // Our rollback of our own deployment: done once ECS says so and the
    // previous revision serves, healthy.
    if (record.status == ServiceDeploymentStatus::rollback_successful && ours != nullptr)
      return check_ready(observation, *ours, true);
    if (is_completed(record.status) && record.status != ServiceDeploymentStatus::rollback_successful) {
      return verdict(RolloutVerdict::failed, Reason::aws_error,
                     "the rollback ended " + std::string(to_string(record.status)) +
                         (record.status_reason.empty() ? "" : " (" + record.status_reason + ")"));
    }
    status.message = m_component + ": ECS is rolling the deployment back" +
                     (record.lifecycle_stage.empty() ? "" : " (" + record.lifecycle_stage + ")");
    return status;
  }
  switch (reading.kind) {
    case Kind::ended: {
      if (reading.breaker) {
        if (!observation.evidence_fetched && m_evidence.empty()) {
          status.wants_evidence = true;
          status.message = m_component + ": looking at stopped tasks";
          return status;
        }
        reading.reason = m_target.settling ? Reason::unstable : failure_reason_for(ours);
        if (auto evidence = evidence_text(); !evidence.empty()) reading.message += ": " + evidence;
      }
      return verdict(
          reading.status == protocol::Status::rejected ? RolloutVerdict::rejected : RolloutVerdict::failed,
          reading.reason, reading.message);
    }
    case Kind::rolling_back:
      status.message = m_component + ": " + reading.message;
      return status;
    case Kind::paused:
      if (m_target.continue_paused_hooks) {
        status.continue_hook = reading.hook_id;
        status.message = m_component + ": continuing the deployment paused at lifecycle hook " +
                         reading.hook_id + " (deployment.paused_hooks: continue)";
        return status;
      }
      return verdict(RolloutVerdict::failed, Reason::deployment_paused,
                     reading.message +
                         "; the adjustment does not wait for that (with deployment.paused_hooks: "
                         "continue the driver continues it)");
    case Kind::in_progress: {
      if (ours == nullptr) {
        status.message = m_component + ": ECS is starting the deployment" +
                         (reading.stage.empty() ? "" : " (" + reading.stage + ")");
        return status;
      }
      if (wants_evidence(observation, ours)) {
        status.wants_evidence = true;
        status.message = m_component + ": looking at stopped tasks";
        return status;
      }
      if (auto failure = check_failures(observation, *ours)) return *failure;
      // The live fleet catches new targets that stay unhealthy (ECS may only
      // give up hours later); the stage says more than task counts.
      status = check_ready(observation, *ours, false);
      if (status.verdict != RolloutVerdict::in_progress || reading.stage.empty()) return status;
      status.percent = reading.percent;
      status.message = m_component + ": " + to_string(m_target.configuration.strategy) + " " + reading.stage +
                       "; " + without_component(status.message);
      return status;
    }
    case Kind::successful: {
      if (ours == nullptr) {
        status.percent = 97;
        status.message =
            m_component + ": ECS reports the deployment SUCCESSFUL; waiting for DescribeServices to show it";
        return status;
      }
      status = check_ready(observation, *ours, true);
      if (status.verdict == RolloutVerdict::in_progress && !status.wants_tasks) {
        bool early = m_target.configuration.early_success && m_target.configuration.early_success->enable;
        status.message += std::string(" (ECS reports the deployment SUCCESSFUL") +
                          (early ? " by its early success criteria" : "") +
                          "; waiting until every serving task runs the new revision, healthy)";
      }
      return status;
    }
  }
  return status;
}

}  // namespace adjust
