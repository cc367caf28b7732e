#include "support/adjust_e2e.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace adjust::testing {

using json = nlohmann::json;
using namespace std::chrono_literals;

const std::string k_arn_prefix = "arn:aws:ecs:us-east-1:123456789012:task-definition/";

SimFixture::Options fast_sim(std::optional<std::string> upstream) {
  SimFixture::Options options;
  options.upstream = std::move(upstream);
  options.time_factor = 10.0;
  options.lifetime_seconds = 300;
  return options;
}

json scenario(const std::string& service, const std::string& kind, json extra) {
  json body = {{"cluster", "demo"}, {"service", service}, {"scenario", kind},
               {"step", 2},         {"health_delay", 4},  {"drain_delay", 2}};
  body.update(extra);
  return body;
}

json task_definition(const std::string& family, json container_extra) {
  json container = {
      {"name", "web"},
      {"image", "nginx:1.25"},
      {"essential", true},
      {"portMappings", {{{"containerPort", 8080}, {"protocol", "tcp"}}}},
      {"environment", {{{"name", "MODE"}, {"value", "safe"}}, {{"name", "LOG_LEVEL"}, {"value", "info"}}}}};
  container.update(container_extra);
  return {{"family", family},
          {"cpu", "256"},
          {"memory", "512"},
          {"networkMode", "awsvpc"},
          {"requiresCompatibilities", {"FARGATE"}},
          {"containerDefinitions", {container}}};
}

std::string target_group(const std::string& name) {
  return "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/" + name + "-tg/0123456789abcdef";
}

json service_spec(const std::string& name) {
  return {{"serviceName", name},
          {"desiredCount", 2},
          {"taskDefinition", name + ":1"},
          {"loadBalancers",
           {{{"targetGroupArn", target_group(name)}, {"containerName", "web"}, {"containerPort", 8080}}}}};
}

json strategy_service_spec(const std::string& name, const std::string& strategy, const json& configuration) {
  json service = service_spec(name);
  json deployment = {{"deploymentCircuitBreaker", {{"enable", true}, {"rollback", true}}},
                     {"maximumPercent", 200},
                     {"minimumHealthyPercent", 100},
                     {"strategy", strategy}};
  deployment.update(configuration);
  service["deploymentConfiguration"] = deployment;
  if (strategy != "ROLLING") {
    service["loadBalancers"][0]["advancedConfiguration"] = {
        {"alternateTargetGroupArn", target_group(name + "-alt")},
        {"productionListenerRule",
         "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/" + name + "/1/2/3"},
        {"roleArn", "arn:aws:iam::123456789012:role/ecs-blue-green"}};
  }
  return service;
}

void seed(SimFixture& sim, const std::vector<std::string>& names) {
  json tds = json::array();
  json services = json::array();
  for (const auto& name : names) {
    tds.push_back(task_definition(name));
    services.push_back(service_spec(name));
  }
  sim.control("seed", {{"cluster", "demo"}, {"task_definitions", tds}, {"services", services}});
}

std::string component_yaml(const std::string& name, const std::string& extra,
                           const std::string& service_name) {
  return "  " + name +
         ":\n"
         "    service_name: " +
         (service_name.empty() ? name : service_name) +
         "\n"
         "    cluster: demo\n"
         "    timeout_service_desired_count: 300\n" +
         extra +
         "    settings:\n"
         "      cpu: {type: enum, values: ['0.25', '0.5', '1']}\n"
         "      mem: {type: range, min: 0.5, max: 4, step: 0.5}\n"
         "      replicas: {min: 1, max: 6}\n"
         "    environment:\n"
         "      MODE: {type: enum, values: [safe, fast]}\n"
         "      LOG_LEVEL: {type: enum, values: [info, debug]}\n"
         "      GOGC: {type: range, min: 50, max: 300, step: 10, default: 100}\n";
}

std::string config_yaml(const std::string& endpoint, const std::string& components) {
  return "fargate:\n  region: us-east-1\n  endpoint_url: " + endpoint + "\n" + components;
}

json settings_request(const std::map<std::string, json>& by_component) {
  json components = json::object();
  for (const auto& [name, settings] : by_component) {
    json wrapped = json::object();
    for (const auto& [setting, value] : settings.items()) wrapped[setting] = {{"value", value}};
    components[name] = {{"settings", wrapped}};
  }
  return {{"application", {{"components", components}}}, {"control", json::object()}};
}

EnvVars adjust_env(const Workdir& dir) {
  return {{"AWS_ACCESS_KEY_ID", "AKIDTEST"},
          {"AWS_SECRET_ACCESS_KEY", "secret"},
          {"AWS_EC2_METADATA_DISABLED", "true"},
          {"HOME", dir.path()},
          {"ADJUST_LOG_LEVEL", "info"}};
}

const std::vector<std::string> k_unset = {"AWS_SESSION_TOKEN",
                                          "AWS_PROFILE",
                                          "AWS_DEFAULT_PROFILE",
                                          "AWS_REGION",
                                          "AWS_DEFAULT_REGION",
                                          "AWS_ENDPOINT_URL",
                                          "AWS_ENDPOINT_URL_ECS",
                                          "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2",
                                          "AWS_ENDPOINT_URL_STS",
                                          "AWS_CONFIG_FILE",
                                          "AWS_SHARED_CREDENTIALS_FILE",
                                          "AWS_WEB_IDENTITY_TOKEN_FILE",
                                          "AWS_ROLE_ARN",
                                          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                                          "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                          "OPTUNE_CONFIG",
                                          "FARGATE_CLUSTER"};

AdjustRun run_adjust(const std::string& config, const json& request, std::vector<std::string> extra_args,
                     std::chrono::milliseconds timeout) {
  Workdir dir;
  AdjustOptions options;
  options.args = {"--config", dir.write("config.yaml", config)};
  options.args.insert(options.args.end(), extra_args.begin(), extra_args.end());
  options.args.push_back("app");
  options.stdin_text = request.dump();
  options.env = adjust_env(dir);
  options.unset_env = k_unset;
  options.timeout = timeout;
  AdjustRun run = run_adjust(options);
  for (const auto& line : run.bad_lines) ADD_FAILURE() << "stdout line is not a JSON object: " << line;
  return run;
}

std::string message_of(const AdjustRun& run) { return run.final.value("message", std::string()); }

const json& service_in(const json& state, const std::string& name) {
  for (const auto& service : state.at("services")) {
    if (service.at("serviceName") == name) return service;
  }
  throw std::runtime_error("no service " + name + " in sim state");
}

const json* primary_of(const json& service) {
  for (const auto& deployment : service.at("deployments")) {
    if (deployment.at("status") == "PRIMARY") return &deployment;
  }
  return nullptr;
}

void expect_primary(SimFixture& sim, const std::string& name, const std::string& revision, int count) {
  json service = service_in(sim.state(), name);
  const json* primary = primary_of(service);
  ASSERT_NE(primary, nullptr) << service.dump(2);
  EXPECT_EQ(primary->at("taskDefinition"), k_arn_prefix + revision) << service.dump(2);
  EXPECT_EQ(primary->at("desiredCount"), count) << service.dump(2);
  EXPECT_EQ(service.at("desiredCount"), count);
}

int mutating_calls(SimFixture& sim) {
  return sim.count("RegisterTaskDefinition") + sim.count("UpdateService") +
         sim.count("DeregisterTaskDefinition") + sim.count("TagResource");
}

const json k_new_size = {{"cpu", 0.5}, {"mem", 1}, {"replicas", 3}, {"MODE", "fast"}, {"LOG_LEVEL", "debug"}};

}  // namespace adjust::testing
