#include "support/fault_cell.hpp"

#include <stdexcept>

#include "support/adjust_e2e.hpp"
#include "support/adjust_run.hpp"
#include "support/moto_fixture.hpp"

namespace adjust::testing {

using json = nlohmann::json;

CellRun run_cell(SimFixture& sim, const CellOptions& options) {
  AdjustOptions adjust;
  adjust.args = {"--config", options.config_path, "app"};
  adjust.stdin_path = options.request_path;
  adjust.env = options.env;
  adjust.unset_env = k_unset;
  adjust.timeout = options.deadline;
  adjust.sim = &sim;
  adjust.hold_rule = options.hold_rule;
  adjust.act = options.act;
  AdjustRun done = run_adjust(adjust);

  CellRun run;
  run.out = done.result.out;
  run.lines = std::move(done.lines);
  run.bad_lines = std::move(done.bad_lines);
  run.final = done.final;
  if (!done.result.timed_out) run.exit_code = done.result.exit_code;
  run.elapsed = done.elapsed;
  const std::string& err = done.result.err;
  run.log_tail = err.substr(err.size() > 6000 ? err.size() - 6000 : 0);
  return run;
}

ServiceAt service_at(SimFixture& sim, const std::string& name) {
  json state = sim.state();
  for (const auto& service : state.at("services")) {
    if (service.at("serviceName") != name) continue;
    ServiceAt at;
    at.count = service.at("desiredCount").get<int>();
    for (const auto& deployment : service.at("deployments")) {
      if (deployment.at("status") != "PRIMARY") continue;
      std::string arn = deployment.at("taskDefinition");
      at.revision = arn.substr(arn.rfind('/') + 1);
    }
    return at;
  }
  throw std::runtime_error("no service " + name + " in the sim's state");
}

json ecs_call(SimFixture& sim, const std::string& operation, const json& body) {
  auto r =
      http_request("POST", sim.endpoint() + "/",
                   {"X-Amz-Target: AmazonEC2ContainerServiceV20141113." + operation,
                    "Content-Type: application/x-amz-json-1.1", std::string("X-Amz-Date: ") + k_fake_amz_date,
                    "Authorization: " + fake_sigv4_authorization("ecs")},
                   body.dump());
  if (r.status != 200) throw std::runtime_error(operation + " -> " + std::to_string(r.status) + " " + r.body);
  return json::parse(r.body);
}

}  // namespace adjust::testing
