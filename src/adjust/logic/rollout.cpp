#include "adjust/logic/rollout.hpp"

#include "adjust/model/arn.hpp"

#include <algorithm>

namespace adjust {

using protocol::Reason;

namespace {

bool contains(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

std::string short_task_id(const std::string& arn) {
  auto slash = arn.rfind('/');
  std::string id = slash == std::string::npos ? arn : arn.substr(slash + 1);
  return id.substr(0, 12);
}

const EcsDeployment* find_deployment(const EcsService& service, const std::string& id) {
  for (const auto& deployment : service.deployments) {
    if (deployment.id == id) return &deployment;
  }
  return nullptr;
}

const EcsDeployment* primary_of(const EcsService& service) {
  for (const auto& deployment : service.deployments) {
    if (deployment.status == DeploymentStatus::primary) return &deployment;
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

}  // namespace

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
    : m_component(std::move(component)), m_target(std::move(target)) {}

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
                                                            const EcsDeployment* ours) const {
  const EcsService& service = observation.service;
  if (service.desired_count != m_target.desired_count) {
    return verdict(RolloutVerdict::failed, Reason::overwritten,
                   "the service's desired count changed to " + std::to_string(service.desired_count) +
                       " (expected " + std::to_string(m_target.desired_count) +
                       ") by someone else, e.g. Application Auto Scaling");
  }
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

void RolloutTracker::collect_evidence(const Observation& observation, const std::string& deployment_id) {
  // Stopped tasks of our revision, each once.
  for (const auto& task : observation.stopped_tasks) {
    if (task.task_definition_arn != m_target.task_definition) continue;
    if (!deployment_id.empty() && !task.started_by.empty() && task.started_by != deployment_id) continue;
    // Tasks the scheduler or a person stopped (scale-in, a failed deployment's
    // clean-up) say nothing about why the new revision fails.
    if (task.stop_code == "ServiceSchedulerInitiated" || task.stop_code == "UserInitiated") continue;
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

RolloutStatus RolloutTracker::check_ready(const Observation& observation, const EcsDeployment& ours) {
  const int desired = m_target.desired_count;
  const EcsService& service = observation.service;
  std::vector<std::string> target_groups;
  for (const auto& lb : service.load_balancers) {
    if (!lb.target_group_arn.empty()) target_groups.push_back(lb.target_group_arn);
  }
  bool rollout_done = ours.rollout_state == RolloutState::none
                          ? (ours.running_count >= desired && ours.pending_count == 0)
                          : ours.rollout_state == RolloutState::completed;
  bool counts_done = ours.running_count >= desired && ours.pending_count == 0;
  int draining = old_running(service, ours.id);

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
      for (const auto& group : target_groups) {
        const TargetHealth* health = nullptr;
        auto found = observation.target_health.find(group);
        if (found != observation.target_health.end()) {
          for (const auto& candidate : found->second) {
            if (candidate.id == task->private_ipv4) health = &candidate;
          }
        }
        std::string state = health == nullptr ? "unregistered" : health->state;
        if (state == "healthy") continue;
        healthy_everywhere = false;
        if (state.starts_with("unhealthy")) {
          auto [since, inserted] = m_unhealthy_since.emplace(task->private_ipv4, observation.now);
          if (observation.now - since->second >= m_target.unhealthy_grace || m_target.settling) {
            std::string detail = health->reason.empty() ? health->state : health->reason;
            if (!health->description.empty()) detail += " (" + health->description + ")";
            unhealthy_failure = verdict(RolloutVerdict::rejected,
                                        m_target.settling ? Reason::unstable : Reason::health_check_failed,
                                        "target " + task->private_ipv4 + " of task " +
                                            short_task_id(task->arn) + " is unhealthy: " + detail);
          }
        } else {
          m_unhealthy_since.erase(task->private_ipv4);
        }
      }
      if (healthy_everywhere) ++healthy;
    }
    healthy = std::min(healthy, desired);
  }
  if (unhealthy_failure) return *unhealthy_failure;

  RolloutStatus status;
  int denominator = std::max(desired, 1);
  bool has_targets = !target_groups.empty();
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
    status.message += ", " + std::to_string(draining) + " old task" + (draining == 1 ? "" : "s") +
                      (counts_done ? " draining" : " still serving");
  }

  if (m_target.settling && ours.running_count < desired) {
    return verdict(RolloutVerdict::rejected, Reason::unstable,
                   "only " + std::to_string(ours.running_count) + "/" + std::to_string(desired) +
                       " new tasks still running during settlement" +
                       (m_evidence.empty() ? "" : ": " + evidence_text()));
  }
  bool drained = !m_target.wait_for_drain || draining == 0;
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
  const EcsService& service = observation.service;
  const EcsDeployment* ours = nullptr;
  if (m_target.deployment_id.empty()) {
    // No id from UpdateService: adopt the PRIMARY once it runs our revision.
    const EcsDeployment* primary = primary_of(service);
    if (primary == nullptr || primary->task_definition != m_target.task_definition) {
      if (primary != nullptr && primary->task_definition != m_target.previous_task_definition) {
        return *check_replaced(observation, nullptr);
      }
      RolloutStatus waiting;
      waiting.message = m_component + ": waiting for the new deployment to start";
      return waiting;
    }
    m_target.deployment_id = primary->id;
  }
  ours = find_deployment(service, m_target.deployment_id);
  collect_evidence(observation, m_target.deployment_id);
  if (wants_evidence(observation, ours)) {
    RolloutStatus fetch;
    fetch.wants_evidence = true;
    fetch.message = m_component + ": looking at stopped tasks";
    return fetch;
  }
  if (auto replaced = check_replaced(observation, ours)) return *replaced;
  if (ours->task_definition != m_target.task_definition) {
    return verdict(RolloutVerdict::failed, Reason::overwritten,
                   "deployment " + ours->id + " runs " + revision_of(ours->task_definition) + ", not " +
                       revision_of(m_target.task_definition));
  }
  if (auto failure = check_failures(observation, *ours)) return *failure;
  return check_ready(observation, *ours);
}

}  // namespace adjust
