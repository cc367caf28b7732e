"""The ECS deployment model: services, deployments, tasks and targets moving through scenarios."""
from __future__ import annotations

import hashlib
import heapq
import json
import math
import uuid
from typing import Any, Callable

from .autoscaling import SCALER_OPTIONS, Scaler
from .clock import SimClock, epoch3
from .service_deployments import Lifecycle, Revision, ServiceDeployment
from .wire import DEFAULT_ACCOUNT, DEFAULT_REGION


FAILURES = {
    "oom": ("EssentialContainerExited", "Essential container in task exited", 137,
            "OutOfMemoryError: Container killed due to memory usage"),
    "image_pull": ("TaskFailedToStart", "Task failed to start", None,
                   "CannotPullContainerError: pull image manifest has been retried 5 time(s): "
                   "failed to resolve ref docker.io/library/nginx:nope: not found"),
    "exit": ("EssentialContainerExited", "Essential container in task exited", 1,
             "Essential container exited"),
    "start": ("TaskFailedToStart", "Task failed to start", None,
              "ResourceInitializationError: unable to pull secrets or registry auth"),
}

SCENARIOS = {"converge", "fail_start", "breaker_rollback", "unhealthy", "stall", "unplaceable",
             "external_change"}


class Deployment:
    def __init__(self, dep_id: str, td_arn: str, desired: int, now: float, scenario: dict[str, Any]) -> None:
        self.id = dep_id
        self.status = "PRIMARY"
        self.td_arn = td_arn
        self.desired = desired
        self.failed_tasks = 0
        self.created = now
        self.updated = now
        self.rollout = "IN_PROGRESS"
        self.reason = f"ECS deployment {dep_id} in progress."
        self.scenario = dict(scenario)
        self.completed_ever = False
        self.ready_at: float | None = None      # sim time: all new tasks running and healthy
        self.completed_at: float | None = None  # sim time: rolloutState became COMPLETED
        self.revision: Revision | None = None
        self.sd: ServiceDeployment | None = None           # the service deployment this one carries out
        self.rollback_sd: ServiceDeployment | None = None  # ... or rolls back
        # The service deployment's stages hold the classic round back: no scale-up yet, keep the
        # old tasks (blue / deferred cleanup), do not complete yet (alarm bake).
        self.hold_scale = self.hold_cleanup = self.hold_complete = False

    @property
    def kind(self) -> str:
        return self.scenario.get("scenario", "converge")

    def fate(self) -> str:
        kind = self.kind
        if kind in ("fail_start", "breaker_rollback"):
            return "fail"
        if kind == "unhealthy":
            return "unhealthy"
        if kind in ("stall", "unplaceable"):
            return kind
        return "run"


class Task:
    def __init__(self, arn: str, td_arn: str, dep_id: str, ip: str, now: float, cpu: str, memory: str,
                 containers: list[str], revision: Revision | None, groups: list[tuple[str, Any]]) -> None:
        self.arn = arn
        self.revision = revision.arn if revision else ""
        self.groups = groups  # (target group, port): where this task registers (its revision's groups)
        self.td_arn = td_arn
        self.deployment_id = dep_id
        self.ip = ip
        self.last_status = "PENDING"
        self.desired_status = "RUNNING"
        self.created = now
        self.started: float | None = None
        self.stopping: float | None = None
        self.stopped: float | None = None
        self.stop_code: str | None = None
        self.stopped_reason: str | None = None
        self.cpu = cpu
        self.memory = memory
        self.healthy = False
        self.containers = [{"name": name, "lastStatus": "PENDING"} for name in containers]

    @property
    def active(self) -> bool:
        return self.desired_status == "RUNNING"


