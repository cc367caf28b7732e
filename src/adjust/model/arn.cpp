#include "adjust/model/arn.hpp"

namespace adjust {

std::string revision_of(const std::string& task_definition_arn) {
  auto slash = task_definition_arn.rfind('/');
  return slash == std::string::npos ? task_definition_arn : task_definition_arn.substr(slash + 1);
}

bool names_service(const std::string& reported, const std::string& configured) {
  if (reported.empty() || configured.empty()) return false;
  return reported == configured ||
         (reported.size() > configured.size() && reported.ends_with("/" + configured));
}

bool names_service(const EcsService& service, const std::string& configured) {
  return (!service.name.empty() && service.name == configured) || names_service(service.arn, configured);
}

}  // namespace adjust
