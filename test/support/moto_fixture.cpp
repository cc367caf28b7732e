#include "support/moto_fixture.hpp"

#include <cstdio>
#include <iostream>
#include <mutex>
#include <stdexcept>

namespace adjust::testing {
namespace {

std::string g_skip_reason;

std::vector<std::string> moto_command(int port) {
  // `timeout` is the hard lifetime limit: moto has none of its own.
  std::vector<std::string> argv = {"timeout", "-k", "5", "1800"};
  if (on_path("moto_server")) {
    argv.insert(argv.end(), {"moto_server", "-H", "127.0.0.1", "-p", std::to_string(port)});
  } else {
    argv.insert(argv.end(), {"python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", std::to_string(port)});
  }
  return argv;
}

bool moto_installed() {
  if (on_path("moto_server")) return true;
  CommandOptions options;
  options.timeout = std::chrono::seconds(30);
  auto probe = run_command({"python3", "-c", "import moto"}, options);
  return probe.exit_code == 0;
}

void warm_up(const std::string& endpoint) {
  // The first call per service loads moto's backend lazily (~1 s); pay it once here.
  auto post = [&](const std::string& service, std::vector<std::string> headers, const std::string& body) {
    headers.push_back("Authorization: " + fake_sigv4_authorization(service));
    headers.push_back(std::string("X-Amz-Date: ") + k_fake_amz_date);
    http_request("POST", endpoint + "/", headers, body, std::chrono::seconds(30));
  };
  post("ecs",
       {"X-Amz-Target: AmazonEC2ContainerServiceV20141113.ListClusters",
        "Content-Type: application/x-amz-json-1.1"},
       "{}");
  post("elasticloadbalancing", {"Content-Type: application/x-www-form-urlencoded; charset=utf-8"},
       "Action=DescribeLoadBalancers&Version=2015-12-01");
  post("sts", {"Content-Type: application/x-www-form-urlencoded; charset=utf-8"},
       "Action=GetCallerIdentity&Version=2011-06-15");
}

std::unique_ptr<MotoFixture> start() {
  if (!moto_installed()) {
    g_skip_reason =
        "moto is not installed (no moto_server on PATH and `python3 -c 'import moto'` failed): "
        "SKIPPING the moto tier. Install with: pip install 'moto[server]' boto3";
    return nullptr;
  }
  for (int attempt = 0; attempt < 3; ++attempt) {
    int port = free_loopback_port();
    auto process = std::make_unique<Process>(moto_command(port), Process::Options{});
    std::string endpoint = "http://127.0.0.1:" + std::to_string(port);
    if (process->wait_for_http(endpoint + "/moto-api/", std::chrono::seconds(30))) {
      warm_up(endpoint);
      return std::make_unique<MotoFixture>(std::move(process), port);
    }
    g_skip_reason = "moto_server did not become ready on " + endpoint + "; log tail:\n" + process->log_tail();
  }
  return nullptr;
}

}  // namespace

MotoFixture::MotoFixture(std::unique_ptr<Process> process, int port)
    : m_process(std::move(process)), m_port(port), m_endpoint("http://127.0.0.1:" + std::to_string(port)) {}

MotoFixture* MotoFixture::instance() {
  static std::once_flag once;
  static std::unique_ptr<MotoFixture> fixture;
  std::call_once(once, [] {
    fixture = start();
    if (!fixture) {
      std::cerr << "\n********************************************************************\n"
                << "*** " << g_skip_reason << "\n"
                << "********************************************************************\n"
                << std::flush;
    }
  });
  return fixture.get();
}

const std::string& MotoFixture::skip_reason() { return g_skip_reason; }

void MotoFixture::reset(int seed) {
  if (m_auth_on) disable_auth();
  auto reset = http_request("POST", m_endpoint + "/moto-api/reset");
  auto seeded = http_request("POST", m_endpoint + "/moto-api/seed?a=" + std::to_string(seed));
  if (reset.status != 200 || seeded.status != 200) {
    throw std::runtime_error("moto reset failed: " + std::to_string(reset.status) + " " + reset.error);
  }
}

void MotoFixture::enable_auth() {
  auto r = http_request("POST", m_endpoint + "/moto-api/reset-auth", {"Content-Type: text/plain"}, "0");
  if (r.status != 200) throw std::runtime_error("moto reset-auth failed: " + r.body);
  m_auth_on = true;
}

void MotoFixture::disable_auth() {
  auto r = http_request("POST", m_endpoint + "/moto-api/reset-auth", {"Content-Type: text/plain"}, "inf");
  if (r.status != 200) throw std::runtime_error("moto reset-auth (off) failed: " + r.body);
  m_auth_on = false;
}

nlohmann::json seed_moto(const std::string& endpoint, const SeedOptions& options) {
  std::vector<std::string> argv = {"python3",    std::string(ADJUST_TEST_TOOLS_DIR) + "/seed_moto.py",
                                   "--endpoint", endpoint,
                                   "--region",   options.region};
  if (options.second_service) argv.emplace_back("--second-service");
  if (options.spot_service) argv.emplace_back("--spot-service");
  if (options.ec2_service) argv.emplace_back("--ec2-service");
  if (options.two_containers) argv.emplace_back("--two-containers");
  if (!options.iam) argv.emplace_back("--no-iam");
  CommandOptions run;
  run.env = {{"AWS_EC2_METADATA_DISABLED", "true"}};
  run.unset_env = {"AWS_PROFILE",       "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                   "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL",  "HTTP_PROXY",
                   "HTTPS_PROXY",       "http_proxy",        "https_proxy"};
  run.timeout = std::chrono::seconds(90);
  auto result = run_command(argv, run);
  if (result.exit_code != 0) {
    throw std::runtime_error("seed_moto.py failed (" + std::to_string(result.exit_code) + "): " + result.err);
  }
  return nlohmann::json::parse(result.out);
}

std::string fake_sigv4_authorization(const std::string& signing_service, const std::string& region) {
  return "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/" + region + "/" + signing_service +
         "/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";
}

}  // namespace adjust::testing
