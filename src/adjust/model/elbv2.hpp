// What the driver reads of ELBv2: target health and target group attributes.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace adjust {

struct TargetRef {
  std::string id;  // the task's private IPv4 for awsvpc target groups
  std::optional<int> port;
};

struct TargetHealth {
  std::string id;
  std::optional<int> port;
  std::string availability_zone;
  std::string health_check_port;
  std::string state;   // initial | healthy | unhealthy | unused | draining | unavailable | ...
  std::string reason;  // e.g. "Elb.InitialHealthChecking"; empty when healthy
  std::string description;
};

using TargetGroupAttributes = std::vector<std::pair<std::string, std::string>>;

// deregistration_delay.timeout_seconds (AWS default 300 when absent).
std::optional<int> deregistration_delay_seconds(const TargetGroupAttributes& attributes);

}  // namespace adjust
