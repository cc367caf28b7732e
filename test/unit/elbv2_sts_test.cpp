#include <gtest/gtest.h>

#include "adjust/aws/client.hpp"
#include "adjust/aws/elbv2_client.hpp"
#include "adjust/aws/sts_client.hpp"
#include "fakes/clock.hpp"
#include "fakes/transport.hpp"

namespace adjust {
namespace {

using testing::FakeClock;
using testing::FakeTransport;
using testing::query_error;
using testing::text_reply;

struct QueryFixture {
  explicit QueryFixture(AwsService service) {
    AwsClientOptions options;
    options.endpoint = {"https://example.test", std::string(signing_name(service)), "us-east-1"};
    aws = std::make_unique<AwsClient>(transport, credentials, clock, null_logger(), options,
                                      [] { return 0.0; });
  }
  FakeTransport transport;
  StaticCredentialsProvider credentials{Credentials{"CLIENTKEY", "secret", "", std::nullopt, "test"}};
  FakeClock clock;
  std::unique_ptr<AwsClient> aws;
};

constexpr const char* k_target_health = R"(<?xml version="1.0"?>
<DescribeTargetHealthResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
  <DescribeTargetHealthResult>
    <TargetHealthDescriptions>
      <member>
        <Target><Id>10.0.1.23</Id><Port>8080</Port><AvailabilityZone>us-east-1a</AvailabilityZone></Target>
        <HealthCheckPort>8080</HealthCheckPort>
        <TargetHealth><State>initial</State><Reason>Elb.InitialHealthChecking</Reason>
          <Description>Initial health checks in progress</Description></TargetHealth>
      </member>
      <member>
        <Target><Id>10.0.1.24</Id><Port>8080</Port></Target>
        <HealthCheckPort>traffic-port</HealthCheckPort>
        <TargetHealth><State>healthy</State></TargetHealth>
      </member>
    </TargetHealthDescriptions>
  </DescribeTargetHealthResult>
  <ResponseMetadata><RequestId>7f1c</RequestId></ResponseMetadata>
</DescribeTargetHealthResponse>)";

TEST(Elbv2Client, DescribeTargetHealthEncodesTargetsAndDecodesMembers) {
  QueryFixture f(AwsService::elbv2);
  Elbv2Client elb(*f.aws);
  f.transport.push(text_reply(200, k_target_health));
  auto health = elb.describe_target_health("arn:tg/web", {{"10.0.1.23", 8080}, {"10.0.1.24", std::nullopt}});
  ASSERT_TRUE(health) << health.error().message;
  EXPECT_EQ(f.transport.last_request().body,
            "Action=DescribeTargetHealth&Version=2015-12-01&TargetGroupArn=arn%3Atg%2Fweb"
            "&Targets.member.1.Id=10.0.1.23&Targets.member.1.Port=8080&Targets.member.2.Id=10.0.1.24");
  ASSERT_EQ(health->size(), 2u);
  EXPECT_EQ((*health)[0].id, "10.0.1.23");
  EXPECT_EQ((*health)[0].port, 8080);
  EXPECT_EQ((*health)[0].availability_zone, "us-east-1a");
  EXPECT_EQ((*health)[0].state, "initial");
  EXPECT_EQ((*health)[0].reason, "Elb.InitialHealthChecking");
  EXPECT_EQ((*health)[0].description, "Initial health checks in progress");
  EXPECT_EQ((*health)[1].state, "healthy");
  EXPECT_EQ((*health)[1].reason, "");
  EXPECT_EQ((*health)[1].health_check_port, "traffic-port");
}

TEST(Elbv2Client, EmptyListBadPortAndWrongDocument) {
  QueryFixture f(AwsService::elbv2);
  Elbv2Client elb(*f.aws);
  f.transport.push(
      text_reply(200,
                 "<DescribeTargetHealthResponse><DescribeTargetHealthResult><TargetHealthDescriptions/></"
                 "DescribeTargetHealthResult></DescribeTargetHealthResponse>"));
  EXPECT_TRUE(elb.describe_target_health("arn:tg/web")->empty());
  f.transport.push(
      text_reply(200,
                 "<DescribeTargetHealthResponse><DescribeTargetHealthResult><TargetHealthDescriptions><"
                 "member><Target><Id>x</Id><Port>http</Port></Target></member></TargetHealthDescriptions></"
                 "DescribeTargetHealthResult></DescribeTargetHealthResponse>"));
  auto bad_port = elb.describe_target_health("arn:tg/web");
  ASSERT_FALSE(bad_port);
  EXPECT_EQ(bad_port.error().code, ErrorCode::aws_bad_response);
  EXPECT_NE(bad_port.error().message.find("member[1]/Target/Port"), std::string::npos);
  f.transport.push(text_reply(200, "<ListAllMyBucketsResult/>"));
  EXPECT_EQ(elb.describe_target_health("arn:tg/web").error().code, ErrorCode::aws_bad_response);
  f.transport.push(text_reply(200, "not xml"));
  EXPECT_EQ(elb.describe_target_health("arn:tg/web").error().code, ErrorCode::aws_bad_response);
}

TEST(Elbv2Client, TargetGroupNotFound) {
  QueryFixture f(AwsService::elbv2);
  Elbv2Client elb(*f.aws);
  f.transport.push(query_error(400, "TargetGroupNotFound", "One or more target groups not found", "r-2"));
  auto result = elb.describe_target_health("arn:tg/nope");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::not_found);
  EXPECT_EQ(
      result.error().message,
      "DescribeTargetHealth: TargetGroupNotFound: One or more target groups not found (request id r-2)");
}

