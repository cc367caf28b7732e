// AutoScalingClient: request building, batching and pagination over
// AwsClient, and the DescribeScalableTargets decoder (shapes as in botocore's
// application-autoscaling 2016-02-06 model).
#include "adjust/aws/autoscaling_client.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <unordered_set>
#include <utility>

#include "adjust/aws/client.hpp"
#include "adjust/aws/json_decoder.hpp"

namespace adjust {
namespace {

// DescribeScalableTargets takes at most 50 ResourceIds and answers at most 50 per page.
constexpr std::size_t k_resource_ids_batch = 50;
constexpr int k_max_results = 50;
// Guards against a service that keeps returning a NextToken.
constexpr int k_max_pages = 1000;

// One element of ScalableTargets at `path`; nullopt for a target of another
// namespace or dimension.
Result<std::optional<ScalableTarget>> decode_target(const nlohmann::json& json, const std::string& path,
                                                    const std::string& what) {
  JsonDecoder d(what);
  if (!d.expect_object(json, path)) return fail(d.error());
  std::string service_namespace;
  std::string dimension;
  std::optional<int> min_capacity;
  std::optional<int> max_capacity;
  ScalableTarget target;
  d.read(json, path, "ServiceNamespace", service_namespace);
  d.read(json, path, "ScalableDimension", dimension);
  d.read(json, path, "ResourceId", target.resource_id);
  d.read(json, path, "MinCapacity", min_capacity);
  d.read(json, path, "MaxCapacity", max_capacity);
  if (const auto* suspended = d.object(json, path, "SuspendedState")) {
    const std::string suspended_path = json_path(path, "SuspendedState");
    d.read(*suspended, suspended_path, "DynamicScalingInSuspended", target.scale_in_suspended);
    d.read(*suspended, suspended_path, "DynamicScalingOutSuspended", target.scale_out_suspended);
    d.read(*suspended, suspended_path, "ScheduledScalingSuspended", target.scheduled_suspended);
  }
  if (d.failed()) return fail(d.error());
  // A missing bound must not read as 0: the driver may restore what it read.
  for (auto [key, present] : {std::pair{"ScalableDimension", !dimension.empty()},
                              std::pair{"ResourceId", !target.resource_id.empty()},
                              std::pair{"MinCapacity", min_capacity.has_value()},
                              std::pair{"MaxCapacity", max_capacity.has_value()}}) {
    if (!present) {
      return fail(ErrorCode::aws_bad_response, what + ": " + json_path(path, key) + " is missing");
    }
  }
  if (dimension != k_ecs_desired_count_dimension ||
      (!service_namespace.empty() && service_namespace != k_ecs_service_namespace)) {
    return std::optional<ScalableTarget>();
  }
  target.min_capacity = *min_capacity;
  target.max_capacity = *max_capacity;
  return std::optional<ScalableTarget>(std::move(target));
}

// The ids in their first order, each once (a duplicate would be answered twice
// when the two copies fall in different batches).
std::vector<std::string> distinct(const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  for (const auto& id : ids) {
    if (seen.insert(id).second) out.push_back(id);
  }
  return out;
}

}  // namespace

Result<ScalableTargetsPage> decode_scalable_targets_page(const nlohmann::json& response,
                                                         const std::string& what) {
  JsonDecoder d(what);
  ScalableTargetsPage page;
  const auto* items = d.array(response, "", "ScalableTargets");
  d.read(response, "", "NextToken", page.next_token);
  if (d.failed()) return fail(d.error());
  if (items == nullptr) return fail(ErrorCode::aws_bad_response, what + ": /ScalableTargets is missing");
  for (std::size_t i = 0; i < items->size(); ++i) {
    auto target = ADJUST_TRY(decode_target((*items)[i], json_path("/ScalableTargets", i), what));
    if (target) page.targets.push_back(std::move(*target));
  }
  return page;
}

Result<std::vector<ScalableTarget>> AutoScalingClient::describe_scalable_targets(
    const std::vector<std::string>& resource_ids) {
  // Never send an empty ResourceIds: that asks for every target of the namespace.
  const std::vector<std::string> ids = distinct(resource_ids);
  std::vector<ScalableTarget> out;
  for (std::size_t start = 0; start < ids.size(); start += k_resource_ids_batch) {
    auto end = std::min(ids.size(), start + k_resource_ids_batch);
    const nlohmann::json batch = std::vector<std::string>(ids.begin() + static_cast<std::ptrdiff_t>(start),
                                                          ids.begin() + static_cast<std::ptrdiff_t>(end));
    std::string next_token;
    int page = 0;
    do {
      if (++page > k_max_pages) {
        return fail(ErrorCode::aws_bad_response, "DescribeScalableTargets: more than 1000 pages; giving up");
      }
      nlohmann::json request{{"ServiceNamespace", k_ecs_service_namespace},
                             {"ResourceIds", batch},
                             {"ScalableDimension", k_ecs_desired_count_dimension},
                             {"MaxResults", k_max_results}};
      if (!next_token.empty()) request["NextToken"] = next_token;
      auto response =
          ADJUST_TRY(m_client.call_json(k_autoscaling_target_prefix, "DescribeScalableTargets", request));
      auto decoded = ADJUST_TRY(decode_scalable_targets_page(response));
      std::move(decoded.targets.begin(), decoded.targets.end(), std::back_inserter(out));
      next_token = std::move(decoded.next_token);
    } while (!next_token.empty());
  }
  return out;
}

// RegisterScalableTarget answers {ScalableTargetARN}, which tells nothing new:
// only success matters. It sets the bounds and leaves SuspendedState alone.
Status AutoScalingClient::register_scalable_target(const std::string& resource_id, int min_capacity,
                                                   int max_capacity) {
  nlohmann::json request{{"ServiceNamespace", k_ecs_service_namespace},
                         {"ResourceId", resource_id},
                         {"ScalableDimension", k_ecs_desired_count_dimension},
                         {"MinCapacity", min_capacity},
                         {"MaxCapacity", max_capacity}};
  ADJUST_CHECK(m_client.call_json(k_autoscaling_target_prefix, "RegisterScalableTarget", request));
  return {};
}

}  // namespace adjust
