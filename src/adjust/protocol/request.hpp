// The servo adjust protocol: the request read from stdin and the JSON lines
// written to stdout (progress lines, then exactly one final status line).
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adjust/base/result.hpp"

namespace adjust {

// One setting as servo sent it: only its value matters ({"value": x} or a bare x).
struct RequestedSetting {
  std::string name;
  nlohmann::json value;  // number or string, as sent
};

struct RequestedComponent {
  std::string name;
  std::vector<RequestedSetting> settings;  // in input order
};

// servo's "control": the two fields the driver obeys, as whole seconds
// (rounded up), and the object as sent (duration, userdata, ... are unused).
struct Control {
  std::optional<std::chrono::seconds> timeout;     // overrides the config's timeout
  std::optional<std::chrono::seconds> settlement;  // overrides the config's settlement
  nlohmann::json document = nlohmann::json::object();
};

struct AdjustRequest {
  std::vector<RequestedComponent> components;  // in input order
  Control control;
};

// Parse the whole stdin document. Errors are ErrorCode::invalid_input and name
// where the problem is (a JSON pointer or the offset of a syntax error).
Result<AdjustRequest> parse_adjust_request(std::string_view text);

}  // namespace adjust
