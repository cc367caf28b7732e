
#include "adjust/config/settings.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "adjust/base/numeric.hpp"
#include "adjust/model/fargate.hpp"

namespace adjust {

namespace {

// What differs between cpu and memory settings.
struct ResourceTraits {
  const char* what;  // for messages
  const char* unit;
  double lower_limit;  // Fargate's smallest and largest task size
  double upper_limit;
  RangeSpec default_range;  // the original's defaults
  std::vector<const char*> default_values;
  bool (*is_valid)(double);
};

bool is_valid_cpu_vcpu(double vcpu) {
  auto units = vcpu_to_units(vcpu);
  return units && is_valid_fargate_cpu(*units);
}

bool is_valid_memory_gib(double gib) {
  auto mib = gib_to_mib(gib);
  return mib && is_valid_fargate_memory(*mib);
}

const ResourceTraits& traits_of(ResourceKind kind) {
  static const ResourceTraits cpu{
      "cpu", "vCPU", 0.25, 16, {0.25, 4, 0.25}, {"0.25", "0.5", "1", "2", "4"}, &is_valid_cpu_vcpu};
  static const ResourceTraits memory{
      "memory",
      "GiB",
      0.5,
      120,
      {0.5, 30, 0.5},
      {"0.5", "1",  "2",  "3",  "4",  "5",  "6",  "7",  "8",  "9",  "10", "11", "12", "13", "14", "15",
       "16",  "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30"},
      &is_valid_memory_gib};
  return kind == ResourceKind::cpu ? cpu : memory;
}

// "0.25, 0.5, 1, 2, 4, 8, 16" for cpu; memory's list is long, so name its shape.
std::string valid_values_text(ResourceKind kind) {
  if (kind == ResourceKind::memory) {
    return "0.5, 1-30 in steps of 1, 32-60 in steps of 4, 64-120 in steps of 8 (GiB)";
  }
  std::string text;
  for (int units : fargate_cpu_units()) {
    text += (text.empty() ? "" : ", ") + format_number(units_to_vcpu(units));
  }
  return text + " (vCPU)";
}

// The body's entries by key; keys outside `allowed` are reported by the caller.
using EntryMap = std::map<std::string, YamlEntry, std::less<>>;

EntryMap index_entries(const std::vector<YamlEntry>& entries) {
  EntryMap map;
  for (const auto& entry : entries) {
    map.insert_or_assign(entry.key, entry);
  }
  return map;
}

const YamlEntry* find(const EntryMap& map, std::string_view key) {
  auto found = map.find(key);
  return found == map.end() ? nullptr : &found->second;
}

// Check a range's bounds and step; marks point at the offending key when present.
void check_range(YamlWalker& walker, const RangeSpec& range, const EntryMap& body, const YamlEntry& setting,
                 std::string_view path, std::optional<std::pair<double, double>> limits, const char* unit) {
  auto mark_of = [&](std::string_view key) {
    const YamlEntry* entry = find(body, key);
    return entry ? value_mark(*entry) : setting.key_node.Mark();
  };
  std::string unit_suffix = unit ? std::string(" ") + unit : std::string();
  bool bounds_ok = true;
  if (limits) {
    for (auto [key, value] : {std::pair{"min", range.min}, std::pair{"max", range.max}}) {
      if (value < limits->first - 1e-12 || value > limits->second + 1e-12) {
        walker.error_at(mark_of(key), join_path(path, key),
                        format_number(value) + unit_suffix + " is outside Fargate's limits " +
                            format_number(limits->first) + "-" + format_number(limits->second) + unit_suffix);
        bounds_ok = false;
      }
    }
  }
  if (range.min > range.max) {
    walker.error_at(mark_of("max"), join_path(path, "max"),
                    "max " + format_number(range.max) + " is less than min " + format_number(range.min));
    return;
  }
  if (nearly_equal(range.min, range.max)) {
    return;  // a single point: any step works (as in the original)
  }
  if (range.step <= 0) {
    walker.error_at(mark_of("step"), join_path(path, "step"),
                    "must be greater than 0, got " + format_number(range.step));
    return;
  }
  if (bounds_ok && !is_step_aligned(range.max, range.min, range.step)) {
    walker.error_at(mark_of("step"), join_path(path, "step"),
                    "step " + format_number(range.step) + " does not divide max - min (" +
                        format_number(range.max) + " - " + format_number(range.min) + ")");
  }
}

std::optional<bool> read_type(YamlWalker& walker, const EntryMap& body, std::string_view path) {
  const YamlEntry* type = find(body, "type");
  if (!type) {
    return std::nullopt;
  }
  auto text = walker.string(*type, join_path(path, "type"));
  if (!text) {
    return std::nullopt;
  }
  if (*text == "range") {
    return true;
  }
  if (*text == "enum") {
    return false;
  }
  walker.error_at(value_mark(*type), join_path(path, "type"),
                  "unknown setting type \"" + *text + "\" (expected range or enum)");
  return std::nullopt;
}

bool read_pinned(YamlWalker& walker, const EntryMap& body, std::string_view path) {
  const YamlEntry* pinned = find(body, "pinned");
  if (!pinned) {
    return false;
  }
  return walker.boolean(*pinned, join_path(path, "pinned")).value_or(false);
}

void warn_unknown_keys(YamlWalker& walker, const std::vector<YamlEntry>& entries, std::string_view path,
                       std::initializer_list<std::string_view> allowed) {
  for (const auto& entry : entries) {
    if (std::find(allowed.begin(), allowed.end(), entry.key) == allowed.end()) {
      walker.warn(entry.key_node, join_path(path, entry.key), "unknown key, ignored");
    }
  }
}

void error_unknown_keys(YamlWalker& walker, const std::vector<YamlEntry>& entries, std::string_view path,
                        std::initializer_list<std::string_view> allowed) {
  for (const auto& entry : entries) {
    if (std::find(allowed.begin(), allowed.end(), entry.key) == allowed.end()) {
      std::string list;
      for (auto key : allowed) {
        list += (list.empty() ? "" : ", ") + std::string(key);
      }
      walker.error(entry.key_node, join_path(path, entry.key), "unknown key (allowed here: " + list + ")");
    }
  }
}

// min, max and step: each given (a number) or the default.
RangeSpec read_range(YamlWalker& walker, const EntryMap& body, std::string_view path,
                     const RangeSpec& defaults) {
  RangeSpec range = defaults;
  for (auto [key, field] :
       {std::pair{"min", &range.min}, std::pair{"max", &range.max}, std::pair{"step", &range.step}}) {
    if (const YamlEntry* entry = find(body, key)) {
      if (auto value = walker.number(*entry, join_path(path, key))) {
        *field = *value;
      }
    }
  }
  return range;
}

std::vector<EnumValue> read_resource_values(YamlWalker& walker, const YamlEntry& entry, std::string_view path,
                                            ResourceKind kind) {
  std::vector<EnumValue> values;
  if (!entry.value.IsSequence() || entry.value.size() == 0) {
    walker.error_at(value_mark(entry), path, "must be a non-empty list, got " + describe_node(entry.value));
    return values;
  }
  const auto& traits = traits_of(kind);
  for (std::size_t i = 0; i < entry.value.size(); ++i) {
    YAML::Node item = entry.value[i];
    std::string item_path = std::string(path) + "[" + std::to_string(i) + "]";
    auto json = YamlWalker::scalar_json(item);
    auto number = json ? json_to_number(*json) : std::nullopt;
    if (!number) {
      walker.error(item, item_path,
                   "must be a number of " + std::string(traits.unit) + ", got " + describe_node(item));
      continue;
    }
    if (!traits.is_valid(*number)) {
      walker.error(item, item_path,
                   format_number(*number) + " is not a valid Fargate " + traits.what +
                       " size; valid: " + valid_values_text(kind));
      continue;
    }
    bool duplicate = std::any_of(values.begin(), values.end(),
                                 [&](const EnumValue& value) { return nearly_equal(value.number, *number); });
    if (duplicate) {
      walker.warn(item, item_path, "duplicate value " + format_number(*number) + " dropped");
      continue;
    }
    values.push_back({*json, *number});
  }
  return values;
}

// The original's default enum lists (strings, as it emitted them).
std::vector<EnumValue> default_values(ResourceKind kind) {
  std::vector<EnumValue> values;
  for (const char* text : traits_of(kind).default_values) {
    EnumValue& value = values.emplace_back();
    value.value = std::string(text);
    value.number = parse_number(text).value_or(0);
  }
  return values;
}

}  // namespace

std::optional<ResourceSetting> parse_resource_setting(YamlWalker& walker, const YamlEntry& entry,
                                                      std::string_view path, ResourceKind kind,
                                                      bool use_ranges) {
  const auto& traits = traits_of(kind);
  ResourceSetting setting;
  setting.key = entry.key;
  std::vector<YamlEntry> entries;
  if (!entry.value.IsNull()) {
    if (!entry.value.IsMap()) {
      walker.error_at(value_mark(entry), path,
                      "must be a mapping or empty, got " + describe_node(entry.value));
      return std::nullopt;
    }
    entries = walker.entries(entry.value, path);
  }
  std::size_t errors_before = walker.errors().size();
  EntryMap body = index_entries(entries);
  warn_unknown_keys(walker, entries, path, {"type", "values", "min", "max", "step", "unit", "pinned"});

  setting.is_range = read_type(walker, body, path).value_or(use_ranges);
  setting.pinned = read_pinned(walker, body, path);
  if (const YamlEntry* unit = find(body, "unit")) {
    auto text = walker.string(*unit, join_path(path, "unit"));
    if (text && *text != traits.unit) {
      walker.error_at(value_mark(*unit), join_path(path, "unit"),
                      "must be " + std::string(traits.unit) + ", got \"" + *text + "\"");
    }
  }

  if (setting.is_range) {
    if (const YamlEntry* values = find(body, "values")) {
      walker.warn(values->key_node, join_path(path, "values"), "ignored for a range setting");
    }
    setting.range = read_range(walker, body, path, traits.default_range);
    if (walker.errors().size() == errors_before) {
      check_range(walker, setting.range, body, entry, path, std::pair{traits.lower_limit, traits.upper_limit},
                  traits.unit);
    }
  } else {
    for (const char* key : {"min", "max", "step"}) {
      if (const YamlEntry* ignored = find(body, key)) {
        walker.warn(ignored->key_node, join_path(path, key), "ignored for an enum setting");
      }
    }
    if (const YamlEntry* values = find(body, "values")) {
      setting.values = read_resource_values(walker, *values, join_path(path, "values"), kind);
    } else {
      setting.values = default_values(kind);
    }
  }
  if (walker.errors().size() != errors_before) {
    return std::nullopt;
  }
  return setting;
}

std::optional<ReplicasSetting> parse_replicas_setting(YamlWalker& walker, const YamlEntry& entry,
                                                      std::string_view path) {
  if (!entry.value.IsMap()) {
    walker.error_at(value_mark(entry), path,
                    "must be a mapping with at least max, got " + describe_node(entry.value));
    return std::nullopt;
  }
  std::size_t errors_before = walker.errors().size();
  auto entries = walker.entries(entry.value, path);
  EntryMap body = index_entries(entries);
  warn_unknown_keys(walker, entries, path, {"type", "min", "max", "step", "unit", "pinned"});

  ReplicasSetting setting;
  auto is_range = read_type(walker, body, path);
  if (is_range && !*is_range) {
    walker.error_at(value_mark(*find(body, "type")), join_path(path, "type"), "replicas must be a range");
  }
  setting.pinned = read_pinned(walker, body, path);
  if (const YamlEntry* unit = find(body, "unit")) {
    setting.unit = walker.string(*unit, join_path(path, "unit"));
  }
  if (const YamlEntry* step = find(body, "step")) {
    auto value = walker.number(*step, join_path(path, "step"));
    if (value && !nearly_equal(*value, 1)) {
      walker.error_at(value_mark(*step), join_path(path, "step"), "must be 1, got " + format_number(*value));
    }
  }
  if (const YamlEntry* min = find(body, "min")) {
    if (auto value = walker.integer(*min, join_path(path, "min"))) {
      setting.min = *value;
      if (*value < 0) {
        walker.error_at(value_mark(*min), join_path(path, "min"),
                        "must be 0 or more, got " + std::to_string(*value));
      }
    }
  }
  const YamlEntry* max = find(body, "max");
  if (!max) {
    walker.error(entry.key_node, join_path(path, "max"), "is required");
  } else if (auto value = walker.integer(*max, join_path(path, "max"))) {
    setting.max = *value;
    if (setting.max < setting.min) {
      walker.error_at(
          value_mark(*max), join_path(path, "max"),
          "max " + std::to_string(setting.max) + " is less than min " + std::to_string(setting.min));
    }
  }
  if (walker.errors().size() != errors_before) {
    return std::nullopt;
  }
  return setting;
}

std::optional<EnvSetting> parse_env_setting(YamlWalker& walker, const YamlEntry& entry,
                                            std::string_view path) {
  EnvSetting setting;
  setting.name = entry.key;
  if (!entry.value.IsMap()) {
    walker.error_at(value_mark(entry), path,
                    "must be a mapping with type range or enum, got " + describe_node(entry.value));
    return std::nullopt;
  }
  std::size_t errors_before = walker.errors().size();
  auto entries = walker.entries(entry.value, path);
  EntryMap body = index_entries(entries);
  auto is_range = read_type(walker, body, path);
  if (!find(body, "type")) {
    walker.error(entry.key_node, join_path(path, "type"), "is required (range or enum)");
  }
  if (!is_range) {
    return std::nullopt;
  }
  setting.is_range = *is_range;
  if (setting.is_range) {
    error_unknown_keys(walker, entries, path,
                       {"type", "min", "max", "step", "unit", "default", "container", "pinned"});
  } else {
    error_unknown_keys(walker, entries, path, {"type", "values", "unit", "default", "container", "pinned"});
  }
  setting.pinned = read_pinned(walker, body, path);
  if (const YamlEntry* unit = find(body, "unit")) {
    setting.unit = walker.string(*unit, join_path(path, "unit"));
  }
  if (const YamlEntry* container = find(body, "container")) {
    setting.container = walker.string(*container, join_path(path, "container"));
  }
  const YamlEntry* default_entry = find(body, "default");

  if (setting.is_range) {
    bool complete = true;
    for (const char* key : {"min", "max", "step"}) {
      if (!find(body, key)) {
        walker.error(entry.key_node, join_path(path, key), "is required for a range");
        complete = false;
      }
    }
    std::size_t before_range = walker.errors().size();
    setting.range = read_range(walker, body, path, RangeSpec{});
    if (complete && walker.errors().size() == before_range) {
      check_range(walker, setting.range, body, entry, path, std::nullopt, nullptr);
    }
    if (default_entry) {
      auto value = walker.number(*default_entry, join_path(path, "default"));
      if (value) {
        setting.default_value = number_to_json(*value);
        if (complete && (*value < setting.range.min - 1e-9 || *value > setting.range.max + 1e-9)) {
          walker.error_at(value_mark(*default_entry), join_path(path, "default"),
                          format_number(*value) + " is outside the range " +
                              format_number(setting.range.min) + "-" + format_number(setting.range.max));
        } else if (complete && !is_step_aligned(*value, setting.range.min, setting.range.step)) {
          walker.warn(default_entry->key_node, join_path(path, "default"),
                      format_number(*value) + " is not min plus a multiple of step");
        }
      }
    }
  } else {
    const YamlEntry* values = find(body, "values");
    if (!values) {
      walker.error(entry.key_node, join_path(path, "values"), "is required for an enum");
    } else if (!values->value.IsSequence() || values->value.size() == 0) {
      walker.error_at(value_mark(*values), join_path(path, "values"),
                      "must be a non-empty list, got " + describe_node(values->value));
    } else {
      for (std::size_t i = 0; i < values->value.size(); ++i) {
        YAML::Node item = values->value[i];
        auto json = YamlWalker::scalar_json(item);
        if (!json || json->is_null()) {
          walker.error(item, join_path(path, "values") + "[" + std::to_string(i) + "]",
                       "must be a string or number, got " + describe_node(item));
          continue;
        }
        setting.values.push_back(*json);
      }
    }
    if (default_entry) {
      auto json = YamlWalker::scalar_json(default_entry->value);
      auto text = json ? format_scalar(*json) : std::nullopt;
      if (!text) {
        walker.error_at(value_mark(*default_entry), join_path(path, "default"),
                        "must be one of values, got " + describe_node(default_entry->value));
      } else if (!setting.values.empty()) {
        // Values are compared as the strings the container will hold.
        auto match = std::find_if(setting.values.begin(), setting.values.end(),
                                  [&](const nlohmann::json& value) { return format_scalar(value) == text; });
        if (match == setting.values.end()) {
          walker.error_at(value_mark(*default_entry), join_path(path, "default"),
                          "\"" + *text + "\" is not one of values");
        } else {
          setting.default_value = *match;
        }
      }
    }
  }
  if (walker.errors().size() != errors_before) {
    return std::nullopt;
  }
  return setting;
}

}  // namespace adjust
