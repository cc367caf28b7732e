#include "adjust/logic/deployment_record.hpp"

#include <algorithm>
#include <cmath>

#include "adjust/model/arn.hpp"

namespace adjust {
namespace {

using protocol::Reason;
using Kind = DeploymentReading::Kind;

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

std::string weight_text(double weight) { return std::to_string(static_cast<int>(std::lround(weight))) + "%"; }

// Where each lifecycle stage starts on the progress bar (the traffic shift
// and bake fill the space up to the next one).
int stage_floor(const std::string& stage) {
  static const std::pair<const char*, int> k_floors[] = {
      {"RECONCILE_SERVICE", 2},
      {"PRE_SCALE_UP", 5},
      {"SCALE_UP", 10},
      {"POST_SCALE_UP", 40},
      {"TEST_TRAFFIC_SHIFT", 45},
      {"POST_TEST_TRAFFIC_SHIFT", 50},
      {"PRODUCTION_TRAFFIC_SHIFT", 55},
      {"POST_PRODUCTION_TRAFFIC_SHIFT", 80},
      {"BAKE_TIME", 82},
      {"CLEAN_UP", 95},
  };
  for (const auto& [name, floor] : k_floors) {
    if (stage == name) return floor;
  }
  return 5;
}

std::string stage_words(const std::string& stage) {
  std::string words = stage;
  std::replace(words.begin(), words.end(), '_', ' ');
  std::transform(words.begin(), words.end(), words.begin(), [](unsigned char c) { return std::tolower(c); });
  return words;
}

// ECS's evidence for an ending: its status reason, the rollback's reason,
// the breaker's count, the alarms that fired.
std::string evidence(const ServiceDeployment& deployment) {
  std::string text;
  auto add = [&text](const std::string& part) {
    if (!part.empty() && text.find(part) == std::string::npos) text += (text.empty() ? "" : "; ") + part;
  };
  add(deployment.status_reason);
  add(deployment.rollback_reason);
  if (deployment.circuit_breaker.status == "TRIGGERED") {
    add("circuit breaker triggered after " + std::to_string(deployment.circuit_breaker.failure_count) + "/" +
        std::to_string(deployment.circuit_breaker.threshold) + " failed tasks");
  }
  if (!deployment.alarms.triggered_alarm_names.empty()) {
    add("alarm(s) in ALARM: " + join(deployment.alarms.triggered_alarm_names));
  }
  return text;
}

DeploymentReading ended(const ServiceDeployment& deployment) {
  DeploymentReading reading;
  reading.kind = Kind::ended;
  std::string what;
  switch (deployment.status) {
    case ServiceDeploymentStatus::rollback_successful:
      what = "ECS rolled the deployment back" +
             (deployment.rollback_service_revision.empty()
                  ? std::string()
                  : " to service revision " + revision_of(deployment.rollback_service_revision));
      break;
    case ServiceDeploymentStatus::rollback_failed:
      what = "ECS's rollback of the deployment FAILED (the service may run a mix of revisions)";
      break;
    default:
      what = "ECS stopped the deployment";
      break;
  }
  std::string because = evidence(deployment);
  reading.message = what + (because.empty() ? "" : " (" + because + ")");
  if (!deployment.alarms.triggered_alarm_names.empty()) {
    reading.status = protocol::Status::rejected;
    reading.reason = Reason::alarm_triggered;
  } else if (deployment.circuit_breaker.status == "TRIGGERED") {
    reading.status = protocol::Status::rejected;
    reading.reason = Reason::start_failed;
    reading.breaker = true;
  } else if (const auto* failed = find_hook(deployment, "FAILED")) {
    // A Lambda hook that checks the new revision said no.
    reading.status = protocol::Status::rejected;
    reading.reason = Reason::start_failed;
    reading.message += ": lifecycle hook " + failed->hook_id + " (" + failed->target_arn + ") failed";
  } else if (const auto* timed_out = find_hook(deployment, "TIMED_OUT")) {
    reading.reason = Reason::deployment_paused;
    reading.message += ": lifecycle hook " + timed_out->hook_id + " timed out";
  } else {
    // Nothing about the new revision: someone stopped or rolled it back.
    reading.reason = Reason::overwritten;
    reading.message += ", not because of the new revision: someone else stopped it";
  }
  return reading;
}

void describe_stage(const ServiceDeployment& deployment, const EcsDeploymentConfiguration& configuration,
                    std::optional<std::chrono::seconds> bake_elapsed, DeploymentReading& reading) {
  const std::string& stage = deployment.lifecycle_stage;
  if (stage.empty()) return;  // rolling deployments report no stage: the tracker counts tasks
  reading.percent = stage_floor(stage);
  reading.stage = stage_words(stage);
  const ServiceRevisionSummary* target = deployment.target_revision ? &*deployment.target_revision : nullptr;
  if (stage == "PRODUCTION_TRAFFIC_SHIFT" && target != nullptr &&
      target->requested_production_traffic_weight) {
    double production = std::clamp(target->requested_production_traffic_weight.value_or(0.0), 0.0, 100.0);
    reading.percent += static_cast<int>(25.0 * production / 100.0);
    reading.stage = "production traffic " + weight_text(production) + " on the new revision";
  } else if (stage == "BAKE_TIME") {
    std::chrono::seconds bake = std::chrono::minutes(configuration.bake_time_minutes.value_or(0));
    if (bake.count() > 0 && bake_elapsed) {
      auto left = std::max(std::chrono::seconds(0), bake - *bake_elapsed);
      reading.percent +=
          static_cast<int>(13 * std::min<long long>(bake_elapsed->count(), bake.count()) / bake.count());
      reading.stage = "bake time, " + duration_text(left) + " left of " + duration_text(bake);
    } else {
      reading.stage = "bake time";
    }
  }
}

}  // namespace

std::string duration_text(std::chrono::seconds duration) {
  long long total = duration.count();
  if (total < 60) return std::to_string(total) + " s";
  std::string text = std::to_string(total / 60) + " min";
  if (total % 60 != 0) text += " " + std::to_string(total % 60) + " s";
  return text;
}

DeploymentReading read_deployment(const ServiceDeployment& deployment,
                                  const EcsDeploymentConfiguration& configuration,
                                  std::optional<std::chrono::seconds> bake_elapsed) {
  DeploymentReading reading;
  switch (deployment.status) {
    case ServiceDeploymentStatus::successful:
      reading.kind = Kind::successful;
      return reading;
    case ServiceDeploymentStatus::stopped:
    case ServiceDeploymentStatus::rollback_successful:
    case ServiceDeploymentStatus::rollback_failed:
      return ended(deployment);
    case ServiceDeploymentStatus::stop_requested:
    case ServiceDeploymentStatus::rollback_requested:
    case ServiceDeploymentStatus::rollback_in_progress: {
      reading.kind = Kind::rolling_back;
      std::string because = evidence(deployment);
      reading.message =
          std::string("ECS is ") +
          (deployment.status == ServiceDeploymentStatus::stop_requested ? "stopping" : "rolling back") +
          " the deployment" + (because.empty() ? "" : " (" + because + ")");
      return reading;
    }
    case ServiceDeploymentStatus::pending:
    case ServiceDeploymentStatus::in_progress:
    case ServiceDeploymentStatus::unknown:
      break;
  }
  if (const auto* paused = find_hook(deployment, "AWAITING_ACTION")) {
    reading.kind = Kind::paused;
    reading.hook_id = paused->hook_id;
    reading.message = "the deployment is paused at a lifecycle hook in stage " +
                      (deployment.lifecycle_stage.empty() ? std::string("?") : deployment.lifecycle_stage) +
                      " (hook " + paused->hook_id + ") and waits for someone to continue it";
    return reading;
  }
  if (deployment.status == ServiceDeploymentStatus::pending) {
    reading.stage = "pending";
    return reading;
  }
  describe_stage(deployment, configuration, bake_elapsed, reading);
  return reading;
}

}  // namespace adjust