TEST(Elbv2Client, DeregistrationDelayFromAttributes) {
  QueryFixture f(AwsService::elbv2);
  Elbv2Client elb(*f.aws);
  f.transport.push(text_reply(
      200,
      R"(<DescribeTargetGroupAttributesResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
    <DescribeTargetGroupAttributesResult><Attributes>
      <member><Key>stickiness.enabled</Key><Value>false</Value></member>
      <member><Key>deregistration_delay.timeout_seconds</Key><Value>30</Value></member>
    </Attributes></DescribeTargetGroupAttributesResult></DescribeTargetGroupAttributesResponse>)"));
  auto attributes = elb.describe_target_group_attributes("arn:tg/web");
  ASSERT_TRUE(attributes) << attributes.error().message;
  EXPECT_EQ(attributes->size(), 2u);
  EXPECT_EQ(deregistration_delay_seconds(*attributes), 30);
  EXPECT_FALSE(deregistration_delay_seconds({}));
}

constexpr const char* k_assume_role =
    R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>ASIAEXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey>
      <SessionToken>AQoDYXdzEPT//////////wEXAMPLE</SessionToken>
      <Expiration>2015-08-30T13:36:00Z</Expiration>
    </Credentials>
    <AssumedRoleUser><AssumedRoleId>AROA:cpp-test</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/deployer/cpp-test</Arn></AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe</RequestId></ResponseMetadata>
</AssumeRoleResponse>)";

TEST(StsClient, AssumeRoleSignsWithSourceCredentialsAndParsesCredentials) {
  QueryFixture f(AwsService::sts);
  StsClient sts(*f.aws);
  f.transport.push(text_reply(200, k_assume_role));
  Credentials source{"SOURCEKEY", "source-secret", "source-token", std::nullopt, "profile base"};
  auto credentials =
      sts.assume_role(source, {"arn:aws:iam::123456789012:role/deployer", "cpp-test", "ext-1", 900});
  ASSERT_TRUE(credentials) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(credentials->secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  EXPECT_EQ(credentials->session_token, "AQoDYXdzEPT//////////wEXAMPLE");
  ASSERT_TRUE(credentials->expiration);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*credentials->expiration), 1440941760);
  EXPECT_EQ(credentials->source, "assume-role arn:aws:iam::123456789012:role/deployer");
  auto request = f.transport.last_request();
  EXPECT_EQ(request.body,
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdeployer"
            "&RoleSessionName=cpp-test&ExternalId=ext-1&DurationSeconds=900");
  auto authorization = find_header(request.headers, "Authorization").value_or("");
  EXPECT_NE(authorization.find("Credential=SOURCEKEY/20150830/us-east-1/sts/aws4_request"),
            std::string::npos);
  EXPECT_EQ(find_header(request.headers, "X-Amz-Security-Token"), "source-token");
}

