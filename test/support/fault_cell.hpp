// One cell of the fault matrix: run the real `adjust` binary against the
// simulator while a fault is injected, optionally act while the binary is held
// inside a request (send a signal, change the service behind its back), and
// record what it printed, how it exited and where it left the service.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/sim_fixture.hpp"

namespace adjust::testing {

// What the binary did in one run.
struct CellRun {
  std::string out;                     // all of stdout
  std::vector<nlohmann::json> lines;   // stdout lines that parsed as JSON objects
  std::vector<std::string> bad_lines;  // stdout lines that did not
  nlohmann::json final;                // the last line (null when there was none)
  std::optional<int> exit_code;        // nullopt: still running at the deadline (killed)
  std::chrono::duration<double> elapsed{};
  std::string log_tail;  // stderr
};

struct CellOptions {
  std::string config_path;
  std::string request_path;
  EnvVars env;                        // the whole environment delta (k_unset is blanked unless set here)
  std::chrono::seconds deadline{60};  // the run is killed (and the cell fails) after this
  // While the binary runs: wait until sim rule `hold_rule` fired (the binary is
  // inside that request), then call `act` with its pid.
  std::optional<int> hold_rule;
  std::function<void(int pid)> act;
};

CellRun run_cell(SimFixture& sim, const CellOptions& options);

// The sim's view of a service: its PRIMARY deployment's revision ("web:2") and
// the service's desired count.
struct ServiceAt {
  std::string revision;
  int count = -1;
};
ServiceAt service_at(SimFixture& sim, const std::string& name);

// Sends an ECS request to the sim as another party would (e.g. an external UpdateService).
nlohmann::json ecs_call(SimFixture& sim, const std::string& operation, const nlohmann::json& body);

}  // namespace adjust::testing
