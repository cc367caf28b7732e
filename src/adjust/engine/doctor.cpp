#include "adjust/engine/doctor.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "adjust/base/parallel.hpp"
#include "adjust/engine/read_state.hpp"
#include "adjust/engine/run_state.hpp"
#include "adjust/logic/current.hpp"
#include "adjust/logic/strategy.hpp"
#include "adjust/logic/task_definition.hpp"
#include "adjust/model/arn.hpp"
#include "adjust/model/autoscaling.hpp"

namespace adjust {
namespace {

// The checks of one component, in the order they run; a failure skips the rest.
constexpr const char* k_component_checks[] = {
    "cluster",         "service",  "launch type",         "task definition",
    "container",       "tasks",    "service deployments", "target groups",
    "scalable target", "revisions"};

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// The fix for a read that failed: a permission for access denied, else the error's own nature.
std::string fix_for_read(const Error& error, const std::string& permissions) {
  if (error.code == ErrorCode::aws_auth)
    return "allow " + permissions + " to the credentials in use (IAM PERMISSIONS in adjust(1))";
  if (error.code == ErrorCode::aws_throttled)
    return "the account's request rate is spent; try again in a minute";
  if (error.code == ErrorCode::aws_network || error.code == ErrorCode::aws_timeout)
    return "check the endpoint and the network path to it";
  return "see the error; an AWS error code is named in it";
}

// "arn:...:targetgroup/web-tg/0123..." -> "web-tg".
std::string target_group_name(const std::string& arn) {
  auto start = arn.find("targetgroup/");
  if (start == std::string::npos) return arn;
  start += 12;
  return arn.substr(start, arn.find('/', start) - start);
}

// The logic layer's "component NAME: what" without the prefix: a doctor line names the component itself.
std::string without_component(std::string message) {
  if (auto colon = message.find(": "); colon != std::string::npos) message.erase(0, colon + 2);
  return message;
}

class ComponentDoctor {
 public:
  ComponentDoctor(const ComponentConfig& component, DoctorAws& aws, std::vector<DoctorCheck>& out)
      : m_component(component), m_aws(aws), m_out(out) {}

  void pass(const std::string& name, std::string detail) {
    m_out.push_back(DoctorCheck::passed(name, std::move(detail), m_component.name));
  }
  void warn(const std::string& name, std::string detail, std::string fix) {
    m_out.push_back(DoctorCheck::warned(name, std::move(detail), std::move(fix), m_component.name));
  }
  // Records the failure and skips every later check of this component.
  void fail(const std::string& name, std::string detail, std::string fix) {
    m_out.push_back(DoctorCheck::failed(name, std::move(detail), std::move(fix), m_component.name));
    bool later = false;
    for (const char* check : k_component_checks) {
      if (later && applies(check)) {
        m_out.push_back(DoctorCheck::skipped(check, "not checked: " + name + " failed", m_component.name));
      }
      later = later || name == check;
    }
  }
  void fail_read(const std::string& name, const std::string& what, const Error& error,
                 const std::string& permissions) {
    fail(name, what + " failed: " + error.message, fix_for_read(error, permissions));
  }

  bool applies(std::string_view check) const {
    if (check == "container") return !m_component.environment.empty();
    if (check == "revisions") return m_component.keep_revisions > 0;
    return true;
  }

  // Returns false when a failure ended this component's checks.
  bool check_cluster(const Result<EcsServices>& described) {
    const std::string& cluster = m_component.cluster;
    if (described) {
      pass("cluster", cluster + " found in " + m_aws.region);
      return true;
    }
    const Error& error = described.error();
    if (error.aws_code == "ClusterNotFoundException") {
      fail("cluster", "cluster " + cluster + " not found in region " + m_aws.region,
           "check the component's `cluster:` (default: $FARGATE_CLUSTER, else default) and the region "
           "(config `region:`, AWS_REGION, the profile's region): a cluster lives in one region");
    } else {
      fail_read("cluster", "DescribeServices in " + cluster, error, "ecs:DescribeServices");
    }
    return false;
  }

  const EcsService* check_service(const EcsServices& described) {
    const std::string& name = m_component.service_name;
    for (const auto& candidate : described.services) {
      if (!names_service(candidate, name)) continue;
      if (candidate.status != "ACTIVE") {
        fail("service", name + " is " + candidate.status + ", not ACTIVE",
             "point `service_name:` at a live service, or remove this component");
        return nullptr;
      }
      pass("service", name + ": ACTIVE, " + std::to_string(candidate.running_count) + " of " +
                          std::to_string(candidate.desired_count) + " tasks running, on " +
                          revision_of(candidate.task_definition));
      return &candidate;
    }
    std::string fix = "check the component's `service_name:`";
    if (auto listed = m_aws.ecs.list_services(m_component.cluster); listed && !listed->empty()) {
      std::vector<std::string> names;
      for (const auto& arn : *listed) names.push_back(arn.substr(arn.rfind('/') + 1));
      std::sort(names.begin(), names.end());
      if (names.size() > 8) names.resize(8);
      fix += "; services in " + m_component.cluster + ": " + joined(names);
    }
    fail("service", "service " + name + " not found in cluster " + m_component.cluster, fix);
    return nullptr;
  }