class Service:
    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body
        self.arn: str = body["serviceArn"]
        self.name: str = body["serviceName"]
        parts = self.arn.split(":")
        self.region = parts[3] if len(parts) > 5 else DEFAULT_REGION
        self.account = parts[4] if len(parts) > 5 else DEFAULT_ACCOUNT
        self.cluster_arn: str = body.get("clusterArn") or \
            f"arn:aws:ecs:{self.region}:{self.account}:cluster/default"
        self.cluster = self.cluster_arn.rsplit("/", 1)[-1]
        self.deployments: list[Deployment] = []
        self.proven_tds: set[str] = set()   # revisions that completed here at some point
        self.tasks: list[Task] = []
        self.events: list[dict[str, Any]] = []
        # Seeded, render-only history older than anything the model makes (bounded-resource tests).
        self.history_events: list[dict[str, Any]] = []
        self.history_deployments: list[dict[str, Any]] = []
        self.last_unplaceable_event = -math.inf
        self.round_token = 0  # one reconcile chain per service, restarted by each new deployment
        self.sds: list[ServiceDeployment] = []  # newest first
        self.live_tgs: dict[int, str] = {}      # load balancer index -> target group serving production
        self.stale: list[Any] | None = None      # [describes left, the service as before UpdateService]

    def lbs(self) -> list[dict[str, Any]]:
        return [lb for lb in self.body.get("loadBalancers", []) or [] if lb.get("targetGroupArn")]

    def primary(self) -> Deployment:
        return self.deployments[0]


