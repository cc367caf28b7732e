#include "adjust/aws/endpoints.hpp"

#include <gtest/gtest.h>

namespace adjust {
namespace {

TEST(Endpoints, RegionalDefaultsAndChinaSuffix) {
  MapEnvironment env;
  auto ecs = resolve_endpoint(AwsService::ecs, "eu-west-1", "", env);
  ASSERT_TRUE(ecs);
  EXPECT_EQ(ecs->url, "https://ecs.eu-west-1.amazonaws.com");
  EXPECT_EQ(ecs->signing_name, "ecs");
  EXPECT_EQ(ecs->region, "eu-west-1");
  EXPECT_EQ(resolve_endpoint(AwsService::elbv2, "us-east-1", "", env)->url,
            "https://elasticloadbalancing.us-east-1.amazonaws.com");
  EXPECT_EQ(resolve_endpoint(AwsService::elbv2, "us-east-1", "", env)->signing_name, "elasticloadbalancing");
  EXPECT_EQ(resolve_endpoint(AwsService::sts, "cn-north-1", "", env)->url,
            "https://sts.cn-north-1.amazonaws.com.cn");
}

TEST(Endpoints, PrecedenceConfigThenServiceEnvThenGlobalEnv) {
  MapEnvironment env;
  env.set("AWS_ENDPOINT_URL", "http://127.0.0.1:5000/");
  EXPECT_EQ(resolve_endpoint(AwsService::ecs, "us-east-1", "", env)->url, "http://127.0.0.1:5000");
  env.set("AWS_ENDPOINT_URL_ECS", "http://127.0.0.1:5001");
  EXPECT_EQ(resolve_endpoint(AwsService::ecs, "us-east-1", "", env)->url, "http://127.0.0.1:5001");
  EXPECT_EQ(resolve_endpoint(AwsService::sts, "us-east-1", "", env)->url, "http://127.0.0.1:5000");
  env.set("AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2", "http://127.0.0.1:5002");
  EXPECT_EQ(resolve_endpoint(AwsService::elbv2, "us-east-1", "", env)->url, "http://127.0.0.1:5002");
  auto configured = resolve_endpoint(AwsService::ecs, "us-east-1", "http://127.0.0.1:6000", env);
  EXPECT_EQ(configured->url, "http://127.0.0.1:6000");
  EXPECT_EQ(configured->region, "us-east-1");  // signing region unchanged by overrides
}

TEST(Endpoints, ApplicationAutoScaling) {
  MapEnvironment env;
  auto regional = resolve_endpoint(AwsService::autoscaling, "eu-west-1", "", env);
  ASSERT_TRUE(regional);
  EXPECT_EQ(regional->url, "https://application-autoscaling.eu-west-1.amazonaws.com");
  EXPECT_EQ(regional->signing_name, "application-autoscaling");
  EXPECT_EQ(regional->region, "eu-west-1");
  EXPECT_EQ(resolve_endpoint(AwsService::autoscaling, "cn-northwest-1", "", env)->url,
            "https://application-autoscaling.cn-northwest-1.amazonaws.com.cn");
  EXPECT_EQ(endpoint_env_name(AwsService::autoscaling), "AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING");

  // config endpoint_url > AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING > AWS_ENDPOINT_URL > regional.
  env.set("AWS_ENDPOINT_URL", "http://127.0.0.1:5000");
  env.set("AWS_ENDPOINT_URL_ECS", "http://127.0.0.1:5001");
  EXPECT_EQ(resolve_endpoint(AwsService::autoscaling, "us-east-1", "", env)->url, "http://127.0.0.1:5000");
  env.set("AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING", "http://127.0.0.1:5003/");
  EXPECT_EQ(resolve_endpoint(AwsService::autoscaling, "us-east-1", "", env)->url, "http://127.0.0.1:5003");
  EXPECT_EQ(resolve_endpoint(AwsService::ecs, "us-east-1", "", env)->url, "http://127.0.0.1:5001");
  auto configured = resolve_endpoint(AwsService::autoscaling, "us-east-1", "http://127.0.0.1:6000", env);
  EXPECT_EQ(configured->url, "http://127.0.0.1:6000");
  EXPECT_EQ(configured->signing_name, "application-autoscaling");
  EXPECT_EQ(configured->region, "us-east-1");
  env.set("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
  EXPECT_EQ(resolve_endpoint(AwsService::autoscaling, "us-east-1", "http://127.0.0.1:6000", env)->url,
            "https://application-autoscaling.us-east-1.amazonaws.com");
}

TEST(Endpoints, IgnoreConfiguredEndpointUrls) {
  MapEnvironment env;
  env.set("AWS_ENDPOINT_URL_ECS", "http://127.0.0.1:5001");
  env.set("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
  EXPECT_EQ(resolve_endpoint(AwsService::ecs, "us-east-1", "http://127.0.0.1:6000", env)->url,
            "https://ecs.us-east-1.amazonaws.com");
}

TEST(Endpoints, Errors) {
  MapEnvironment env;
  EXPECT_EQ(resolve_endpoint(AwsService::ecs, "", "", env).error().code, ErrorCode::config);
  EXPECT_EQ(resolve_endpoint(AwsService::ecs, "us-east-1", "ftp://x", env).error().code, ErrorCode::config);
  env.set("AWS_ENDPOINT_URL", "");  // empty is unset
  EXPECT_EQ(resolve_endpoint(AwsService::ecs, "us-east-1", "", env)->url,
            "https://ecs.us-east-1.amazonaws.com");
}

}  // namespace
}  // namespace adjust
