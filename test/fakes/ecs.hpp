// An in-memory ECS and ELBv2 for driving the engine in-process: services with
// deployments, tasks and target health; task definitions with revisions. Like
// ninja's FakeCommandRunner it records every call as typed values, so a test
// asserts what was asked (e.g. the UpdateServiceRequests received).
//
// Time is counted in rounds, not seconds: every DescribeServices call that
// names a service first runs one reconcile round for it (start, fail or stop
// tasks, turn targets healthy, complete or fail the deployment), the way the
// simulator's reconcile loop does on its clock. A test scripts what a new
// deployment does with a Fate. Answers are rendered as ECS wire JSON (and
// ELBv2 XML) and decoded by the real decoders, so tests do not depend on the
// typed model's internals.
//
// Thread-safe: the engine calls from several threads at once.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adjust/aws/ecs_client.hpp"
#include "adjust/aws/elbv2_client.hpp"
#include "adjust/base/clock.hpp"

namespace adjust::testing {

inline constexpr const char* k_fake_region = "us-east-1";
inline constexpr const char* k_fake_account = "123456789012";

// "arn:aws:ecs:us-east-1:123456789012:task-definition/" + revision.
std::string fake_task_definition_arn(const std::string& revision);
// "arn:aws:ecs:us-east-1:123456789012:service/CLUSTER/NAME".
std::string fake_service_arn(const std::string& cluster, const std::string& name);
std::string fake_target_group_arn(const std::string& name);

enum class AwsOp {
  describe_services,
  describe_task_definition,
  register_task_definition,
  deregister_task_definition,
  list_task_definitions,
  update_service,
  list_tasks,
  describe_tasks,
  describe_target_health,
  describe_target_group_attributes,
};
const char* to_string(AwsOp op);

// How a task of a failing deployment stops.
struct TaskFailure {
  std::string stop_code;
  std::string stopped_reason;
  std::optional<int> exit_code;
  std::string container_reason;
};
TaskFailure oom_failure();         // exit code 137, OutOfMemoryError
TaskFailure image_pull_failure();  // TaskFailedToStart, CannotPullContainerError
TaskFailure exit_failure();        // exit code 1

// What a new deployment of a revision does, in rounds.
struct Fate {
  enum class Kind {
    converge,    // tasks start, targets turn healthy, the deployment COMPLETES
    stall,       // nothing ever starts
    fail_start,  // every task stops with `failure` as it starts
    unhealthy,   // tasks run, their targets stay unhealthy
  };
  Kind kind = Kind::converge;
  int start_after = 1;       // tasks start (or fail) in this round of the deployment
  int healthy_after = 1;     // their targets are judged this many rounds after starting
  int unhealthy_rounds = 0;  // converge: the targets are unhealthy this many rounds first
  TaskFailure failure = oom_failure();
  // fail_start: ECS's circuit breaker marks the deployment FAILED once this
  // many tasks failed (0 = no breaker) ...
  int breaker_threshold = 0;
  // ... and puts the previous completed deployment's revision back.
  bool breaker_rollback = false;
  // converge: this many rounds after COMPLETED, one of its tasks exits with
  // `failure` (instability during a settlement window); 0 = never.
  int stop_after_complete = 0;

  static Fate converge_after(int start_after = 1, int healthy_after = 1);
  static Fate stall();
  static Fate fail_start(TaskFailure failure = oom_failure());
  static Fate unhealthy();
};

// A steady service: `desired` tasks of `revision` running and healthy.
struct ServiceSpec {
  ServiceSpec() = default;
  ServiceSpec(std::string service_name) : name(std::move(service_name)) {}  // NOLINT: implicit on purpose

  std::string name;
  std::string cluster = "demo";
  std::string revision;  // "web:1"; default NAME:1
  int desired = 2;
  bool load_balancer = true;    // behind target group NAME-tg
  bool circuit_breaker = true;  // deploymentConfiguration.deploymentCircuitBreaker {enable, rollback}
};

struct DescribeServicesCall {
  std::string cluster;
  std::vector<std::string> services;
  int seq = 0;                                 // position among all calls
  std::chrono::steady_clock::time_point at{};  // the clock's monotonic time, when a clock was given
};

struct ListTasksCall {
  std::string cluster;
  std::string service;
  std::string desired_status;
};

struct CallRecord {
  AwsOp op;
  int seq = 0;
  std::string detail;  // the service, revision or target group the call named
};

// A service as it stands, for assertions.
struct ServiceNow {
  std::string revision;  // the service's taskDefinition, as "family:N"
  int desired = 0;
  std::string primary_revision;  // the PRIMARY deployment's, as "family:N"
  int primary_running = 0;
  std::size_t deployments = 0;
};

class FakeEcs final : public EcsApi {
 public:
  // With a clock, calls are stamped with its monotonic time.
  explicit FakeEcs(const Clock* clock = nullptr) : m_clock(clock) {}

