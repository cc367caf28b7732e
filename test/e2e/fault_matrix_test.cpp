// Issue 5: the fault matrix. Each cell runs the real `adjust` binary against the
// simulator (fake-only, sim time 20x real time) while one fault hits one phase
// of an adjustment, and asserts the final status and reason, the exit code,
// that stdout is JSON lines ending in exactly one final line, that the run
// ended well before its deadline, and where the service was left. Each cell
// writes a result file into $ADJUST_FAULT_MATRIX_DIR (default BUILD/fault-matrix);
// scripts/fault-matrix-table.py turns them into the table in docs/reliability.md.
//
// The adjustment: web (2 tasks of web:1) to cpu 0.5 / mem 1 / 3 replicas, which
// registers web:2 and updates the service. In the rollback and stop columns the
// new tasks fail to start (OutOfMemoryError), so the driver restores web:1 x2.
//
// The main matrix deploys a ROLLING service; the strategy cells repeat the
// phases that depend on the deployment strategy (the polls, ECS's record of
// the deployment, the rollback ECS performs) on BLUE_GREEN, LINEAR and CANARY
// services (1-minute bakes at 60x: a second each).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "support/adjust_e2e.hpp"
#include "support/adjust_run.hpp"
#include "support/fault_cell.hpp"
#include "support/sim_fixture.hpp"

namespace adjust::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr int k_attempts = 3;               // AWS_MAX_ATTEMPTS of every run
constexpr int k_request_timeout_ms = 1000;  // ADJUST_AWS_REQUEST_TIMEOUT of every run
constexpr int k_slow_ms = 2500;             // a "slow response" answers after this
constexpr int k_hold_ms = 600;              // a held request (less than the timeout)
constexpr auto k_verdict_within = 30s;      // the component's deadline is 60 s

// ---- the cells ----------------------------------------------------------------------------

struct CellSpec {
  const char* phase;  // describe | register | update | wait | record | rollback | stop
  const char* fault;
  const char* status;  // expected final status and reason
  const char* reason;
  const char* revision;  // where the service must be afterwards (its PRIMARY) ...
  int count;             // ... at this desired count
  const char* evidence;  // must appear in the final message ("" = no check)
  const char* note;      // shown in the table
};

// gtest prints a parameter in failure messages and ctest's test names.
void PrintTo(const CellSpec& cell, std::ostream* out) { *out << cell.phase << " x " << cell.fault; }

// Shorthands for the usual outcomes.
#define OK_NEW "ok", "success", "web:2", 3
#define ROLLED_BACK "rejected", "start-failed", "web:1", 2
#define UNTOUCHED(reason) "failed", reason, "web:1", 2
#define CANCELLED_AT(revision, count) "cancelled", "cancelled", revision, count

