#include "adjust/model/autoscaling.hpp"

namespace adjust {
namespace {

// "prod" from "arn:aws:ecs:us-east-1:123456789012:cluster/prod", "web" from
// ".../service/prod/web" (or the old ".../service/web"); a name as given.
std::string last_path_segment(const std::string& name_or_arn) {
  auto slash = name_or_arn.rfind('/');
  return slash == std::string::npos ? name_or_arn : name_or_arn.substr(slash + 1);
}

}  // namespace

std::string scalable_resource_id(const std::string& cluster, const std::string& service) {
  return "service/" + last_path_segment(cluster) + "/" + last_path_segment(service);
}

}  // namespace adjust
