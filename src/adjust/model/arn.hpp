// Reading names out of ECS ARNs: the one place that decides which service an
// answer is about and what a task definition revision is called.
#pragma once

#include <string>

#include "adjust/model/ecs.hpp"

namespace adjust {

// "family:N" from a task definition ARN (the text as given if it has no '/').
std::string revision_of(const std::string& task_definition_arn);

// Whether a name or ARN that ECS reports (a service's ARN, a failure's ARN)
// refers to the service configured as `configured`: a name, a full ARN, or
// the tail of an ARN ("cluster/name").
bool names_service(const std::string& reported, const std::string& configured);
bool names_service(const EcsService& service, const std::string& configured);

}  // namespace adjust