class Model(Lifecycle, Scaler):
    """ECS services, their deployments and tasks, and target-group health, on the sim clock."""

    def __init__(self, clock: SimClock) -> None:
        self.clock = clock
        self.services: dict[tuple[str, str], Service] = {}
        self.targets: dict[str, dict[str, dict[str, Any]]] = {}  # tg arn -> ip -> target
        self.task_defs: dict[str, dict[str, Any]] = {}  # arn -> {"taskDefinition":…, "tags":…}
        self.scenarios: dict[tuple[str, str], dict[str, Any]] = {}
        self.heap: list[tuple[float, int, Callable[[float], None]]] = []
        self.seq = 0
        self.counter = 0
        self.sim_now = clock.now()
        self.oldest_first = False  # render events and deployments oldest first (tests of list handling)
        # Clusters exist only in the region their services were seeded in (a request signed
        # for another region finds none, as on AWS). Off by default: most tests sign for any.
        self.regional = False
        self.sd_init()
        self.as_init()

    # ---- ids --------------------------------------------------------------------------------
    def next_id(self) -> int:
        self.counter += 1
        return self.counter

    def new_deployment_id(self) -> str:
        digest = hashlib.sha256(f"dep{self.next_id()}".encode()).hexdigest()
        return "ecs-svc/" + str(int(digest[:15], 16)).rjust(19, "1")[:19]

    def new_task(self, svc: Service, dep: Deployment, now: float) -> Task:
        n = self.next_id()
        task_id = hashlib.sha256(f"task{n}".encode()).hexdigest()[:32]
        arn = f"arn:aws:ecs:{svc.region}:{svc.account}:task/{svc.cluster}/{task_id}"
        ip = f"10.0.{(n // 200) % 250}.{n % 200 + 10}"
        td = self.task_defs.get(dep.td_arn, {}).get("taskDefinition", {})
        names = [c.get("name", "app") for c in td.get("containerDefinitions", [])] or \
            [lb.get("containerName", "app") for lb in svc.lbs()][:1] or ["app"]
        groups = dep.revision.groups if dep.revision else self.live_groups(svc)
        task = Task(arn, dep.td_arn, dep.id, ip, now, str(td.get("cpu", "256")),
                    str(td.get("memory", "512")), names, dep.revision, groups)
        svc.tasks.append(task)
        return task

    def event(self, svc: Service, now: float, message: str) -> None:
        eid = hashlib.sha256(f"ev{self.next_id()}".encode()).hexdigest()
        svc.events.insert(0, {"id": f"{eid[:8]}-{eid[8:12]}-{eid[12:16]}-{eid[16:20]}-{eid[20:32]}",
                              "createdAt": epoch3(now), "message": message})
        del svc.events[100:]

    def schedule(self, when: float, action: Callable[[float], None]) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (when, self.seq, action))

    # ---- time -------------------------------------------------------------------------------
    def tick(self) -> None:
        now = self.clock.now()
        while self.heap and self.heap[0][0] <= now:
            when, _, action = heapq.heappop(self.heap)
            self.sim_now = when
            action(when)
        self.sim_now = now

    # ---- services ---------------------------------------------------------------------------
    def find(self, cluster: str | None, name_or_arn: str) -> Service | None:
        cluster_name = (cluster or "default").rsplit("/", 1)[-1]
        if name_or_arn.startswith("arn:"):
            for svc in self.services.values():
                if svc.arn == name_or_arn:
                    return svc
            name_or_arn = name_or_arn.rsplit("/", 1)[-1]
        return self.services.get((cluster_name, name_or_arn))

    def scenario_for(self, svc: Service) -> dict[str, Any]:
        for key in ((svc.cluster, svc.name), ("*", svc.name), (svc.cluster, "*"), ("*", "*")):
            if key in self.scenarios:
                return self.scenarios[key]
        return {"scenario": "converge"}

    def learn(self, body: dict[str, Any], steady: bool = True) -> Service:
        """Start modelling a service (seen in a moto response or seeded): one PRIMARY, steady."""
        svc = Service(json.loads(json.dumps(body)))
        key = (svc.cluster, svc.name)
        if key in self.services:
            return self.services[key]
        now = self.clock.now()
        deps = body.get("deployments") or []
        dep_id = deps[0]["id"] if deps and deps[0].get("id") else self.new_deployment_id()
        td_arn = self.td_arn(svc, body.get("taskDefinition", ""))
        desired = int(body.get("desiredCount", 0) or 0)
        dep = Deployment(dep_id, td_arn, desired, now, {"scenario": "converge"})
        svc.deployments.append(dep)
        self.services[key] = svc
        self.sd_seed(svc, dep, now, steady)
        if steady:
            for _ in range(desired):
                task = self.new_task(svc, dep, now)
                self.run_task(svc, task, now)
                self.set_healthy(svc, task, now)
            dep.rollout, dep.reason, dep.completed_ever = "COMPLETED", f"ECS deployment {dep_id} completed.", True
            svc.proven_tds.add(dep.td_arn)
            self.event(svc, now, f"(service {svc.name}) has reached a steady state.")
        self.start_rounds(svc, dep, now)
        return svc

    def seed_stopped(self, svc: Service, count: int) -> None:
        """`count` tasks of the first deployment that the scheduler stopped an hour ago (history)."""
        dep, then = svc.deployments[-1], self.clock.now() - 3600
        for _ in range(count):
            task = self.new_task(svc, dep, then)
            task.last_status = task.desired_status = "STOPPED"
            task.started, task.stopping, task.stopped = then, then, then
            task.stop_code = "ServiceSchedulerInitiated"
            task.stopped_reason = f"Scaling activity initiated by (deployment {dep.id})"
            for c in task.containers:
                c.update(lastStatus="STOPPED", exitCode=0)

    def td_arn(self, svc: Service, ref: str) -> str:
        if ref.startswith("arn:") or not ref:
            return ref
        if ":" not in ref:  # bare family: latest known revision
            revs = [a for a in self.task_defs if a.split("task-definition/", 1)[-1].split(":")[0] == ref]
            if revs:
                return max(revs, key=lambda a: int(a.rsplit(":", 1)[-1]))
        return f"arn:aws:ecs:{svc.region}:{svc.account}:task-definition/{ref}"

    @staticmethod
    def step(dep: Deployment) -> float:
        return float(dep.scenario.get("step", 5))

    # ---- UpdateService ----------------------------------------------------------------------
    def update(self, svc: Service, request: dict[str, Any]) -> None:
        self.tick()
        now = self.clock.now()
        stale = int(self.scenario_for(svc).get("stale_describes", 0) or 0)
        svc.stale = [stale, self.render_service(svc)] if stale > 0 else None
        # Stored as sent (whole members replaced, like moto; ECS's partial-update rule is unverified).
        for key in ("deploymentConfiguration", "loadBalancers"):
            if request.get(key) is not None:
                svc.body[key] = json.loads(json.dumps(request[key]))
        primary = svc.primary()
        desired = int(request["desiredCount"]) if request.get("desiredCount") is not None else primary.desired
        td_ref = request.get("taskDefinition")
        new_td = self.td_arn(svc, td_ref) if td_ref else primary.td_arn
        if new_td != primary.td_arn or request.get("forceNewDeployment"):
            # A failure belongs to a configuration: a revision that already ran
            # to completion on this service (a rollback target) converges again.
            # The scaler (scale_to) acts on the service, whatever the revision.
            proven = any(d.completed_ever and d.td_arn == new_td for d in svc.deployments) or \
                new_td in svc.proven_tds
            scenario = self.scenario_for(svc)
            if proven:
                scenario = dict({"scenario": "converge"}, **{k: v for k, v in scenario.items() if k in SCALER_OPTIONS})
            self.new_primary(svc, new_td, desired, now, scenario)
        else:
            self.set_desired(svc, desired, now)
        svc.body["desiredCount"] = desired

    def set_desired(self, svc: Service, desired: int, now: float) -> None:
        """A desiredCount-only change (UpdateService or the scaler): the PRIMARY's count; the next
        rounds start or stop tasks, and an ongoing deployment completes at the new count."""
        primary = svc.primary()
        primary.desired = desired
        primary.updated = now
        svc.body["desiredCount"] = desired

    def new_primary(self, svc: Service, td_arn: str, desired: int, now: float,
                    scenario: dict[str, Any], revision: Revision | None = None) -> Deployment:
        """A new PRIMARY; with a new revision and service deployment unless it rolls back to `revision`."""
        dep = Deployment(self.new_deployment_id(), td_arn, desired, now, scenario)
        strategy = (svc.body.get("deploymentConfiguration") or {}).get("strategy") or "ROLLING"
        dep.revision = revision or self.new_revision(svc, td_arn, now, strategy != "ROLLING")
        for old in svc.deployments:
            old.status = "ACTIVE"
            old.updated = now
        svc.deployments.insert(0, dep)
        svc.body["taskDefinition"] = td_arn
        if dep.kind == "external_change":
            self.schedule(now + float(scenario.get("after", 30)), lambda t, s=svc, d=dep: self.external(s, d, t))
        self.start_rounds(svc, dep, now)
        if revision is None:
            self.sd_start(svc, dep, now)
        self.arm_scaler(svc, scenario, now)
        return dep

    def external(self, svc: Service, ours: Deployment, now: float) -> None:
        if svc.primary() is not ours:
            return
        foreign = ours.scenario.get("task_definition") or self.foreign_td(ours.td_arn)
        self.new_primary(svc, foreign, ours.desired, now, {"scenario": "converge",
                                                           "step": self.step(ours)})

    @staticmethod
    def foreign_td(td_arn: str) -> str:
        base, _, revision = td_arn.rpartition(":")
        return f"{base}:{int(revision) + 1000}" if revision.isdigit() else td_arn + "-foreign"

    # ---- the per-service reconcile round, every `step` seconds ------------------------------
    def start_rounds(self, svc: Service, dep: Deployment, now: float) -> None:
        svc.round_token += 1
        token = svc.round_token
        self.schedule(now + self.step(dep), lambda t, s=svc, k=token: self.round(s, t, k))

    def round(self, svc: Service, now: float, token: int) -> None:
        if token != svc.round_token:
            return
        dep = svc.primary()
        self.schedule(now + self.step(dep), lambda t, s=svc, k=token: self.round(s, t, k))
        fate = dep.fate()
        if dep.rollout == "FAILED" or dep.hold_scale:
            return
        active = [t for t in svc.tasks if t.deployment_id == dep.id and t.active]
        if fate == "stall":
            return
        if fate == "unplaceable":
            if len(active) < dep.desired and now - svc.last_unplaceable_event >= float(
                    dep.scenario.get("event_interval", 60)):
                svc.last_unplaceable_event = now
                self.event(svc, now, f"(service {svc.name}) was unable to place a task because no "
                                     "container instance met all of its requirements. Reason: No "
                                     "Container Instances were found in your cluster.")
            return
        for extra in sorted(active, key=lambda t: t.created, reverse=True)[:max(0, len(active) - dep.desired)]:
            self.drain(svc, extra, now, f"Scaling activity initiated by (deployment {dep.id})")
        active = [t for t in active if t.active]
        missing = dep.desired - len(active)
        if missing > 0:
            started = [self.new_task(svc, dep, now) for _ in range(missing)]
            self.event(svc, now, f"(service {svc.name}) has started {missing} tasks: " +
                       " ".join(f"(task {t.arn.rsplit('/', 1)[-1]})" for t in started) + ".")
        pending = [t for t in active if t.last_status == "PENDING" and t.created < now]
        if pending:
            task = pending[0]
            if fate == "fail":
                self.fail_task(svc, dep, task, now)
            else:
                self.run_task(svc, task, now)
                delay = float(dep.scenario.get("health_delay", 10))
                if not svc.lbs():
                    task.healthy = fate == "run"
                elif fate == "run":
                    self.schedule(now + delay, lambda t, s=svc, k=task: self.set_healthy(s, k, t))
                else:
                    self.schedule(now + delay, lambda t, s=svc, k=task, d=dep: self.set_unhealthy(s, d, k, t))
        self.check_complete(svc, now)

    def run_task(self, svc: Service, task: Task, now: float) -> None:
        task.last_status, task.started = "RUNNING", now
        for c in task.containers:
            c["lastStatus"] = "RUNNING"
        for tg, port in task.groups:
            self.targets.setdefault(tg, {})[task.ip] = {
                "port": port, "state": "initial",
                "reason": "Elb.RegistrationInProgress", "description": "Target registration is in progress"}
        if task.groups:
            self.event(svc, now, f"(service {svc.name}) registered 1 targets in (target-group "
                                 f"{task.groups[0][0]})")

    def set_healthy(self, svc: Service, task: Task, now: float) -> None:
        if not task.active:
            return
        task.healthy = True
        for tg, _ in task.groups:
            target = self.targets.get(tg, {}).get(task.ip)
            if target:
                target.update(state="healthy", reason=None, description=None)
        self.check_complete(svc, now)

    def set_unhealthy(self, svc: Service, dep: Deployment, task: Task, now: float) -> None:
        if not task.active:
            return
        tg = ""
        for tg, port in task.groups:
            target = self.targets.get(tg, {}).get(task.ip)
            if target:
                target.update(state="unhealthy", reason="Target.FailedHealthChecks",
                              description="Health checks failed")
            self.event(svc, now, f"(service {svc.name}) (port {port}) is unhealthy in "
                                 f"(target-group {tg}) due to (reason Health checks failed).")
        grace = float(dep.scenario.get("unhealthy_grace", self.step(dep)))

        def stop(t: float) -> None:
            if not task.active:
                return
            self.drain(svc, task, t, f"Task failed ELB health checks in (target-group {tg})")
            self.event(svc, t, f"(service {svc.name}) has stopped 1 running tasks: "
                               f"(task {task.arn.rsplit('/', 1)[-1]}).")
            self.count_failure(svc, dep, t, "tasks failed ELB health checks")
        self.schedule(now + grace, stop)

    def fail_task(self, svc: Service, dep: Deployment, task: Task, now: float) -> None:
        kind = dep.scenario.get("failure", "oom")
        stop_code, stopped_reason, exit_code, reason = FAILURES.get(kind, FAILURES["oom"])
        if exit_code is not None:
            task.started = now
        task.last_status = task.desired_status = "STOPPED"
        task.stopping = task.stopped = now
        task.stop_code = dep.scenario.get("stop_code", stop_code)
        task.stopped_reason = dep.scenario.get("stopped_reason", stopped_reason)
        for c in task.containers[:1]:
            c["lastStatus"] = "STOPPED"
            if exit_code is not None:
                c["exitCode"] = int(dep.scenario.get("exit_code", exit_code))
            c["reason"] = dep.scenario.get("reason", reason)
        for c in task.containers[1:]:
            c["lastStatus"] = "STOPPED"
        self.count_failure(svc, dep, now, "tasks failed to start")

    def count_failure(self, svc: Service, dep: Deployment, now: float, why: str) -> None:
        dep.failed_tasks += 1
        dep.updated = now
        if dep.rollout != "IN_PROGRESS" or not dep.scenario.get("breaker", True):
            if dep.failed_tasks == 5:
                self.event(svc, now, f"(service {svc.name}) is unable to consistently start tasks successfully.")
            return
        threshold = int(dep.scenario.get("threshold", max(3, min(200, math.ceil(0.5 * dep.desired)))))
        if dep.failed_tasks < threshold:
            return
        dep.rollout = "FAILED"
        dep.reason = f"ECS deployment circuit breaker: {why}."
        self.event(svc, now, f"(service {svc.name}) (deployment {dep.id}) deployment failed: {why}.")
        for task in [t for t in svc.tasks if t.deployment_id == dep.id and t.active]:
            self.drain(svc, task, now, f"Deployment {dep.id} failed")
        rollback = dep.scenario.get("rollback", dep.kind == "breaker_rollback")
        previous = next((d for d in svc.deployments[1:] if d.completed_ever), None)
        if self.sd_breaker(svc, dep, now, why, threshold, bool(rollback and previous is not None)):
            return
        if rollback and previous is not None:
            self.event(svc, now, f"(service {svc.name}) rolling back to deployment {previous.id}.")
            self.new_primary(svc, previous.td_arn, dep.desired, now,
                             {"scenario": "converge", "step": self.step(dep),
                              "health_delay": dep.scenario.get("health_delay", 10),
                              "drain_delay": dep.scenario.get("drain_delay", 10)}, revision=previous.revision)

    def drain(self, svc: Service, task: Task, now: float, reason: str) -> None:
        """Deregister the task's targets, stop the task after the deregistration delay."""
        dep = next((d for d in svc.deployments if d.id == task.deployment_id), svc.primary())
        delay = float(dep.scenario.get("drain_delay", svc.primary().scenario.get("drain_delay", 10)))
        task.desired_status = "STOPPED"
        task.stopping = now
        # Like ECS, the stop code and reason show as soon as the stop starts, not once it ends.
        task.stop_code = task.stop_code or "ServiceSchedulerInitiated"
        task.stopped_reason = task.stopped_reason or reason
        if task.last_status == "PENDING":
            delay = 0.0
        else:
            task.last_status = "DEACTIVATING"
        for tg, _ in task.groups:
            target = self.targets.get(tg, {}).get(task.ip)
            if target:
                target.update(state="draining", reason="Target.DeregistrationInProgress",
                              description="Target deregistration is in progress")

        def finish(t: float) -> None:
            task.last_status, task.stopped = "STOPPED", t
            for c in task.containers:
                c["lastStatus"] = "STOPPED"
                c.setdefault("exitCode", 0)
            for tg, _ in task.groups:
                self.targets.get(tg, {}).pop(task.ip, None)
            self.check_complete(svc, t)
        if delay <= 0:
            finish(now)
        else:
            self.schedule(now + delay, finish)

    def check_complete(self, svc: Service, now: float) -> None:
        try:
            self.settle(svc, now)
        finally:
            self.sd_observe(svc, now)

    def settle(self, svc: Service, now: float) -> None:
        """Once the PRIMARY's tasks all run healthy: drain the older deployments, then COMPLETED."""
        dep = svc.primary()
        if dep.rollout == "FAILED" or dep.fate() in ("stall", "unplaceable"):
            return
        mine = [t for t in svc.tasks if t.deployment_id == dep.id and t.active]
        ready = len(mine) == dep.desired and all(t.last_status == "RUNNING" and t.healthy for t in mine)
        if not ready:
            return
        if dep.ready_at is None:
            dep.ready_at = now
        if dep.hold_cleanup:
            return
        for old in svc.deployments[1:]:
            old.desired = 0
            for task in [t for t in svc.tasks if t.deployment_id == old.id and t.active]:
                self.drain(svc, task, now, f"Scaling activity initiated by (deployment {dep.id})")
        leftovers = [d for d in svc.deployments[1:]
                     if any(t.deployment_id == d.id and t.last_status != "STOPPED" for t in svc.tasks)]
        svc.deployments = [dep] + leftovers
        if not leftovers and dep.rollout == "IN_PROGRESS" and not dep.hold_complete:
            dep.rollout, dep.reason, dep.completed_ever = "COMPLETED", f"ECS deployment {dep.id} completed.", True
            dep.completed_at = now
            svc.proven_tds.add(dep.td_arn)
            dep.updated = now
            self.event(svc, now, f"(service {svc.name}) (deployment {dep.id}) deployment completed.")
            self.event(svc, now, f"(service {svc.name}) has reached a steady state.")
            self.sd_completed(svc, dep, now)

    # ---- rendering --------------------------------------------------------------------------
    def count(self, svc: Service, dep_id: str | None, status: str) -> int:
        return sum(1 for t in svc.tasks if (dep_id is None or t.deployment_id == dep_id)
                   and t.last_status == status)

    def render_service(self, svc: Service, base: dict[str, Any] | None = None) -> dict[str, Any]:
        body = json.loads(json.dumps(base if base is not None else svc.body))
        primary = svc.primary()
        launch = {k: body[k] for k in ("launchType", "platformVersion", "platformFamily",
                                       "capacityProviderStrategy", "networkConfiguration") if k in body}
        deployments = []
        for dep in svc.deployments:
            entry = {"id": dep.id, "status": dep.status, "taskDefinition": dep.td_arn,
                     "desiredCount": dep.desired, "pendingCount": self.count(svc, dep.id, "PENDING"),
                     "runningCount": self.count(svc, dep.id, "RUNNING"), "failedTasks": dep.failed_tasks,
                     "createdAt": epoch3(dep.created), "updatedAt": epoch3(dep.updated),
                     "rolloutState": dep.rollout, "rolloutStateReason": dep.reason}
            entry.update(launch)
            deployments.append(entry)
        deployments += svc.history_deployments
        events = list(svc.events) + svc.history_events
        if self.oldest_first:
            deployments.reverse()
            events.reverse()
        body.update({"taskDefinition": primary.td_arn, "desiredCount": primary.desired,
                     "runningCount": self.count(svc, None, "RUNNING"),
                     "pendingCount": self.count(svc, None, "PENDING"),
                     "deployments": deployments, "events": events})
        body.update(self.current_fields(svc))
        return body

    def render_task(self, svc: Service, task: Task) -> dict[str, Any]:
        att_id = str(uuid.UUID(hashlib.md5(task.arn.encode()).hexdigest()))
        eni = "eni-" + hashlib.md5(task.ip.encode()).hexdigest()[:17]
        attach_status = {"PENDING": "ATTACHING", "RUNNING": "ATTACHED", "DEACTIVATING": "ATTACHED",
                         "STOPPED": "DELETED"}.get(task.last_status, "ATTACHED")
        subnet = (svc.body.get("networkConfiguration", {}).get("awsvpcConfiguration", {})
                  .get("subnets") or ["subnet-0sim"])[0]
        out: dict[str, Any] = {
            "taskArn": task.arn, "clusterArn": svc.cluster_arn, "taskDefinitionArn": task.td_arn,
            "group": f"service:{svc.name}", "startedBy": task.deployment_id,
            "lastStatus": task.last_status, "desiredStatus": task.desired_status,
            "healthStatus": "UNKNOWN", "launchType": svc.body.get("launchType", "FARGATE"),
            "platformVersion": "1.4.0", "cpu": task.cpu, "memory": task.memory,
            "createdAt": epoch3(task.created), "version": 1,
            "attachments": [{"id": att_id, "type": "ElasticNetworkInterface", "status": attach_status,
                             "details": [{"name": "subnetId", "value": subnet},
                                         {"name": "networkInterfaceId", "value": eni},
                                         {"name": "privateDnsName",
                                          "value": f"ip-{task.ip.replace('.', '-')}.ec2.internal"},
                                         {"name": "privateIPv4Address", "value": task.ip}]}],
            "containers": [dict(c, containerArn=f"{task.arn}/{c['name']}", taskArn=task.arn,
                                healthStatus="UNKNOWN",
                                networkInterfaces=[{"attachmentId": att_id, "privateIpv4Address": task.ip}])
                           for c in task.containers]}
        if "launchType" not in svc.body:
            out.pop("launchType")
            if svc.body.get("capacityProviderStrategy"):
                out["capacityProviderName"] = svc.body["capacityProviderStrategy"][0].get("capacityProvider")
        for key, value in (("startedAt", task.started), ("stoppingAt", task.stopping), ("stoppedAt", task.stopped)):
            if value is not None:
                out[key] = epoch3(value)
        if task.stop_code:
            out["stopCode"] = task.stop_code
        if task.stopped_reason:
            out["stoppedReason"] = task.stopped_reason
        return out

    def snapshot(self) -> dict[str, Any]:
        self.tick()
        return {"now": epoch3(self.clock.now()),
                "services": [self.render_service(s) for s in self.services.values()],
                "tasks": [self.render_task(s, t) for s in self.services.values() for t in s.tasks],
                "targets": self.targets, "scenarios": {f"{k[0]}/{k[1]}": v for k, v in self.scenarios.items()},
                "convergence": self.convergence(),
                "service_deployments": [self.sd_state(sd) for s in self.services.values() for sd in s.sds],
                "service_revisions": [{"arn": r.arn, "service": r.service_arn.rsplit("/", 1)[-1],
                                       "task_definition": r.td_arn, "target_groups": [tg for tg, _ in r.groups]}
                                      for r in self.revisions.values()],
                "deployments_api": self.deployments_api, **self.as_state()}

    def convergence(self) -> list[dict[str, Any]]:
        """When each deployment still known became ready and COMPLETED, in sim and wall time; a row
        per deployment that carries out a service deployment also has that one's fields (sd_state),
        and service deployments whose deployment is gone (rolled back) get rows of their own."""
        out = []
        for svc in self.services.values():
            covered = set()
            for dep in svc.deployments:
                if dep.ready_at is None and dep.completed_at is None:
                    continue
                row: dict[str, Any] = {"cluster": svc.cluster, "service": svc.name, "deployment": dep.id,
                                       "task_definition": dep.td_arn}
                row.update(self.times("ready", dep.ready_at))
                row.update(self.times("completed", dep.completed_at))
                if dep.sd is not None and not dep.sd.initial and dep.sd.target_dep is dep:
                    row.update(self.sd_state(dep.sd))
                    covered.add(dep.sd.arn)
                out.append(row)
            for sd in reversed(svc.sds):
                if sd.initial or sd.arn in covered:
                    continue
                row = self.sd_state(sd)
                row.update(self.times("ready", sd.target_dep.ready_at))
                row.update(self.times("completed", sd.target_dep.completed_at))
                out.append(row)
        return out


# Fargate size validation (ecs-and-elb.md §1)

def fargate_pair_ok(cpu: int, memory: int) -> bool:
    table = {256: [512, 1024, 2048], 512: list(range(1024, 4097, 1024)),
             1024: list(range(2048, 8193, 1024)), 2048: list(range(4096, 16385, 1024)),
             4096: list(range(8192, 30721, 1024)), 8192: list(range(16384, 61441, 4096)),
             16384: list(range(32768, 122881, 8192))}
    return memory in table.get(cpu, [])


def units(value: Any, unit: str) -> int | None:
    text = str(value).strip()
    try:
        if text.lower().endswith(unit.lower()):
            return int(float(text[: -len(unit)].strip()) * 1024)
        return int(text)
    except ValueError:
        return None
