// adjust APP: read the request, check it against the config, then plan,
// apply and follow it (the engine), and report one final line.
#include <iterator>

#include "adjust/aws/session.hpp"
#include "adjust/cli/notify.hpp"
#include "adjust/cli/verbs.hpp"
#include "adjust/engine/engine.hpp"
#include "adjust/logic/desired.hpp"
#include "adjust/protocol/request.hpp"

namespace adjust::verbs {

FinalStatus adjust(Context& context) {
  // Read stdin to EOF first, whatever happens next, so servo's write never
  // meets a closed pipe.
  std::string input{std::istreambuf_iterator<char>(context.in), std::istreambuf_iterator<char>()};
  auto request = parse_adjust_request(input);
  if (!request) return final_status_for(request.error());
  auto config = load_run_config(context);
  if (!config) return final_status_for(config.error());
  auto desired = validate_request(*config, *request);
  if (!desired) return final_status_for(desired.error());
  EngineOptions options;
  options.dry_run = context.line.dry_run;
  options.timeout = request->control.timeout;
  options.settlement = request->control.settlement;
  if (context.cancel.requested()) {
    return {protocol::Status::cancelled, protocol::Reason::cancelled, "cancelled before any change"};
  }

  auto session = open_aws_session(AwsSettings{config->region, config->endpoint_url}, context.env,
                                  context.transport, context.clock, context.logger);
  if (!session) return final_status_for(session.error());
  Engine engine((*session)->ecs(), (*session)->elbv2(), context.clock, context.cancel, context.output,
                context.logger);
  engine.use_autoscaling((*session)->autoscaling());
  engine.use_request_budget((*session)->budget());
  FinalStatus status = engine.run(*config, *desired, options);
  if (config->notify_webhook_url && !options.dry_run) {
    notify_outcome(context.transport, *config->notify_webhook_url, status, context.logger);
  }
  return status;
}

}  // namespace adjust::verbs
