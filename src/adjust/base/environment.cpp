#include "adjust/base/environment.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace adjust {

std::optional<std::string> ProcessEnvironment::get(std::string_view name) const {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::optional<std::string> MapEnvironment::get(std::string_view name) const {
  auto found = m_values.find(name);
  if (found == m_values.end()) return std::nullopt;
  return found->second;
}

bool env_flag(const Environment& env, std::string_view name) {
  auto value = env.get(name);
  if (!value) return false;
  std::string lowered = *value;
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return !(lowered.empty() || lowered == "0" || lowered == "false" || lowered == "no" || lowered == "off");
}

}  // namespace adjust
