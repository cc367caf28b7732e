// SigV4 signing cost: the typical ECS (awsJson1_1) and ELBv2 (Query form)
// requests with a cached signing key, and the uncached HMAC key chain.
#include <benchmark/benchmark.h>

#include <chrono>

#include "adjust/aws/sigv4_stages.hpp"

namespace adjust::sigv4 {
namespace {

using namespace std::chrono;

Credentials bench_credentials() {
  Credentials credentials;
  credentials.access_key_id = "AKIDEXAMPLE";
  credentials.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  credentials.session_token = "IQoJb3JpZ2luX2VjEXAMPLEsessiontoken";
  return credentials;
}

SigningParams bench_params(const char* service) {
  SigningParams params;
  params.region = "us-east-1";
  params.service = service;
  params.time = sys_days{2015y / August / 30} + 12h + 36min;
  return params;
}

void BM_SignEcsDescribeServices(benchmark::State& state) {
  HttpRequest request;
  request.url = "https://ecs.us-east-1.amazonaws.com/";
  request.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                     {"X-Amz-Target", "AmazonEC2ContainerServiceV20141113.DescribeServices"},
                     {"User-Agent", "adjust/0.1.0"}};
  request.body = R"({"cluster": "prod", "services": ["web"]})";
  const Credentials credentials = bench_credentials();
  const SigningParams params = bench_params("ecs");
  for (auto _ : state) {
    benchmark::DoNotOptimize(sign(request, credentials, params));
  }
}
BENCHMARK(BM_SignEcsDescribeServices);

void BM_SignElbv2DescribeTargetHealth(benchmark::State& state) {
  HttpRequest request;
  request.url = "https://elasticloadbalancing.us-east-1.amazonaws.com/";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                     {"User-Agent", "adjust/0.1.0"}};
  request.body =
      "Action=DescribeTargetHealth&Version=2015-12-01&TargetGroupArn=" +
      uri_encode("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef");
  const Credentials credentials = bench_credentials();
  const SigningParams params = bench_params("elasticloadbalancing");
  for (auto _ : state) {
    benchmark::DoNotOptimize(sign(request, credentials, params));
  }
}
BENCHMARK(BM_SignElbv2DescribeTargetHealth);

void BM_SigningKeyUncached(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "ecs"));
  }
}
BENCHMARK(BM_SigningKeyUncached);

void BM_Sha256Hex1KiB(benchmark::State& state) {
  const std::string data(1024, 'x');
  for (auto _ : state) {
    benchmark::DoNotOptimize(crypto::sha256_hex(data));
  }
}
BENCHMARK(BM_Sha256Hex1KiB);

}  // namespace
}  // namespace adjust::sigv4
