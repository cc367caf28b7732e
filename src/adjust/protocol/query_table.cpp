#include "adjust/protocol/query_table.hpp"

#include <algorithm>
#include <vector>

namespace adjust {
namespace {

// A setting's value as a person writes it: "0.5", "fast", "2".
std::string plain(const nlohmann::ordered_json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "-";
  return value.dump();
}

std::string allowed(const nlohmann::ordered_json& setting) {
  if (setting.contains("values")) {
    std::string list;
    for (const auto& value : setting.at("values")) list += (list.empty() ? "" : ", ") + plain(value);
    return list;
  }
  if (setting.contains("min") && setting.contains("max")) {
    std::string range = plain(setting.at("min")) + " to " + plain(setting.at("max"));
    if (setting.contains("step")) range += " step " + plain(setting.at("step"));
    return range;
  }
  return "";
}

std::string standing_line(const ServiceStanding& s) {
  std::string line = "service " + s.service + ": " + s.revision + ", " + std::to_string(s.running) + "/" +
                     std::to_string(s.desired) + " running, " +
                     (s.deployment_in_progress ? "a deployment in progress" : "no deployment in progress");
  if (!s.strategy.empty()) line += ", " + s.strategy;
  if (s.autoscaling) {
    line += ", autoscaled " + std::to_string(s.autoscaling->first) + " to " +
            std::to_string(s.autoscaling->second);
  }
  return line;
}

// Rows padded to their columns' widths, two spaces apart, no trailing blanks.
std::string aligned(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line = "  ";
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + '\n';
  }
  return out;
}

}  // namespace

std::string render_query_table(const nlohmann::ordered_json& components,
                               const std::map<std::string, ServiceStanding>& standing) {
  std::string out;
  for (const auto& [name, component] : components.items()) {
    if (!out.empty()) out += '\n';
    out += name;
    if (auto found = standing.find(name); found != standing.end())
      out += "  (" + standing_line(found->second) + ")";
    out += '\n';
    std::vector<std::vector<std::string>> rows{{"SETTING", "VALUE", "UNIT", "ALLOWED", "PINNED"}};
    static const nlohmann::ordered_json k_none = nlohmann::ordered_json::object();
    const nlohmann::ordered_json& settings =
        component.contains("settings") ? component.at("settings") : k_none;
    for (const auto& [setting_name, setting] : settings.items()) {
      rows.push_back({setting_name, plain(setting.value("value", nlohmann::ordered_json())),
                      setting.value("unit", std::string()), allowed(setting),
                      setting.value("pinned", false) ? "yes" : "no"});
    }
    out += aligned(rows);
  }
  return out;
}

}  // namespace adjust
