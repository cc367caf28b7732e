// The config the stdin and ECS targets validate against: two components using
// every kind of setting (ranges, enums, pinned, env vars of each type).
#pragma once

#include "adjust/config/config.hpp"
#include "fuzz_check.hpp"

namespace adjust::fuzz {

inline constexpr std::string_view k_config_yaml = R"(fargate:
  web:
    service_name: web
    cluster: fuzz
    settings:
      cpu: {min: 0.25, max: 4, step: 0.25}
      memory: {min: 0.5, max: 16, step: 0.5}
      replicas: {min: 0, max: 50}
    environment:
      GOGC: {type: range, min: 50, max: 300, step: 10, default: 100}
      MODE: {type: enum, values: ['A', 'B', 1, true], default: 'A'}
  worker:
    service_name: worker
    settings:
      cpu: {values: ['0.25', '0.5', 1, 2]}
      mem: {values: ['0.5', '1', 2, 4]}
      replicas: {max: 20, pinned: true}
    environment:
      RATIO: {type: range, min: 0.1, max: 0.9, step: 0.1, default: 0.5}
)";

inline const Config& fuzz_config() {
  static const Config config = [] {
    auto parsed = parse_config(k_config_yaml, "fuzz_config_fixture.yaml", MapEnvironment{});
    FUZZ_CHECK(parsed);
    return *parsed;
  }();
  return config;
}

}  // namespace adjust::fuzz