const CellSpec k_cells[] = {
    // A short throttling burst (2) is absorbed by one call's retries.
    {"describe", "throttle_burst", OK_NEW, "", ""},
    {"register", "throttle_burst", OK_NEW, "", ""},
    {"update", "throttle_burst", OK_NEW, "", ""},
    {"wait", "throttle_burst", OK_NEW, "", ""},
    {"rollback", "throttle_burst", ROLLED_BACK, "Rolled back to web:1", ""},
    // A storm: one more throttle than a call's attempts.
    {"describe", "throttle_storm", UNTOUCHED("throttled"), "DescribeServices", ""},
    {"register", "throttle_storm", UNTOUCHED("throttled"), "RegisterTaskDefinition", ""},
    {"update", "throttle_storm", UNTOUCHED("throttled"), "UpdateService",
     "refused, so web:2 is deregistered"},
    {"wait", "throttle_storm", OK_NEW, "", "a lost poll is tolerated"},
    {"rollback", "throttle_storm", ROLLED_BACK, "Rolled back to web:1", "the restore is tried twice"},
    // HTTP 500 then 503: absorbed by retries.
    {"describe", "http_5xx_burst", OK_NEW, "", ""},
    {"register", "http_5xx_burst", OK_NEW, "", ""},
    {"update", "http_5xx_burst", OK_NEW, "", ""},
    {"wait", "http_5xx_burst", OK_NEW, "", ""},
    {"rollback", "http_5xx_burst", ROLLED_BACK, "Rolled back to web:1", ""},
    // 503 on one more attempt than a call has.
    {"describe", "http_503_storm", UNTOUCHED("aws-error"), "DescribeServices", ""},
    {"register", "http_503_storm", UNTOUCHED("aws-error"), "RegisterTaskDefinition", ""},
    {"update", "http_503_storm", UNTOUCHED("aws-error"), "Rolled back to web:1",
     "a 5xx may have applied: web:1 ×2 is sent again to be sure"},
    {"wait", "http_503_storm", OK_NEW, "", "a lost poll is tolerated"},
    {"rollback", "http_503_storm", ROLLED_BACK, "Rolled back to web:1", "the restore is tried twice"},
    // The connection is reset before any answer: retried.
    {"describe", "connection_reset", OK_NEW, "", ""},
    {"register", "connection_reset", OK_NEW, "", ""},
    {"update", "connection_reset", OK_NEW, "", ""},
    {"wait", "connection_reset", OK_NEW, "", ""},
    {"rollback", "connection_reset", ROLLED_BACK, "Rolled back to web:1", ""},
    // Half the answer, then a reset: the request was applied, and is retried.
    {"describe", "reset_mid_body", OK_NEW, "", ""},
    {"register", "reset_mid_body", "ok", "success", "web:3", 3, "",
     "the retry registers again: web:2 is left unused"},
    {"update", "reset_mid_body", OK_NEW, "", ""},
    {"wait", "reset_mid_body", OK_NEW, "", ""},
    {"rollback", "reset_mid_body", ROLLED_BACK, "Rolled back to web:1", ""},
    // A 200 answer cut in half (Content-Length matches): not JSON, not retried.
    {"describe", "truncated_body", UNTOUCHED("aws-error"), "not a JSON object", ""},
    {"register", "truncated_body", UNTOUCHED("aws-error"), "not a JSON object",
     "web:2 was registered but never named"},
    {"update", "truncated_body", UNTOUCHED("aws-error"), "Rolled back to web:1",
     "the update was applied: restored"},
    {"wait", "truncated_body", OK_NEW, "", "a garbled poll is tolerated"},
    {"rollback", "truncated_body", ROLLED_BACK, "Rolled back to web:1", "the restore is sent again"},
    // A proxy's 502 HTML page: a 5xx, retried.
    {"describe", "non_json_body", OK_NEW, "", ""},
    {"register", "non_json_body", OK_NEW, "", ""},
    {"update", "non_json_body", OK_NEW, "", ""},
    {"wait", "non_json_body", OK_NEW, "", ""},
    {"rollback", "non_json_body", ROLLED_BACK, "Rolled back to web:1", ""},
    // The answer comes after the request timeout: the attempt times out and is retried.
    {"describe", "slow_response", OK_NEW, "", ""},
    {"register", "slow_response", OK_NEW, "", "the late first attempt registers web:3, unused"},
    {"update", "slow_response", OK_NEW, "", ""},
    {"wait", "slow_response", OK_NEW, "", ""},
    {"rollback", "slow_response", ROLLED_BACK, "Rolled back to web:1", ""},
    // ExpiredToken once; the container endpoint hands out fresh credentials.
    {"describe", "expired_creds_refreshed", OK_NEW, "", ""},
    {"register", "expired_creds_refreshed", OK_NEW, "", ""},
    {"update", "expired_creds_refreshed", OK_NEW, "", ""},
    {"wait", "expired_creds_refreshed", OK_NEW, "", ""},
    {"rollback", "expired_creds_refreshed", ROLLED_BACK, "Rolled back to web:1", ""},
    // ExpiredToken, and every refresh yields already expired credentials.
    {"describe", "expired_creds_still_expired", UNTOUCHED("no-credentials"), "already expired", ""},
    {"register", "expired_creds_still_expired", UNTOUCHED("no-credentials"), "already expired", ""},
    {"update", "expired_creds_still_expired", UNTOUCHED("no-credentials"), "already expired",
     "web:2 cannot be deregistered either"},
    {"wait", "expired_creds_still_expired", "failed", "no-credentials", "web:2", 3,
     "left on web:2 with 3 task(s)", "no credentials to restore with"},
    {"rollback", "expired_creds_still_expired", "failed", "no-credentials", "web:2", 3,
     "left on web:2 with 3 task(s)", "no credentials to restore with"},
    // A clock-skew error: the driver adopts the server's clock and retries.
    {"describe", "clock_skew", OK_NEW, "", ""},
    {"register", "clock_skew", OK_NEW, "", ""},
    {"update", "clock_skew", OK_NEW, "", ""},
    {"wait", "clock_skew", OK_NEW, "", ""},
    {"rollback", "clock_skew", ROLLED_BACK, "Rolled back to web:1", ""},
    // Missing fields: describe: taskDefinition; register: taskDefinitionArn;
    // update / rollback: deployments; wait: rolloutState.
    {"describe", "missing_fields", UNTOUCHED("aws-error"), "without a taskDefinition", ""},
    {"register", "missing_fields", UNTOUCHED("aws-error"), "taskDefinitionArn",
     "web:2 was registered but never named"},
    {"update", "missing_fields", OK_NEW, "", "follows the new PRIMARY"},
    {"wait", "missing_fields", OK_NEW, "", "judged by task counts"},
    {"rollback", "missing_fields", ROLLED_BACK, "Rolled back to web:1", ""},
    // Wrong types: a string desiredCount; a number for taskDefinitionArn.
    {"describe", "wrong_types", UNTOUCHED("aws-error"), "/services/0/desiredCount", ""},
    {"register", "wrong_types", UNTOUCHED("aws-error"), "taskDefinitionArn",
     "web:2 was registered but never named"},
    {"update", "wrong_types", UNTOUCHED("aws-error"), "Rolled back to web:1",
     "the update was applied: restored"},
    {"wait", "wrong_types", OK_NEW, "", "two garbled polls are tolerated"},
    {"rollback", "wrong_types", ROLLED_BACK, "Rolled back to web:1", "the restore is sent again"},
    // Empty lists: no services; no containers; no deployments.
    {"describe", "empty_lists", UNTOUCHED("not-found"), "not found", ""},
    {"register", "empty_lists", OK_NEW, "", ""},
    {"update", "empty_lists", OK_NEW, "", "follows the new PRIMARY"},
    {"wait", "empty_lists", OK_NEW, "", "two empty polls are tolerated"},
    {"rollback", "empty_lists", ROLLED_BACK, "Rolled back to web:1", ""},
    // Another party deploys hotfix:1 while the driver is in this phase.
    {"describe", "external_change", OK_NEW, "",
     "their hotfix:1 is overwritten (ECS has no conditional update)"},
    {"register", "external_change", OK_NEW, "",
     "their hotfix:1 is overwritten (ECS has no conditional update)"},
    {"update", "external_change", OK_NEW, "",
     "their hotfix:1 is overwritten (ECS has no conditional update)"},
    {"wait", "external_change", "failed", "overwritten", "hotfix:1", 3, "hotfix:1",
     "theirs is kept, not rolled back"},
    {"rollback", "external_change", ROLLED_BACK, "Rolled back to web:1",
     "the restore overwrites their hotfix:1"},
    // SIGTERM / SIGUSR1 while a request of this phase is in flight.
    {"describe", "sigterm", CANCELLED_AT("web:1", 2), "", ""},
    {"register", "sigterm", CANCELLED_AT("web:1", 2), "", "web:2 deregistered, service never updated"},
    {"update", "sigterm", CANCELLED_AT("web:1", 2), "Rolled back to web:1", ""},
    {"wait", "sigterm", CANCELLED_AT("web:1", 2), "Rolled back to web:1", ""},
    {"rollback", "sigterm", CANCELLED_AT("web:1", 2), "Rolled back to web:1", ""},
    {"describe", "sigusr1", CANCELLED_AT("web:1", 2), "", ""},
    {"register", "sigusr1", CANCELLED_AT("web:1", 2), "", "web:2 deregistered, service never updated"},
    {"update", "sigusr1", CANCELLED_AT("web:1", 2), "Rolled back to web:1", ""},
    {"wait", "sigusr1", CANCELLED_AT("web:1", 2), "Rolled back to web:1", ""},
    {"rollback", "sigusr1", CANCELLED_AT("web:1", 2), "Rolled back to web:1", ""},
    // The scaler (Application Auto Scaling) moves the count 2 -> 4 while the
    // driver is in the phase; these requests name no replicas, so the count is
    // the scaler's and the deployment is judged at 4.
    {"describe", "scale_out", "ok", "success", "web:2", 4, "", "judged at the scaler's count"},
    {"register", "scale_out", "ok", "success", "web:2", 4, "", "judged at the scaler's count"},
    {"update", "scale_out", "ok", "success", "web:2", 4, "", "judged at the scaler's count"},
    {"wait", "scale_out", "ok", "success", "web:2", 4, "", "judged at the scaler's count"},
    {"rollback", "scale_out", "rejected", "start-failed", "web:1", 4, "Rolled back to web:1",
     "the restore leaves the scaler's count"},
    // DescribeServices answers the service as it was before the UpdateService, twice.
    {"wait", "stale_read", OK_NEW, "", "the stale reads decide nothing"},
    {"rollback", "stale_read", ROLLED_BACK, "Rolled back to web:1", "the stale reads decide nothing"},
    // Another adjust (cpu 1, mem 2, 2 tasks) starts while the driver is in the phase.
    // (Not while registering or updating: which revision number and which
    // UpdateService come last is a race there.)
    {"describe", "concurrent_adjust", "ok", "success", "web:3", 3, "",
     "theirs (read the same settled service) runs first, then ours replaces it"},
    {"wait", "concurrent_adjust", OK_NEW, "", "theirs is refused as busy"},
    // A previous run was killed mid-deployment: its hotfix:1 is still deploying.
    {"describe", "killed_previous_run", "failed", "busy", "hotfix:1", 2, "of hotfix:1",
     "refused before any change"},
};

