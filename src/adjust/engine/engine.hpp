// The adjustment itself: read every component's service, plan all of them
// (nothing changes in AWS if any plan fails), apply, follow every deployment
// in one polling loop (one batched DescribeServices per cluster per poll),
// optionally watch a settlement window, roll back what failed, and report.
// The phases live beside this file: apply, follow, rollback, prune, report.
#pragma once

#include <functional>
#include <vector>

#include "adjust/aws/autoscaling_client.hpp"
#include "adjust/aws/ecs_client.hpp"
#include "adjust/aws/elbv2_client.hpp"
#include "adjust/aws/request_budget.hpp"
#include "adjust/base/cancel.hpp"
#include "adjust/base/clock.hpp"
#include "adjust/base/log.hpp"
#include "adjust/config/config.hpp"
#include "adjust/engine/options.hpp"
#include "adjust/logic/desired.hpp"
#include "adjust/protocol/output.hpp"
#include "adjust/protocol/status.hpp"

namespace adjust {

// `clock` is a plain clock: the engine makes its own waits wake up on cancel.
class Engine {
 public:
  Engine(EcsApi& ecs, Elbv2Api& elbv2, Clock& clock, const CancelToken& cancel, OutputWriter& output,
         Logger& logger, PollPolicy policy = {}, std::function<double()> random = {});

  // Application Auto Scaling: without it no service is known to be autoscaled.
  void use_autoscaling(AutoScalingApi& autoscaling) { m_autoscaling = &autoscaling; }
  // The run's request budget: a change whose registrations cannot fit the
  // deadline at its pace is refused before anything changes.
  void use_request_budget(const RequestBudget& budget) { m_budget = &budget; }

  FinalStatus run(const Config& config, const DesiredState& desired, const EngineOptions& options);

  // Each component's outcome from the last run, in request order.
  const std::vector<ComponentOutcome>& outcomes() const { return m_outcomes; }

 private:
  EcsApi& m_ecs;
  Elbv2Api& m_elbv2;
  Clock& m_clock;
  const CancelToken& m_cancel;
  OutputWriter& m_output;
  Logger& m_logger;
  PollPolicy m_policy;
  std::function<double()> m_random;
  AutoScalingApi* m_autoscaling = nullptr;
  const RequestBudget* m_budget = nullptr;
  std::vector<ComponentOutcome> m_outcomes;
};

}  // namespace adjust
