// Checks an adjust request against the config and Fargate's sizes before any
// AWS call, and turns it into the desired state in ECS units.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adjust/base/result.hpp"
#include "adjust/config/config.hpp"
#include "adjust/protocol/request.hpp"

namespace adjust {

struct EnvChange {
  std::string name;
  std::string value;                     // as the container will hold it: "150", "0.5", "B"
  std::optional<std::string> container;  // the variable's own container, if configured
};

// A requested value allowed only if the service already has it: the setting
// is pinned, or the value is outside what the config allows (servo sends back
// the current values --query reported, which may predate the config).
struct CurrentOnly {
  std::string setting;   // as requested: "cpu", "mem", "replicas", "GOGC"...
  nlohmann::json value;  // normalised: cpu units, memory MiB, replicas, env string
  std::string refusal;   // the config's refusal when it is not current; empty: pinned
};

struct DesiredComponent {
  std::string name;
  std::optional<int> cpu_units;
  std::optional<int> memory_mib;
  std::optional<int> replicas;
  std::vector<EnvChange> env;  // in request order
  std::vector<CurrentOnly> current_only;
  // True when cpu and memory were both requested and form a valid Fargate size.
  // Otherwise the pair involves the current task definition and the engine must
  // check it (check_fargate_size) once that is known.
  bool size_checked = false;
};

struct DesiredState {
  std::vector<DesiredComponent> components;  // in request order; unrequested ones absent

  const DesiredComponent* find(std::string_view component) const;
};

// Every problem is reported, one per line. ErrorCode::rejected_value for values
// the config can never allow (unknown component or setting, wrong type);
// ErrorCode::infeasible for a value Fargate cannot run (0.75 vCPU, 1.5 GiB,
// 0.25 vCPU with 4 GiB). A number out of range, off step or not in values is
// left to the plan (CurrentOnly): refused unless it is the current value.
Result<DesiredState> validate_request(const Config& config, const AdjustRequest& request);

// ErrorCode::infeasible naming the component and the memory cpu_units allows.
Status check_fargate_size(std::string_view component, int cpu_units, int memory_mib);

}  // namespace adjust
