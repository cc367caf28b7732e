// What the driver reads of Application Auto Scaling: the scalable target of an
// ECS service's desired count (its bounds and which scaling is suspended).
// No I/O here: aws/autoscaling_client.hpp fetches and decodes them.
#pragma once

#include <string>

namespace adjust {

struct ScalableTarget {
  std::string resource_id;  // "service/CLUSTER/SERVICE"
  int min_capacity = 0;
  int max_capacity = 0;
  bool scale_in_suspended = false;   // SuspendedState.DynamicScalingInSuspended
  bool scale_out_suspended = false;  // SuspendedState.DynamicScalingOutSuspended
  bool scheduled_suspended = false;  // SuspendedState.ScheduledScalingSuspended
};

// "service/CLUSTER/SERVICE" for a cluster name and a service name (either may
// be given as an ARN: use the last path segment).
std::string scalable_resource_id(const std::string& cluster, const std::string& service);

}  // namespace adjust
