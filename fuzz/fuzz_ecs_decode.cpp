// Fuzz target: ECS (awsJson1_1) response bodies. Every input is served, with
// HTTP 200, as the answer to each ECS call the driver makes, the service
// deployments API included (through the real AwsClient and EcsClient over an
// in-memory transport), and to the Application Auto Scaling calls (same JSON
// 1.1 wire, AutoScalingClient); then what decoded
// feeds the task-definition clone, the --query current values and the plan.
// Contract: decoded values or ErrorCode::aws_bad_response; the later stages
// fail only with their documented codes; never a crash or an escaping exception.
#include "adjust/aws/autoscaling_client.hpp"
#include "adjust/aws/client.hpp"
#include "adjust/aws/ecs_client.hpp"
#include "adjust/base/clock.hpp"
#include "adjust/base/log.hpp"
#include "adjust/engine/read_state.hpp"
#include "adjust/logic/desired.hpp"
#include "adjust/logic/plan.hpp"
#include "adjust/logic/task_definition.hpp"
#include "adjust/protocol/request.hpp"
#include "fakes/transport.hpp"
#include "fuzz_config_fixture.hpp"

namespace {

using adjust::ErrorCode;

constexpr std::string_view k_request = R"({"application": {"components": {"web": {"settings": {
  "cpu": {"value": 1}, "memory": {"value": 2}, "replicas": {"value": 3},
  "GOGC": {"value": 150}, "MODE": {"value": "B"}}}}}})";

// What the engine would ask of component web.
const adjust::DesiredComponent& desired_web() {
  static const adjust::DesiredComponent desired = [] {
    auto request = adjust::parse_adjust_request(k_request);
    FUZZ_CHECK(request);
    auto state = adjust::validate_request(adjust::fuzz::fuzz_config(), *request);
    FUZZ_CHECK(state && state->components.size() == 1);
    return state->components.front();
  }();
  return desired;
}

// An EcsClient and an AutoScalingClient whose every call is answered by
// `body`, except ListTasks and DescribeScalableTargets which get it once (a
// nextToken / NextToken in it would otherwise page on for up to 1000 pages;
// ListServiceDeployments stops by itself after 10 pages).
class ServedBody {
 public:
  explicit ServedBody(std::string body)
      : m_body(std::move(body)),
        m_client(m_transport, m_credentials, m_clock, adjust::null_logger(), options(), [] { return 0.5; }),
        m_autoscaling_client(m_transport, m_credentials, m_clock, adjust::null_logger(),
                             autoscaling_options(), [] { return 0.5; }),
        m_ecs(m_client),
        m_autoscaling(m_autoscaling_client) {
    for (const char* operation :
         {"DescribeServices", "DescribeTaskDefinition", "DescribeTasks", "ListTaskDefinitions",
          "UpdateService", "ListServiceDeployments", "DescribeServiceDeployments", "DescribeServiceRevisions",
          "StopServiceDeployment", "ContinueServiceDeployment", "RegisterScalableTarget"}) {
      m_transport.on(operation, [this](const adjust::HttpRequest&) -> adjust::Result<adjust::HttpResponse> {
        return adjust::testing::text_reply(200, m_body);
      });
    }
  }

  adjust::EcsClient& ecs() { return m_ecs; }
  adjust::AutoScalingClient& autoscaling() { return m_autoscaling; }
  void serve_once() { m_transport.push(adjust::testing::text_reply(200, m_body)); }

 private:
  static adjust::AwsClientOptions options() {
    adjust::AwsClientOptions out;
    out.endpoint = {"https://ecs.us-east-1.amazonaws.com", "ecs", "us-east-1"};
    out.retry.max_attempts = 1;
    return out;
  }
  static adjust::AwsClientOptions autoscaling_options() {
    adjust::AwsClientOptions out;
    out.endpoint = {"https://application-autoscaling.us-east-1.amazonaws.com", "application-autoscaling",
                    "us-east-1"};
    out.retry.max_attempts = 1;
    return out;
  }

  std::string m_body;
  adjust::testing::FakeTransport m_transport;
  adjust::StaticCredentialsProvider m_credentials{
      adjust::Credentials{"AKIDFUZZ", "fuzz-secret", "fuzz-token", std::nullopt, "fuzz"}};
  adjust::SystemClock m_clock;
  adjust::AwsClient m_client;
  adjust::AwsClient m_autoscaling_client;
  adjust::EcsClient m_ecs;
  adjust::AutoScalingClient m_autoscaling;
};

template <class T>
void expect_decoded_or_bad_response(const adjust::Result<T>& result) {
  FUZZ_CHECK(result || result.error().code == ErrorCode::aws_bad_response);
}

