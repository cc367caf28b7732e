#include "adjust/aws/client.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "adjust/aws/errors.hpp"
#include "fakes/clock.hpp"
#include "fakes/credentials.hpp"
#include "fakes/transport.hpp"

namespace adjust {
namespace {

using namespace std::chrono_literals;
using testing::CountingProvider;
using testing::FakeClock;
using testing::FakeTransport;
using testing::json_error;
using testing::json_reply;
using testing::query_error;
using testing::text_reply;

constexpr const char* k_ecs_prefix = "AmazonEC2ContainerServiceV20141113";

std::string signed_headers_of(const HttpRequest& request) {
  auto authorization = find_header(request.headers, "Authorization").value_or("");
  auto start = authorization.find("SignedHeaders=");
  if (start == std::string::npos) {
    return {};
  }
  start += 14;
  return authorization.substr(start, authorization.find(',', start) - start);
}

struct ClientFixture {
  explicit ClientFixture(AwsService service = AwsService::ecs, double random = 0.5,
                         RequestBudget* budget = nullptr) {
    AwsClientOptions options;
    options.endpoint =
        ServiceEndpoint{service == AwsService::ecs ? "https://ecs.us-east-1.amazonaws.com"
                                                   : "https://elasticloadbalancing.us-east-1.amazonaws.com",
                        std::string(signing_name(service)), "us-east-1"};
    options.budget = budget;
    client = std::make_unique<AwsClient>(transport, credentials, clock, logger, options,
                                         [random] { return random; });
  }
  FakeTransport transport;
  CountingProvider credentials;
  FakeClock clock;
  std::ostringstream log;
  Logger logger{log, LogLevel::trace};
  std::unique_ptr<AwsClient> client;
};

TEST(AwsClientJson, SendsAwsJson11RequestWithOnlyProtocolHeadersSigned) {
  ClientFixture f;
  f.transport.push(json_reply(200, {{"services", nlohmann::json::array()}}));
  auto result =
      f.client->call_json(k_ecs_prefix, "DescribeServices", {{"cluster", "prod"}, {"services", {"web"}}});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_TRUE(result->contains("services"));
  auto request = f.transport.last_request();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://ecs.us-east-1.amazonaws.com/");
  EXPECT_EQ(find_header(request.headers, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(find_header(request.headers, "X-Amz-Target"),
            "AmazonEC2ContainerServiceV20141113.DescribeServices");
  EXPECT_EQ(find_header(request.headers, "X-Amz-Date"), "20150830T123600Z");
  EXPECT_EQ(find_header(request.headers, "X-Amz-Security-Token"), "token-1");
  EXPECT_EQ(find_header(request.headers, "User-Agent"), "adjust/" ADJUST_VERSION);
  EXPECT_EQ(signed_headers_of(request), "content-type;host;x-amz-date;x-amz-security-token;x-amz-target");
  auto authorization = find_header(request.headers, "Authorization").value_or("");
  EXPECT_NE(authorization.find("Credential=AKID1/20150830/us-east-1/ecs/aws4_request"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(request.body),
            (nlohmann::json{{"cluster", "prod"}, {"services", {"web"}}}));
}

TEST(AwsClientJson, EmptySuccessBodyIsEmptyObjectAndGarbageIsBadResponse) {
  ClientFixture f;
  f.transport.push(text_reply(200, ""));
  f.transport.push(text_reply(200, "<html>"));
  auto empty = f.client->call_json(k_ecs_prefix, "UpdateService", nlohmann::json::object());
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  auto garbage = f.client->call_json(k_ecs_prefix, "UpdateService", nlohmann::json::object());
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, ErrorCode::aws_bad_response);
}

TEST(AwsClientQuery, SendsFormEncodedBodyAndParsesXml) {
  ClientFixture f(AwsService::elbv2);
  f.transport.push(text_reply(
      200,
      "<DescribeTargetHealthResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\">"
      "<DescribeTargetHealthResult><TargetHealthDescriptions/></DescribeTargetHealthResult>"
      "</DescribeTargetHealthResponse>"));
  auto result = f.client->call_query(
      "DescribeTargetHealth", "2015-12-01",
      {{"TargetGroupArn",
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef"},
       {"Targets.member.1.Id", "10.0.1.23 x"}});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->root.name, "DescribeTargetHealthResponse");
  auto request = f.transport.last_request();
  EXPECT_EQ(find_header(request.headers, "Content-Type"), "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_FALSE(find_header(request.headers, "X-Amz-Target"));
  EXPECT_EQ(request.body,
            "Action=DescribeTargetHealth&Version=2015-12-01&TargetGroupArn=arn%3Aaws%3Aelasticloadbalancing%"
            "3Aus-east-1%3A123456789012%3Atargetgroup%2Fweb%2F0123456789abcdef"
            "&Targets.member.1.Id=10.0.1.23%20x");
  EXPECT_EQ(signed_headers_of(request), "content-type;host;x-amz-date;x-amz-security-token");
}

TEST(AwsClientQuery, UnsignedCallSendsNoAuthorizationAndUsesNoCredentials) {
  ClientFixture f(AwsService::sts);
  f.transport.push(text_reply(200, "<R/>"));
  ASSERT_TRUE(f.client->call_query("AssumeRoleWithWebIdentity", "2011-06-15", {}, false));
  auto request = f.transport.last_request();
  EXPECT_FALSE(find_header(request.headers, "Authorization"));
  EXPECT_FALSE(find_header(request.headers, "X-Amz-Security-Token"));
  EXPECT_EQ(f.credentials.calls, 0);
}

TEST(AwsClientQuery, CallAsSignsWithTheGivenCredentials) {
  ClientFixture f(AwsService::sts);
  f.transport.push(text_reply(200, "<R/>"));
  Credentials source{"SOURCEKEY", "s", "", std::nullopt, "profile base"};
  ASSERT_TRUE(f.client->call_query_as(source, "AssumeRole", "2011-06-15", {}));
  auto authorization = find_header(f.transport.last_request().headers, "Authorization").value_or("");
  EXPECT_NE(authorization.find("Credential=SOURCEKEY/"), std::string::npos);
  EXPECT_EQ(f.credentials.calls, 0);
}

// --- Error mapping ---

TEST(AwsErrors, JsonErrorNamesOperationCodeMessageAndRequestId) {
  ClientFixture f;
  f.transport.push(json_error(400, "ClusterNotFoundException", "Cluster not found.", "1234"));
  auto result = f.client->call_json(k_ecs_prefix, "DescribeServices", nlohmann::json::object());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::not_found);
  EXPECT_EQ(result.error().message,
            "DescribeServices: ClusterNotFoundException: Cluster not found. (request id 1234)");
  EXPECT_EQ(result.error().aws_code, "ClusterNotFoundException");
  EXPECT_EQ(result.error().request_id, "1234");
  EXPECT_EQ(result.error().http_status, 400);
  EXPECT_EQ(f.transport.request_count(), 1u);
}

TEST(AwsErrors, HeaderWinsAndNamespaceAndUriFormsAreStripped) {
  HttpResponse with_header{
      400,
      {{"X-Amzn-ErrorType", "FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"}},
      R"({"__type": "aws.protocoltests.json#BarError", "message": "m"})"};
  EXPECT_EQ(parse_aws_error(AwsProtocol::json, with_header).code, "FooError");
  HttpResponse dunder{
      400,
      {},
      R"({"__type": "aws.protocoltests.json#FooError:http://internal.amazon.com/", "Message": "Hi"})"};
  auto details = parse_aws_error(AwsProtocol::json, dunder);
  EXPECT_EQ(details.code, "FooError");
  EXPECT_EQ(details.message, "Hi");
  HttpResponse code_field{400, {}, R"({"code": "ValidationException", "details": {"__type": "Nested"}})"};
  EXPECT_EQ(parse_aws_error(AwsProtocol::json, code_field).code, "ValidationException");
}

TEST(AwsErrors, QueryXmlBothShapes) {
  auto error_response = make_aws_error(
      "DescribeTargetHealth", AwsProtocol::query,
      query_error(400, "TargetGroupNotFound", "One or more target groups not found", "abc"), false);
  EXPECT_EQ(error_response.code, ErrorCode::not_found);
  EXPECT_EQ(
      error_response.message,
      "DescribeTargetHealth: TargetGroupNotFound: One or more target groups not found (request id abc)");
  HttpResponse response_shape{
      403,
      {},
      "<Response><Errors><Error><Code>AccessDenied</Code><Message>no</Message></Error></Errors>"
      "<RequestID>r-9</RequestID></Response>"};
  auto denied = make_aws_error("AssumeRole", AwsProtocol::query, response_shape, false);
  EXPECT_EQ(denied.code, ErrorCode::aws_auth);
  EXPECT_EQ(denied.aws_code, "AccessDenied");
  EXPECT_EQ(denied.request_id, "r-9");
}

TEST(AwsErrors, HtmlFromAProxyMapsByStatus) {
  HttpResponse html{
      502, {{"Content-Type", "text/html"}}, "<html><body><h1>502 Bad Gateway</h1>\n</body></html>"};
  auto error = make_aws_error("DescribeServices", AwsProtocol::json, html, false);
  EXPECT_EQ(error.code, ErrorCode::aws_transient);
  EXPECT_EQ(error.aws_code, "");
  EXPECT_EQ(error.http_status, 502);
  EXPECT_NE(error.message.find("DescribeServices: HTTP 502"), std::string::npos);
  HttpResponse plain{403, {}, "Forbidden"};
  EXPECT_EQ(make_aws_error("X", AwsProtocol::json, plain, false).code, ErrorCode::aws_auth);
  HttpResponse throttled{429, {}, ""};
  EXPECT_EQ(make_aws_error("X", AwsProtocol::json, throttled, false).code, ErrorCode::aws_throttled);
  HttpResponse unknown_5xx{599, {}, "{}"};
  EXPECT_EQ(make_aws_error("X", AwsProtocol::json, unknown_5xx, false).code, ErrorCode::aws_transient);
}

TEST(AwsErrors, MotoStyleXmlOnEcsIsUnderstood) {
  HttpResponse moto{403,
                    {{"Content-Type", "text/html"}},
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ErrorResponse><Errors><Error>"
                    "<Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not "
                    "match</Message>"
                    "<Type>Sender</Type></Error></Errors></ErrorResponse>"};
  auto error = make_aws_error("ListClusters", AwsProtocol::json, moto, false);
  EXPECT_EQ(error.code, ErrorCode::aws_auth);
  EXPECT_EQ(error.http_status, 403);
  EXPECT_EQ(error.aws_code, "SignatureDoesNotMatch");
  EXPECT_NE(error.message.find("SignatureDoesNotMatch: The request signature we calculated"),
            std::string::npos)
      << error.message;
}

TEST(AwsErrors, Classification) {
  EXPECT_EQ(classify_aws_error("ThrottlingException", 400, false), ErrorCode::aws_throttled);
  EXPECT_EQ(classify_aws_error("PriorRequestNotComplete", 429, false), ErrorCode::aws_throttled);
  EXPECT_EQ(classify_aws_error("LimitExceededException", 400, false), ErrorCode::aws_client);
  EXPECT_EQ(classify_aws_error("ServerException", 500, false), ErrorCode::aws_transient);
  EXPECT_EQ(classify_aws_error("RequestTimeout", 400, false), ErrorCode::aws_transient);
  EXPECT_EQ(classify_aws_error("SomethingNew", 503, false), ErrorCode::aws_transient);
  EXPECT_EQ(classify_aws_error("ExpiredTokenException", 400, false), ErrorCode::aws_expired_credentials);
  EXPECT_EQ(classify_aws_error("ExpiredToken", 403, false), ErrorCode::aws_expired_credentials);
  EXPECT_EQ(classify_aws_error("InvalidToken", 400, false), ErrorCode::aws_expired_credentials);
  EXPECT_EQ(classify_aws_error("RequestExpired", 400, false), ErrorCode::aws_expired_credentials);
  EXPECT_EQ(classify_aws_error("RequestExpired", 400, true), ErrorCode::aws_clock_skew);
  EXPECT_EQ(classify_aws_error("InvalidSignatureException", 400, false), ErrorCode::aws_auth);
  EXPECT_EQ(classify_aws_error("InvalidSignatureException", 400, true), ErrorCode::aws_clock_skew);
  EXPECT_EQ(classify_aws_error("UnrecognizedClientException", 400, false), ErrorCode::aws_auth);
  EXPECT_EQ(classify_aws_error("InvalidClientTokenId", 403, false), ErrorCode::aws_auth);
  EXPECT_EQ(classify_aws_error("AccessDeniedException", 400, false), ErrorCode::aws_auth);
  EXPECT_EQ(classify_aws_error("ServiceNotFoundException", 400, false), ErrorCode::not_found);
  EXPECT_EQ(classify_aws_error("ClientException", 400, false), ErrorCode::aws_client);
  EXPECT_EQ(classify_aws_error("InvalidParameterException", 400, false), ErrorCode::aws_client);
  EXPECT_EQ(classify_aws_error("", 404, false), ErrorCode::aws_client);
}

// --- Retries ---

TEST(AwsRetry, ThrottledTwiceThenSucceedsWithJitteredSleeps) {
  ClientFixture f(AwsService::ecs, 0.5);
  f.transport.push(json_error(400, "ThrottlingException", "Rate exceeded"));
  f.transport.push(json_error(400, "ThrottlingException", "Rate exceeded"));
  f.transport.push(json_reply(200, nlohmann::json::object()));
  auto result = f.client->call_json(k_ecs_prefix, "DescribeServices", nlohmann::json::object());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(f.transport.request_count(), 3u);
  EXPECT_EQ(f.clock.sleeps(), (std::vector<std::chrono::milliseconds>{500ms, 1000ms}));
  // Each attempt is signed afresh: the timestamp moved with the sleeps.
  auto requests = f.transport.requests();
  EXPECT_EQ(find_header(requests[0].headers, "X-Amz-Date"), "20150830T123600Z");
  EXPECT_EQ(find_header(requests[2].headers, "X-Amz-Date"), "20150830T123601Z");
  // The quota paid for the retries is refunded on success.
  EXPECT_EQ(f.client->retry_quota_available(), 500);
}

// Every attempt, retries included, waits its turn in the run's request budget
// (AWS counts each one against the account's bucket), and adaptive mode
// learns from the throttles.
TEST(AwsRetry, EveryAttemptTakesATokenFromTheRequestBudget) {
  FakeClock budget_clock;
  RequestBudget budget(budget_clock, {0.05, true});  // RegisterTaskDefinition: 1 at once, then 1 per 20 s
  ClientFixture f(AwsService::ecs, 0.5, &budget);
  f.transport.push(json_error(400, "ThrottlingException", "Rate exceeded"));
  f.transport.push(json_reply(200, nlohmann::json::object()));
  auto result = f.client->call_json(k_ecs_prefix, "RegisterTaskDefinition", nlohmann::json::object());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(f.transport.request_count(), 2u);
  EXPECT_EQ(budget.waits(), 1) << "the retry waited for the next token";
  EXPECT_EQ(budget_clock.total_slept(), 20000ms);
  EXPECT_TRUE(budget.adaptive_rate(ApiFamily::ecs_task_definition_modify))
      << "the throttle enabled adaptive pacing";
  EXPECT_FALSE(budget.adaptive_rate(ApiFamily::ecs_service_read));
}

TEST(AwsRetry, PermanentServiceUnavailableFailsAfterMaxAttempts) {
  for (double random : {0.0, 0.999}) {
    ClientFixture f(AwsService::ecs, random);
    f.transport.on("DescribeServices", [](const HttpRequest&) -> Result<HttpResponse> {
      return text_reply(503, "<html>Service Unavailable</html>");
    });
    auto result = f.client->call_json(k_ecs_prefix, "DescribeServices", nlohmann::json::object());
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::aws_transient);
    EXPECT_EQ(result.error().http_status, 503);
    EXPECT_EQ(f.transport.request_count(), 3u);
    auto sleeps = f.clock.sleeps();
    ASSERT_EQ(sleeps.size(), 2u);
    EXPECT_GE(sleeps[0], 0ms);
    EXPECT_LE(sleeps[0], 1000ms);
    EXPECT_GE(sleeps[1], 0ms);
    EXPECT_LE(sleeps[1], 2000ms);
    EXPECT_EQ(f.client->retry_quota_available(), 490);
  }
}

TEST(AwsRetry, BackoffIsCappedAtTwentySeconds) {
  RetryConfig config;
  EXPECT_EQ(backoff_delay(config, 1, 1.0), 1000ms);
  EXPECT_EQ(backoff_delay(config, 3, 1.0), 4000ms);
  EXPECT_EQ(backoff_delay(config, 6, 1.0), 20000ms);
  EXPECT_EQ(backoff_delay(config, 60, 0.5), 10000ms);
  EXPECT_EQ(backoff_delay(config, 2, 0.0), 0ms);
}

TEST(AwsRetry, QuotaExhaustionStopsRetrying) {
  ClientFixture f;
  f.transport.on("DescribeServices", [](const HttpRequest&) -> Result<HttpResponse> {
    return fail(Error{ErrorCode::aws_network, "connection refused", {}, {}, 0});
  });
  // Each failing call pays 2 × 10 for network retries: 500 / 20 = 25 calls drain it.
  for (int i = 0; i < 25; ++i) {
    ASSERT_FALSE(f.client->call_json(k_ecs_prefix, "DescribeServices", nlohmann::json::object()));
  }
  EXPECT_EQ(f.client->retry_quota_available(), 0);
  auto before = f.transport.request_count();
  auto result = f.client->call_json(k_ecs_prefix, "DescribeServices", nlohmann::json::object());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::aws_network);
  EXPECT_EQ(f.transport.request_count() - before, 1u);
}

TEST(AwsRetry, ValidationErrorIsNotRetried) {
  ClientFixture f;
  f.transport.push(json_error(400, "InvalidParameterException", "bad"));
  auto result = f.client->call_json(k_ecs_prefix, "UpdateService", nlohmann::json::object());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::aws_client);
  EXPECT_EQ(f.transport.request_count(), 1u);
  EXPECT_TRUE(f.clock.sleeps().empty());
}

TEST(AwsRetry, LimitExceededIsAQuotaNotThrottling) {
  ClientFixture f;
  f.transport.push(json_error(400, "LimitExceededException", "The limit for the resource was exceeded."));
  auto result = f.client->call_json(k_ecs_prefix, "RegisterTaskDefinition", nlohmann::json::object());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::aws_client);
  EXPECT_EQ(f.transport.request_count(), 1u);
}

TEST(AwsRetry, ConnectionResetIsRetried) {
  ClientFixture f;
  f.transport.push_error(ErrorCode::aws_network, "Recv failure: Connection reset by peer");
  f.transport.push(json_reply(200, {{"ok", true}}));
  auto result = f.client->call_json(k_ecs_prefix, "DescribeServices", nlohmann::json::object());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(f.transport.request_count(), 2u);
}

TEST(AwsRetry, MaxAttemptsFromEnvironment) {
  MapEnvironment env;
  EXPECT_EQ(retry_config_from_env(env)->max_attempts, 3);
  env.set("AWS_RETRY_MODE", "legacy");
  EXPECT_EQ(retry_config_from_env(env)->max_attempts, 5);
  env.set("AWS_MAX_ATTEMPTS", "7");
  EXPECT_EQ(retry_config_from_env(env)->max_attempts, 7);
  env.set("AWS_RETRY_MODE", "adaptive");
  env.set("AWS_MAX_ATTEMPTS", "1");
  EXPECT_EQ(retry_config_from_env(env)->max_attempts, 1);
  env.set("AWS_MAX_ATTEMPTS", "zero");
  EXPECT_EQ(retry_config_from_env(env).error().code, ErrorCode::config);
  env.set("AWS_MAX_ATTEMPTS", "2");
  env.set("AWS_RETRY_MODE", "turbo");
  EXPECT_EQ(retry_config_from_env(env).error().code, ErrorCode::config);
}

TEST(AwsRetry, RequestTimeoutFromEnvironment) {
  MapEnvironment env;
  EXPECT_EQ(request_timeout_from_env(env).value(), std::chrono::milliseconds(30000));
  env.set("ADJUST_AWS_REQUEST_TIMEOUT", "0.5");
  EXPECT_EQ(request_timeout_from_env(env).value(), std::chrono::milliseconds(500));
  env.set("ADJUST_AWS_REQUEST_TIMEOUT", "120");
  EXPECT_EQ(request_timeout_from_env(env).value(), std::chrono::milliseconds(120000));
  for (const char* bad : {"0", "-1", "soon", "1e9"}) {
    env.set("ADJUST_AWS_REQUEST_TIMEOUT", bad);
    auto result = request_timeout_from_env(env);
    ASSERT_FALSE(result) << bad;
    EXPECT_EQ(result.error().code, ErrorCode::config);
    EXPECT_NE(result.error().message.find("ADJUST_AWS_REQUEST_TIMEOUT"), std::string::npos);
  }
}

TEST(AwsRetry, ClockSkewIsCorrectedAndRetriedWithoutSleep) {
  ClientFixture f;
  // Our clock is 2015-08-30T12:36:00Z; the server says 13:36:00Z.
  f.transport.push(json_reply(400,
                              {{"__type", "InvalidSignatureException"},
                               {"message",
                                "Signature expired: 20150830T123600Z is now earlier than 20150830T133100Z "
                                "(20150830T133600Z - 5 min.)"}},
                              {{"Date", "Sun, 30 Aug 2015 13:36:00 GMT"}}));
  f.transport.push(json_reply(200, nlohmann::json::object()));
  f.transport.push(json_reply(200, nlohmann::json::object()));
  auto result = f.client->call_json(k_ecs_prefix, "DescribeServices", nlohmann::json::object());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_TRUE(f.clock.sleeps().empty());
  EXPECT_EQ(f.client->clock_offset(), 3600000ms);
  auto requests = f.transport.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(find_header(requests[1].headers, "X-Amz-Date"), "20150830T133600Z");
  // Later calls keep using the offset.
  ASSERT_TRUE(f.client->call_json(k_ecs_prefix, "DescribeServices", nlohmann::json::object()));
  EXPECT_EQ(find_header(f.transport.last_request().headers, "X-Amz-Date"), "20150830T133600Z");
}

TEST(AwsRetry, SignatureErrorWithoutRealSkewIsAuthAndNotRetried) {
  ClientFixture f;
  f.transport.push(json_reply(400, {{"__type", "InvalidSignatureException"}, {"message", "bad sig"}},
                              {{"Date", "Sun, 30 Aug 2015 12:37:00 GMT"}}));
  auto result = f.client->call_json(k_ecs_prefix, "DescribeServices", nlohmann::json::object());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::aws_auth);
  EXPECT_EQ(f.transport.request_count(), 1u);
  EXPECT_EQ(f.client->clock_offset(), 0ms);
}

TEST(AwsRetry, ExpiredTokenInvalidatesAndRetriesOnceWithFreshCredentials) {
  ClientFixture f;
  f.transport.push(
      json_error(400, "ExpiredTokenException", "The security token included in the request is expired"));
  f.transport.push(json_reply(200, nlohmann::json::object()));
  ASSERT_TRUE(f.client->call_json(k_ecs_prefix, "DescribeServices", nlohmann::json::object()));
  EXPECT_EQ(f.credentials.invalidations, 1);
  auto requests = f.transport.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(find_header(requests[0].headers, "X-Amz-Security-Token"), "token-1");
  EXPECT_EQ(find_header(requests[1].headers, "X-Amz-Security-Token"), "token-2");
  EXPECT_TRUE(f.clock.sleeps().empty());

  // Expired again right after a refresh: give up instead of looping.
  f.transport.push(json_error(400, "ExpiredTokenException", "expired"));
  f.transport.push(json_error(400, "ExpiredTokenException", "expired"));
  auto twice = f.client->call_json(k_ecs_prefix, "DescribeServices", nlohmann::json::object());
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::aws_expired_credentials);
  EXPECT_EQ(f.credentials.invalidations, 2);
}