// The same cell on a service deployed with another strategy.
struct StrategyCellSpec {
  const char* strategy;  // BLUE_GREEN | LINEAR | CANARY
  CellSpec cell;
};

void PrintTo(const StrategyCellSpec& spec, std::ostream* out) {
  *out << spec.strategy << " x ";
  PrintTo(spec.cell, out);
}

std::vector<StrategyCellSpec> strategy_cells() {
  std::vector<StrategyCellSpec> cells;
  for (const char* strategy : {"BLUE_GREEN", "LINEAR", "CANARY"}) {
    auto add = [&](CellSpec cell) { cells.push_back({strategy, cell}); };
    add({"wait", "throttle_storm", OK_NEW, "", "a lost poll is tolerated"});
    add({"record", "throttle_storm", OK_NEW, "", "a lost look at the record is tolerated"});
    add({"stop", "throttle_storm", ROLLED_BACK, "Rolled back to web:1",
         "StopServiceDeployment failed: restored by UpdateService"});
    add({"wait", "external_change", "failed", "overwritten", "hotfix:1", 3, "hotfix:1",
         "theirs is kept, not rolled back"});
    add({"record", "external_change", "failed", "overwritten", "hotfix:1", 3, "Superseded by",
         "theirs is kept, not rolled back"});
    add({"stop", "external_change", ROLLED_BACK, "Rolled back to web:1",
         "the restore overwrites their hotfix:1"});
    add({"wait", "sigusr1", CANCELLED_AT("web:1", 2), "Rolled back to web:1", ""});
    add({"record", "sigusr1", CANCELLED_AT("web:1", 2), "Rolled back to web:1", ""});
    add({"stop", "sigusr1", CANCELLED_AT("web:1", 2), "ECS is rolling back to web:1",
         "ECS finishes its rollback after the driver exits"});
    if (std::string(strategy) != "BLUE_GREEN") continue;
    // Blue/green also meets the 5xx storms and the odd answers in every phase.
    add({"wait", "http_503_storm", OK_NEW, "", "a lost poll is tolerated"});
    add({"record", "http_503_storm", OK_NEW, "", "a lost look at the record is tolerated"});
    add({"stop", "http_503_storm", ROLLED_BACK, "Rolled back to web:1",
         "StopServiceDeployment failed: restored by UpdateService"});
    add({"wait", "truncated_body", OK_NEW, "", "a garbled poll is tolerated"});
    add({"record", "truncated_body", OK_NEW, "", "a garbled poll is tolerated"});
    add({"stop", "truncated_body", ROLLED_BACK, "Rolled back to web:1", ""});
    add({"wait", "missing_fields", OK_NEW, "", "judged by ECS's record"});
    add({"record", "missing_fields", OK_NEW, "", "3 unreadable records: judged by DescribeServices alone"});
    add({"stop", "missing_fields", ROLLED_BACK, "Rolled back to web:1", ""});
    add({"wait", "empty_lists", OK_NEW, "", "two empty polls are tolerated"});
    add({"record", "empty_lists", OK_NEW, "", "two empty polls are tolerated"});
    add({"stop", "empty_lists", ROLLED_BACK, "Rolled back to web:1", ""});
  }
  return cells;
}