void clone(const adjust::EcsTaskDefinition& definition) {
  (void)definition.arn();
  (void)adjust::task_cpu_units(definition.task_definition);
  (void)adjust::task_memory_mib(definition.task_definition);
  (void)adjust::has_created_by_tag(definition.tags);
  // A clone that changes nothing must not differ from its source.
  auto same = adjust::clone_task_definition(definition.task_definition, definition.tags, {});
  FUZZ_CHECK(!same || !same->changed());
  for (bool scale : {false, true}) {
    adjust::TaskDefinitionChange change;
    change.cpu_units = 1024;
    change.memory_mib = 2048;
    change.env = {{"", "GOGC", "150"}};
    change.scale_container_resources = scale;
    change.mark_created = scale;
    auto cloned = adjust::clone_task_definition(definition.task_definition, definition.tags, change);
    FUZZ_CHECK(cloned || cloned.error().code == ErrorCode::infeasible ||
               cloned.error().code == ErrorCode::not_found || cloned.error().code == ErrorCode::config ||
               cloned.error().code == ErrorCode::aws_bad_response);
  }
}

// The service deployments API: decoded values or aws_bad_response (Stop and
// Continue read nothing of their answer, but it must still be a JSON object).
void service_deployments(adjust::EcsClient& ecs) {
  const std::string arn = "arn:aws:ecs:us-east-1:1:service-deployment/fuzz/web/1";
  auto briefs = ecs.list_service_deployments({"fuzz", "web", std::chrono::system_clock::time_point{}, {}});
  expect_decoded_or_bad_response(briefs);
  auto deployments = ecs.describe_service_deployments({arn});
  expect_decoded_or_bad_response(deployments);
  if (deployments) {
    for (const auto& deployment : deployments->deployments) {
      FUZZ_CHECK(adjust::parse_service_deployment_status(deployment.status_text) == deployment.status);
      (void)adjust::is_completed(deployment.status);
    }
  }
  expect_decoded_or_bad_response(
      ecs.describe_service_revisions({"arn:aws:ecs:us-east-1:1:service-revision/fuzz/web/1"}));
  expect_decoded_or_bad_response(ecs.stop_service_deployment(arn, adjust::StopType::rollback));
  expect_decoded_or_bad_response(ecs.continue_service_deployment(arn, "hook", adjust::HookAction::resume));
}

// Application Auto Scaling: scalable targets or aws_bad_response.
void scalable_targets(ServedBody& served) {
  served.serve_once();
  auto targets = served.autoscaling().describe_scalable_targets({"service/fuzz/web", "service/fuzz/api"});
  // A second page is not served: the transport's "no scripted reply" error.
  FUZZ_CHECK(targets || targets.error().code == ErrorCode::aws_bad_response ||
             targets.error().code == ErrorCode::internal);
  if (targets) {
    for (const auto& target : *targets) FUZZ_CHECK(!target.resource_id.empty());
  }
  expect_decoded_or_bad_response(served.autoscaling().register_scalable_target("service/fuzz/web", 1, 3));
}

void plan(adjust::EcsApi& ecs) {
  const adjust::ComponentConfig* web = adjust::fuzz::fuzz_config().find_component("web");
  auto states = adjust::read_component_states(ecs, {web});
  if (!states) {
    const auto code = states.error().code;
    FUZZ_CHECK(code == ErrorCode::aws_bad_response || code == ErrorCode::not_found ||
               code == ErrorCode::unsupported);
    return;
  }
  for (const auto& state : *states) {
    auto current = adjust::current_values(state);
    FUZZ_CHECK(current || current.error().code == ErrorCode::unsupported ||
               current.error().code == ErrorCode::not_found || current.error().code == ErrorCode::config ||
               current.error().code == ErrorCode::aws_bad_response);
    auto planned = adjust::make_plan(state, desired_web());
    if (planned) {
      (void)adjust::describe_plan(*planned);
    } else {
      const auto code = planned.error().code;
      FUZZ_CHECK(code == ErrorCode::rejected_value || code == ErrorCode::infeasible ||
                 code == ErrorCode::config || code == ErrorCode::not_found ||
                 code == ErrorCode::aws_bad_response);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ServedBody served{std::string(adjust::fuzz::as_text(data, size))};
  adjust::EcsClient& ecs = served.ecs();

  auto services = ecs.describe_services("fuzz", {"web"});
  expect_decoded_or_bad_response(services);
  if (services) {
    for (const auto& service : services->services) (void)adjust::is_fargate(service);
  }
  auto definition = ecs.describe_task_definition("web:1");
  expect_decoded_or_bad_response(definition);
  if (definition) clone(*definition);
  expect_decoded_or_bad_response(ecs.describe_tasks("fuzz", {"arn:aws:ecs:us-east-1:1:task/fuzz/1"}));
  expect_decoded_or_bad_response(ecs.list_task_definitions("web"));
  expect_decoded_or_bad_response(ecs.update_service(adjust::UpdateServiceRequest{"fuzz", "web", {}, {}, {}}));

  service_deployments(ecs);

  served.serve_once();
  auto tasks = ecs.list_tasks("fuzz", "web", "RUNNING");
  // A second page is not served: the transport's "no scripted reply" error.
  FUZZ_CHECK(tasks || tasks.error().code == ErrorCode::aws_bad_response ||
             tasks.error().code == ErrorCode::internal);

  scalable_targets(served);

  plan(ecs);
  return 0;
}
