// Fuzz target: the config loader (parse_config) on arbitrary YAML text, then
// the --query descriptors of every component that loaded. Contract: a Config
// with at least one component or an ErrorCode::config error; descriptors or a
// config error; never a crash or an exception escaping from yaml-cpp.
#include "adjust/config/config.hpp"
#include "adjust/logic/descriptors.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using adjust::ErrorCode;
  static const adjust::MapEnvironment env({{"FARGATE_CLUSTER", "fuzz-cluster"}});
  auto config = adjust::parse_config(adjust::fuzz::as_text(data, size), "fuzz.yaml", env);
  if (!config) {
    FUZZ_CHECK(config.error().code == ErrorCode::config);
    FUZZ_CHECK(!config.error().message.empty());
    return 0;
  }
  FUZZ_CHECK(!config->components.empty());
  for (const auto& component : config->components) {
    FUZZ_CHECK(config->find_component(component.name) != nullptr);
    // What a small Fargate service runs, with every configured variable set
    // to a value that is sometimes valid and sometimes not.
    adjust::CurrentValues current{256, 512, 1, {}};
    bool set = false;
    for (const auto& setting : component.environment) {
      FUZZ_CHECK(component.find_env(setting.name) == &setting);
      current.env[setting.name] = set ? std::optional<std::string>("100") : std::nullopt;
      set = !set;
    }
    auto described = adjust::describe_component(component, current);
    FUZZ_CHECK(described || described.error().code == ErrorCode::config);
  }
  return 0;
}