#undef OK_NEW
#undef ROLLED_BACK
#undef UNTOUCHED
#undef CANCELLED_AT

// ---- how a fault is injected ----------------------------------------------------------------

// The requests of a phase, as a sim rule's match: the wait is the polling that
// follows the first UpdateService (and the record, the reads of ECS's record of
// the deployment); the rollback starts with the second UpdateService, unless
// ECS rolls back itself (stop).
json phase_match(const std::string& phase) {
  json after_update = {{"operation", "UpdateService"}, {"count", 1}};
  if (phase == "record") return {{"service", "ecs"}, {"operation", "DescribeServiceDeployments"}};
  if (phase == "stop") return {{"service", "ecs"}, {"operation", "StopServiceDeployment"}};
  if (phase == "describe") return {{"service", "ecs"}, {"operation", "DescribeServices"}};
  if (phase == "register") return {{"service", "ecs"}, {"operation", "RegisterTaskDefinition"}};
  if (phase == "update") return {{"service", "ecs"}, {"operation", "UpdateService"}};
  if (phase == "wait")
    return {{"service", "ecs"}, {"operation", "DescribeServices"}, {"after", after_update}};
  if (phase == "rollback")
    return {{"service", "ecs"}, {"operation", "UpdateService"}, {"after", after_update}};
  throw std::invalid_argument("unknown phase " + phase);
}

json rule(const std::string& phase, json spec) {
  json merged = phase_match(phase);
  merged.update(spec);
  return merged;
}

// Response-shape edits (the sim's `patch`) per phase.
json shape_patch(const std::string& phase, const std::string& fault) {
  const bool services = phase == "describe" || phase == "wait";
  const bool registered = phase == "register";
  if (phase == "record") {
    if (fault == "missing_fields") return {{{"op", "remove"}, {"path", "/serviceDeployments/0/status"}}};
    if (fault == "wrong_types")
      return {{{"op", "replace"}, {"path", "/serviceDeployments/0/status"}, {"value", 7}}};
    return {{{"op", "replace"}, {"path", "/serviceDeployments"}, {"value", json::array()}}};
  }
  if (phase == "stop") {
    if (fault == "missing_fields") return {{{"op", "remove"}, {"path", "/serviceDeploymentArn"}}};
    if (fault == "wrong_types") return {{{"op", "replace"}, {"path", "/serviceDeploymentArn"}, {"value", 7}}};
    return {{{"op", "replace"}, {"path", "/serviceDeploymentArn"}, {"value", ""}}};
  }
  if (fault == "missing_fields") {
    if (phase == "describe") return {{{"op", "remove"}, {"path", "/services/0/taskDefinition"}}};
    if (phase == "wait") return {{{"op", "remove"}, {"path", "/services/0/deployments/0/rolloutState"}}};
    if (registered) return {{{"op", "remove"}, {"path", "/taskDefinition/taskDefinitionArn"}}};
    return {{{"op", "remove"}, {"path", "/service/deployments"}}};
  }
  if (fault == "wrong_types") {
    if (services) return {{{"op", "replace"}, {"path", "/services/0/desiredCount"}, {"value", "2"}}};
    if (registered)
      return {{{"op", "replace"}, {"path", "/taskDefinition/taskDefinitionArn"}, {"value", 12}}};
    return {{{"op", "replace"}, {"path", "/service/desiredCount"}, {"value", "2"}}};
  }
  if (services) return {{{"op", "replace"}, {"path", "/services"}, {"value", json::array()}}};
  if (registered)
    return {{{"op", "replace"}, {"path", "/taskDefinition/containerDefinitions"}, {"value", json::array()}}};
  return {{{"op", "replace"}, {"path", "/service/deployments"}, {"value", json::array()}}};
}

