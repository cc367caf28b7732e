// Reading what a component's service runs now: the service and its task
// definition (with tags), fetched with one batched DescribeServices per
// cluster and one DescribeTaskDefinition per distinct revision.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "adjust/aws/autoscaling_client.hpp"
#include "adjust/aws/ecs_client.hpp"
#include "adjust/base/log.hpp"
#include "adjust/base/result.hpp"
#include "adjust/config/config.hpp"
#include "adjust/logic/current.hpp"

namespace adjust {

// DescribeServices for every cluster's names: one EcsApi call per cluster
// (the client batches by 10), up to `concurrency` clusters at once. A
// cluster's entry is its error if its call failed.
std::map<std::string, Result<EcsServices>> describe_services_by_cluster(
    EcsApi& ecs, const std::map<std::string, std::vector<std::string>>& names_by_cluster,
    std::size_t concurrency);

// Fails with not_found (missing cluster or service), unsupported (not a
// Fargate service on the ECS deployment controller) or an AWS error.
// `concurrency`: how many AWS calls may be in flight at once.
Result<std::vector<ComponentState>> read_component_states(
    EcsApi& ecs, const std::vector<const ComponentConfig*>& components, std::size_t concurrency = 1);

// Each state's Application Auto Scaling target, in one batch. When they
// cannot be read (no client, access denied...) the services are treated as
// not autoscaled, and the logger says so.
void read_scalable_targets(AutoScalingApi* autoscaling, std::vector<ComponentState>& states, Logger& logger);

}  // namespace adjust
