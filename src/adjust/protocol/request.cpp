// Decoding servo's adjust input. Only "value" matters in a setting; the
// conformance tester sends whole descriptors back and servo-k8s accepted bare
// scalars, so both shapes are read. Everything else is ignored on purpose.
#include "adjust/protocol/request.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>

#include "adjust/base/numeric.hpp"

namespace adjust {
namespace {

// Parsed in input order; values are converted to the plain json type after.
using json = nlohmann::ordered_json;

nlohmann::json to_plain(const json& value) { return nlohmann::json::parse(value.dump()); }

std::string describe_type(const json& value) { return value.type_name(); }

Result<json> setting_value(const json& setting, const std::string& where) {
  if (setting.is_object()) {
    auto found = setting.find("value");
    if (found == setting.end()) {
      return fail(ErrorCode::invalid_input, where + ": setting has no \"value\"");
    }
    return setting_value(*found, where + "/value");
  }
  if (setting.is_number() || setting.is_string() || setting.is_boolean()) return setting;
  return fail(ErrorCode::invalid_input,
              where + ": value must be a number or a string, not " + describe_type(setting));
}

// JSON pointer segments escape "~" and "/" so a name can't forge a path.
std::string pointer_segment(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

// The longest wait servo may ask for, as config.yaml allows: a deadline
// further away would overflow the clock's arithmetic and expire at once.
constexpr double k_max_control_seconds = 1e9;

// control.timeout / control.settlement: seconds, as a number or numeric
// string. A timeout of 0 could never be met; a settlement of 0 means none.
Result<std::optional<std::chrono::seconds>> control_seconds(const nlohmann::json& control, const char* key,
                                                            bool allow_zero) {
  auto found = control.find(key);
  if (found == control.end() || found->is_null()) return std::optional<std::chrono::seconds>{};
  auto number = json_to_number(*found);
  if (!number || !std::isfinite(*number) || *number < 0 || (!allow_zero && *number == 0) ||
      *number > k_max_control_seconds) {
    return fail(ErrorCode::invalid_input, std::string("stdin /control/") + key +
                                              ": must be a number of seconds " +
                                              (allow_zero ? "from 0" : "greater than 0 and") +
                                              " up to 1000000000, not " + found->dump());
  }
  return std::optional<std::chrono::seconds>(
      std::chrono::seconds(static_cast<long long>(std::ceil(*number))));
}

Result<Control> parse_control(const json& control) {
  Control parsed;
  parsed.document = to_plain(control);
  parsed.timeout = ADJUST_TRY(control_seconds(parsed.document, "timeout", false));
  parsed.settlement = ADJUST_TRY(control_seconds(parsed.document, "settlement", true));
  return parsed;
}

// How deeply stdin's arrays and objects nest, outside strings; stops counting
// past `limit`. Checked before parsing: nesting that deep is no servo request,
// and the recursive serialisation of such a document would exhaust the stack.
std::size_t nesting_depth(std::string_view text, std::size_t limit) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) break;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

Result<AdjustRequest> parse_adjust_request(std::string_view text) {
  constexpr std::size_t k_max_depth = 64;  // a request nests 6 deep; descriptors a few more
  if (nesting_depth(text, k_max_depth) > k_max_depth) {
    return fail(ErrorCode::invalid_input,
                "stdin: JSON nested deeper than " + std::to_string(k_max_depth) + " levels");
  }
  json document;
  try {
    document = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& error) {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      return fail(ErrorCode::invalid_input, "stdin: received no settings to adjust (empty input)");
    }
    return fail(ErrorCode::invalid_input,
                "stdin is not valid JSON (at byte " + std::to_string(error.byte) + ")");
  } catch (const json::out_of_range& error) {
    // A number beyond double's range: "[json.exception.out_of_range.406] number overflow ...".
    std::string_view what = error.what();
    if (auto end = what.find("] "); end != std::string_view::npos) what.remove_prefix(end + 2);
    return fail(ErrorCode::invalid_input, "stdin is not valid JSON: " + std::string(what));
  }
  if (!document.is_object()) {
    return fail(ErrorCode::invalid_input, "stdin: expected a JSON object, got " + describe_type(document));
  }
  // servo-k8s stepped into a top-level "state" when present; do the same.
  const json* root = &document;
  std::string root_path;
  if (auto state = document.find("state");
      state != document.end() && state->is_object() && !document.contains("application")) {
    root = &*state;
    root_path = "/state";
  }

  AdjustRequest request;
  if (auto control = document.find("control"); control != document.end() && !control->is_null()) {
    if (!control->is_object()) {
      return fail(ErrorCode::invalid_input, "stdin /control: must be an object");
    }
    request.control = ADJUST_TRY(parse_control(*control));
  }

  auto application = root->find("application");
  if (application == root->end()) {
    return fail(ErrorCode::invalid_input, "stdin" + root_path + ": missing \"application\"");
  }
  if (!application->is_object()) {
    return fail(ErrorCode::invalid_input, "stdin" + root_path + "/application: must be an object");
  }
  auto components = application->find("components");
  if (components == application->end()) {
    return fail(ErrorCode::invalid_input, "stdin" + root_path + "/application: missing \"components\"");
  }
  if (!components->is_object()) {
    return fail(ErrorCode::invalid_input, "stdin" + root_path + "/application/components: must be an object");
  }
  for (const auto& [component_name, component] : components->items()) {
    std::string where = "stdin" + root_path + "/application/components/" + pointer_segment(component_name);
    if (!component.is_object()) {
      return fail(ErrorCode::invalid_input, where + ": must be an object");
    }
    RequestedComponent requested{component_name, {}};
    auto settings = component.find("settings");
    if (settings != component.end() && !settings->is_null()) {
      if (!settings->is_object()) {
        return fail(ErrorCode::invalid_input, where + "/settings: must be an object");
      }
      for (const auto& [setting_name, setting] : settings->items()) {
        auto value = setting_value(setting, where + "/settings/" + pointer_segment(setting_name));
        if (!value) return fail(value.error());
        requested.settings.push_back({setting_name, to_plain(*value)});
      }
    }
    request.components.push_back(std::move(requested));
  }
  if (request.components.empty()) {
    return fail(ErrorCode::invalid_input, "stdin: received no settings to adjust (no components)");
  }
  return request;
}

}  // namespace adjust
