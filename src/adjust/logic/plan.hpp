// What an adjustment must change, as a pure function of the current service
// and task definition, the requested values and the config. Nothing here
// talks to AWS, so every decision is testable and printable (--dry-run).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "adjust/base/result.hpp"
#include "adjust/logic/current.hpp"
#include "adjust/logic/desired.hpp"
#include "adjust/logic/task_definition.hpp"

namespace adjust {

struct ComponentPlan {
  const ComponentConfig* config = nullptr;
  std::string cluster;
  std::string service;
  std::string current_task_definition;  // ARN the service runs now
  int current_desired_count = 0;
  // Set when a new revision must be registered (something in it differs).
  std::optional<ClonedTaskDefinition> new_revision;
  // Set when the desired count changes.
  std::optional<int> desired_count;
  // Whether the request named a count (replicas) at all; if not, the count
  // is someone else's (autoscaling) and may change while we deploy.
  bool count_requested = false;
  // replicas_when_autoscaled: pin: the scalable target's bounds to set to the
  // new count before the update (and to put back on rollback).
  struct Pin {
    std::string resource_id;
    int count = 0;
    int previous_min = 0;
    int previous_max = 0;
  };
  std::optional<Pin> pin;
  // Why, in words (also the --dry-run output).
  std::vector<std::string> notes;

  bool changes_anything() const {
    return new_revision.has_value() || desired_count.has_value() || pin.has_value();
  }
  int target_desired_count() const { return desired_count.value_or(current_desired_count); }
};

// Fails with rejected_value (a pinned setting asked to change), infeasible
// (a Fargate size or container limits that cannot work) or config/not_found
// (an environment container that cannot be resolved).
Result<ComponentPlan> make_plan(const ComponentState& state, const DesiredComponent& desired);

// Human-readable plan with a field-level diff, one line per item.
std::string describe_plan(const ComponentPlan& plan);

}  // namespace adjust