TEST(StsClient, WebIdentityIsUnsigned) {
  QueryFixture f(AwsService::sts);
  StsClient sts(*f.aws);
  std::string reply = k_assume_role;
  for (auto [from, to] :
       {std::pair<std::string, std::string>{"AssumeRoleResponse", "AssumeRoleWithWebIdentityResponse"},
        {"AssumeRoleResult", "AssumeRoleWithWebIdentityResult"}}) {
    for (auto pos = reply.find(from); pos != std::string::npos; pos = reply.find(from, pos + to.size())) {
      reply.replace(pos, from.size(), to);
    }
  }
  f.transport.push(text_reply(200, reply));
  auto credentials =
      sts.assume_role_with_web_identity({"arn:role/web", "session", "eyJ.token", std::nullopt});
  ASSERT_TRUE(credentials) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id, "ASIAEXAMPLE");
  auto request = f.transport.last_request();
  EXPECT_FALSE(find_header(request.headers, "Authorization"));
  EXPECT_EQ(request.body,
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Arole%2Fweb"
            "&RoleSessionName=session&WebIdentityToken=eyJ.token");
}

TEST(StsClient, ErrorsAndCallerIdentity) {
  QueryFixture f(AwsService::sts);
  StsClient sts(*f.aws);
  f.transport.push(text_reply(
      403,
      R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized</Message></Error><RequestId>r-5</RequestId></ErrorResponse>)"));
  auto denied = sts.assume_role({"K", "S", "", std::nullopt, "x"}, {"arn:role/x", "s", "", std::nullopt});
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, ErrorCode::aws_auth);
  EXPECT_EQ(denied.error().message, "AssumeRole: AccessDenied: not authorized (request id r-5)");

  f.transport.push(text_reply(
      200,
      R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>
    <Arn>arn:aws:sts::123456789012:user/moto</Arn><UserId>AKIAIOSFODNN7EXAMPLE</UserId><Account>123456789012</Account>
    </GetCallerIdentityResult></GetCallerIdentityResponse>)"));
  auto identity = sts.get_caller_identity();
  ASSERT_TRUE(identity) << identity.error().message;
  EXPECT_EQ(identity->account, "123456789012");
  EXPECT_EQ(identity->arn, "arn:aws:sts::123456789012:user/moto");
  auto authorization = find_header(f.transport.last_request().headers, "Authorization").value_or("");
  EXPECT_NE(authorization.find("Credential=CLIENTKEY/"), std::string::npos);

  XmlDocument missing{XmlElement{"AssumeRoleResponse", "", {XmlElement{"AssumeRoleResult", "", {}}}}};
  EXPECT_EQ(decode_sts_credentials(missing, "AssumeRole", "x").error().code, ErrorCode::aws_bad_response);
}

TEST(Xml, NamespacesAndPrefixesDoNotMatter) {
  auto document = parse_xml(
      R"(<a:Root xmlns:a="urn:x"><a:Child>one</a:Child><Child>two</Child><![CDATA[ignored]]></a:Root>)");
  ASSERT_TRUE(document);
  EXPECT_EQ(document->root.name, "Root");
  EXPECT_EQ(document->root.children_named("Child").size(), 2u);
  EXPECT_EQ(document->root.text_at({"Child"}), "one");
  EXPECT_EQ(document->root.text_at({"Missing", "Deeper"}), "");
  EXPECT_EQ(parse_xml("<unclosed>").error().code, ErrorCode::aws_bad_response);
  EXPECT_EQ(parse_xml("").error().code, ErrorCode::aws_bad_response);
}

}  // namespace
}  // namespace adjust
