// adjust doctor, per component: the read-only calls an adjustment makes,
// each turned into a check that says what it found or what to change.
// Never calls anything that changes AWS.
#pragma once

#include <string>
#include <vector>

#include "adjust/aws/autoscaling_client.hpp"
#include "adjust/aws/ecs_client.hpp"
#include "adjust/aws/elbv2_client.hpp"
#include "adjust/config/config.hpp"
#include "adjust/protocol/doctor_report.hpp"

namespace adjust {

struct DoctorAws {
  EcsApi& ecs;
  Elbv2Api& elbv2;
  AutoScalingApi& autoscaling;
  std::string region;  // named in the fixes (clusters belong to one region)
};

// For each component, in config order: cluster, service, launch type, task
// definition, container (when env settings exist), tasks, service
// deployments, target groups, scalable target, revisions (with
// keep_revisions). After a failure, the checks that need it are skipped.
std::vector<DoctorCheck> check_components(const Config& config, DoctorAws aws);

}  // namespace adjust
