// End-to-end helpers shared by the tests that run the real `adjust` binary
// against the awssim simulator (fake-only): seeding a service, writing the
// config and the request, the engine suites' preset of run_adjust (a private
// HOME and a clean AWS environment), and reading what the sim holds.
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/adjust_run.hpp"
#include "support/process.hpp"
#include "support/sim_fixture.hpp"

namespace adjust::testing {

extern const std::string k_arn_prefix;  // "arn:aws:ecs:us-east-1:123456789012:task-definition/"

// ---- the simulated service ----------------------------------------------------------------

// Sim time at 10x real time, a 300 s lifetime.
SimFixture::Options fast_sim(std::optional<std::string> upstream = std::nullopt);
// A scenario with short steps: at 10x, a reconcile round is 0.2 s and health takes 0.4 s.
nlohmann::json scenario(const std::string& service, const std::string& kind,
                        nlohmann::json extra = nlohmann::json::object());
nlohmann::json task_definition(const std::string& family,
                               nlohmann::json container_extra = nlohmann::json::object());
std::string target_group(const std::string& name);
// NAME: desired 2, on NAME:1, behind NAME-tg.
nlohmann::json service_spec(const std::string& name);
// NAME deployed with `strategy` (ROLLING, BLUE_GREEN, LINEAR, CANARY): the
// circuit breaker with rollback on, max 200% / min 100%, `configuration`
// merged into deploymentConfiguration; a traffic-shifting strategy also gets
// NAME-alt-tg as the alternate target group.
nlohmann::json strategy_service_spec(const std::string& name, const std::string& strategy,
                                     const nlohmann::json& configuration = nlohmann::json::object());
// Fake-only: cluster demo, steady services (desired 2, on NAME:1, behind NAME-tg).
void seed(SimFixture& sim, const std::vector<std::string>& names = {"web"});

// ---- config and request -------------------------------------------------------------------

// One component of config.yaml in cluster "demo"; `service_name` defaults to `name`.
std::string component_yaml(const std::string& name, const std::string& extra = {},
                           const std::string& service_name = {});
std::string config_yaml(const std::string& endpoint, const std::string& components);
nlohmann::json settings_request(const std::map<std::string, nlohmann::json>& by_component);
// cpu 0.5, mem 1, replicas 3, MODE fast, LOG_LEVEL debug: a new revision and a new count.
extern const nlohmann::json k_new_size;

// ---- running the binary -------------------------------------------------------------------

// Static test keys, no IMDS, HOME = dir.
EnvVars adjust_env(const Workdir& dir);
// Variables that could point the binary elsewhere; removed (or blanked) for every run.
extern const std::vector<std::string> k_unset;

// The engine suites' preset of run_adjust(AdjustOptions): a fresh Workdir with
// `config` written to it, `request` on stdin, adjust_env, k_unset removed,
// `adjust --config FILE [extra_args] app`. EXPECTs every stdout line to be a JSON object.
AdjustRun run_adjust(const std::string& config, const nlohmann::json& request,
                     std::vector<std::string> extra_args = {},
                     std::chrono::milliseconds timeout = std::chrono::seconds(120));
std::string message_of(const AdjustRun& run);

// ---- what the sim holds -------------------------------------------------------------------

const nlohmann::json& service_in(const nlohmann::json& state, const std::string& name);
const nlohmann::json* primary_of(const nlohmann::json& service);
// The service's PRIMARY deployment runs `revision` (e.g. "web:1") at `count`.
void expect_primary(SimFixture& sim, const std::string& name, const std::string& revision, int count);
// RegisterTaskDefinition + UpdateService + DeregisterTaskDefinition + TagResource requests.
int mutating_calls(SimFixture& sim);

}  // namespace adjust::testing