  // ---- the world ----
  // Register a task definition as it is (family from td["family"]); returns its ARN.
  std::string add_task_definition(nlohmann::json td, nlohmann::json tags = nlohmann::json::array());
  // A Fargate task definition like the e2e tests': cpu 256, memory 512, one
  // container "web" (port 8080, MODE=safe, LOG_LEVEL=info).
  static nlohmann::json fargate_task_definition(const std::string& family);
  void add_service(const ServiceSpec& spec);
  // Deployments of `revision` ("web:2" or an ARN) follow `fate`; deployments of
  // other revisions follow the default fate, except a revision that already
  // completed on the service (a rollback target), which converges.
  void set_fate(const std::string& revision, Fate fate);
  void set_default_fate(Fate fate);

  // ---- scripting faults and actions ----
  // Calls number `first_call` .. first_call + times - 1 of `op` (1-based, per
  // op, counting every call) fail with `error`. With `applied`, a mutation
  // takes effect first (the answer was lost).
  void inject(AwsOp op, int first_call, Error error, int times = 1, bool applied = false);
  // Call `call` of `op` is answered with a garbled document (a string
  // desiredCount) that the real decoder rejects.
  void garble(AwsOp op, int call);
  // Run `action` when call `call` of `op` arrives, before it is answered
  // (outside the fake's lock: it may call the fake).
  void on_call(AwsOp op, int call, std::function<void()> action);
  // Someone else deploys `revision` (a new PRIMARY) / sets the desired count.
  void deploy_external(const std::string& service, const std::string& revision);
  void scale_external(const std::string& service, int desired);

  // ---- what was asked ----
  std::vector<UpdateServiceRequest> update_requests() const;
  std::vector<DescribeServicesCall> describe_services_calls() const;
  std::vector<nlohmann::json> register_requests() const;
  std::vector<std::string> deregistered() const;  // ARNs, in order
  std::vector<ListTasksCall> list_tasks_calls() const;
  std::vector<CallRecord> calls() const;
  int count(AwsOp op) const;
  // RegisterTaskDefinition + DeregisterTaskDefinition + UpdateService.
  int mutating_calls() const;

  // ---- what is ----
  ServiceNow service(const std::string& name) const;
  // ACTIVE | INACTIVE | "" (unknown), by "family:N" or ARN.
  std::string task_definition_status(const std::string& revision) const;

  // ---- EcsApi ----
  Result<EcsServices> describe_services(const std::string& cluster,
                                        const std::vector<std::string>& services) override;
  Result<EcsTaskDefinition> describe_task_definition(const std::string& reference) override;
  Result<EcsTaskDefinition> register_task_definition(const nlohmann::json& request) override;
  Result<EcsTaskDefinition> deregister_task_definition(const std::string& arn) override;
  Result<std::vector<std::string>> list_task_definitions(const std::string& family) override;
  Result<EcsService> update_service(const UpdateServiceRequest& request) override;
  Result<std::vector<std::string>> list_tasks(const std::string& cluster, const std::string& service,
                                              const std::string& desired_status) override;
  Result<EcsTasks> describe_tasks(const std::string& cluster, const std::vector<std::string>& tasks) override;

  // For FakeElbv2 (recorded and faulted as AwsOp::describe_target_health).
  Result<std::vector<TargetHealth>> target_health(const std::string& target_group_arn);
  Result<TargetGroupAttributes> target_group_attributes(const std::string& target_group_arn);

