// Cloning a task definition into a RegisterTaskDefinition request, losslessly:
// every registrable field is copied verbatim (unknown keys inside containers
// included), only the intended cpu / memory / environment values change.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "adjust/base/result.hpp"

namespace adjust {

struct ContainerEnvChange {
  std::string container;  // empty: the task's only container
  std::string name;
  std::string value;
};

struct TaskDefinitionChange {
  std::optional<int> cpu_units;   // task cpu, e.g. 1024
  std::optional<int> memory_mib;  // task memory, e.g. 2048
  std::vector<ContainerEnvChange> env;
  // Scale container cpu/memory/memoryReservation with the task size instead of
  // rejecting a size they don't fit in.
  bool scale_container_resources = false;
  // Tag the new revision as created by this driver (keep_revisions needs to
  // recognise its own revisions later); off by default so a clone differs
  // from its source only in the intended values.
  bool mark_created = false;
};

// The tag that marks revisions this driver registered (only with keep_revisions).
inline constexpr const char* k_created_by_tag = "adjust:created-by";
bool has_created_by_tag(const nlohmann::json& tags);

struct FieldDiff {
  std::string path;    // e.g. "cpu", "containerDefinitions[web].environment.GOGC"
  std::string before;  // "(unset)" when absent
  std::string after;
};

struct ClonedTaskDefinition {
  nlohmann::json register_request;          // the RegisterTaskDefinition body
  std::vector<FieldDiff> diff;              // what differs from the current definition
  std::vector<std::string> unknown_fields;  // top-level fields neither registrable nor read-only
  bool changed() const { return !diff.empty(); }
};

// Top-level TaskDefinition fields RegisterTaskDefinition accepts.
const std::vector<std::string>& registrable_task_definition_fields();
// Top-level TaskDefinition fields AWS returns but never accepts.
const std::vector<std::string>& read_only_task_definition_fields();

// Task cpu/memory as numbers (they may be "1024", "1 vCPU", "2 GB" or absent).
std::optional<int> task_cpu_units(const nlohmann::json& task_definition);
std::optional<int> task_memory_mib(const nlohmann::json& task_definition);

// The value of environment variable `name` in `container`, as the container
// sees it: ECS accepts a name listed twice and the last entry wins.
std::optional<std::string> env_value(const nlohmann::json& task_definition, const std::string& container,
                                     const std::string& name);

// The container a component's environment settings apply to.
Result<std::string> resolve_env_container(const nlohmann::json& task_definition,
                                          const std::string& configured_container);

// Build the new revision. Fails with ErrorCode::infeasible when container
// limits cannot fit the new task size (unless scaling is asked for), and with
// ErrorCode::not_found / config when a named container does not exist.
// `tags` is DescribeTaskDefinition's top-level "tags" (aws: keys are dropped).
Result<ClonedTaskDefinition> clone_task_definition(const nlohmann::json& task_definition,
                                                   const nlohmann::json& tags,
                                                   const TaskDefinitionChange& change);

}  // namespace adjust
