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
// typed model's internals. The service deployments API (ListServiceDeployments
// & co) answers typed values directly: every deployment FakeEcs starts has a
// service deployment and a service revision, whose status and lifecycle stage
// (blue/green, linear, canary) advance in the same rounds.
//
// Thread-safe: the engine calls from several threads at once.
#pragma once

#include <deque>
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
#include "fakes/service_deployments.hpp"

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
  list_services,
  update_service,
  list_tasks,
  describe_tasks,
  describe_target_health,
  describe_target_group_attributes,
  list_service_deployments,
  describe_service_deployments,
  describe_service_revisions,
  stop_service_deployment,
  continue_service_deployment,
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

  // ---- service deployments (see FakeEcs's strategies) ----
  // BLUE_GREEN/LINEAR/CANARY: rounds in BAKE_TIME (both revisions running).
  int bake_rounds = 1;
  // Rounds each other stage lasts (0 = passed in the round it is reached);
  // SCALE_UP lasts until the new tasks are healthy, traffic shifts as below.
  int stage_rounds = 0;
  // LINEAR/CANARY: PRODUCTION_TRAFFIC_SHIFT takes this many rounds, one step
  // each (BLUE_GREEN: always one).
  int traffic_steps = 1;
  // Non-empty: this CloudWatch alarm goes off in the first round after
  // BAKE_TIME began (ROLLING: once the new tasks are healthy) and ECS rolls
  // back: ROLLBACK_IN_PROGRESS (blue/green: production traffic back on blue at
  // once, green drained), then ROLLBACK_SUCCESSFUL.
  std::string alarm_in_bake;
  // ROLLING with deploymentConfiguration.earlySuccessCriteria.enable: the
  // deployment is SUCCESSFUL (rolloutState COMPLETED) once this many new tasks
  // are healthy; the old deployment stays ACTIVE with its tasks running and
  // healthy until `deferred_cleanup_rounds` rounds later (0 = never).
  int early_success_healthy = 0;
  int deferred_cleanup_rounds = 0;

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
  // deploymentConfiguration.strategy. BLUE_GREEN, LINEAR and CANARY give the
  // load balancer an advancedConfiguration whose alternateTargetGroupArn is
  // fake_target_group_arn(NAME + "-alt"); each deployment's new tasks register
  // in the group of the pair that the serving revision does not use.
  DeploymentStrategy strategy = DeploymentStrategy::rolling;
  int bake_minutes = 0;  // bakeTimeInMinutes (rendered for every strategy but a ROLLING 0)
  // Merged over the rendered deploymentConfiguration (top-level keys):
  // lifecycleHooks (PAUSE hooks pause the deployment), alarms,
  // earlySuccessCriteria, linearConfiguration, canaryConfiguration.
  nlohmann::json deployment_configuration_extra = nlohmann::json::object();
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

struct StopRequest {
  std::string arn;
  StopType stop_type = StopType::rollback;
};

struct ContinueRequest {
  std::string arn;
  std::string hook_id;
  HookAction action = HookAction::resume;
};