TEST(AwsRetry, AttemptsAreLoggedWithoutSecrets) {
  ClientFixture f;
  f.transport.push(json_error(500, "ServerException", "oops"));
  f.transport.push(json_reply(200, nlohmann::json::object()));
  ASSERT_TRUE(f.client->call_json(k_ecs_prefix, "DescribeServices", nlohmann::json::object()));
  std::string log = f.log.str();
  EXPECT_NE(log.find("DescribeServices attempt 1 failed"), std::string::npos) << log;
  EXPECT_NE(log.find("DescribeServices attempt 2: HTTP 200"), std::string::npos) << log;
  EXPECT_EQ(log.find("secret-1"), std::string::npos);
  EXPECT_EQ(log.find("token-1"), std::string::npos);
  EXPECT_EQ(log.find("Signature="), std::string::npos);
}

TEST(AwsErrors, AnErrorQuotingTheSignedRequestShowsNoSecret) {
  ClientFixture f;
  // AWS quotes the canonical request (with the session token) on a bad
  // signature; a proxy may echo any header, the Authorization one included.
  f.transport.push(json_error(403, "InvalidSignatureException",
                              "canonical request: x-amz-security-token:token-1\nechoed: secret-1"));
  auto result = f.client->call_json(k_ecs_prefix, "DescribeServices", nlohmann::json::object());
  ASSERT_FALSE(result);
  const std::string& message = result.error().message;
  EXPECT_EQ(message,
            "DescribeServices: InvalidSignatureException: canonical request: "
            "x-amz-security-token:<redacted>\nechoed: <redacted> (request id req-1)");
  std::string authorization = find_header(f.transport.last_request().headers, "Authorization").value_or("");
  ASSERT_FALSE(authorization.empty());
  f.transport.push(text_reply(400, "<html>You sent Authorization: " + authorization + "</html>"));
  auto echoed = f.client->call_json(k_ecs_prefix, "DescribeServices", nlohmann::json::object());
  ASSERT_FALSE(echoed);
  EXPECT_EQ(echoed.error().message.find("Signature="), std::string::npos) << echoed.error().message;
  EXPECT_NE(echoed.error().message.find("Authorization: <redacted>"), std::string::npos)
      << echoed.error().message;
  EXPECT_EQ(f.log.str().find("token-1"), std::string::npos);
  EXPECT_EQ(f.log.str().find("Signature="), std::string::npos);
}

