// adjust --query for a person at a terminal: one aligned table per component
// (setting, value, unit, what is allowed, pinned) under a line saying how
// its service stands. Servo never sees this: it reads stdout from a pipe and
// gets the JSON document.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace adjust {

// How a component's service stands, beside its settings.
struct ServiceStanding {
  std::string service;   // "web in demo"
  std::string revision;  // "web:7"
  int desired = 0;
  int running = 0;
  bool deployment_in_progress = false;
  std::string strategy;                            // "ROLLING", "BLUE_GREEN", ...
  std::optional<std::pair<int, int>> autoscaling;  // the scalable target's min and max
};

// `components`: the --query document's application.components.
std::string render_query_table(const nlohmann::ordered_json& components,
                               const std::map<std::string, ServiceStanding>& standing);

}  // namespace adjust
