// Environment variables behind an interface, so tests can give each run its
// own environment instead of mutating the process's.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace adjust {

class Environment {
 public:
  virtual ~Environment() = default;
  virtual std::optional<std::string> get(std::string_view name) const = 0;

  // The value when set and non-empty.
  std::optional<std::string> non_empty(std::string_view name) const {
    auto value = get(name);
    if (value && value->empty()) return std::nullopt;
    return value;
  }
};

class ProcessEnvironment final : public Environment {
 public:
  std::optional<std::string> get(std::string_view name) const override;
};

class MapEnvironment final : public Environment {
 public:
  MapEnvironment() = default;
  explicit MapEnvironment(std::map<std::string, std::string, std::less<>> values)
      : m_values(std::move(values)) {}
  std::optional<std::string> get(std::string_view name) const override;
  void set(std::string name, std::string value) { m_values[std::move(name)] = std::move(value); }

 private:
  std::map<std::string, std::string, std::less<>> m_values;
};

// "1", "true", "yes", "on" (any case) are true; "0", "false", "no", "off", "" are false.
// Anything else is treated as true, matching a user's intent to set the flag.
bool env_flag(const Environment& env, std::string_view name);

}  // namespace adjust