// What the service deployments API does: `denied` answers AccessDeniedException
// (an IAM policy without ecs:ListServiceDeployments & co), `unsupported`
// UnsupportedFeatureException (an endpoint without the API).
enum class DeploymentsApi { available, denied, unsupported };

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
  std::string primary_rollout_state;  // IN_PROGRESS, COMPLETED, FAILED
  std::size_t deployments = 0;
  // The current service deployment (as it really is, whatever
  // set_current_lag shows) and its target revision's part.
  std::string current_service_deployment;  // ARN
  std::string deployment_status;           // SUCCESSFUL, ROLLBACK_IN_PROGRESS, ... as ECS spells it
  std::string lifecycle_stage;             // "" for ROLLING
  double production_weight = 0;            // of the current target revision
  std::string serving_target_group;        // where production traffic goes ("" without a load balancer)
  // The seq (CallRecord::seq) of the DescribeServices round in which
  // production traffic reached 100% for the current deployment; -1 if it has
  // not (0: before any call, for a service's first deployment).
  int production_shift_seq = -1;
  std::size_t service_deployments = 0;  // how many the service has had
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
  // Its first service deployment is SUCCESSFUL already.
  //
  // Service deployments, per strategy (a round = a DescribeServices naming it):
  // - every deployment FakeEcs starts is PENDING until its first round, then
  //   IN_PROGRESS; a newer one STOPs it ("superseded"); StopServiceDeployment
  //   ROLLBACK makes it ROLLBACK_REQUESTED, the next round ROLLBACK_IN_PROGRESS,
  //   then ROLLBACK_SUCCESSFUL once the source revision runs again (blue/green
  //   with blue still running: the round after, traffic flipped at once); ABORT
  //   STOPs it where it stands. A breaker trip (Fate) is ROLLBACK_IN_PROGRESS or
  //   STOPPED as breaker_rollback says.
  // - ROLLING: as before (no lifecycle stage); SUCCESSFUL when the deployment
  //   COMPLETES. Its production weight is the new revision's share of the
  //   serving (healthy) tasks.
  // - BLUE_GREEN/LINEAR/CANARY with the default Fate: round 1 PRE_SCALE_UP
  //   passes and green starts (SCALE_UP); round 2 green is healthy, the
  //   post/test stages pass, production shifts to 100 (BAKE_TIME); round 3
  //   CLEAN_UP drains blue and the deployment is SUCCESSFUL.
  // - PAUSE hooks (lifecycleHooks, targetType PAUSE) wait AWAITING_ACTION at
  //   their stages (ROLLING: PRE_SCALE_UP before tasks start, POST_SCALE_UP
  //   once they are healthy and before the old ones go) until
  //   ContinueServiceDeployment or StopServiceDeployment.
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
  // Someone else deploys `revision` (a new PRIMARY, with the revision's fate)
  // / sets the desired count.
  void deploy_external(const std::string& service, const std::string& revision);
  void scale_external(const std::string& service, int desired);
  // Someone deletes the service: DRAINING (count 0) now, gone (MISSING) once `gone`.
  void delete_external(const std::string& service, bool gone = false);
  // The service deployments API: available (the default), denied or unsupported.
  void set_deployments_api(DeploymentsApi mode);
  // After the service's next UpdateService, the next `count` DescribeServices
  // naming it answer with the service as it was just before that update (old
  // taskDefinition, deployments, desiredCount, currentServiceDeployment); a
  // round still runs. Eventual consistency as ECS documents it.
  void stale_describes(const std::string& service, int count);
  // For the first `rounds` DescribeServices rounds after each later
  // UpdateService that starts a deployment, its answer and DescribeServices
  // show the previous currentServiceDeployment, and ListServiceDeployments
  // omits the new one.
  void set_current_lag(int rounds);

  // ---- what was asked ----
  std::vector<UpdateServiceRequest> update_requests() const;
  std::vector<DescribeServicesCall> describe_services_calls() const;
  std::vector<nlohmann::json> register_requests() const;
  std::vector<std::string> deregistered() const;  // ARNs, in order
  std::vector<ListTasksCall> list_tasks_calls() const;
  std::vector<CallRecord> calls() const;
  int count(AwsOp op) const;
  std::vector<StopRequest> stop_requests() const;
  std::vector<ContinueRequest> continue_requests() const;
  // RegisterTaskDefinition + DeregisterTaskDefinition + UpdateService +
  // StopServiceDeployment + ContinueServiceDeployment.
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
  Result<std::vector<std::string>> list_services(const std::string& cluster) override;
  Result<EcsService> update_service(const UpdateServiceRequest& request) override;
  Result<std::vector<std::string>> list_tasks(const std::string& cluster, const std::string& service,
                                              const std::string& desired_status) override;
  Result<EcsTasks> describe_tasks(const std::string& cluster, const std::vector<std::string>& tasks) override;
  // Typed answers (no wire JSON: their decoders live with the real client).
  // ListServiceDeployments is newest first; created_after is compared with
  // the clock's now() at creation when the fake has a clock, and is always
  // satisfied without one (no timestamps then). Unknown ARNs are failures
  // {arn, "MISSING"}. Stop/Continue on a completed deployment, or Continue
  // without that hook AWAITING_ACTION: ConflictException.
  Result<std::vector<ServiceDeploymentBrief>> list_service_deployments(
      const ListServiceDeploymentsRequest& request) override;
  Result<ServiceDeployments> describe_service_deployments(const std::vector<std::string>& arns) override;
  Result<ServiceRevisions> describe_service_revisions(const std::vector<std::string>& arns) override;
  Status stop_service_deployment(const std::string& arn, StopType stop_type) override;
  Status continue_service_deployment(const std::string& arn, const std::string& hook_id,
                                     HookAction action) override;

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
    std::string target_group;  // where it registers (its deployment's)
    std::string revision;      // its deployment's service revision
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
    int rounds_completed = -1;       // rounds since COMPLETED (-1: not completed)
    std::string target_group;        // where its tasks register
    std::string revision;            // service revision ARN
    std::string service_deployment;  // ARN of the service deployment it belongs to
    bool halted = false;             // StopServiceDeployment(ABORT): no further progress
    bool early = false;              // completed by early success criteria; source not cleaned up yet
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
    std::set<std::string> proven;   // revisions that completed here
    std::string status = "ACTIVE";  // DRAINING once deleted
    DeploymentStrategy strategy = DeploymentStrategy::rolling;
    std::string alternate_target_group;  // BLUE_GREEN/LINEAR/CANARY
    std::string production_target_group;
    std::string serving_revision;                  // the last completed revision (a rollback's source)
    std::vector<std::string> service_deployments;  // ARNs, oldest first
    int revisions = 0;
    int stale_armed = 0;  // stale_describes
    int stale_left = 0;
    nlohmann::json stale_snapshot;
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
  Deployment* find_deployment(Service& service, const std::string& id);
  void round(Service& service);
  void deployment_round(Service& service, bool hold);
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

  // ---- service deployments (service_deployments.cpp) ----
  std::optional<SystemTime> stamp() const;
  // A new deployment of `task_definition` (UpdateService, deploy_external):
  // supersedes the service's one in progress, makes a revision and a service
  // deployment, returns the new PRIMARY.
  Deployment& start_deployment(Service& service, const std::string& task_definition, int desired, Fate fate);
  FakeServiceRevision& new_revision(Service& service, const std::string& task_definition,
                                    const std::string& target_group);
  FakeServiceDeployment& new_service_deployment(Service& service, const std::string& target_revision,
                                                Deployment& deployment);
  FakeServiceDeployment* find_service_deployment(const std::string& arn);
  FakeServiceDeployment* current_service_deployment(Service& service);  // null if none
  // The service's current one while in progress, else null.
  FakeServiceDeployment* live_service_deployment(Service& service);
  // The deployment's service deployment while it is that one's forward deployment in progress.
  FakeServiceDeployment* forwarding(Service& service, const Deployment& deployment);
  // Before the tasks move in a round: status, rollbacks, stages before
  // SCALE_UP, PRE_SCALE_UP hooks; true: hold the new tasks back.
  bool service_deployment_before_round(Service& service, FakeServiceDeployment& sd);
  void service_deployment_after_round(Service& service);
  void advance_stages(Service& service, FakeServiceDeployment& sd, bool before_tasks);
  bool paused_at(FakeServiceDeployment& sd, const std::string& stage);
  bool green_ready(const Service& service, const Deployment& green) const;
  // ROLLING, all new tasks ready: hooks, alarm; true if it may complete.
  bool may_complete(Service& service, Deployment& primary);
  void on_breaker(Service& service, Deployment& deployment, bool rolling_back);
  void on_complete(Service& service, Deployment& primary);
  void start_rollback(Service& service, FakeServiceDeployment& sd, const std::string& reason);
  void finish(Service& service, FakeServiceDeployment& sd, ServiceDeploymentStatus status,
              const std::string& reason);
  void update_rolling_weight(Service& service, FakeServiceDeployment& sd);
  void reach_production(FakeServiceDeployment& sd);
  void drain_deployment(Service& service, const std::string& deployment_id, const std::string& reason);
  ServiceRevisionSummary summary(const Service& service, const std::string& revision, double weight,
                                 double test_weight) const;
  ServiceDeployment typed(const FakeServiceDeployment& sd);
  std::optional<Error> deployments_api_error(AwsOp op) const;
  Service* service_of(const FakeServiceDeployment& sd);
  std::string other_target_group(const Service& service, const std::string& target_group) const;

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
  int m_next_service_deployment = 0;  // apart from m_next_id: task ids stay as they were
  int m_round_seq = 0;                // the seq of the DescribeServices running a round
  DeploymentsApi m_deployments_api = DeploymentsApi::available;
  int m_current_lag = 0;
  std::deque<FakeServiceDeployment> m_service_deployments;  // oldest first; a deque keeps references
  std::map<std::string, FakeServiceRevision> m_revisions;   // by ARN

  std::map<AwsOp, int> m_counts;
  int m_seq = 0;
  std::vector<CallRecord> m_calls;
  std::vector<UpdateServiceRequest> m_updates;
  std::vector<DescribeServicesCall> m_describes;
  std::vector<nlohmann::json> m_registers;
  std::vector<std::string> m_deregistered;
  std::vector<ListTasksCall> m_list_tasks;
  std::vector<StopRequest> m_stops;
  std::vector<ContinueRequest> m_continues;
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
