// Optional Slack-compatible webhook with each adjustment's outcome. Best
// effort: a failure is logged, never allowed to fail or slow the adjustment much.
#pragma once

#include <string>

#include "adjust/aws/http.hpp"
#include "adjust/base/log.hpp"
#include "adjust/protocol/output.hpp"

namespace adjust {

// {"text": "adjust <status> (<reason>): <message>"}
std::string notification_body(const FinalStatus& status);

void notify_outcome(Transport& transport, const std::string& webhook_url, const FinalStatus& status,
                    Logger& logger);

}  // namespace adjust
