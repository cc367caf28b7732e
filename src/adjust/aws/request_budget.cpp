#include "adjust/aws/request_budget.hpp"

#include <algorithm>

#include "adjust/base/numeric.hpp"

namespace adjust {
namespace {

constexpr BucketSize k_elb_account{40, 10};  // shared by every ELB API action
// How often a wait that may be given up looks at its flag.
constexpr std::chrono::milliseconds k_give_up_check{100};

thread_local const std::atomic<bool>* t_give_up = nullptr;

ApiFamily ecs_family(std::string_view operation) {
  if (operation == "DescribeServices" || operation == "ListServices") return ApiFamily::ecs_service_read;
  if (operation == "DescribeTasks" || operation == "ListTasks") return ApiFamily::ecs_cluster_resource_read;
  if (operation == "UpdateService" || operation == "CreateService" || operation == "DeleteService")
    return ApiFamily::ecs_service_modify;
  if (operation == "RegisterTaskDefinition" || operation == "DeregisterTaskDefinition")
    return ApiFamily::ecs_task_definition_modify;
  if (operation == "DescribeTaskDefinition" || operation == "ListTaskDefinitions" ||
      operation == "ListTaskDefinitionFamilies")
    return ApiFamily::ecs_task_definition_read;
  if (operation == "DescribeServiceRevisions") return ApiFamily::ecs_service_revision;
  // Stop and Continue are not in AWS's table: counted with the deployment reads.
  if (operation.find("ServiceDeployment") != std::string_view::npos) return ApiFamily::ecs_service_deployment;
  return ApiFamily::ecs_other;
}

}  // namespace

ApiFamily family_of(std::string_view signing_name, std::string_view operation) {
  if (signing_name == "ecs") return ecs_family(operation);
  if (signing_name == "elasticloadbalancing")
    return operation.starts_with("Describe") ? ApiFamily::elbv2_describe : ApiFamily::elbv2_other;
  if (signing_name == "application-autoscaling") return ApiFamily::application_autoscaling;
  return ApiFamily::unlimited;
}

BucketSize aws_bucket(ApiFamily family) {
  switch (family) {
    case ApiFamily::ecs_service_read:
    case ApiFamily::ecs_cluster_resource_read:
      return {100, 20};
    case ApiFamily::ecs_service_modify:
      return {50, 5};
    case ApiFamily::ecs_task_definition_modify:
      return {20, 1};
    case ApiFamily::ecs_task_definition_read:
    case ApiFamily::ecs_service_deployment:
    case ApiFamily::ecs_service_revision:
    case ApiFamily::ecs_other:
      return {50, 20};
    case ApiFamily::elbv2_describe:
      return {40, 10};
    case ApiFamily::elbv2_other:
      return {20, 4};
    case ApiFamily::application_autoscaling:
      return {40, 10};  // not published: a modest guess
    case ApiFamily::unlimited:
      break;
  }
  return {0, 0};
}

Result<RequestBudgetConfig> request_budget_from_env(const Environment& env) {
  RequestBudgetConfig config;
  config.adaptive = env.non_empty("AWS_RETRY_MODE") == std::optional<std::string>("adaptive");
  if (auto text = env.non_empty("ADJUST_AWS_RATE_SHARE")) {
    std::string_view value = *text;
    if (!value.empty() && value.back() == '%') value.remove_suffix(1);
    auto percent = parse_number(value);
    if (!percent || *percent < 1 || *percent > 100) {
      return fail(ErrorCode::config,
                  "ADJUST_AWS_RATE_SHARE must be a percentage of AWS's request rates "
                  "between 1 and 100, not '" +
                      *text + "'");
    }
    config.share = *percent / 100.0;
  }
  return config;
}

RequestBudget::RequestBudget(Clock& clock, RequestBudgetConfig config) : m_clock(clock), m_config(config) {
  auto now = m_clock.monotonic();
  for (std::size_t i = 0; i < k_api_family_count; ++i) {
    BucketSize size = bucket(static_cast<ApiFamily>(i));
    m_families[i].emplace(Family{TokenBucket(size.burst, size.rate, now), std::nullopt, std::nullopt});
    if (m_config.adaptive) m_families[i]->adaptive.emplace(now);
  }
  m_elb_account.emplace(std::max(1.0, k_elb_account.burst * m_config.share),
                        k_elb_account.rate * m_config.share, now);
}

BucketSize RequestBudget::bucket(ApiFamily family) const {
  BucketSize aws = aws_bucket(family);
  return {std::max(1.0, aws.burst * m_config.share), aws.rate * m_config.share};
}

std::chrono::milliseconds RequestBudget::reserve(Family& family, TokenBucket::Time now) {
  auto wait = family.bucket.reserve(now);
  if (family.adaptive_bucket) wait = std::max(wait, family.adaptive_bucket->reserve(now));
  return wait;
}

RequestBudget::GiveUpWhen::GiveUpWhen(const std::atomic<bool>& flag) : m_previous(t_give_up) {
  t_give_up = &flag;
}

RequestBudget::GiveUpWhen::~GiveUpWhen() { t_give_up = m_previous; }

bool RequestBudget::before_send(std::string_view signing_name, std::string_view operation) {
  ApiFamily family = family_of(signing_name, operation);
  if (family == ApiFamily::unlimited) return true;
  const bool elb = signing_name == "elasticloadbalancing";
  std::chrono::milliseconds wait{0};
  {
    std::lock_guard lock(m_mutex);
    auto now = m_clock.monotonic();
    wait = reserve(*m_families[static_cast<std::size_t>(family)], now);
    if (elb) wait = std::max(wait, m_elb_account->reserve(now));
    if (wait.count() > 0) {
      ++m_waits;
      m_waited += wait;
    }
  }
  if (t_give_up == nullptr) {
    if (wait.count() > 0) m_clock.sleep_for(wait);
    return true;
  }
  for (auto left = wait;; left -= k_give_up_check) {
    if (t_give_up->load()) {
      refund(family, elb);
      return false;
    }
    if (left.count() <= 0) return true;
    m_clock.sleep_for(std::min(left, k_give_up_check));
  }
}

void RequestBudget::refund(ApiFamily family, bool elb) {
  std::lock_guard lock(m_mutex);
  Family& entry = *m_families[static_cast<std::size_t>(family)];
  entry.bucket.refund();
  if (entry.adaptive_bucket) entry.adaptive_bucket->refund();
  if (elb) m_elb_account->refund();
}

void RequestBudget::after_answer(std::string_view signing_name, std::string_view operation, bool throttled) {
  ApiFamily family_id = family_of(signing_name, operation);
  if (family_id == ApiFamily::unlimited || !m_config.adaptive) return;
  std::lock_guard lock(m_mutex);
  auto now = m_clock.monotonic();
  Family& family = *m_families[static_cast<std::size_t>(family_id)];
  family.adaptive->on_response(throttled, now);
  if (!family.adaptive->enabled()) return;
  double rate = family.adaptive->rate();
  if (!family.adaptive_bucket) {
    family.adaptive_bucket.emplace(std::max(rate, 1.0), rate, now);
  } else {
    family.adaptive_bucket->set_rate(rate, now);
  }
}

std::optional<double> RequestBudget::adaptive_rate(ApiFamily family) const {
  std::lock_guard lock(m_mutex);
  const Family& entry = *m_families[static_cast<std::size_t>(family)];
  if (!entry.adaptive || !entry.adaptive->enabled()) return std::nullopt;
  return entry.adaptive->rate();
}

int RequestBudget::waits() const {
  std::lock_guard lock(m_mutex);
  return m_waits;
}

std::chrono::milliseconds RequestBudget::waited() const {
  std::lock_guard lock(m_mutex);
  return m_waited;
}

}  // namespace adjust
