// Issue 14 item 3: `adjust doctor`, the real binary against the simulator.
// A passing setup, and each failing check (no credentials, wrong region,
// missing service, EC2 service, missing container, access denied on a
// read), each with its fix named; and never a call that changes anything:
// every request the simulator saw is a Describe, List or Get.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/adjust_e2e.hpp"

namespace adjust::testing {
namespace {

using nlohmann::json;

struct Doctor {
  AdjustRun run;
  std::vector<std::string> lines;  // stdout, line by line

  // The line about `check` (of `component`, when given); "" when there is none.
  std::string line_for(const std::string& check, const std::string& component = {}) const {
    std::string key = (component.empty() ? "" : "component " + component + ": ") + check + ": ";
    for (const auto& line : lines) {
      if (line.size() > 5 && line.compare(5, key.size(), key) == 0) return line;
    }
    return {};
  }
};

Doctor run_doctor(const std::string& config, const std::vector<std::string>& extra_args = {},
                  bool credentials = true) {
  Workdir dir;
  AdjustOptions options;
  options.args = {"--config", dir.write("config.yaml", config), "doctor"};
  options.args.insert(options.args.end(), extra_args.begin(), extra_args.end());
  options.args.push_back("app");
  options.close_stdin = true;
  options.env = adjust_env(dir);
  options.unset_env = k_unset;
  if (!credentials) {
    std::erase_if(options.env, [](const auto& entry) {
      return entry.first.starts_with("AWS_") && entry.first != "AWS_EC2_METADATA_DISABLED";
    });
    options.unset_env.insert(options.unset_env.end(), {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"});
  }
  Doctor doctor{run_adjust(options), {}};
  doctor.lines = lines_of(doctor.run.result.out);
  return doctor;
}

// Nothing the simulator saw could change anything.
void expect_read_only(SimFixture& sim) {
  for (const auto& request : sim.requests()) {
    std::string operation = request.value("operation", std::string());
    EXPECT_TRUE(operation.starts_with("Describe") || operation.starts_with("List") ||
                operation.starts_with("Get"))
        << "doctor sent " << operation;
  }
}

class DoctorE2e : public ::testing::Test {
 protected:
  void SetUp() override { seed(sim, {"web"}); }

  std::string config(const std::string& extra = {}, const std::string& service = {}) {
    return config_yaml(sim.endpoint(), component_yaml("web", extra, service));
  }

  SimFixture sim;
};

TEST_F(DoctorE2e, APassingSetupPassesEveryCheckAndExitsZero) {
  auto doctor = run_doctor(config("    keep_revisions: 3\n"));
  ASSERT_EQ(doctor.run.result.exit_code, 0) << doctor.run.dump();
  EXPECT_NE(doctor.line_for("config").find("1 component(s)"), std::string::npos);
  EXPECT_EQ(doctor.line_for("region and endpoints"),
            "ok   region and endpoints: us-east-1; every service at " + sim.endpoint());
  EXPECT_EQ(doctor.line_for("credentials"), "ok   credentials: from environment");
  EXPECT_EQ(doctor.line_for("identity"),
            "ok   identity: account 123456789012, arn:aws:iam::123456789012:user/sim");
  EXPECT_EQ(doctor.line_for("service", "web"),
            "ok   component web: service: web: ACTIVE, 2 of 2 tasks running, on web:1");
  EXPECT_EQ(doctor.line_for("launch type", "web"),
            "ok   component web: launch type: Fargate, ECS deployment controller, ROLLING");
  EXPECT_EQ(doctor.line_for("container", "web"),
            "ok   component web: container: MODE, LOG_LEVEL, GOGC in container web");
  EXPECT_EQ(doctor.line_for("target groups", "web"),
            "ok   component web: target groups: web-tg: 2 of 2 targets healthy");
  for (const char* check :
       {"cluster", "task definition", "tasks", "service deployments", "scalable target", "revisions"}) {
    EXPECT_TRUE(doctor.line_for(check, "web").starts_with("ok   ")) << check << "\n" << doctor.run.dump();
  }
  ASSERT_FALSE(doctor.lines.empty());
  EXPECT_TRUE(doctor.lines.back().starts_with("all 14 checks passed; nothing was changed"))
      << doctor.lines.back();
  expect_read_only(sim);
}

TEST_F(DoctorE2e, JsonIsOneDocumentWithEveryCheck) {
  auto doctor = run_doctor(config(), {"--json"});
  ASSERT_EQ(doctor.run.result.exit_code, 0) << doctor.run.dump();
  ASSERT_EQ(doctor.run.lines.size(), 1u) << doctor.run.dump();
  const json& report = doctor.run.lines.front();
  EXPECT_EQ(report.at("ok"), true);
  ASSERT_EQ(report.at("checks").size(), 13u);
  EXPECT_EQ(report["checks"][0]["check"], "config");
  EXPECT_EQ(report["checks"][4], json({{"check", "cluster"},
                                       {"component", "web"},
                                       {"ok", true},
                                       {"outcome", "pass"},
                                       {"detail", "demo found in us-east-1"}}));
  for (const auto& check : report.at("checks")) EXPECT_EQ(check.at("ok"), true) << check.dump();
}

TEST_F(DoctorE2e, NoCredentialsFailsWithTheSourcesToSetAndCallsNothing) {
  auto doctor = run_doctor(config(), {}, false);
  EXPECT_EQ(doctor.run.result.exit_code, 1) << doctor.run.dump();
  std::string line = doctor.line_for("credentials");
  EXPECT_TRUE(line.starts_with("FAIL credentials: ")) << line;
  EXPECT_NE(line.find("fix: give the driver credentials: AWS_PROFILE"), std::string::npos) << line;
  EXPECT_EQ(doctor.line_for("identity"), "skip identity: not checked: no credentials");
  EXPECT_TRUE(sim.requests().empty());
}

TEST_F(DoctorE2e, AWrongRegionFindsNoClusterAndSaysToCheckTheRegion) {
  sim.control("config", {{"regional", true}});
  std::string yaml = config();
  yaml.replace(yaml.find("us-east-1"), 9, "us-west-2");
  auto doctor = run_doctor(yaml);
  EXPECT_EQ(doctor.run.result.exit_code, 1) << doctor.run.dump();
  EXPECT_EQ(
      doctor.line_for("cluster", "web"),
      "FAIL component web: cluster: cluster demo not found in region us-west-2 — fix: check the component's "
      "`cluster:` (default: $FARGATE_CLUSTER, else default) and the region (config `region:`, AWS_REGION, "
      "the profile's region): a cluster lives in one region");
  EXPECT_EQ(
      doctor.line_for("service, launch type, task definition, container, tasks, service deployments, "
                      "target groups, scalable target",
                      "web"),
      "skip component web: service, launch type, task definition, container, tasks, service deployments, "
      "target groups, scalable target: not checked: cluster failed");
  EXPECT_TRUE(doctor.lines.back().starts_with("1 of 13 checks failed, 8 could not run"))
      << doctor.lines.back();
  expect_read_only(sim);
}

TEST_F(DoctorE2e, AMissingServiceNamesTheServicesTheClusterHasAndOtherComponentsAreStillChecked) {
  auto doctor =
      run_doctor(config_yaml(sim.endpoint(), component_yaml("ghost", {}, "webb") + component_yaml("web")));
  EXPECT_EQ(doctor.run.result.exit_code, 1) << doctor.run.dump();
  EXPECT_EQ(
      doctor.line_for("service", "ghost"),
      "FAIL component ghost: service: service webb not found in cluster demo — fix: check the component's "
      "`service_name:`; services in demo: web");
  EXPECT_EQ(doctor.line_for("service", "web"),
            "ok   component web: service: web: ACTIVE, 2 of 2 tasks running, on web:1");
  // Config order: every line about ghost comes before the first about web.
  auto first_web = std::find_if(doctor.lines.begin(), doctor.lines.end(), [](const std::string& line) {
    return line.find("component web:") != std::string::npos;
  });
  EXPECT_TRUE(std::none_of(first_web, doctor.lines.end(), [](const std::string& line) {
    return line.find("component ghost:") != std::string::npos;
  }));
  EXPECT_TRUE(doctor.lines.back().starts_with("1 of 22 checks failed, 7 could not run"))
      << doctor.lines.back();
  expect_read_only(sim);
}

TEST_F(DoctorE2e, AnEc2ServiceFailsTheLaunchTypeCheck) {
  json service = service_spec("api");
  service["launchType"] = "EC2";
  sim.control("seed",
              {{"cluster", "demo"}, {"task_definitions", {task_definition("api")}}, {"services", {service}}});
  auto doctor = run_doctor(config_yaml(sim.endpoint(), component_yaml("api")));
  EXPECT_EQ(doctor.run.result.exit_code, 1) << doctor.run.dump();
  EXPECT_EQ(doctor.line_for("launch type", "api"),
            "FAIL component api: launch type: service api in cluster demo uses launch type EC2; only Fargate "
            "services can be adjusted — fix: "
            "adjust tunes Fargate services on the ECS deployment controller only: remove this component");
  expect_read_only(sim);
}

TEST_F(DoctorE2e, AMissingContainerNamesTheContainersThereAre) {
  auto doctor = run_doctor(config("    container: sidecar\n"));
  EXPECT_EQ(doctor.run.result.exit_code, 1) << doctor.run.dump();
  EXPECT_EQ(
      doctor.line_for("container", "web"),
      "FAIL component web: container: MODE: container \"sidecar\" is not in the task definition (it has: "
      "web) — "
      "fix: set `container:` on the component (or on the setting) to a container the task definition has");
  expect_read_only(sim);
}

struct DeniedRead {
  std::string operation;
  std::string check;
  std::string permission;
};

class DoctorDeniedE2e : public DoctorE2e, public ::testing::WithParamInterface<DeniedRead> {};

TEST_P(DoctorDeniedE2e, AccessDeniedOnAReadNamesThePermissionToAllow) {
  const auto& denied = GetParam();
  sim.add_rule({{"operation", denied.operation},
                {"action", "error"},
                {"status", 400},
                {"code", "AccessDeniedException"},
                {"message", "User: arn:aws:iam::123456789012:user/sim is not authorized to perform: " +
                                denied.permission}});
  auto doctor = run_doctor(config());
  EXPECT_EQ(doctor.run.result.exit_code, 1) << doctor.run.dump();
  std::string line = doctor.line_for(denied.check, "web");
  EXPECT_TRUE(line.starts_with("FAIL component web: " + denied.check + ": " + denied.operation)) << line;
  EXPECT_NE(line.find("fix: allow " + denied.permission), std::string::npos) << line;
  expect_read_only(sim);
}

INSTANTIATE_TEST_SUITE_P(Reads, DoctorDeniedE2e,
                         ::testing::Values(DeniedRead{"DescribeServices", "cluster", "ecs:DescribeServices"},
                                           DeniedRead{"DescribeTaskDefinition", "task definition",
                                                      "ecs:DescribeTaskDefinition"},
                                           DeniedRead{"ListTasks", "tasks", "ecs:ListTasks"},
                                           DeniedRead{"DescribeTargetHealth", "target groups",
                                                      "elasticloadbalancing:DescribeTargetHealth"},
                                           DeniedRead{"DescribeScalableTargets", "scalable target",
                                                      "application-autoscaling:DescribeScalableTargets"}),
                         [](const auto& test) { return test.param.operation; });

TEST_F(DoctorE2e, WithoutTheServiceDeploymentsApiItWarnsButPasses) {
  sim.control("config", {{"deployments_api", "denied"}});
  auto doctor = run_doctor(config());
  EXPECT_EQ(doctor.run.result.exit_code, 0) << doctor.run.dump();
  std::string line = doctor.line_for("service deployments", "web");
  EXPECT_TRUE(line.starts_with("warn component web: service deployments: ListServiceDeployments unavailable"))
      << line;
  EXPECT_NE(line.find("fix: allow ecs:ListServiceDeployments"), std::string::npos) << line;
  EXPECT_TRUE(doctor.lines.back().starts_with("all 13 checks passed (1 with a warning)"))
      << doctor.lines.back();
}

TEST_F(DoctorE2e, AMissingConfigFileSaysWhereItLookedAndHowToPointAtOne) {
  Workdir dir;
  AdjustOptions options;
  options.args = {"--config", dir.path() + "/nope.yaml", "doctor"};
  options.close_stdin = true;
  options.env = adjust_env(dir);
  options.unset_env = k_unset;
  auto run = run_adjust(options);
  EXPECT_EQ(run.result.exit_code, 1) << run.dump();
  auto lines = lines_of(run.result.out);
  ASSERT_EQ(lines.size(), 2u) << run.dump();
  EXPECT_TRUE(lines[0].starts_with("FAIL config: ")) << lines[0];
  EXPECT_NE(lines[0].find("nope.yaml"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("fix: pass --config PATH, set OPTUNE_CONFIG, or create ./config.yaml"),
            std::string::npos);
  EXPECT_TRUE(sim.requests().empty());
}

}  // namespace
}  // namespace adjust::testing
