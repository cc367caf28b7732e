
#include "adjust/config/yaml_walker.hpp"

#include <cmath>
#include <map>

#include "adjust/base/numeric.hpp"
#include "adjust/base/utf8.hpp"

namespace adjust {

namespace {

bool is_integer_text(std::string_view text) {
  std::size_t start = (!text.empty() && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
  if (start == text.size()) {
    return false;
  }
  for (std::size_t i = start; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return false;
    }
  }
  return true;
}

bool is_float_text(std::string_view text) {
  for (char c : text) {
    bool digit = c >= '0' && c <= '9';
    if (!digit && c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+') {
      return false;
    }
  }
  return parse_number(text).has_value();
}

bool is_plain(const YAML::Node& node) { return node.Tag() == "?"; }

// Words PyYAML (YAML 1.1) reads as booleans: the original accepted them for `pinned`.
std::optional<bool> yaml11_bool(const std::string& text) {
  static const std::map<std::string, bool, std::less<>> words{
      {"true", true}, {"True", true}, {"TRUE", true}, {"yes", true},    {"Yes", true},    {"YES", true},
      {"on", true},   {"On", true},   {"ON", true},   {"false", false}, {"False", false}, {"FALSE", false},
      {"no", false},  {"No", false},  {"NO", false},  {"off", false},   {"Off", false},   {"OFF", false}};
  auto found = words.find(text);
  if (found == words.end()) {
    return std::nullopt;
  }
  return found->second;
}

}  // namespace

std::string join_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) {
    return std::string(key);
  }
  return std::string(parent) + "." + std::string(key);
}

YAML::Mark value_mark(const YamlEntry& entry) {
  if (entry.value.IsNull() || entry.value.Mark().is_null()) {
    return entry.key_node.Mark();
  }
  return entry.value.Mark();
}

std::string describe_node(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return "null";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      break;
  }
  if (first_invalid_utf8(node.Scalar())) {
    return "text that is not valid UTF-8";
  }
  auto json = YamlWalker::scalar_json(node);
  if (json && json->is_string()) {
    return json->dump();
  }
  return node.Scalar();
}

std::string YamlWalker::location(const YAML::Mark& mark) const {
  if (mark.is_null()) {
    return m_origin;
  }
  return m_origin + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

void YamlWalker::error(const YAML::Node& node, std::string_view path, std::string message) {
  error_at(node.Mark(), path, std::move(message));
}

void YamlWalker::error_at(const YAML::Mark& mark, std::string_view path, std::string message) {
  std::string line = location(mark) + ": ";
  if (!path.empty()) {
    line += std::string(path) + ": ";
  }
  m_errors.push_back(line + message);
}

void YamlWalker::warn(const YAML::Node& node, std::string_view path, std::string message) {
  m_warnings.push_back(location(node.Mark()) + ": " + std::string(path) + ": " + message);
}

std::vector<YamlEntry> YamlWalker::entries(const YAML::Node& map, std::string_view path) {
  std::vector<YamlEntry> result;
  if (!map.IsMap()) {
    error(map, path, "must be a mapping, got " + describe_node(map));
    return result;
  }
  for (auto it = map.begin(); it != map.end(); ++it) {
    YamlEntry entry{{}, it->first, it->second};
    if (!it->first.IsScalar()) {
      error(it->first, path, "keys must be plain names");
      continue;
    }
    if (first_invalid_utf8(it->first.Scalar())) {
      error(it->first, path, "keys must be valid UTF-8 text");
      continue;
    }
    entry.key = it->first.Scalar();
    bool replaced = false;
    for (auto& existing : result) {
      if (existing.key == entry.key) {
        warn(entry.key_node, join_path(path, entry.key), "duplicate key; the last one is used");
        existing = entry;
        replaced = true;
      }
    }
    if (!replaced) {
      result.push_back(std::move(entry));
    }
  }
  return result;
}

std::optional<nlohmann::json> YamlWalker::scalar_json(const YAML::Node& node) {
  if (node.IsNull()) {
    return nlohmann::json(nullptr);
  }
  if (!node.IsScalar()) {
    return std::nullopt;
  }
  const std::string& text = node.Scalar();
  // yaml-cpp lets through what JSON cannot hold ("\uD800" escapes, NUL bytes).
  if (first_invalid_utf8(text)) {
    return std::nullopt;
  }
  if (!is_plain(node)) {
    return nlohmann::json(text);
  }
  if (text == "true" || text == "True" || text == "TRUE") {
    return nlohmann::json(true);
  }
  if (text == "false" || text == "False" || text == "FALSE") {
    return nlohmann::json(false);
  }
  if (is_integer_text(text)) {
    try {
      return nlohmann::json(std::stoll(text));
    } catch (const std::exception&) {
      // Too large for int64: fall through to float.
    }
  }
  if (is_float_text(text)) {
    return nlohmann::json(*parse_number(text));
  }
  return nlohmann::json(text);
}

std::optional<std::string> YamlWalker::string(const YamlEntry& entry, std::string_view path) {
  auto json = scalar_json(entry.value);
  if (!json || json->is_null()) {
    error_at(value_mark(entry), path, "must be a string, got " + describe_node(entry.value));
    return std::nullopt;
  }
  // A plain scalar that happens to look like a number is still a fine name.
  return entry.value.Scalar();
}

std::optional<double> YamlWalker::number(const YamlEntry& entry, std::string_view path) {
  auto json = scalar_json(entry.value);
  if (!json || !json->is_number()) {
    error_at(value_mark(entry), path, "must be a number, got " + describe_node(entry.value));
    return std::nullopt;
  }
  return json->get<double>();
}

std::optional<std::int64_t> YamlWalker::integer(const YamlEntry& entry, std::string_view path) {
  auto number_value = number(entry, path);
  if (!number_value) {
    return std::nullopt;
  }
  if (!is_integral(*number_value) || std::fabs(*number_value) > 9.0e15) {
    error_at(value_mark(entry), path, "must be a whole number, got " + format_number(*number_value));
    return std::nullopt;
  }
  return static_cast<std::int64_t>(std::llround(*number_value));
}

std::optional<bool> YamlWalker::boolean(const YamlEntry& entry, std::string_view path) {
  if (entry.value.IsScalar() && is_plain(entry.value)) {
    if (auto value = yaml11_bool(entry.value.Scalar())) {
      return value;
    }
  }
  error_at(value_mark(entry), path, "must be true or false, got " + describe_node(entry.value));
  return std::nullopt;
}

}  // namespace adjust
