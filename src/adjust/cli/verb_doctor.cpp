// adjust doctor: a read-only preflight of the whole setup, one check at a
// time, for a first install or a broken one. Prints the report on stdout
// (text, or one JSON document with --json); exit 0 only when nothing failed.
#include <filesystem>

#include "adjust/aws/session.hpp"
#include "adjust/cli/verbs.hpp"
#include "adjust/engine/doctor.hpp"

namespace adjust::verbs {
namespace {

constexpr const char* k_credentials_fix =
    "give the driver credentials: AWS_PROFILE (with ~/.aws/credentials or config), "
    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run it where a role is available "
    "(ECS task role, EC2 instance profile, web identity)";

std::string endpoints_detail(AwsSession& session) {
  const auto& ecs = session.endpoint(AwsService::ecs).url;
  const auto& elbv2 = session.endpoint(AwsService::elbv2).url;
  const auto& sts = session.endpoint(AwsService::sts).url;
  const auto& autoscaling = session.endpoint(AwsService::autoscaling).url;
  if (ecs == elbv2 && ecs == sts && ecs == autoscaling) return "every service at " + ecs;
  return "ECS " + ecs + ", ELBv2 " + elbv2 + ", STS " + sts + ", Application Auto Scaling " + autoscaling;
}

// Config, region and endpoints, credentials and identity; then, if they all
// passed, every component's checks.
std::vector<DoctorCheck> run_checks(Context& context) {
  std::vector<DoctorCheck> checks;
  std::string path = resolve_config_path(context.line.config_path, context.env);
  auto config = load_config(path, context.env);
  if (!config) {
    std::error_code ignored;
    bool exists = std::filesystem::exists(path, ignored);
    checks.push_back(DoctorCheck::failed(
        "config", config.error().message,
        exists ? "correct the lines named (an annotated example: config.yaml.example, installed under "
                 "/usr/share/doc/adjust/examples/)"
               : "pass --config PATH, set OPTUNE_CONFIG, or create ./config.yaml"));
    return checks;
  }
  std::string found = path + ": " + std::to_string(config->components.size()) + " component(s)";
  if (!config->warnings.empty()) {
    std::string warnings;
    for (const auto& warning : config->warnings) warnings += (warnings.empty() ? "" : "; ") + warning;
    checks.push_back(
        DoctorCheck::warned("config", found + "; " + warnings,
                            "remove or correct the keys named (the original driver ignored them too)"));
  } else {
    checks.push_back(DoctorCheck::passed("config", found));
  }

  auto session = open_aws_session(AwsSettings{config->region, config->endpoint_url}, context.env,
                                  context.transport, context.clock, context.logger);
  if (!session) {
    checks.push_back(DoctorCheck::failed("region and endpoints", session.error().message,
                                         "set `region:` in config.yaml or AWS_REGION, and check any "
                                         "endpoint_url / AWS_ENDPOINT_URL* setting"));
    return checks;
  }
  AwsSession& aws = **session;
  checks.push_back(DoctorCheck::passed("region and endpoints", aws.region() + "; " + endpoints_detail(aws)));

  auto source = aws.credential_source();
  if (!source) {
    checks.push_back(DoctorCheck::failed("credentials", source.error().message, k_credentials_fix));
    checks.push_back(DoctorCheck::skipped("identity", "not checked: no credentials"));
    return checks;
  }
  checks.push_back(DoctorCheck::passed("credentials", "from " + *source));
  auto identity = aws.caller_identity();
  if (!identity) {
    const Error& error = identity.error();
    bool rejected = error.code == ErrorCode::aws_auth || error.code == ErrorCode::aws_expired_credentials;
    checks.push_back(DoctorCheck::failed(
        "identity", "STS GetCallerIdentity failed: " + error.message,
        rejected ? "the credentials from " + *source + " are not accepted: renew or replace them"
                 : "check the STS endpoint and the network path to it"));
    return checks;
  }
  checks.push_back(DoctorCheck::passed("identity", "account " + identity->account + ", " + identity->arn));

  auto components = check_components(*config, {aws.ecs(), aws.elbv2(), aws.autoscaling(), aws.region()});
  checks.insert(checks.end(), std::make_move_iterator(components.begin()),
                std::make_move_iterator(components.end()));
  return checks;
}

}  // namespace

int doctor(Context& context) {
  auto checks = run_checks(context);
  if (context.line.json) {
    context.output.document(doctor_document(checks));
  } else {
    context.output.text(render_doctor_text(checks));
  }
  return doctor_passed(checks) ? 0 : 1;
}

}  // namespace adjust::verbs
