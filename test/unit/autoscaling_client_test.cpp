#include "adjust/aws/autoscaling_client.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "adjust/aws/client.hpp"
#include "adjust/aws/endpoints.hpp"
#include "adjust/aws/session.hpp"
#include "fakes/clock.hpp"
#include "fakes/transport.hpp"

namespace adjust {
namespace {

using testing::FakeClock;
using testing::FakeTransport;
using testing::json_reply;

constexpr const char* k_web = "service/prod/web";

// A target as botocore's model and the simulator render it.
nlohmann::json target_json(const std::string& resource_id, int min_capacity, int max_capacity) {
  return {{"ServiceNamespace", "ecs"},
          {"ResourceId", resource_id},
          {"ScalableDimension", "ecs:service:DesiredCount"},
          {"MinCapacity", min_capacity},
          {"MaxCapacity", max_capacity},
          {"RoleARN",
           "arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
           "AWSServiceRoleForApplicationAutoScaling_ECSService"},
          {"CreationTime", 1795200000.125},
          {"SuspendedState",
           {{"DynamicScalingInSuspended", false},
            {"DynamicScalingOutSuspended", false},
            {"ScheduledScalingSuspended", false}}},
          {"ScalableTargetARN",
           "arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/0ec5"
           "0123456789abcdef0123456789abcdef"}};
}

// Application Auto Scaling's JSON 1.1 error: {"__type", "Message"} (capital M).
HttpResponse aas_error(long status, const std::string& type, const std::string& message,
                       const std::string& request_id = "rq-1") {
  return json_reply(status, {{"__type", type}, {"Message", message}},
                    {{"X-Amzn-ErrorType", type}, {"x-amzn-RequestId", request_id}});
}

struct AutoScalingFixture {
  AutoScalingFixture() {
    AwsClientOptions options;
    options.endpoint = {"https://application-autoscaling.us-east-1.amazonaws.com",
                        std::string(signing_name(AwsService::autoscaling)), "us-east-1"};
    aws = std::make_unique<AwsClient>(transport, credentials, clock, null_logger(), options,
                                      [] { return 0.0; });
    autoscaling = std::make_unique<AutoScalingClient>(*aws);
  }
  FakeTransport transport;
  StaticCredentialsProvider credentials{Credentials{"AKID", "secret", "", std::nullopt, "test"}};
  FakeClock clock;
  std::unique_ptr<AwsClient> aws;
  std::unique_ptr<AutoScalingClient> autoscaling;
};

TEST(ScalableResourceId, FromNamesAndArns) {
  EXPECT_EQ(scalable_resource_id("prod", "web"), k_web);
  EXPECT_EQ(scalable_resource_id("arn:aws:ecs:us-east-1:123456789012:cluster/prod",
                                 "arn:aws:ecs:us-east-1:123456789012:service/prod/web"),
            k_web);
  // The old service ARN format has no cluster in it.
  EXPECT_EQ(scalable_resource_id("prod", "arn:aws:ecs:us-east-1:123456789012:service/web"), k_web);
}

TEST(AutoScalingClient, DescribeSendsJson11ToApplicationAutoScaling) {
  AutoScalingFixture f;
  f.transport.push(json_reply(200, {{"ScalableTargets", {target_json(k_web, 2, 10)}}}));
  auto targets = f.autoscaling->describe_scalable_targets({k_web});
  ASSERT_TRUE(targets) << targets.error().message;
  ASSERT_EQ(f.transport.request_count(), 1u);
  auto request = f.transport.last_request();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://application-autoscaling.us-east-1.amazonaws.com/");
  EXPECT_EQ(find_header(request.headers, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(find_header(request.headers, "X-Amz-Target"), "AnyScaleFrontendService.DescribeScalableTargets");
  EXPECT_NE(find_header(request.headers, "Authorization")
                .value_or("")
                .find("Credential=AKID/20150830/us-east-1/application-autoscaling/aws4_request"),
            std::string::npos)
      << find_header(request.headers, "Authorization").value_or("");
  EXPECT_EQ(nlohmann::json::parse(request.body),
            (nlohmann::json{{"ServiceNamespace", "ecs"},
                            {"ResourceIds", {k_web}},
                            {"ScalableDimension", "ecs:service:DesiredCount"},
                            {"MaxResults", 50}}));
}

TEST(AutoScalingClient, DescribeDecodesTargetsAndSuspendedState) {
  AutoScalingFixture f;
  auto scaled_in = target_json("service/prod/api", 1, 4);
  scaled_in["SuspendedState"]["DynamicScalingInSuspended"] = true;
  scaled_in["SuspendedState"]["ScheduledScalingSuspended"] = true;
  scaled_in["PredictedCapacity"] = 3;  // a field we do not know
  auto bare = target_json("service/prod/worker", 0, 0);
  bare.erase("SuspendedState");
  bare.erase("CreationTime");
  f.transport.push(json_reply(200, {{"ScalableTargets", {target_json(k_web, 2, 10), scaled_in, bare}}}));
  auto targets = f.autoscaling->describe_scalable_targets({k_web, "service/prod/api", "service/prod/worker"});
  ASSERT_TRUE(targets) << targets.error().message;
  ASSERT_EQ(targets->size(), 3u);
  const auto& web = (*targets)[0];
  EXPECT_EQ(web.resource_id, k_web);
  EXPECT_EQ(web.min_capacity, 2);
  EXPECT_EQ(web.max_capacity, 10);
  EXPECT_FALSE(web.scale_in_suspended);
  EXPECT_FALSE(web.scale_out_suspended);
  EXPECT_FALSE(web.scheduled_suspended);
  const auto& api = (*targets)[1];
  EXPECT_EQ(api.resource_id, "service/prod/api");
  EXPECT_EQ(api.min_capacity, 1);
  EXPECT_EQ(api.max_capacity, 4);
  EXPECT_TRUE(api.scale_in_suspended);
  EXPECT_FALSE(api.scale_out_suspended);
  EXPECT_TRUE(api.scheduled_suspended);
  const auto& worker = (*targets)[2];
  EXPECT_EQ(worker.resource_id, "service/prod/worker");
  EXPECT_EQ(worker.max_capacity, 0);
  EXPECT_FALSE(worker.scale_in_suspended || worker.scale_out_suspended || worker.scheduled_suspended);
}

TEST(AutoScalingClient, DescribeSkipsTargetsOfAnotherDimensionOrNamespace) {
  AutoScalingFixture f;
  auto other_dimension = target_json("table/orders", 5, 50);
  other_dimension["ServiceNamespace"] = "dynamodb";
  other_dimension["ScalableDimension"] = "dynamodb:table:ReadCapacityUnits";
  auto other_namespace = target_json("service/prod/odd", 1, 1);
  other_namespace["ServiceNamespace"] = "custom-resource";
  f.transport.push(
      json_reply(200, {{"ScalableTargets", {other_dimension, target_json(k_web, 2, 10), other_namespace}}}));
  auto targets = f.autoscaling->describe_scalable_targets({k_web});
  ASSERT_TRUE(targets) << targets.error().message;
  ASSERT_EQ(targets->size(), 1u);
  EXPECT_EQ((*targets)[0].resource_id, k_web);
}

TEST(AutoScalingClient, DescribeSendsFiftyIdsPerCallAndMergesInOrder) {
  AutoScalingFixture f;
  f.transport.on("DescribeScalableTargets", [](const HttpRequest& request) -> Result<HttpResponse> {
    auto body = nlohmann::json::parse(request.body);
    nlohmann::json targets = nlohmann::json::array();
    for (const auto& id : body.at("ResourceIds")) {
      if (id != "service/prod/svc-77") targets.push_back(target_json(id.get<std::string>(), 1, 3));
    }
    return json_reply(200, {{"ScalableTargets", targets}});
  });
  std::vector<std::string> ids;
  for (int i = 0; i < 120; ++i) ids.push_back("service/prod/svc-" + std::to_string(i));
  ids.push_back("service/prod/svc-3");  // a duplicate is asked for once
  auto targets = f.autoscaling->describe_scalable_targets(ids);
  ASSERT_TRUE(targets) << targets.error().message;
  auto bodies = f.transport.json_bodies("DescribeScalableTargets");
  ASSERT_EQ(bodies.size(), 3u);
  EXPECT_EQ(bodies[0].at("ResourceIds").size(), 50u);
  EXPECT_EQ(bodies[1].at("ResourceIds").size(), 50u);
  EXPECT_EQ(bodies[2].at("ResourceIds").size(), 20u);
  EXPECT_EQ(bodies[1].at("ResourceIds").front(), "service/prod/svc-50");
  EXPECT_EQ(bodies[2].at("ResourceIds").back(), "service/prod/svc-119");
  for (const auto& body : bodies) {
    EXPECT_EQ(body.at("ServiceNamespace"), "ecs");
    EXPECT_EQ(body.at("ScalableDimension"), "ecs:service:DesiredCount");
    EXPECT_EQ(body.at("MaxResults"), 50);
    EXPECT_FALSE(body.contains("NextToken"));
  }
  ASSERT_EQ(targets->size(), 119u);  // svc-77 has none: simply absent
  EXPECT_EQ(targets->front().resource_id, "service/prod/svc-0");
  EXPECT_EQ((*targets)[77].resource_id, "service/prod/svc-78");
  EXPECT_EQ(targets->back().resource_id, "service/prod/svc-119");
}

TEST(AutoScalingClient, DescribeFollowsNextTokenWithTheSameIds) {
  AutoScalingFixture f;
  f.transport.push(
      json_reply(200, {{"ScalableTargets", {target_json(k_web, 2, 10)}}, {"NextToken", "page2"}}));
  f.transport.push(json_reply(200, {{"ScalableTargets", nlohmann::json::array()}, {"NextToken", "page3"}}));
  f.transport.push(json_reply(200, {{"ScalableTargets", {target_json("service/prod/api", 1, 4)}}}));
  auto targets = f.autoscaling->describe_scalable_targets({k_web, "service/prod/api"});
  ASSERT_TRUE(targets) << targets.error().message;
  ASSERT_EQ(targets->size(), 2u);
  EXPECT_EQ((*targets)[1].resource_id, "service/prod/api");
  auto bodies = f.transport.json_bodies("DescribeScalableTargets");
  ASSERT_EQ(bodies.size(), 3u);
  EXPECT_FALSE(bodies[0].contains("NextToken"));
  auto second = bodies[0];
  second["NextToken"] = "page2";
  EXPECT_EQ(bodies[1], second);
  EXPECT_EQ(bodies[2].at("NextToken"), "page3");
  EXPECT_EQ(bodies[2].at("ResourceIds"), bodies[0].at("ResourceIds"));
}

TEST(AutoScalingClient, NoIdsNoCall) {
  // An empty ResourceIds would ask for every scalable target of the namespace.
  AutoScalingFixture f;
  auto targets = f.autoscaling->describe_scalable_targets({});
  ASSERT_TRUE(targets) << targets.error().message;
  EXPECT_TRUE(targets->empty());
  EXPECT_EQ(f.transport.request_count(), 0u);
}

// The error of decoding one DescribeScalableTargets answer.
std::string decode_error(const nlohmann::json& response) {
  auto page = decode_scalable_targets_page(response);
  if (page) return "decoded";
  EXPECT_EQ(page.error().code, ErrorCode::aws_bad_response);
  return page.error().message;
}

TEST(AutoScalingDecode, WrongTypesNameThePath) {
  auto wrong = [](const char* key, nlohmann::json value) {
    auto target = target_json(k_web, 2, 10);
    target[key] = std::move(value);
    return nlohmann::json{{"ScalableTargets", {target_json("service/prod/api", 1, 4), target}}};
  };
  EXPECT_EQ(
      decode_error(wrong("MinCapacity", "2")),
      "DescribeScalableTargets response: /ScalableTargets/1/MinCapacity: expected an integer, got string");
  EXPECT_EQ(
      decode_error(wrong("MaxCapacity", 2.5)),
      "DescribeScalableTargets response: /ScalableTargets/1/MaxCapacity: expected an integer, got number");
  EXPECT_EQ(decode_error(wrong("ResourceId", 7)),
            "DescribeScalableTargets response: /ScalableTargets/1/ResourceId: expected a string, got number");
  EXPECT_EQ(decode_error(wrong("ScalableDimension", nlohmann::json::array())),
            "DescribeScalableTargets response: /ScalableTargets/1/ScalableDimension: expected a string, got "
            "array");
  EXPECT_EQ(decode_error(wrong("SuspendedState", true)),
            "DescribeScalableTargets response: /ScalableTargets/1/SuspendedState: expected an object, got "
            "boolean");
  auto suspended = target_json(k_web, 2, 10);
  suspended["SuspendedState"]["DynamicScalingOutSuspended"] = "false";
  EXPECT_EQ(decode_error({{"ScalableTargets", {suspended}}}),
            "DescribeScalableTargets response: /ScalableTargets/0/SuspendedState/DynamicScalingOutSuspended: "
            "expected a boolean, got string");
  EXPECT_EQ(decode_error({{"ScalableTargets", {"service/prod/web"}}}),
            "DescribeScalableTargets response: /ScalableTargets/0: expected an object, got string");
  EXPECT_EQ(decode_error({{"ScalableTargets", nlohmann::json::array()}, {"NextToken", 3}}),
            "DescribeScalableTargets response: /NextToken: expected a string, got number");
  EXPECT_EQ(decode_error({{"ScalableTargets", "none"}}),
            "DescribeScalableTargets response: /ScalableTargets: expected an array, got string");
}

TEST(AutoScalingDecode, RequiredMembersMustBePresent) {
  // A missing bound must not read as 0: the driver may restore what it read.
  for (const char* key : {"ResourceId", "ScalableDimension", "MinCapacity", "MaxCapacity"}) {
    auto target = target_json(k_web, 2, 10);
    target.erase(key);
    EXPECT_EQ(decode_error({{"ScalableTargets", {target}}}),
              std::string("DescribeScalableTargets response: /ScalableTargets/0/") + key + " is missing");
  }
  auto null_min = target_json(k_web, 2, 10);
  null_min["MinCapacity"] = nullptr;
  EXPECT_EQ(decode_error({{"ScalableTargets", {null_min}}}),
            "DescribeScalableTargets response: /ScalableTargets/0/MinCapacity is missing");
  EXPECT_EQ(decode_error(nlohmann::json::object()),
            "DescribeScalableTargets response: /ScalableTargets is missing");
  // Without a namespace the dimension still says what the target is.
  auto no_namespace = target_json(k_web, 2, 10);
  no_namespace.erase("ServiceNamespace");
  auto page = decode_scalable_targets_page({{"ScalableTargets", {no_namespace}}});
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->targets.size(), 1u);
  EXPECT_EQ(page->next_token, "");
}

TEST(AutoScalingClient, ABadPageFailsTheCall) {
  AutoScalingFixture f;
  auto bad = target_json(k_web, 2, 10);
  bad["MaxCapacity"] = "10";
  f.transport.push(
      json_reply(200, {{"ScalableTargets", {target_json("service/prod/api", 1, 4)}}, {"NextToken", "p2"}}));
  f.transport.push(json_reply(200, {{"ScalableTargets", {bad}}}));
  auto targets = f.autoscaling->describe_scalable_targets({k_web, "service/prod/api"});
  ASSERT_FALSE(targets);
  EXPECT_EQ(targets.error().code, ErrorCode::aws_bad_response);
  EXPECT_EQ(
      targets.error().message,
      "DescribeScalableTargets response: /ScalableTargets/0/MaxCapacity: expected an integer, got string");
}

TEST(AutoScalingClient, ErrorsMapLikeEveryJsonCall) {
  AutoScalingFixture f;
  f.transport.push(aas_error(400, "AccessDeniedException",
                             "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
                             "application-autoscaling:DescribeScalableTargets"));
  auto denied = f.autoscaling->describe_scalable_targets({k_web});
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, ErrorCode::aws_auth);  // as ECS's AccessDeniedException
  EXPECT_EQ(denied.error().aws_code, "AccessDeniedException");
  EXPECT_EQ(denied.error().http_status, 400);
  EXPECT_EQ(denied.error().message,
            "DescribeScalableTargets: AccessDeniedException: User: arn:aws:iam::123456789012:user/ci is not "
            "authorized to perform: application-autoscaling:DescribeScalableTargets (request id rq-1)");
  EXPECT_EQ(f.transport.request_count(), 1u);

  // No X-Amzn-ErrorType header, a namespaced __type: the body alone names it.
  f.transport.push(json_reply(
      400, {{"__type", "com.amazonaws.autoscaling#ValidationException"}, {"Message", "1 validation error"}}));
  auto invalid = f.autoscaling->register_scalable_target(k_web, 5, 2);
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code, ErrorCode::aws_client);
  EXPECT_EQ(invalid.error().aws_code, "ValidationException");
  EXPECT_EQ(invalid.error().message, "RegisterScalableTarget: ValidationException: 1 validation error");