struct Injection {
  json rules = json::array();
  int hold = -1;  // index in rules of the rule whose request holds the binary
  std::function<void(SimFixture&, int pid)> act;
  bool container_credentials = false;
};

Injection inject(const std::string& phase, const std::string& fault) {
  Injection in;
  auto add = [&](json spec) { in.rules.push_back(rule(phase, std::move(spec))); };
  if (fault == "throttle_burst") {
    add({{"first", 2}, {"action", "throttle"}});
  } else if (fault == "throttle_storm") {
    add({{"first", k_attempts + 1}, {"action", "throttle"}});
  } else if (fault == "http_5xx_burst") {
    add({{"call", 1}, {"action", "status"}, {"status", 500}});
    add({{"call", 2}, {"action", "status"}, {"status", 503}});
  } else if (fault == "http_503_storm") {
    add({{"first", k_attempts + 1}, {"action", "status"}, {"status", 503}});
  } else if (fault == "connection_reset") {
    add({{"call", 1}, {"action", "reset"}});
  } else if (fault == "reset_mid_body") {
    add({{"call", 1}, {"action", "reset_mid_body"}});
  } else if (fault == "truncated_body") {
    add({{"call", 1}, {"action", "truncate"}});
  } else if (fault == "non_json_body") {
    add({{"call", 1}, {"action", "non_json"}});
  } else if (fault == "slow_response") {
    add({{"call", 1}, {"action", "delay"}, {"delay_ms", k_slow_ms}});
  } else if (fault == "expired_creds_refreshed" || fault == "expired_creds_still_expired") {
    in.container_credentials = true;
    add({{"call", 1}, {"action", "expired_token"}});
    if (fault == "expired_creds_still_expired") {
      json expired = {{"AccessKeyId", "ASIAEXPIREDEXAMPLE"},
                      {"SecretAccessKey", "expiredSecretForTestsOnly"},
                      {"Token", "expiredToken"},
                      {"Expiration", "2020-01-01T00:00:00Z"}};
      in.rules.push_back(
          {{"service", "creds"}, {"calls", {{"from", 2}}}, {"action", "replace"}, {"json", expired}});
    }
  } else if (fault == "clock_skew") {
    add({{"call", 1}, {"action", "clock_skew"}, {"skew_seconds", 900}});
  } else if (fault == "missing_fields" || fault == "wrong_types" || fault == "empty_lists") {
    json spec = {{"action", "patch"}, {"patch", shape_patch(phase, fault)}, {"call", 1}};
    // While waiting: a missing field on every poll, other odd answers on two.
    if (phase == "wait" || phase == "record") {
      spec.erase("call");
      if (fault != "missing_fields") spec["calls"] = {{"from", 1}, {"to", 2}};
    }
    add(spec);
  } else if (fault == "concurrent_adjust") {
    json hold = {{"call", 1}, {"action", "delay"}, {"delay_ms", 1500}};
    if (phase == "describe") {
      in.rules.push_back({{"service", "ecs"},
                          {"operation", "DescribeTaskDefinition"},
                          {"call", 1},
                          {"action", "delay"},
                          {"delay_ms", 1500}});
    } else {
      add(hold);
    }
    in.hold = 0;  // the test starts the other run (see CellTest::run)
  } else if (fault == "stale_read" || fault == "killed_previous_run") {
    // Set up in the scenario and the seed (see the test), not by a rule.
  } else if (fault == "external_change" || fault == "sigterm" || fault == "sigusr1" || fault == "scale_out") {
    json hold = {{"call", 1}, {"action", "delay"}, {"delay_ms", k_hold_ms}};
    if (phase == "describe" && (fault == "external_change" || fault == "scale_out")) {
      // After the service was read: hold the task definition read instead.
      in.rules.push_back({{"service", "ecs"},
                          {"operation", "DescribeTaskDefinition"},
                          {"call", 1},
                          {"action", "delay"},
                          {"delay_ms", k_hold_ms}});
    } else if (phase == "rollback" && fault == "scale_out") {
      // A countless change is rolled back by ECS alone: no second UpdateService.
      in.rules.push_back({{"service", "ecs"},
                          {"operation", "StopServiceDeployment"},
                          {"call", 1},
                          {"action", "delay"},
                          {"delay_ms", k_hold_ms}});
    } else {
      add(hold);
    }
    in.hold = 0;
    if (fault == "external_change") {
      in.act = [](SimFixture& sim, int) {
        ecs_call(sim, "UpdateService",
                 {{"cluster", "demo"}, {"service", "web"}, {"taskDefinition", "hotfix:1"}});
      };
    } else if (fault == "scale_out") {
      in.act = [](SimFixture& sim, int) {
        sim.control("scale", {{"cluster", "demo"}, {"service", "web"}, {"desired", 4}});
      };
    } else {
      int signal_number = fault == "sigterm" ? SIGTERM : SIGUSR1;
      in.act = [signal_number](SimFixture&, int pid) { ASSERT_EQ(::kill(pid, signal_number), 0); };
    }
  } else {
    throw std::invalid_argument("unknown fault " + fault);
  }
  return in;
}

