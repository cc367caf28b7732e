// What the engine's phases share: the effects they may use (EngineDeps) and
// each component's state through one adjustment (ComponentRun). Every phase
// includes this, and no phase includes another's state, so they form no loop.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "adjust/aws/autoscaling_client.hpp"
#include "adjust/aws/ecs_client.hpp"
#include "adjust/aws/elbv2_client.hpp"
#include "adjust/base/cancel.hpp"
#include "adjust/base/clock.hpp"
#include "adjust/base/log.hpp"
#include "adjust/engine/options.hpp"
#include "adjust/logic/plan.hpp"
#include "adjust/model/arn.hpp"
#include "adjust/protocol/output.hpp"

namespace adjust {

// The effects a phase may use. `cancel` is the run's own token; a phase that
// must obey another one (a rollback after cancel) takes it as a parameter.
struct EngineDeps {
  EcsApi& ecs;
  Elbv2Api& elbv2;
  Clock& clock;
  const CancelToken& cancel;
  OutputWriter& output;
  Logger& logger;
  const PollPolicy& policy;
  const std::function<double()>& random;  // uniform [0, 1); empty = the engine's own
  AutoScalingApi* autoscaling = nullptr;  // none: no service is known to be autoscaled
};

// Where a component is in its adjustment.
struct ComponentRun {
  ComponentRun(ComponentPlan component_plan, EcsService read_service)
      : plan(std::move(component_plan)), service(std::move(read_service)) {}

  ComponentPlan plan;
  EcsService service;                         // as read before planning
  std::string target_task_definition;         // what the service should run once done
  std::string registered_arn;                 // the revision we registered, if any
  bool service_updated = false;               // we called UpdateService (and it may have applied)
  bool update_unconfirmed = false;            // ... but got no readable answer to it
  bool bounds_pinned = false;                 // we set the scalable target's min = max (plan.pin)
  bool abandoned = false;                     // registered, but another component failed before the update
  bool verified = false;                      // followed to a successful verdict
  std::optional<EcsService> updated_service;  // what UpdateService answered
  // The service deployment our UpdateService started, once found ("" = none
  // or the service deployments API is unavailable), and the target groups
  // its revision serves from.
  std::string service_deployment;
  std::vector<std::string> serving_target_groups;
  std::optional<FinalStatus> outcome;           // the adjustment's failure, once decided
  std::string rollback_note;                    // what a rollback restored
  std::optional<FinalStatus> rollback_failure;  // the restore itself failed: why

  const std::string& name() const { return plan.config->name; }
};

// "web:7 with 2 task(s)"
inline std::string revision_and_count(const std::string& arn, int count) {
  return revision_of(arn) + " with " + std::to_string(count) + " task(s)";
}

// "could not deregister web:8: ...": tidying up, so a throttled one (the
// account's budget is spent) is one short clause, not AWS's whole error.
inline std::string could_not_deregister(const std::string& arn, const Error& error) {
  if (error.code == ErrorCode::aws_throttled)
    return "could not deregister " + revision_of(arn) + " (throttled)";
  return "could not deregister " + revision_of(arn) + ": " + error.message;
}

// A failed mutation that may still have reached ECS: no answer, a 5xx, or an
// answer we could not read. (Throttling, auth and 4xx errors were refused.)
inline bool may_have_applied(const Error& error) {
  return error.code == ErrorCode::aws_network || error.code == ErrorCode::aws_timeout ||
         error.code == ErrorCode::aws_transient || error.code == ErrorCode::aws_bad_response;
}

// A failed call that is safe to repeat (a read, or restoring a service) and
// worth trying again: a garbled answer counts like a transient error.
inline bool worth_retrying(const Error& error) {
  return error.retryable() || error.code == ErrorCode::aws_bad_response;
}

// The service deployments API is not there for us: denied by IAM, not
// supported by this ECS (or a local endpoint that answers 5xx without an AWS
// error code, as moto does for operations it lacks).
inline bool deployments_api_unavailable(const Error& error) {
  if (error.code == ErrorCode::aws_auth) return true;
  if (error.aws_code == "UnsupportedFeatureException" || error.aws_code == "UnknownOperationException" ||
      error.aws_code == "InvalidAction" || error.aws_code == "NotImplemented")
    return true;
  return error.http_status >= 500 && error.aws_code.empty();
}

}  // namespace adjust
