#include "support/fault_cell.hpp"

#include <signal.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "support/adjust_e2e.hpp"
#include "support/moto_fixture.hpp"

namespace adjust::testing {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

bool rule_fired(SimFixture& sim, int id) {
  json rules = sim.control("rules", json::object(), "GET");  // kept alive for the loop
  for (const auto& rule : rules.at("rules")) {
    if (rule.at("id") == id) return rule.at("fired").get<int>() > 0;
  }
  return false;
}

void split_lines(CellRun& run) {
  std::size_t start = 0;
  while (start < run.out.size()) {
    std::size_t end = std::min(run.out.find('\n', start), run.out.size());
    std::string line = run.out.substr(start, end - start);
    start = end + 1;
    json parsed = json::parse(line, nullptr, false);
    if (parsed.is_object()) {
      run.lines.push_back(std::move(parsed));
    } else {
      run.bad_lines.push_back(line);
    }
  }
  if (!run.lines.empty()) run.final = run.lines.back();
}

}  // namespace

CellRun run_cell(SimFixture& sim, const CellOptions& options) {
  Process::Options process_options;
  process_options.env = options.env;
  process_options.stdout_pipe = true;
  process_options.stdin_path = options.request_path;
  for (const auto& name : k_unset) {
    bool set = std::any_of(options.env.begin(), options.env.end(), [&](const auto& kv) { return kv.first == name; });
    if (!set) process_options.env.emplace_back(name, "");  // Process has no unset list: blank them
  }
  auto started = Clock::now();
  auto deadline = started + options.deadline;
  Process adjust({ADJUST_BINARY, "--config", options.config_path, "app"}, process_options);

  CellRun run;
  if (options.hold_rule) {
    while (!rule_fired(sim, *options.hold_rule)) {
      if (Clock::now() > deadline || !adjust.running()) {
        throw std::runtime_error("the binary never reached the held request (rule " +
                                 std::to_string(*options.hold_rule) + "); rules: " +
                                 sim.control("rules", json::object(), "GET").dump() + "\nlog tail:\n" + adjust.log_tail());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    options.act(adjust.pid());
  }
  auto left = [&] {
    return std::max(std::chrono::milliseconds(1),
                    std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
  };
  auto out = adjust.read_stdout_to_eof(left());
  run.out = out.value_or("");
  run.exit_code = adjust.wait_exit(left());
  run.elapsed = Clock::now() - started;
  run.log_tail = adjust.log_tail(6000);
  split_lines(run);
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
  auto r = http_request("POST", sim.endpoint() + "/",
                        {"X-Amz-Target: AmazonEC2ContainerServiceV20141113." + operation,
                         "Content-Type: application/x-amz-json-1.1", std::string("X-Amz-Date: ") + k_fake_amz_date,
                         "Authorization: " + fake_sigv4_authorization("ecs")},
                        body.dump());
  if (r.status != 200) throw std::runtime_error(operation + " -> " + std::to_string(r.status) + " " + r.body);
  return json::parse(r.body);
}

}  // namespace adjust::testing