// One line per fault, for the table.
std::string fault_description(const std::string& fault) {
  static const std::map<std::string, std::string> descriptions = {
      {"throttle_burst", "2 throttling errors"},
      {"throttle_storm", "throttled on one more attempt than a call has"},
      {"http_5xx_burst", "HTTP 500, then 503"},
      {"http_503_storm", "HTTP 503 on one more attempt than a call has"},
      {"connection_reset", "connection reset, no answer"},
      {"reset_mid_body", "half the answer, then a reset (the request was applied)"},
      {"truncated_body", "HTTP 200 with half the body (not JSON)"},
      {"non_json_body", "a proxy's 502 HTML page"},
      {"slow_response", "answer after 2.5 s, timeout 1 s"},
      {"expired_creds_refreshed", "ExpiredToken; container credentials refresh"},
      {"expired_creds_still_expired", "ExpiredToken; the refresh yields expired credentials"},
      {"clock_skew", "clock-skew error (server 15 min ahead)"},
      {"missing_fields", "a field missing from the answer"},
      {"wrong_types", "a field of the wrong type"},
      {"empty_lists", "an empty list in the answer"},
      {"external_change", "another party deploys hotfix:1 meanwhile"},
      {"sigterm", "SIGTERM during the phase"},
      {"sigusr1", "SIGUSR1 (servo's cancel) during the phase"},
      {"scale_out", "the scaler moves the count 2 → 4 (no replicas requested)"},
      {"stale_read", "two DescribeServices answer the service as it was before the update"},
      {"killed_previous_run", "a killed run's deployment is still in progress"},
      {"concurrent_adjust", "another adjust of the service starts meanwhile"},
  };
  return descriptions.at(fault);
}

// ---- the test -------------------------------------------------------------------------------

