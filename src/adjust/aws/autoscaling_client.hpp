// Application Auto Scaling (awsJson1_1) calls the driver makes about ECS
// services' desired count, behind AutoScalingApi so the engine can be tested
// with an in-memory fake, and the decoder from JSON to model/autoscaling.hpp.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include "adjust/base/result.hpp"
#include "adjust/model/autoscaling.hpp"

namespace adjust {

class AwsClient;

inline constexpr const char* k_autoscaling_target_prefix = "AnyScaleFrontendService";
// The only scalable targets the driver asks about: an ECS service's task count.
inline constexpr const char* k_ecs_service_namespace = "ecs";
inline constexpr const char* k_ecs_desired_count_dimension = "ecs:service:DesiredCount";

class AutoScalingApi {
 public:
  virtual ~AutoScalingApi() = default;
  // The scalable targets (namespace ecs, dimension ecs:service:DesiredCount)
  // of these resource ids; sent 50 ids per call, every page followed
  // (NextToken); a service without one is simply absent. No ids, no call.
  virtual Result<std::vector<ScalableTarget>> describe_scalable_targets(
      const std::vector<std::string>& resource_ids) = 0;
  // Sets MinCapacity and MaxCapacity of a service's scalable target
  // (RegisterScalableTarget; the target exists).
  virtual Status register_scalable_target(const std::string& resource_id, int min_capacity,
                                          int max_capacity) = 0;
};

class AutoScalingClient final : public AutoScalingApi {
 public:
  explicit AutoScalingClient(AwsClient& client) : m_client(client) {}
  Result<std::vector<ScalableTarget>> describe_scalable_targets(
      const std::vector<std::string>& resource_ids) override;
  Status register_scalable_target(const std::string& resource_id, int min_capacity,
                                  int max_capacity) override;

 private:
  AwsClient& m_client;
};

// One DescribeScalableTargets answer (also for fakes and recorded responses).
// Each target needs ResourceId, ScalableDimension, MinCapacity and
// MaxCapacity; a missing SuspendedState (or key of it) is false; other fields
// are ignored. Errors are ErrorCode::aws_bad_response naming the JSON path,
// `what` the source.
struct ScalableTargetsPage {
  std::vector<ScalableTarget> targets;  // ECS services' desired count only: others are skipped
  std::string next_token;               // empty on the last page
};
Result<ScalableTargetsPage> decode_scalable_targets_page(
    const nlohmann::json& response, const std::string& what = "DescribeScalableTargets response");

}  // namespace adjust
