#include "adjust/logic/strategy.hpp"

#include <cmath>

namespace adjust {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

std::string minutes_text(int value) { return std::to_string(value) + " min"; }

std::string percent_text(double value) {
  std::string text = std::to_string(value);
  text.erase(text.find_last_not_of('0') + 1);
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text + "%";
}

// ECS's defaults when a member is absent (AWS deployment-type-linear.html / -canary.html).
constexpr double k_default_step_percent = 10;
constexpr int k_default_step_bake_minutes = 6;
constexpr double k_default_canary_percent = 5;
constexpr int k_default_canary_bake_minutes = 10;

}  // namespace

StrategyWaits minimum_deployment_time(const EcsDeploymentConfiguration& configuration) {
  StrategyWaits waits;
  const int bake = configuration.bake_time_minutes.value_or(0);
  switch (configuration.strategy) {
    case DeploymentStrategy::rolling:
    case DeploymentStrategy::unknown:
      return waits;  // ECS adds no fixed wait (an alarm bake is computed by ECS and unknowable here)
    case DeploymentStrategy::blue_green:
      waits.minimum = minutes(bake);
      waits.explanation = "bake time " + minutes_text(bake);
      return waits;
    case DeploymentStrategy::linear: {
      double step = configuration.linear_step_percent.value_or(k_default_step_percent);
      int step_bake = configuration.linear_step_bake_minutes.value_or(k_default_step_bake_minutes);
      // No step bake after the step that reaches 100%.
      int waits_between = step > 0 ? static_cast<int>(std::ceil(100.0 / step)) - 1 : 0;
      waits.minimum = minutes(waits_between * step_bake + bake);
      waits.explanation = std::to_string(waits_between) + " traffic step(s) of " + percent_text(step) +
                          " x " + minutes_text(step_bake) + " + bake time " + minutes_text(bake);
      return waits;
    }
    case DeploymentStrategy::canary: {
      int canary_bake = configuration.canary_bake_minutes.value_or(k_default_canary_bake_minutes);
      waits.minimum = minutes(canary_bake + bake);
      waits.explanation = "canary bake " + minutes_text(canary_bake) + " + bake time " + minutes_text(bake);
      return waits;
    }
  }
  return waits;
}

int pause_hook_count(const EcsDeploymentConfiguration& configuration) {
  int count = 0;
  for (const auto& hook : configuration.lifecycle_hooks) count += hook.target_type == "PAUSE" ? 1 : 0;
  return count;
}

std::string strategy_name(const EcsDeploymentConfiguration& configuration) {
  return configuration.strategy == DeploymentStrategy::unknown && !configuration.strategy_text.empty()
             ? configuration.strategy_text
             : to_string(configuration.strategy);
}

std::string describe_strategy(const EcsDeploymentConfiguration& configuration) {
  std::string text = strategy_name(configuration);
  std::string details;
  auto add = [&details](const std::string& part) { details += (details.empty() ? "" : ", ") + part; };
  switch (configuration.strategy) {
    case DeploymentStrategy::blue_green:
      add("bake " + minutes_text(configuration.bake_time_minutes.value_or(0)));
      break;
    case DeploymentStrategy::linear:
      add("steps of " + percent_text(configuration.linear_step_percent.value_or(k_default_step_percent)) +
          " every " +
          minutes_text(configuration.linear_step_bake_minutes.value_or(k_default_step_bake_minutes)));
      add("bake " + minutes_text(configuration.bake_time_minutes.value_or(0)));
      break;
    case DeploymentStrategy::canary:
      add("canary " + percent_text(configuration.canary_percent.value_or(k_default_canary_percent)) +
          " for " + minutes_text(configuration.canary_bake_minutes.value_or(k_default_canary_bake_minutes)));
      add("bake " + minutes_text(configuration.bake_time_minutes.value_or(0)));
      break;
    case DeploymentStrategy::rolling:
    case DeploymentStrategy::unknown:
      break;
  }
  if (configuration.early_success && configuration.early_success->enable) {
    std::string cleanup = configuration.early_success->source_cleanup;
    add("early success at " + percent_text(configuration.early_success->healthy_percent.value_or(100)) +
        (cleanup.empty() ? "" : ", " + cleanup + " clean-up"));
  }
  if (configuration.alarms_enable)
    add("alarms" + std::string(configuration.alarms_rollback ? " with rollback" : ""));
  if (int pauses = pause_hook_count(configuration); pauses > 0)
    add(std::to_string(pauses) + " PAUSE hook(s)");
  return details.empty() ? text : text + " (" + details + ")";
}

std::optional<std::string> deadline_shortfall(const std::string& component,
                                              const EcsDeploymentConfiguration& configuration,
                                              seconds deadline) {
  StrategyWaits waits = minimum_deployment_time(configuration);
  if (waits.minimum.count() == 0 || waits.minimum < deadline) return std::nullopt;
  return component + ": a " + to_string(configuration.strategy) +
         " deployment of this service takes at least " + std::to_string(waits.minimum.count()) + " s (" +
         waits.explanation + "), but the deadline is " + std::to_string(deadline.count()) +
         " s; nothing was changed. Raise timeout_service_desired_count (or " +
         "servo's control.timeout) above " + std::to_string(waits.minimum.count()) +
         " s, or shorten the service's bake time";
}

}  // namespace adjust