TEST(AwsErrors, AWebIdentityTokenQuotedInAnErrorIsRedacted) {
  ClientFixture f(AwsService::sts);
  f.transport.push(query_error(400, "InvalidIdentityToken", "token eyJ.a+b/c= is not valid"));
  auto result = f.client->call_query("AssumeRoleWithWebIdentity", "2011-06-15",
                                     {{"WebIdentityToken", "eyJ.a+b/c="}}, false);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("token <redacted> is not valid"), std::string::npos)
      << result.error().message;
  EXPECT_EQ(f.log.str().find("eyJ.a+b/c="), std::string::npos);
}

TEST(AwsRetry, CredentialFailureIsReturnedAsIs) {
  class Failing final : public CredentialsProvider {
   public:
    Result<Credentials> get() override { return fail(ErrorCode::credentials, "no credentials"); }
  } failing;
  FakeTransport transport;
  FakeClock clock;
  AwsClientOptions options;
  options.endpoint = {"https://ecs.us-east-1.amazonaws.com", "ecs", "us-east-1"};
  AwsClient client(transport, failing, clock, null_logger(), options);
  auto result = client.call_json(k_ecs_prefix, "DescribeServices", nlohmann::json::object());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::credentials);
  EXPECT_EQ(transport.request_count(), 0u);
}

}  // namespace
}  // namespace adjust
