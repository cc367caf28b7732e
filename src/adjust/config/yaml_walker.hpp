// Private: reads yaml-cpp nodes into typed values for the config parser,
// collecting every problem with its "file:line:col: key.path: reason" instead
// of stopping at the first. yaml-cpp is used only here and in config_parse.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adjust {

// A key path such as "fargate.web.settings.cpu.max".
std::string join_path(std::string_view parent, std::string_view key);

struct YamlEntry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
};

class YamlWalker {
 public:
  explicit YamlWalker(std::string origin) : m_origin(std::move(origin)) {}

  // Record a problem at node (or at its key when the value is null and has no place).
  void error(const YAML::Node& node, std::string_view path, std::string message);
  void error_at(const YAML::Mark& mark, std::string_view path, std::string message);
  void warn(const YAML::Node& node, std::string_view path, std::string message);

  // The entries of a mapping in file order; a duplicate key is a warning and the
  // later value wins (as in PyYAML). Not a mapping: an error and no entries.
  std::vector<YamlEntry> entries(const YAML::Node& map, std::string_view path);

  // Typed scalar reads; each records an error and returns nullopt on mismatch.
  std::optional<std::string> string(const YamlEntry& entry, std::string_view path);
  std::optional<double> number(const YamlEntry& entry, std::string_view path);
  std::optional<std::int64_t> integer(const YamlEntry& entry, std::string_view path);
  std::optional<bool> boolean(const YamlEntry& entry, std::string_view path);

  // A scalar as JSON: plain scalars resolve to null/bool/int/float/string
  // (YAML 1.2 core schema), quoted ones are always strings. nullopt for
  // collections and for text that is not valid UTF-8.
  static std::optional<nlohmann::json> scalar_json(const YAML::Node& node);

  const std::vector<std::string>& errors() const { return m_errors; }
  std::vector<std::string>& warnings() { return m_warnings; }
  const std::string& origin() const { return m_origin; }

 private:
  std::string location(const YAML::Mark& mark) const;

  std::string m_origin;
  std::vector<std::string> m_errors;
  std::vector<std::string> m_warnings;
};

// The place to report for entry.value: its own mark, or its key's when null.
YAML::Mark value_mark(const YamlEntry& entry);

// How a scalar reads in messages: "abc" quoted, numbers bare; collections named.
std::string describe_node(const YAML::Node& node);

}  // namespace adjust
