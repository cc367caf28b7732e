"""Service deployments and service revisions (ECS 2024-2026) on top of the classic deployments[] model.

Every UpdateService that starts a deployment (and every foreign one) makes a ServiceRevision and a
ServiceDeployment. The service deployment follows the classic Deployment in deployments[] (its
"target_dep"); for BLUE_GREEN / LINEAR / CANARY it also runs the lifecycle stages, holding the
classic round back (hold_scale / hold_cleanup / hold_complete) until each stage lets it go on.
"""
from __future__ import annotations

import hashlib
import json
import math
from typing import TYPE_CHECKING, Any

from .clock import epoch3

if TYPE_CHECKING:
    from .ecs_model import Deployment, Service

TRAFFIC = ("BLUE_GREEN", "LINEAR", "CANARY")
ONGOING = ("PENDING", "IN_PROGRESS", "STOP_REQUESTED", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS")
# New scenario keys (validated by the control API): name -> (type, minimum).
SD_OPTIONS = {"stage_seconds": (float, 0), "current_lag": (float, 0), "alarm_in_bake": (str, None),
              "alarm_after": (float, 0), "deferred_cleanup_seconds": (float, 0), "stale_describes": (int, 0)}
FOURTEEN_DAYS = 14 * 86400.0


def copy(value: Any) -> Any:
    return json.loads(json.dumps(value))


class Revision:
    """An immutable service revision; `groups` = (target group, container port) its tasks use."""

    def __init__(self, arn: str, svc: Service, td_arn: str, now: float, groups: list[tuple[str, Any]],
                 images: list[dict[str, Any]]) -> None:
        self.arn, self.td_arn, self.created, self.groups, self.images = arn, td_arn, now, groups, images
        self.service_arn, self.cluster_arn = svc.arn, svc.cluster_arn
        self.body = copy({k: svc.body[k] for k in ("launchType", "capacityProviderStrategy", "platformFamily",
                                                   "loadBalancers", "serviceRegistries", "networkConfiguration")
                          if k in svc.body})
        if svc.body.get("launchType", "FARGATE") == "FARGATE" and "capacityProviderStrategy" not in svc.body:
            self.body["platformVersion"] = svc.body.get("platformVersion") or "1.4.0"

    def render(self) -> dict[str, Any]:
        lbs = self.body.get("loadBalancers") or []
        resolved = []
        for i, (tg, _) in enumerate(self.groups):
            entry = {"targetGroupArn": tg}
            rule = ((lbs[i] if i < len(lbs) else {}).get("advancedConfiguration") or {}).get("productionListenerRule")
            if rule:
                entry["productionListenerRule"] = rule
            resolved.append(entry)
        out = {"serviceRevisionArn": self.arn, "serviceArn": self.service_arn, "clusterArn": self.cluster_arn,
               "taskDefinition": self.td_arn}
        out.update(copy(self.body))
        out.update({"containerImages": copy(self.images), "createdAt": epoch3(self.created),
                    "resolvedConfiguration": {"loadBalancers": resolved}})
        return out


class ServiceDeployment:
    def __init__(self, arn: str, svc: Service, target: Revision, target_dep: Deployment, now: float,
                 config: dict[str, Any], options: dict[str, Any]) -> None:
        self.arn, self.svc, self.target, self.target_dep = arn, svc, target, target_dep
        self.created = self.started = self.updated = now
        self.finished: float | None = None
        self.stopped: float | None = None
        self.status, self.reason = "IN_PROGRESS", None
        self.stage: str | None = None
        self.config = copy(config)
        self.strategy = str(self.config.get("strategy") or "ROLLING")
        self.sources: list[Revision] = []
        self.prev_dep: Deployment | None = None  # last completed deployment at start: the rollback target
        self.prod_weight = self.test_weight = 0.0
        self.hooks: list[dict[str, Any]] = []
        self.rollback: dict[str, Any] | None = None
        self.breaker_triggered = False
        self.threshold: int | None = None
        self.triggered_alarms: list[str] = []
        self.frozen: dict[str, Any] | None = None  # revision summaries at completion
        self.plan: list[tuple[str, Any]] = []
        self.pc, self.entered, self.step_start = 0, False, now
        self.busy, self.again = False, False
        self.early_blocking = False
        self.options = options
        self.visible_at = now + float(options.get("current_lag", 0) or 0)
        self.production_shift_at: float | None = None
        self.rollback_at: float | None = None
        self.initial = False  # the one a learned/seeded service starts with

    @property
    def traffic(self) -> bool:
        return self.strategy in TRAFFIC

    def stage_seconds(self) -> float:
        return float(self.options.get("stage_seconds", self.target_dep.scenario.get("step", 5)))


class Lifecycle:
    """The Model's service-deployment half (a mixin: uses the classic model's methods and heap)."""

    # ---- revisions and the service deployment a service starts with ------------------------
    def sd_init(self) -> None:
        self.sds: dict[str, ServiceDeployment] = {}
        self.revisions: dict[str, Revision] = {}
        self.deployments_api = "ok"  # ok | denied | unsupported (POST /_sim/config)

    def number(self, kind: str) -> str:
        digest = hashlib.sha256(f"{kind}{self.next_id()}".encode()).hexdigest()
        return str(int(digest[:15], 16)).rjust(19, "7")[:19]

    def live_groups(self, svc: Service) -> list[tuple[str, Any]]:
        """The target groups production traffic goes to now (blue/green swaps them)."""
        return [(svc.live_tgs.get(i, lb["targetGroupArn"]), lb.get("containerPort", 80))
                for i, lb in enumerate(svc.lbs())]

    def new_revision(self, svc: Service, td_arn: str, now: float, traffic: bool) -> Revision:
        groups = self.live_groups(svc)
        if traffic:  # green registers in the group the live revision does not use
            for i, lb in enumerate(svc.lbs()):
                alt = (lb.get("advancedConfiguration") or {}).get("alternateTargetGroupArn")
                if alt:
                    groups[i] = (alt if groups[i][0] != alt else lb["targetGroupArn"], groups[i][1])
        td = self.task_defs.get(td_arn, {}).get("taskDefinition", {})
        images = [{"containerName": c.get("name", "app"), "image": c.get("image", ""),
                   "imageDigest": "sha256:" + hashlib.sha256(str(c.get("image", "")).encode()).hexdigest()}
                  for c in td.get("containerDefinitions", [])]
        arn = f"arn:aws:ecs:{svc.region}:{svc.account}:service-revision/{svc.cluster}/{svc.name}/{self.number('rev')}"
        rev = Revision(arn, svc, td_arn, now, groups, images)
        self.revisions[arn] = rev
        return rev

    def new_sd(self, svc: Service, rev: Revision, dep: Deployment, now: float) -> ServiceDeployment:
        sd_id = hashlib.sha256(f"sd{self.next_id()}".encode()).hexdigest()[:21]
        arn = f"arn:aws:ecs:{svc.region}:{svc.account}:service-deployment/{svc.cluster}/{svc.name}/{sd_id}"
        options = {k: v for k, v in self.scenario_for(svc).items() if k in SD_OPTIONS}
        sd = ServiceDeployment(arn, svc, rev, dep, now, svc.body.get("deploymentConfiguration") or {}, options)
        self.sds[arn] = sd
        svc.sds.insert(0, sd)
        dep.sd = sd
        return sd

    def sd_seed(self, svc: Service, dep: Deployment, now: float, steady: bool) -> None:
        """A learned or seeded service: one revision and one SUCCESSFUL (steady) deployment for it."""
        dep.revision = self.new_revision(svc, dep.td_arn, now, traffic=False)
        sd = self.new_sd(svc, dep.revision, dep, now)
        sd.initial, sd.visible_at, sd.strategy = True, now, "ROLLING"
        if steady:
            sd.finished, sd.status = now, "SUCCESSFUL"
        else:
            sd.plan = self.rolling_plan(sd)

    # ---- a new deployment --------------------------------------------------------------------
    def sd_start(self, svc: Service, dep: Deployment, now: float) -> ServiceDeployment:
        sd = self.new_sd(svc, dep.revision, dep, now)
        for old in svc.sds[1:]:
            if old.status in ONGOING:
                self.sd_finish(old, now, "STOPPED", f"Superseded by service deployment {sd.arn}.")
        others = [d for d in svc.deployments[1:] if self.active_tasks(svc, d)]
        for d in others:
            if d.revision is not None and d.revision not in sd.sources:
                sd.sources.append(d.revision)
        sd.prev_dep = next((d for d in svc.deployments[1:] if d.completed_ever), None)
        if sd.prev_dep is not None and sd.prev_dep.revision not in sd.sources and sd.prev_dep.revision:
            sd.sources.append(sd.prev_dep.revision)
        sd.plan = self.traffic_plan(sd, len(sd.sources) > 1) if sd.traffic else self.rolling_plan(sd)
        self.sd_run(sd, now)
        return sd

    def hooks_at(self, sd: ServiceDeployment, stage: str) -> list[dict[str, Any]]:
        return [h for h in sd.config.get("lifecycleHooks") or [] if stage in (h.get("lifecycleStages") or [])]

    def rolling_plan(self, sd: ServiceDeployment) -> list[tuple[str, Any]]:
        # Rolling reports SCALE_UP then CLEAN_UP (PRE/POST_SCALE_UP only while a hook holds it there,
        # BAKE_TIME only for an alarm bake): ECS documents no rolling stages.
        dep, plan = sd.target_dep, []
        if self.hooks_at(sd, "PRE_SCALE_UP"):
            dep.hold_scale = True
            plan += [("stage", "PRE_SCALE_UP"), ("hooks", "PRE_SCALE_UP")]
        plan += [("stage", "SCALE_UP"), ("scale_up", None)]
        if self.hooks_at(sd, "POST_SCALE_UP"):
            dep.hold_cleanup = True
            plan += [("stage", "POST_SCALE_UP"), ("hooks", "POST_SCALE_UP")]
        plan += [("stage", "CLEAN_UP"), ("cleanup", None)]
        if (sd.config.get("alarms") or {}).get("enable"):
            dep.hold_complete = True
            plan += [("stage", "BAKE_TIME"), ("bake", sd.stage_seconds()), ("complete", None)]
        return plan

    def traffic_plan(self, sd: ServiceDeployment, reconcile: bool) -> list[tuple[str, Any]]:
        sd.target_dep.hold_scale = sd.target_dep.hold_cleanup = True
        wait = ("wait", sd.stage_seconds())
        plan: list[tuple[str, Any]] = []
        if reconcile:
            plan += [("stage", "RECONCILE_SERVICE"), ("reconcile", None), wait]
        plan += [("stage", "PRE_SCALE_UP"), ("hooks", "PRE_SCALE_UP"), wait,
                 ("stage", "SCALE_UP"), ("scale_up", None),
                 ("stage", "POST_SCALE_UP"), ("hooks", "POST_SCALE_UP"), wait,
                 ("stage", "TEST_TRAFFIC_SHIFT"), ("test", 100.0), ("hooks", "TEST_TRAFFIC_SHIFT"), wait,
                 ("stage", "POST_TEST_TRAFFIC_SHIFT"), ("hooks", "POST_TEST_TRAFFIC_SHIFT"), wait,
                 ("stage", "PRODUCTION_TRAFFIC_SHIFT")]
        for weight, pause in self.shift_steps(sd):
            # PRE_PRODUCTION_TRAFFIC_SHIFT is a hook stage, not a lifecycleStage: a wait before each step.
            plan += [("hooks", "PRE_PRODUCTION_TRAFFIC_SHIFT"), ("prod", weight),
                     ("hooks", "PRODUCTION_TRAFFIC_SHIFT"), ("wait", pause)]
        bake = float(sd.config.get("bakeTimeInMinutes") or 0) * 60 or sd.stage_seconds()
        plan += [("stage", "POST_PRODUCTION_TRAFFIC_SHIFT"), ("hooks", "POST_PRODUCTION_TRAFFIC_SHIFT"), wait,
                 ("stage", "BAKE_TIME"), ("bake", bake), ("stage", "CLEAN_UP"), ("cleanup", None)]
        return plan

    @staticmethod
    def shift_steps(sd: ServiceDeployment) -> list[tuple[float, float]]:
        """(production weight, wait after it) per PRODUCTION_TRAFFIC_SHIFT step."""
        if sd.strategy == "LINEAR":
            cfg = sd.config.get("linearConfiguration") or {}
            step = float(cfg.get("stepPercent", 10) or 10)
            pause = float(cfg.get("stepBakeTimeInMinutes", 6)) * 60
            weights, k = [], 1
            while not weights or weights[-1] < 100:
                weights.append(min(100.0, round(k * step, 6)))
                k += 1
            return [(w, pause if w < 100 else 0.0) for w in weights]
        if sd.strategy == "CANARY":
            cfg = sd.config.get("canaryConfiguration") or {}
            return [(float(cfg.get("canaryPercent", 5)), float(cfg.get("canaryBakeTimeInMinutes", 10)) * 60),
                    (100.0, 0.0)]
        return [(100.0, sd.stage_seconds())]

    # ---- the stage machine ---------------------------------------------------------------------
    def sd_run(self, sd: ServiceDeployment, now: float) -> None:
        """Run plan steps until one blocks; timers and the classic model call this again."""
        if sd.busy:  # called back from inside a step (check_complete): re-check once it returns
            sd.again = True
            return
        sd.busy = True
        try:
            while sd.status == "IN_PROGRESS" and sd.pc < len(sd.plan):
                kind, arg = sd.plan[sd.pc]
                first, sd.entered = not sd.entered, True
                if first:
                    sd.step_start = now
                sd.again = False
                if not self.sd_step(sd, kind, arg, now, first):
                    if sd.again:
                        continue
                    return
                sd.pc, sd.entered, sd.updated = sd.pc + 1, False, now
        finally:
            sd.busy = False

    def sd_timer(self, sd: ServiceDeployment, when: float) -> None:
        self.schedule(when, lambda t, s=sd: self.sd_run(s, t))

    def sd_step(self, sd: ServiceDeployment, kind: str, arg: Any, now: float, first: bool) -> bool:
        svc, dep = sd.svc, sd.target_dep
        if kind == "stage":
            sd.stage = arg
            return True
        if kind in ("wait", "bake"):
            if first and arg > 0:
                self.sd_timer(sd, now + arg)
                if kind == "bake":
                    self.arm_alarm(sd, now, arg)
            return now >= sd.step_start + arg
        if kind == "hooks":
            if first:
                self.start_hooks(sd, arg, now)
            return all(h["status"] == "SUCCEEDED" or (h["status"] == "TIMED_OUT" and h["timeoutAction"] == "CONTINUE")
                       for h in sd.hooks if h["_pc"] == sd.pc)
        if kind == "scale_up":
            if first and dep.hold_scale:
                dep.hold_scale = False
            return dep.ready_at is not None
        if kind == "test":
            sd.test_weight = arg
            return True
        if kind == "prod":
            sd.prod_weight = arg
            if arg >= 100:
                sd.production_shift_at = now
                svc.live_tgs = {i: tg for i, (tg, _) in enumerate(sd.target.groups)}
            return True
        if kind == "reconcile":
            self.reconcile(svc, dep, now)
            return True
        if kind == "cleanup":
            if first and dep.hold_cleanup:
                dep.hold_cleanup = False
                self.check_complete(svc, now)
            return svc.deployments == [dep]
        if kind == "complete":
            if first:
                dep.hold_complete = False
                self.check_complete(svc, now)
            return False  # SUCCESSFUL comes from sd_completed
        raise ValueError(kind)

    def reconcile(self, svc: Service, dep: Deployment, now: float) -> None:
        """More than one revision active at start: keep the one serving production, drain the rest."""
        live = [tg for tg, _ in self.live_groups(svc)]
        keep = next((d for d in svc.deployments[1:] if d.revision and [g for g, _ in d.revision.groups] == live
                     and self.active_tasks(svc, d)), None)
        for old in svc.deployments[1:]:
            if old is not keep:
                old.desired = 0
                for task in self.active_tasks(svc, old):
                    self.drain(svc, task, now, f"Scaling activity initiated by (deployment {dep.id})")

    # ---- hooks ---------------------------------------------------------------------------------
    def start_hooks(self, sd: ServiceDeployment, stage: str, now: float) -> None:
        for n, hook in enumerate(self.hooks_at(sd, stage)):
            timeout = hook.get("timeoutConfiguration") or {}
            expires = now + float(timeout.get("timeoutInMinutes", 1440)) * 60
            kind = hook.get("targetType", "AWS_LAMBDA")
            hook_id = hashlib.sha256(f"{sd.arn}/{sd.pc}/{n}".encode()).hexdigest()[:32]
            detail = {"hookId": hook_id, "targetType": kind, "status": "AWAITING_ACTION" if kind == "PAUSE"
                      else "IN_PROGRESS", "expiresAt": expires, "timeoutAction": timeout.get("action", "ROLLBACK"),
                      "_pc": sd.pc, "_stage": stage, "_paused": now, "_resolved": None}
            if hook.get("hookTargetArn"):
                detail["targetArn"] = hook["hookTargetArn"]
            sd.hooks.append(detail)
            if kind == "PAUSE":
                self.schedule(expires, lambda t, s=sd, h=detail: self.hook_timeout(s, h, t))
            else:  # a Lambda hook that answers SUCCEEDED after one stage
                self.schedule(now + sd.stage_seconds(), lambda t, s=sd, h=detail: self.hook_done(s, h, t))

    def hook_done(self, sd: ServiceDeployment, hook: dict[str, Any], now: float) -> None:
        if hook["status"] == "IN_PROGRESS" and sd.status == "IN_PROGRESS":
            hook.update(status="SUCCEEDED", _resolved=now)
            self.sd_run(sd, now)

    def hook_timeout(self, sd: ServiceDeployment, hook: dict[str, Any], now: float) -> None:
        if hook["status"] != "AWAITING_ACTION" or sd.status != "IN_PROGRESS":
            return
        hook.update(status="TIMED_OUT", _resolved=now)
        if hook["timeoutAction"] == "CONTINUE":
            self.sd_run(sd, now)
        else:
            self.sd_rollback(sd, now, f"Lifecycle hook {hook['hookId']} at {hook['_stage']} timed out.")

    def sd_continue(self, sd: ServiceDeployment, hook_id: str, action: str, now: float) -> str | None:
        """ContinueServiceDeployment: None, or the error code to answer."""
        hook = next((h for h in sd.hooks if h["hookId"] == hook_id), None)
        if hook is None:
            return "InvalidParameterException"
        if hook["status"] != "AWAITING_ACTION" or sd.status != "IN_PROGRESS":
            return "ConflictException"
        if action == "ROLLBACK":
            hook.update(status="FAILED", _resolved=now)
            self.sd_rollback(sd, now, f"ContinueServiceDeployment asked for a rollback at lifecycle hook "
                                      f"{hook_id} ({hook['_stage']}).")
        else:
            hook.update(status="SUCCEEDED", _resolved=now)
            self.sd_run(sd, now)
        return None

    # ---- alarms, breaker, early success ----------------------------------------------------------
    def arm_alarm(self, sd: ServiceDeployment, now: float, bake: float) -> None:
        # Like a failure scenario, the alarm belongs to a new configuration: a proven revision bakes clean.
        name = sd.options.get("alarm_in_bake") if sd.target.td_arn not in sd.svc.proven_tds else None
        alarms = sd.config.get("alarms") or {}
        if not name or not alarms.get("enable"):
            return
        after = float(sd.options.get("alarm_after", bake / 2))
        self.schedule(now + after, lambda t, s=sd, n=str(name): self.alarm(s, n, t))

    def alarm(self, sd: ServiceDeployment, name: str, now: float) -> None:
        if sd.status != "IN_PROGRESS" or sd.stage != "BAKE_TIME":
            return
        sd.triggered_alarms = [name]
        svc = sd.svc
        self.event(svc, now, f"(service {svc.name}) (deployment {sd.target_dep.id}) deployment failed: "
                             f"alarm(s) detected: {name}.")
        if (sd.config.get("alarms") or {}).get("rollback"):
            self.sd_rollback(sd, now, f"Alarm {name} triggered during bake.", "ECS deployment detected triggered alarms.")
        else:
            sd.target_dep.rollout, sd.target_dep.reason = "FAILED", "ECS deployment detected triggered alarms."
            self.sd_finish(sd, now, "STOPPED", f"Alarm {name} triggered during bake.")

    def sd_breaker(self, svc: Service, dep: Deployment, now: float, why: str, threshold: int, rollback: bool) -> bool:
        sd = dep.sd
        if sd is None or sd.status not in ONGOING:
            return False
        sd.breaker_triggered, sd.threshold = True, threshold
        if rollback:
            self.sd_rollback(sd, now, f"Circuit breaker: {why}.", dep.reason)
        else:
            self.sd_finish(sd, now, "STOPPED", f"Circuit breaker: {why}.")
        return True

    def early_success(self, sd: ServiceDeployment, now: float) -> None:
        crit = sd.config.get("earlySuccessCriteria") or {}
        dep, svc = sd.target_dep, sd.svc
        if sd.traffic or not crit.get("enable") or sd.status != "IN_PROGRESS" or dep.rollout != "IN_PROGRESS":
            return
        need = math.ceil(float(crit.get("healthyPercent", 100)) / 100 * dep.desired)
        healthy = sum(1 for t in self.active_tasks(svc, dep) if t.last_status == "RUNNING" and t.healthy)
        if healthy < need:
            return
        deferred = crit.get("sourceServiceRevisionCleanup", "BLOCKING") == "DEFERRED"
        old_tasks = [t for d in svc.deployments[1:] for t in svc.tasks
                     if t.deployment_id == d.id and t.last_status != "STOPPED"]
        if not deferred and old_tasks:
            if not sd.early_blocking:  # BLOCKING: the source drains first, SUCCESSFUL once it is gone
                sd.early_blocking, sd.stage = True, "CLEAN_UP"
                for old in svc.deployments[1:]:
                    old.desired = 0
                    for task in self.active_tasks(svc, old):
                        self.drain(svc, task, now, f"Scaling activity initiated by (deployment {dep.id})")
            return
        if deferred:  # the source keeps running (and serving) until the deferred cleanup
            dep.hold_cleanup = True
            delay = float(sd.options.get("deferred_cleanup_seconds", FOURTEEN_DAYS))
            self.schedule(now + delay, lambda t, s=svc, d=dep: self.release_cleanup(s, d, t))
        dep.rollout, dep.reason, dep.completed_ever = "COMPLETED", f"ECS deployment {dep.id} completed.", True
        dep.completed_at, dep.updated = now, now
        svc.proven_tds.add(dep.td_arn)
        self.event(svc, now, f"(service {svc.name}) (deployment {dep.id}) deployment completed.")
        self.sd_finish(sd, now, "SUCCESSFUL")

    def release_cleanup(self, svc: Service, dep: Deployment, now: float) -> None:
        dep.hold_cleanup = False
        if svc.deployments and svc.primary() is dep:
            self.check_complete(svc, now)

    # ---- hooks from the classic model -----------------------------------------------------------
    def sd_observe(self, svc: Service, now: float) -> None:
        """After each classic check: early success, and let the stage machine see what changed."""
        if not svc.deployments:
            return
        sd = svc.primary().sd
        if sd is None or sd.status != "IN_PROGRESS" or sd.target_dep is not svc.primary():
            return
        self.early_success(sd, now)
        self.sd_run(sd, now)

    def sd_completed(self, svc: Service, dep: Deployment, now: float) -> None:
        """The classic deployment reached COMPLETED."""
        if dep.rollback_sd is not None and dep.rollback_sd.status == "ROLLBACK_IN_PROGRESS":
            self.sd_finish(dep.rollback_sd, now, "ROLLBACK_SUCCESSFUL", dep.rollback_sd.reason)
        elif dep.sd is not None and dep.sd.status == "IN_PROGRESS" and dep.sd.target_dep is dep:
            self.sd_finish(dep.sd, now, "SUCCESSFUL")

    # ---- stop, rollback, finish ---------------------------------------------------------------
    def sd_stop(self, sd: ServiceDeployment, stop_type: str, now: float) -> None:
        later = now + sd.stage_seconds()
        if stop_type == "ROLLBACK":
            sd.status = "ROLLBACK_REQUESTED"
            self.schedule(later, lambda t, s=sd: self.sd_rollback(
                s, t, "StopServiceDeployment requested a rollback.", "ECS deployment rolled back on request."))
        else:
            sd.status = "STOP_REQUESTED"

            def stop(t: float) -> None:  # ABORT: no rollback, the tasks stay as they are
                dep = sd.target_dep
                if dep.rollout == "IN_PROGRESS":
                    dep.rollout, dep.reason = "FAILED", f"ECS deployment {dep.id} stopped."
                self.sd_finish(sd, t, "STOPPED", "StopServiceDeployment (ABORT) stopped the deployment.")
            self.schedule(later, stop)
        sd.updated = now

    def sd_rollback(self, sd: ServiceDeployment, now: float, reason: str, rollout_reason: str | None = None) -> None:
        if sd.status not in ("IN_PROGRESS", "ROLLBACK_REQUESTED"):
            return
        svc, dep, prev = sd.svc, sd.target_dep, sd.prev_dep
        if prev is None or prev.revision is None:
            self.sd_finish(sd, now, "ROLLBACK_FAILED", f"{reason} No earlier revision to roll back to.")
            return
        sd.status, sd.reason, sd.updated, sd.rollback_at = "ROLLBACK_IN_PROGRESS", reason, now, now
        sd.rollback = {"reason": reason, "startedAt": now, "serviceRevisionArn": prev.revision.arn}
        sd.prod_weight = sd.test_weight = 0.0
        svc.live_tgs = {i: tg for i, (tg, _) in enumerate(prev.revision.groups)}
        if dep.rollout != "FAILED":
            dep.rollout, dep.reason = "FAILED", rollout_reason or f"ECS deployment {dep.id} rolled back."
        dep.hold_scale = dep.hold_cleanup = dep.hold_complete = False
        for task in self.active_tasks(svc, dep):
            self.drain(svc, task, now, f"Deployment {dep.id} rolled back")
        self.event(svc, now, f"(service {svc.name}) rolling back to deployment {prev.id}.")
        blue_up = prev in svc.deployments and prev.desired > 0 and \
            sum(1 for t in self.active_tasks(svc, prev) if t.last_status == "RUNNING") >= prev.desired
        if sd.traffic and blue_up:  # blue still runs: production flips back at once, green drains
            svc.deployments.remove(prev)
            for other in svc.deployments:
                other.status = "ACTIVE"
            svc.deployments.insert(0, prev)
            prev.status, prev.rollout, prev.reason = "PRIMARY", "IN_PROGRESS", f"ECS deployment {prev.id} in progress."
            prev.hold_scale = prev.hold_cleanup = prev.hold_complete = False
            prev.updated, prev.rollback_sd = now, sd
            svc.body["taskDefinition"] = prev.td_arn
            self.start_rounds(svc, prev, now)
            self.check_complete(svc, now)
        else:  # the classic way: a new PRIMARY on the source revision
            new = self.new_primary(svc, prev.td_arn, dep.desired, now,
                                   {"scenario": "converge", "step": self.step(dep),
                                    "health_delay": dep.scenario.get("health_delay", 10),
                                    "drain_delay": dep.scenario.get("drain_delay", 10)}, revision=prev.revision)
            new.rollback_sd = sd

    def sd_finish(self, sd: ServiceDeployment, now: float, status: str, reason: str | None = None) -> None:
        sd.frozen = self.summaries(sd)  # counts freeze once the deployment is completed
        sd.status, sd.updated, sd.finished = status, now, now
        if reason:
            sd.reason = reason
        if status == "STOPPED":
            sd.stopped = now
        if status == "SUCCESSFUL" and sd.traffic and sd.production_shift_at is None:
            sd.production_shift_at = now

    # ---- rendering ------------------------------------------------------------------------------
    def active_tasks(self, svc: Service, dep: Deployment) -> list[Any]:
        return [t for t in svc.tasks if t.deployment_id == dep.id and t.active]

    def revision_counts(self, svc: Service, rev: Revision) -> dict[str, Any]:
        tasks = [t for t in svc.tasks if t.revision == rev.arn]
        return {"arn": rev.arn,
                "requestedTaskCount": sum(d.desired for d in svc.deployments if d.revision is rev),
                "runningTaskCount": sum(1 for t in tasks if t.last_status == "RUNNING"),
                "pendingTaskCount": sum(1 for t in tasks if t.last_status == "PENDING")}

    def summaries(self, sd: ServiceDeployment) -> dict[str, Any]:
        if sd.frozen is not None:
            return sd.frozen
        target = self.revision_counts(sd.svc, sd.target)
        sources = [self.revision_counts(sd.svc, r) for r in sd.sources]
        if sd.traffic:
            target.update(requestedTestTrafficWeight=sd.test_weight, requestedProductionTrafficWeight=sd.prod_weight)
            for s in sources:
                s.update(requestedTestTrafficWeight=100 - sd.test_weight,
                         requestedProductionTrafficWeight=100 - sd.prod_weight)
        return {"target": target, "sources": sources}

    def render_sd(self, sd: ServiceDeployment) -> dict[str, Any]:
        counts = self.summaries(sd)
        out: dict[str, Any] = {"serviceDeploymentArn": sd.arn, "serviceArn": sd.svc.arn,
                               "clusterArn": sd.svc.cluster_arn, "createdAt": epoch3(sd.created),
                               "startedAt": epoch3(sd.started), "updatedAt": epoch3(sd.updated),
                               "sourceServiceRevisions": copy(counts["sources"]),
                               "targetServiceRevision": copy(counts["target"]), "status": sd.status,
                               "deploymentConfiguration": copy(sd.config)}
        for key, value in (("finishedAt", sd.finished), ("stoppedAt", sd.stopped)):
            if value is not None:
                out[key] = epoch3(value)
        if sd.reason:
            out["statusReason"] = sd.reason
        if sd.stage:
            out["lifecycleStage"] = sd.stage
        if sd.hooks:
            out["lifecycleHookDetails"] = [{k: (epoch3(v) if k == "expiresAt" else v) for k, v in h.items()
                                            if not k.startswith("_")} for h in sd.hooks]
        if sd.rollback:
            out["rollback"] = dict(sd.rollback, startedAt=epoch3(sd.rollback["startedAt"]))
        if not sd.initial:  # the seeded one has no monitoring history to show
            out.update(self.monitoring(sd))
        return out

    @staticmethod
    def monitoring(sd: ServiceDeployment) -> dict[str, Any]:
        watching = "MONITORING_COMPLETE" if sd.status not in ONGOING else "MONITORING"
        dep, breaker = sd.target_dep, sd.config.get("deploymentCircuitBreaker") or {}
        if sd.breaker_triggered:
            cb = {"status": "TRIGGERED", "failureCount": dep.failed_tasks, "threshold": sd.threshold or 0}
        elif breaker.get("enable"):
            threshold = int(dep.scenario.get("threshold", max(3, min(200, math.ceil(0.5 * dep.desired)))))
            cb = {"status": watching, "failureCount": dep.failed_tasks, "threshold": threshold}
        else:
            cb = {"status": "DISABLED"}
        alarms, names = sd.config.get("alarms") or {}, list((sd.config.get("alarms") or {}).get("alarmNames") or [])
        if sd.triggered_alarms:
            al = {"status": "TRIGGERED", "alarmNames": names, "triggeredAlarmNames": list(sd.triggered_alarms)}
        elif alarms.get("enable"):
            al = {"status": watching, "alarmNames": names, "triggeredAlarmNames": []}
        else:
            al = {"status": "DISABLED"}
        return {"deploymentCircuitBreaker": cb, "alarms": al}

    def render_brief(self, sd: ServiceDeployment) -> dict[str, Any]:
        out = {"serviceDeploymentArn": sd.arn, "serviceArn": sd.svc.arn, "clusterArn": sd.svc.cluster_arn,
               "startedAt": epoch3(sd.started), "createdAt": epoch3(sd.created),
               "targetServiceRevisionArn": sd.target.arn, "status": sd.status}
        if sd.finished is not None:
            out["finishedAt"] = epoch3(sd.finished)
        if sd.reason:
            out["statusReason"] = sd.reason
        return out

    def visible_sds(self, svc: Service) -> list[ServiceDeployment]:
        """Newest first, without those still hidden by `current_lag`."""
        now = self.clock.now()
        return [sd for sd in svc.sds if sd.visible_at <= now]

    def current_fields(self, svc: Service) -> dict[str, Any]:
        if self.deployments_api == "unsupported":
            return {}  # a partition without the API has no such fields either
        out: dict[str, Any] = {}
        visible = self.visible_sds(svc)
        if visible:
            out["currentServiceDeployment"] = visible[0].arn
        revs: list[Revision] = []
        for d in svc.deployments:
            if d.revision is not None and d.revision not in revs:
                revs.append(d.revision)
        out["currentServiceRevisions"] = [self.revision_counts(svc, r) for r in revs]
        return out

    # ---- /_sim/state -----------------------------------------------------------------------------
    def times(self, prefix: str, value: float | None) -> dict[str, Any]:
        wall = self.clock.wall_of(value) if value is not None else None
        return {f"{prefix}_sim": epoch3(value) if value is not None else None,
                f"{prefix}_wall": epoch3(wall) if wall is not None else None}

    def sd_state(self, sd: ServiceDeployment) -> dict[str, Any]:
        row: dict[str, Any] = {"arn": sd.arn, "service_deployment": sd.arn, "service": sd.svc.name,
                               "cluster": sd.svc.cluster, "task_definition": sd.target.td_arn,
                               "strategy": sd.strategy, "status": sd.status, "lifecycleStage": sd.stage,
                               "deployment": sd.target_dep.id, "target_revision": sd.target.arn,
                               "target_groups": [tg for tg, _ in sd.target.groups],
                               "source_revisions": [{"arn": r.arn, "task_definition": r.td_arn,
                                                     "target_groups": [tg for tg, _ in r.groups]}
                                                    for r in sd.sources]}
        for key, value in (("production_shift", sd.production_shift_at), ("finished", sd.finished),
                           ("rollback", sd.rollback_at)):
            row.update(self.times(key, value))
        row["hook_pauses"] = [dict({"hookId": h["hookId"], "stage": h["_stage"], "targetType": h["targetType"],
                                    "status": h["status"]}, **self.times("paused", h["_paused"]),
                                   **self.times("resolved", h["_resolved"])) for h in sd.hooks]
        return row
