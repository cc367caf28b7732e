// Number parsing and formatting shared by config, request validation and
// descriptors: values arrive as JSON numbers, numeric strings or YAML scalars,
// and go out as users expect (150, not 150.0; 0.5 stays 0.5).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace adjust {

// A finite decimal number in the whole of text (surrounding blanks allowed);
// nullopt for anything else, including "nan", "inf" and "".
std::optional<double> parse_number(std::string_view text);

// A JSON number, or a string holding one; nullopt for bools, null, objects...
std::optional<double> json_to_number(const nlohmann::json& value);

// Up to 15 significant digits, no trailing zeros, integral values without a
// fraction: 150, 0.5, 0.3 (also for 0.1 + 0.2).
std::string format_number(double value);

// A JSON number: an integer when value is integral (and fits), else a float.
nlohmann::json number_to_json(double value);

// Text of a scalar as a user would write it: strings verbatim, numbers via
// format_number, bools "true"/"false". nullopt for null, arrays and objects.
std::optional<std::string> format_scalar(const nlohmann::json& value);

// Whether value is within tolerance of an integer (1e-9 relative).
bool is_integral(double value);

// Whether a == b within tolerance (1e-9 relative to the larger magnitude, at least 1e-9).
bool nearly_equal(double a, double b);

// Whether (value - min) / step is an integer within tolerance; true when step is 0.
bool is_step_aligned(double value, double min, double step);

}  // namespace adjust