  bool check_launch_type(const EcsService& service) {
    if (auto adjustable = check_adjustable(m_component, service); !adjustable) {
      fail("launch type", without_component(adjustable.error().message),
           "adjust tunes Fargate services on the ECS deployment controller only: remove this component");
      return false;
    }
    pass("launch type",
         "Fargate, ECS deployment controller, " + strategy_name(service.deployment_configuration));
    return true;
  }

  std::optional<EcsTaskDefinition> check_task_definition(const EcsService& service) {
    auto found = m_aws.ecs.describe_task_definition(service.task_definition);
    if (!found) {
      fail_read("task definition", "DescribeTaskDefinition " + revision_of(service.task_definition),
                found.error(), "ecs:DescribeTaskDefinition");
      return std::nullopt;
    }
    const auto& document = found->task_definition;
    auto cpu = task_cpu_units(document);
    auto memory = task_memory_mib(document);
    if ((m_component.cpu || m_component.memory) && (!cpu || !memory)) {
      fail("task definition", revision_of(found->arn()) + " has no task-level cpu and memory",
           "Fargate needs both: register a revision with task-level cpu and memory");
      return std::nullopt;
    }
    std::string detail = revision_of(found->arn()) + " readable";
    if (cpu && memory)
      detail += " (cpu " + std::to_string(*cpu) + " units, memory " + std::to_string(*memory) + " MiB)";
    pass("task definition", detail);
    return *std::move(found);
  }

  bool check_containers(const EcsTaskDefinition& task_definition) {
    if (!applies("container")) return true;
    std::map<std::string, std::vector<std::string>> by_container;
    for (const auto& setting : m_component.environment) {
      auto container = env_container_for(m_component, setting, task_definition.task_definition);
      if (!container) {
        fail("container", without_component(container.error().message),
             "set `container:` on the component (or on the setting) to a container the task definition has");
        return false;
      }
      by_container[*container].push_back(setting.name);
    }
    std::string detail;
    for (const auto& [container, names] : by_container)
      detail += (detail.empty() ? "" : "; ") + joined(names) + " in container " + container;
    pass("container", detail);
    return true;
  }

  bool check_tasks(const EcsService& service) {
    auto tasks = m_aws.ecs.list_tasks(m_component.cluster, service.name, "RUNNING");
    if (!tasks) {
      fail_read("tasks", "ListTasks", tasks.error(), "ecs:ListTasks and ecs:DescribeTasks");
      return false;
    }
    if (!tasks->empty()) {
      // One DescribeTasks call's worth shows the permission.
      std::vector<std::string> first(tasks->begin(),
                                     tasks->begin() + std::min<long>(std::ssize(*tasks), 100));
      if (auto described = m_aws.ecs.describe_tasks(m_component.cluster, first); !described) {
        fail_read("tasks", "DescribeTasks", described.error(), "ecs:DescribeTasks");
        return false;
      }
    }
    pass("tasks", std::to_string(tasks->size()) + " running task(s) readable");
    return true;
  }

  void check_service_deployments(const EcsService& service) {
    auto listed = m_aws.ecs.list_service_deployments({m_component.cluster, service.name, std::nullopt, {}});
    if (listed) {
      pass("service deployments",
           "ECS's deployment records readable (" + std::to_string(listed->size()) + " listed)");
      return;
    }
    if (deployments_api_unavailable(listed.error())) {
      // The engine falls back to the service's own deployments list.
      warn("service deployments", "ListServiceDeployments unavailable: " + listed.error().message,
           listed.error().code == ErrorCode::aws_auth
               ? "allow ecs:ListServiceDeployments, ecs:DescribeServiceDeployments and "
                 "ecs:DescribeServiceRevisions, so that adjust reads ECS's own verdict on each deployment"
               : "none needed: adjust follows the service's deployments list instead");
      return;
    }
    fail_read("service deployments", "ListServiceDeployments", listed.error(), "ecs:ListServiceDeployments");
  }