// A rollback ECS accepted goes on after the driver exits (stop x cancel):
// where the service was left is where that rollback ends, so look after it.
void wait_for_rollbacks_in_ecs(SimFixture& sim) {
  auto rolling_back = [&sim] {
    for (const auto& row : sim.state().value("service_deployments", json::array())) {
      std::string status = row.value("status", "");
      if (status == "ROLLBACK_REQUESTED" || status == "ROLLBACK_IN_PROGRESS") return true;
    }
    return false;
  };
  auto until = std::chrono::steady_clock::now() + 10s;
  while (rolling_back() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(50ms);
}

fs::path results_dir() {
  if (const char* dir = std::getenv("ADJUST_FAULT_MATRIX_DIR"); dir != nullptr && *dir != '\0') return dir;
  return fs::path(adjust_binary()).parent_path() / "fault-matrix";
}

int exit_code_for(const std::string& status) {
  if (status == "ok") return 0;
  if (status == "rejected") return 3;
  if (status == "cancelled") return 4;
  return 1;
}

// Runs one cell and writes its result file, whatever the outcome.
class CellTest : public ::testing::Test {
 protected:
  void run(const std::string& strategy, const CellSpec& cell);

  void TearDown() override {
    if (m_cell == nullptr) return;
    const CellSpec& cell = *m_cell;
    m_result["strategy"] = m_strategy;
    m_result["phase"] = cell.phase;
    m_result["fault"] = cell.fault;
    m_result["expected"] = {
        {"status", cell.status}, {"reason", cell.reason}, {"revision", cell.revision}, {"count", cell.count}};
    m_result["note"] = cell.note;
    m_result["fault_description"] = fault_description(cell.fault);
    m_result["index"] = m_index;
    m_result["original"] = {
        {"revision", cell.fault == std::string("killed_previous_run") ? "hotfix:1" : "web:1"}, {"count", 2}};
    m_result["passed"] = !HasFailure() && !IsSkipped();
    std::error_code ignored;
    fs::create_directories(results_dir(), ignored);
    std::string prefix = m_strategy == "ROLLING" ? "" : m_strategy + "__";
    std::ofstream(results_dir() / (prefix + cell.phase + "__" + cell.fault + ".json"))
        << m_result.dump(2) << '\n';
  }

  const CellSpec* m_cell = nullptr;
  std::string m_strategy;
  std::ptrdiff_t m_index = 0;  // the table's row order
  json m_result = json::object();
};

class Cell : public CellTest, public ::testing::WithParamInterface<CellSpec> {};
class StrategyCell : public CellTest, public ::testing::WithParamInterface<StrategyCellSpec> {};

// The table's row order: where a fault first appears in the main matrix.
std::ptrdiff_t row_of(const std::string& fault) {
  return std::find_if(std::begin(k_cells), std::end(k_cells),
                      [&](const CellSpec& c) { return c.fault == fault; }) -
         std::begin(k_cells);
}

TEST_P(Cell, Run) { run("ROLLING", GetParam()); }

TEST_P(StrategyCell, Run) { run(GetParam().strategy, GetParam().cell); }

void CellTest::run(const std::string& strategy, const CellSpec& cell) {
  m_cell = &cell;
  m_strategy = strategy;
  m_index = row_of(cell.fault);
  const std::string phase = cell.phase;
  SimFixture::Options sim_options;
  sim_options.time_factor = strategy == "ROLLING" ? 20.0 : 60.0;
  sim_options.lifetime_seconds = 120;
  SimFixture sim(sim_options);
  json configuration = json::object();
  if (strategy != "ROLLING") configuration["bakeTimeInMinutes"] = 1;
  if (strategy == "LINEAR")
    configuration["linearConfiguration"] = {{"stepPercent", 50.0}, {"stepBakeTimeInMinutes", 1}};
  if (strategy == "CANARY")
    configuration["canaryConfiguration"] = {{"canaryPercent", 10.0}, {"canaryBakeTimeInMinutes", 1}};
  json service =
      strategy == "ROLLING" ? service_spec("web") : strategy_service_spec("web", strategy, configuration);
  sim.control("seed", {{"cluster", "demo"},
                       {"task_definitions", {task_definition("web"), task_definition("hotfix")}},
                       {"services", {service}}});
  const std::string fault = cell.fault;
  if (fault == "killed_previous_run") {
    // The killed run's deployment: hotfix:1, whose tasks never start.
    sim.set_scenario(scenario("web", "stall"));
    ecs_call(sim, "UpdateService", {{"cluster", "demo"}, {"service", "web"}, {"taskDefinition", "hotfix:1"}});
    sim.control("requests", json::object(), "DELETE");  // the driver's requests only
  }
  const bool failing = phase == "rollback" || phase == "stop";
  json fate = failing ? scenario("web", "fail_start", {{"failure", "oom"}}) : scenario("web", "converge");
  if (fault == "stale_read") fate["stale_describes"] = 2;
  // The driver, not ECS's breaker, ends the failing countless change: ECS rolls it back (Stop).
  if (fault == "scale_out" && phase == "rollback") fate["breaker"] = false;
  // ECS's circuit breaker would end the deployment before the driver judges it; stop is the driver's.
  if (phase == "stop") fate["breaker"] = false;
  fate.update({{"step", 2}, {"health_delay", 2}, {"drain_delay", 1}});
  sim.set_scenario(fate);

  Injection injection = inject(phase, cell.fault);
  json ids = sim.control("rules", {{"rules", injection.rules}}).at("ids");

  Workdir dir;
  // A 60 s deadline; a strategy's bakes need 2-3 minutes of ECS's time (2-3 s here).
  std::string component = component_yaml("web");
  if (strategy == "ROLLING") {
    component.replace(component.find("timeout_service_desired_count: 300"), 34,
                      "timeout_service_desired_count: 60");
  }
  CellOptions options;
  options.config_path = dir.write("config.yaml", config_yaml(sim.endpoint(), component));
  json request = k_new_size;
  if (fault == "scale_out") request.erase("replicas");  // the count is the scaler's
  options.request_path = dir.write("request.json", settings_request({{"web", request}}).dump());
  options.env = adjust_env(dir);
  options.env.emplace_back("AWS_MAX_ATTEMPTS", std::to_string(k_attempts));
  options.env.emplace_back("ADJUST_AWS_REQUEST_TIMEOUT", std::to_string(k_request_timeout_ms / 1000.0));
  if (injection.container_credentials) {
    std::erase_if(options.env, [](const auto& kv) {
      return kv.first.starts_with("AWS_ACCESS_KEY_ID") || kv.first.starts_with("AWS_SECRET_ACCESS_KEY");
    });
    options.env.emplace_back("AWS_CONTAINER_CREDENTIALS_FULL_URI", sim.endpoint() + "/creds");
    sim.control("credentials", {{"container",
                                 {{"credentials",
                                   {{"AccessKeyId", "ASIACONTAINEREXAMPLE"},
                                    {"SecretAccessKey", "containerSecretForTests"},
                                    {"Token", "containerToken"},
                                    {"expires_in", 3600}}}}}});
  }
  if (injection.hold >= 0) {
    options.hold_rule = ids.at(static_cast<std::size_t>(injection.hold)).get<int>();
    options.act = [&sim, act = injection.act](int pid) { act(sim, pid); };
  }
  // concurrent_adjust: the other run goes on by itself; it is looked at after ours.
  std::thread other_thread;
  AdjustRun other;
  if (fault == "concurrent_adjust") {
    const json theirs = {{"cpu", 1}, {"mem", 2}, {"replicas", 2}, {"MODE", "safe"}, {"LOG_LEVEL", "info"}};
    std::string config_text = config_yaml(sim.endpoint(), component);
    options.act = [&other_thread, &other, config_text, theirs](int) {
      other_thread = std::thread([&other, config_text, theirs] {
        other = run_adjust(config_text, settings_request({{"web", theirs}}));
      });
    };
  }

  CellRun run = run_cell(sim, options);
  if (other_thread.joinable()) other_thread.join();
  if (phase == "stop") wait_for_rollbacks_in_ecs(sim);
  ServiceAt at = service_at(sim, "web");
  int updates = sim.count("UpdateService");
  // Whether the service was ever changed: an UpdateService the sim applied
  // (answered 200, or cut mid-body) that asked for anything but web:1 x2.
  bool changed = false;
  for (const auto& update : sim.requests("operation=UpdateService")) {
    const json& params = update.at("params");
    bool applied = update.at("status") == 200 || update.at("fault") == "reset_mid_body";
    bool original = params.value("taskDefinition", k_arn_prefix + "web:1") == k_arn_prefix + "web:1" &&
                    params.value("desiredCount", 2) == 2;
    changed = changed || (applied && !original);
  }
  const json final = run.final.is_object() ? run.final : json::object();  // null: no line at all
  std::string message = final.value("message", std::string());
  m_result["actual"] = {{"status", final.value("status", "")},
                        {"reason", final.value("reason", "")},
                        {"exit_code", run.exit_code ? json(*run.exit_code) : json(nullptr)},
                        {"revision", at.revision},
                        {"count", at.count},
                        {"update_service_calls", updates},
                        {"service_changed", changed},
                        {"message", message}};
  m_result["seconds"] = std::round(run.elapsed.count() * 10) / 10;
  if (fault == "concurrent_adjust") {
    // Theirs is refused while ours deploys; before that it may finish (ok)
    // or be replaced by ours (overwritten), never anything else.
    m_result["other"] = other.final;
    std::string theirs = other.final.value("status", "") + "/" + other.final.value("reason", "");
    if (phase == "wait") {
      EXPECT_EQ(theirs, "failed/busy") << other.dump();
    } else {
      EXPECT_TRUE(theirs == "ok/success" || theirs == "failed/overwritten") << other.dump();
    }
  }
  const std::string context = "stdout:\n" + run.out + "\nstderr tail:\n" + run.log_tail;

  // The fault really hit: every injected rule fired.
  json rules = sim.control("rules", json::object(), "GET");
  for (const auto& injected : rules.at("rules")) {
    EXPECT_GE(injected.at("fired").get<int>(), 1) << "never fired: " << injected.dump() << "\n" << context;
  }
  // No hang: the binary exited by itself, long before the component's deadline.
  ASSERT_TRUE(run.exit_code.has_value()) << "still running after " << options.deadline.count() << " s\n"
                                         << context;
  EXPECT_LT(run.elapsed, k_verdict_within) << context;
  // stdout: only JSON objects; progress lines, then exactly one final line.
  EXPECT_TRUE(run.bad_lines.empty()) << context;
  ASSERT_FALSE(run.lines.empty()) << context;
  for (std::size_t i = 0; i + 1 < run.lines.size(); ++i) {
    EXPECT_TRUE(run.lines[i].contains("progress") && !run.lines[i].contains("status")) << run.lines[i];
  }
  // The verdict.
  EXPECT_EQ(final.value("status", ""), cell.status) << context;
  EXPECT_EQ(final.value("reason", ""), cell.reason) << context;
  EXPECT_EQ(*run.exit_code, exit_code_for(cell.status)) << context;
  if (*cell.evidence != '\0') {
    EXPECT_NE(message.find(cell.evidence), std::string::npos) << message;
  }
  // Where the service was left.
  EXPECT_EQ(at.revision, cell.revision) << sim.state().dump(1);
  EXPECT_EQ(at.count, cell.count) << sim.state().dump(1);
  // A fault before the update leaves the service alone: not even a no-op UpdateService.
  if ((phase == "describe" || phase == "register") &&
      (std::string(cell.revision) == "web:1" || fault == "killed_previous_run")) {
    EXPECT_EQ(updates, 0) << sim.requests("operation=UpdateService").dump(1);
  }
  // Credentials really were fetched again.
  if (std::string(cell.fault) == "expired_creds_refreshed") {
    EXPECT_GE(static_cast<int>(sim.requests("service=creds").size()), 2);
  }
}

INSTANTIATE_TEST_SUITE_P(FaultMatrix, Cell, ::testing::ValuesIn(k_cells), [](const auto& param_info) {
  return std::string(param_info.param.phase) + "_" + param_info.param.fault;
});

INSTANTIATE_TEST_SUITE_P(FaultMatrix, StrategyCell, ::testing::ValuesIn(strategy_cells()),
                         [](const auto& param_info) {
                           const StrategyCellSpec& spec = param_info.param;
                           return std::string(spec.strategy) + "_" + spec.cell.phase + "_" + spec.cell.fault;
                         });

}  // namespace
}  // namespace adjust::testing
