// The run's share of the account's AWS request budget. AWS throttles per
// account and region, one token bucket per family of API actions, shared
// with the customer's CI, autoscaling and other tools; this keeps a bucket
// per family at a share of AWS's size (ADJUST_AWS_RATE_SHARE, default 50 %)
// for every thread and client of one run, so a driver never takes the whole
// budget. With AWS_RETRY_MODE=adaptive, each family also gets the SDKs'
// adaptive sending rate, which backs off on throttling and recovers.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string_view>

#include "adjust/aws/adaptive_rate.hpp"
#include "adjust/aws/token_bucket.hpp"
#include "adjust/base/clock.hpp"
#include "adjust/base/environment.hpp"
#include "adjust/base/result.hpp"

namespace adjust {

// AWS's throttling families (ECS API Reference "Request throttling", ELB
// User Guide "API throttling"); Application Auto Scaling publishes none.
enum class ApiFamily {
  ecs_service_read,
  ecs_cluster_resource_read,
  ecs_service_modify,
  ecs_task_definition_modify,
  ecs_task_definition_read,
  ecs_service_deployment,
  ecs_service_revision,
  ecs_other,
  elbv2_describe,
  elbv2_other,
  application_autoscaling,
  unlimited,  // STS and anything else not counted against an account bucket
};
inline constexpr std::size_t k_api_family_count = static_cast<std::size_t>(ApiFamily::unlimited);

// signing_name: "ecs", "elasticloadbalancing", "application-autoscaling", "sts".
ApiFamily family_of(std::string_view signing_name, std::string_view operation);

struct BucketSize {
  double burst = 0;  // tokens
  double rate = 0;   // tokens per second
};
// AWS's own bucket for a family (per account and region).
BucketSize aws_bucket(ApiFamily family);

struct RequestBudgetConfig {
  double share = 0.5;     // of AWS's burst and refill rate, (0, 1]
  bool adaptive = false;  // AWS_RETRY_MODE=adaptive
};

// ADJUST_AWS_RATE_SHARE: percent of AWS's buckets one run may use (1-100,
// default 50); the mode from AWS_RETRY_MODE. Fails with ErrorCode::config.
Result<RequestBudgetConfig> request_budget_from_env(const Environment& env);

class RequestBudget {
 public:
  RequestBudget(Clock& clock, RequestBudgetConfig config);

  // While one lives, the calling thread's waits give up once `flag` is set
  // (another component failed: a change still waiting its turn is not sent).
  class GiveUpWhen {
   public:
    explicit GiveUpWhen(const std::atomic<bool>& flag);
    ~GiveUpWhen();
    GiveUpWhen(const GiveUpWhen&) = delete;
    GiveUpWhen& operator=(const GiveUpWhen&) = delete;

   private:
    const std::atomic<bool>* m_previous;
  };

  // Before each attempt: wait (on the clock) for the family's token, and for
  // ELBv2 the account-wide ELB bucket's too. False: the wait was given up
  // (GiveUpWhen) and the token returned; the request must not be sent.
  bool before_send(std::string_view signing_name, std::string_view operation);
  // After each attempt that got an answer (adaptive mode learns from it).
  void after_answer(std::string_view signing_name, std::string_view operation, bool throttled);

  // The bucket this run keeps for a family (the share of AWS's).
  BucketSize bucket(ApiFamily family) const;
  // Adaptive mode: the family's sending rate now, once a throttle enabled it.
  std::optional<double> adaptive_rate(ApiFamily family) const;
  // Requests that waited for a token, and the total wait (for the log and tests).
  int waits() const;
  std::chrono::milliseconds waited() const;

 private:
  struct Family {
    TokenBucket bucket;
    std::optional<AdaptiveRate> adaptive;
    std::optional<TokenBucket> adaptive_bucket;  // at the adaptive rate, once enabled
  };
  std::chrono::milliseconds reserve(Family& family, TokenBucket::Time now);
  void refund(ApiFamily family, bool elb);

  Clock& m_clock;
  RequestBudgetConfig m_config;
  mutable std::mutex m_mutex;
  std::array<std::optional<Family>, k_api_family_count> m_families;
  std::optional<TokenBucket> m_elb_account;  // every ELB call takes from this one too
  int m_waits = 0;
  std::chrono::milliseconds m_waited{0};
};

}  // namespace adjust