  bool check_target_groups(const EcsService& service) {
    std::vector<std::string> groups;
    for (const auto& balancer : service.load_balancers) {
      if (!balancer.target_group_arn.empty()) groups.push_back(balancer.target_group_arn);
    }
    if (groups.empty()) {
      pass("target groups", "none attached: health is ECS's alone");
      return true;
    }
    std::string detail;
    for (const auto& group : groups) {
      auto health = m_aws.elbv2.describe_target_health(group);
      std::string name = target_group_name(group);
      if (!health) {
        fail_read("target groups", "DescribeTargetHealth " + name, health.error(),
                  "elasticloadbalancing:DescribeTargetHealth");
        return false;
      }
      auto healthy = std::count_if(health->begin(), health->end(),
                                   [](const TargetHealth& target) { return target.state == "healthy"; });
      detail += (detail.empty() ? "" : "; ") + name + ": " + std::to_string(healthy) + " of " +
                std::to_string(health->size()) + " targets healthy";
    }
    pass("target groups", detail);
    return true;
  }

  bool check_scalable_target(const Result<std::vector<ScalableTarget>>& targets, const EcsService& service) {
    if (!targets) {
      fail_read("scalable target", "DescribeScalableTargets", targets.error(),
                "application-autoscaling:DescribeScalableTargets");
      return false;
    }
    std::string id = scalable_resource_id(m_component.cluster, service.name);
    auto target = std::find_if(targets->begin(), targets->end(),
                               [&](const ScalableTarget& candidate) { return candidate.resource_id == id; });
    if (target == targets->end()) {
      pass("scalable target", "none: Application Auto Scaling does not scale this service");
      return true;
    }
    std::string bounds =
        "min " + std::to_string(target->min_capacity) + ", max " + std::to_string(target->max_capacity);
    if (m_component.replicas && !m_component.pin_autoscaled_replicas) {
      fail(
          "scalable target",
          "Application Auto Scaling scales this service (" + bounds + ") and would undo the replicas setting",
          "set `replicas_when_autoscaled: pin` on the component, or drop the replicas setting");
      return false;
    }
    pass("scalable target", "Application Auto Scaling scales this service (" + bounds + ")");
    return true;
  }

  void check_revisions(const EcsTaskDefinition& task_definition) {
    if (!applies("revisions")) return;
    std::string family = task_definition.task_definition.value("family", std::string());
    auto listed = m_aws.ecs.list_task_definitions(family);
    if (!listed) {
      fail_read("revisions", "ListTaskDefinitions " + family, listed.error(), "ecs:ListTaskDefinitions");
      return;
    }
    pass("revisions", std::to_string(listed->size()) + " revision(s) of " + family +
                          " listed (keep_revisions " + std::to_string(m_component.keep_revisions) + ")");
  }

 private:
  const ComponentConfig& m_component;
  DoctorAws& m_aws;
  std::vector<DoctorCheck>& m_out;
};

}  // namespace

std::vector<DoctorCheck> check_components(const Config& config, DoctorAws aws) {
  std::map<std::string, std::vector<std::string>> names_by_cluster;
  std::vector<std::string> resource_ids;
  for (const auto& component : config.components) {
    names_by_cluster[component.cluster].push_back(component.service_name);
    resource_ids.push_back(scalable_resource_id(component.cluster, component.service_name));
  }
  auto by_cluster = describe_services_by_cluster(aws.ecs, names_by_cluster, k_default_aws_concurrency);
  // One batched read for every component's scalable target.
  auto targets = aws.autoscaling.describe_scalable_targets(resource_ids);

  // The components at once (each a handful of reads), reported in config order.
  std::vector<std::vector<DoctorCheck>> by_component(config.components.size());
  parallel_for(config.components.size(), k_default_aws_concurrency, [&](std::size_t i) {
    const ComponentConfig& component = config.components[i];
    ComponentDoctor doctor(component, aws, by_component[i]);
    const auto& described = by_cluster.at(component.cluster);
    if (!doctor.check_cluster(described)) return;
    const EcsService* service = doctor.check_service(*described);
    if (service == nullptr || !doctor.check_launch_type(*service)) return;
    auto task_definition = doctor.check_task_definition(*service);
    if (!task_definition || !doctor.check_containers(*task_definition)) return;
    if (!doctor.check_tasks(*service)) return;
    doctor.check_service_deployments(*service);
    if (!doctor.check_target_groups(*service)) return;
    if (!doctor.check_scalable_target(targets, *service)) return;
    doctor.check_revisions(*task_definition);
  });
  std::vector<DoctorCheck> checks;
  for (auto& component_checks : by_component) {
    checks.insert(checks.end(), std::make_move_iterator(component_checks.begin()),
                  std::make_move_iterator(component_checks.end()));
  }
  return checks;
}

}  // namespace adjust
