// An in-memory Application Auto Scaling for engine tests: scalable targets by
// resource id, every RegisterScalableTarget recorded, optionally denied.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "adjust/aws/autoscaling_client.hpp"

namespace adjust::testing {

class FakeAutoScaling final : public AutoScalingApi {
 public:
  struct Registration {
    std::string resource_id;
    int min_capacity = 0;
    int max_capacity = 0;
  };

  void add_target(const std::string& resource_id, int min_capacity, int max_capacity) {
    ScalableTarget target;
    target.resource_id = resource_id;
    target.min_capacity = min_capacity;
    target.max_capacity = max_capacity;
    targets[resource_id] = target;
  }

  Result<std::vector<ScalableTarget>> describe_scalable_targets(
      const std::vector<std::string>& ids) override {
    ++describes;
    if (denied)
      return fail(Error{ErrorCode::aws_auth, "DescribeScalableTargets: AccessDeniedException",
                        "AccessDeniedException", "", 400});
    std::vector<ScalableTarget> found;
    for (const auto& id : ids) {
      if (auto target = targets.find(id); target != targets.end()) found.push_back(target->second);
    }
    return found;
  }

  Status register_scalable_target(const std::string& resource_id, int min_capacity,
                                  int max_capacity) override {
    registrations.push_back({resource_id, min_capacity, max_capacity});
    auto target = targets.find(resource_id);
    if (target == targets.end()) return fail(ErrorCode::aws_client, "ObjectNotFoundException");
    target->second.min_capacity = min_capacity;
    target->second.max_capacity = max_capacity;
    return {};
  }

  std::map<std::string, ScalableTarget> targets;
  std::vector<Registration> registrations;
  int describes = 0;
  bool denied = false;
};

}  // namespace adjust::testing