 private:
  struct Task {
    std::string arn;
    std::string task_definition;
    std::string deployment;
    std::string ip;
    std::string last_status = "PENDING";
    std::string desired_status = "RUNNING";
    std::string stop_code;
    std::string stopped_reason;
    std::string container = "web";
    std::optional<int> exit_code;
    std::string container_reason;
    std::string target_state;  // "" (not registered) | initial | healthy | unhealthy
    int running_rounds = -1;   // rounds since it started (-1: not started)
  };
  struct Deployment {
    std::string id;
    std::string status = "PRIMARY";
    std::string task_definition;
    int desired = 0;
    int failed = 0;
    std::string rollout = "IN_PROGRESS";
    std::string reason;
    Fate fate;
    int rounds = 0;
    int rounds_completed = -1;  // rounds since COMPLETED (-1: not completed)
  };
  struct Service {
    std::string name;
    std::string cluster;
    std::string arn;
    int desired = 0;
    std::vector<Deployment> deployments;  // PRIMARY first
    std::vector<Task> tasks;
    std::vector<nlohmann::json> events;  // newest first
    std::string target_group;            // "" = no load balancer
    nlohmann::json deployment_configuration = nlohmann::json::object();
    std::set<std::string> proven;  // revisions that completed here
  };
  struct Fault {
    AwsOp op;
    int first;
    int last;
    Error error;
    bool applied;
  };
  struct Hook {
    AwsOp op;
    int call;
    std::function<void()> action;
  };

  // Counts and records a call, runs its hooks; returns the call's number and
  // its fault, if any. Takes the lock itself.
  struct Arrival {
    int number = 0;
    int seq = 0;
    std::optional<Fault> fault;
    bool garbled = false;
  };
  Arrival arrive(AwsOp op, const std::string& detail);

  // Everything below: with m_mutex held.
  Service* find_service(const std::string& cluster, const std::string& name_or_arn);
  Service& service_named(const std::string& name);
  const Service& service_named(const std::string& name) const;
  std::string resolve_task_definition(const std::string& reference) const;
  Fate fate_for(const Service& service, const std::string& task_definition) const;
  Deployment& new_primary(Service& service, const std::string& task_definition, int desired, Fate fate);
  void round(Service& service);
  void start_task(Service& service, Task& task);
  void stop_task(Task& task, const TaskFailure& failure);
  void drain_task(Task& task, const std::string& reason);
  void check_complete(Service& service);
  void count_failure(Service& service, Deployment& deployment, int failures);
  Task& new_task(Service& service, const Deployment& deployment);
  void event(Service& service, const std::string& message);
  void apply_update(Service& service, const UpdateServiceRequest& request);
  nlohmann::json render(const Service& service) const;
  nlohmann::json render(const Task& task, const Service& service) const;

  const Clock* m_clock;
  mutable std::mutex m_mutex;
  std::map<std::string, Service> m_services;                 // by "cluster/name"
  std::map<std::string, nlohmann::json> m_task_definitions;  // ARN -> {"taskDefinition", "tags"}
  std::map<std::string, Fate> m_fates;                       // by task definition ARN
  Fate m_default_fate;
  std::vector<Fault> m_faults;
  std::vector<std::pair<AwsOp, int>> m_garbled;
  std::vector<Hook> m_hooks;
  int m_next_id = 0;

  std::map<AwsOp, int> m_counts;
  int m_seq = 0;
  std::vector<CallRecord> m_calls;
  std::vector<UpdateServiceRequest> m_updates;
  std::vector<DescribeServicesCall> m_describes;
  std::vector<nlohmann::json> m_registers;
  std::vector<std::string> m_deregistered;
  std::vector<ListTasksCall> m_list_tasks;
};

// ELBv2 over the fake ECS's target state (faults, hooks and records there).
class FakeElbv2 final : public Elbv2Api {
 public:
  explicit FakeElbv2(FakeEcs& ecs) : m_ecs(ecs) {}
  Result<std::vector<TargetHealth>> describe_target_health(
      const std::string& target_group_arn, const std::vector<TargetRef>& targets = {}) override;
  Result<TargetGroupAttributes> describe_target_group_attributes(
      const std::string& target_group_arn) override;

 private:
  FakeEcs& m_ecs;
};

// Errors as the real client reports them.
Error throttled_error();                                                      // ThrottlingException, 400
Error server_error();                                                         // ServiceUnavailable, 503
Error network_error();                                                        // connection reset, no answer
Error client_error(const std::string& message = "ClientException: refused");  // 400
Error access_denied_error();                                                  // AccessDeniedException, 400

}  // namespace adjust::testing