  f.transport.push(aas_error(400, "ObjectNotFoundException", "No scalable target registered", "rq-3"));
  auto missing = f.autoscaling->register_scalable_target(k_web, 1, 2);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::aws_client);
  EXPECT_EQ(missing.error().aws_code, "ObjectNotFoundException");
  EXPECT_EQ(f.transport.request_count(), 3u) << "client errors are not retried";

  // Throttling goes through the retry policy.
  f.transport.push(aas_error(400, "ThrottlingException", "Rate exceeded"));
  f.transport.push(json_reply(200, {{"ScalableTargets", {target_json(k_web, 2, 10)}}}));
  auto retried = f.autoscaling->describe_scalable_targets({k_web});
  ASSERT_TRUE(retried) << retried.error().message;
  EXPECT_EQ(retried->size(), 1u);
  EXPECT_EQ(f.transport.request_count(), 5u);
}

TEST(AutoScalingClient, RegisterSetsOnlyTheBounds) {
  AutoScalingFixture f;
  f.transport.push(
      json_reply(200, {{"ScalableTargetARN",
                        "arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/0ec5"
                        "0123456789abcdef0123456789abcdef"}}));
  auto registered = f.autoscaling->register_scalable_target(k_web, 3, 3);
  ASSERT_TRUE(registered) << registered.error().message;
  auto request = f.transport.last_request();
  EXPECT_EQ(find_header(request.headers, "X-Amz-Target"), "AnyScaleFrontendService.RegisterScalableTarget");
  EXPECT_EQ(find_header(request.headers, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(nlohmann::json::parse(request.body),
            (nlohmann::json{{"ServiceNamespace", "ecs"},
                            {"ResourceId", k_web},
                            {"ScalableDimension", "ecs:service:DesiredCount"},
                            {"MinCapacity", 3},
                            {"MaxCapacity", 3}}));
  // Its answer tells nothing we need, but it must be a JSON object.
  f.transport.push(testing::text_reply(200, "[]"));
  auto garbled = f.autoscaling->register_scalable_target(k_web, 3, 3);
  ASSERT_FALSE(garbled);
  EXPECT_EQ(garbled.error().code, ErrorCode::aws_bad_response);
}

TEST(AwsSession, AutoScalingUsesItsEndpointSigningNameAndTheSessionCredentials) {
  MapEnvironment env;  // no HOME: no profile files
  env.set("AWS_REGION", "eu-west-1");
  env.set("AWS_ACCESS_KEY_ID", "AKIDENV");
  env.set("AWS_SECRET_ACCESS_KEY", "secret");
  env.set("AWS_ENDPOINT_URL", "http://127.0.0.1:5000");
  env.set("AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING", "http://127.0.0.1:5003");
  FakeTransport transport;
  FakeClock clock;
  auto session = open_aws_session(AwsSettings{}, env, transport, clock, null_logger());
  ASSERT_TRUE(session) << session.error().message;
  transport.push(json_reply(200, {{"ScalableTargets", {target_json(k_web, 2, 10)}}}));
  auto targets = (*session)->autoscaling().describe_scalable_targets({k_web});
  ASSERT_TRUE(targets) << targets.error().message;
  EXPECT_EQ(targets->size(), 1u);
  auto request = transport.last_request();
  EXPECT_EQ(request.url, "http://127.0.0.1:5003/");
  EXPECT_NE(find_header(request.headers, "Authorization")
                .value_or("")
                .find("Credential=AKIDENV/20150830/eu-west-1/application-autoscaling/aws4_request"),
            std::string::npos)
      << find_header(request.headers, "Authorization").value_or("");
}

}  // namespace
}  // namespace adjust
