#!/usr/bin/env python3
"""awssim: a small fault-injecting ECS / ELBv2 / STS / credentials simulator for adjust's tests.

One process, one loopback port. Two modes:

* proxy mode (``--upstream http://127.0.0.1:<moto port>``): every AWS request is forwarded byte for
  byte (signed Host header included) to moto and the answer is passed back, except where a fault
  rule or the ECS deployment model intervenes;
* fake-only mode (no upstream): the simulator answers what it models (DescribeServices,
  UpdateService, ListTasks, DescribeTasks, Describe/Register/Deregister/ListTaskDefinitions, DescribeTargetHealth,
  DescribeTargetGroupAttributes, GetCallerIdentity) from services seeded through the control API.

Control API (JSON) under ``/_sim/``; see ``CONTROL`` below and test/tools/README-awssim.md.
On start it prints one JSON line ``{"port": N, "pid": P}`` on stdout. Logs go to stderr and never
contain Authorization headers or secrets. Binds 127.0.0.1 only; exits by itself after
``--lifetime`` seconds or when its parent process goes away.
"""
from __future__ import annotations

import argparse
import hashlib
import heapq
import http.client
import json
import math
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from xml.sax.saxutils import escape as xml_escape

ECS_TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113."
ELB_NS = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
STS_ACTIONS = {"GetCallerIdentity", "AssumeRole", "AssumeRoleWithWebIdentity", "GetSessionToken"}
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "te", "trailer",
              "upgrade", "proxy-connection"}


def log(message: str) -> None:
    sys.stderr.write(f"awssim: {message}\n")
    sys.stderr.flush()


def amz_date(epoch: float) -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(epoch))


def iso8601(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def http_date(epoch: float) -> str:
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(epoch))


def parse_amz_date(value: str) -> float | None:
    try:
        return float(__import__("calendar").timegm(time.strptime(value, "%Y%m%dT%H%M%SZ")))
    except (ValueError, TypeError):
        return None


def epoch3(value: float) -> float:
    return round(value, 3)


# --------------------------------------------------------------------------------------------
# Clock
# --------------------------------------------------------------------------------------------

class SimClock:
    """Simulation time: frozen unless advanced, or running at real time x factor."""

    def __init__(self, factor: float = 0.0) -> None:
        self.m_anchor_real = time.monotonic()
        self.m_anchor_sim = round(time.time(), 3)
        self.m_factor = factor

    def now(self) -> float:
        return self.m_anchor_sim + (time.monotonic() - self.m_anchor_real) * self.m_factor

    def set_factor(self, factor: float) -> None:
        self.m_anchor_sim = self.now()
        self.m_anchor_real = time.monotonic()
        self.m_factor = factor

    def advance(self, seconds: float) -> None:
        self.m_anchor_sim += seconds

    def wall_of(self, sim_time: float) -> float | None:
        """The wall-clock moment (time.time()) at which the sim clock showed sim_time, if it runs."""
        if self.m_factor <= 0:
            return None
        return time.time() - (self.now() - sim_time) / self.m_factor


# --------------------------------------------------------------------------------------------
# Request classification
# --------------------------------------------------------------------------------------------

class AwsRequest:
    """What the simulator needs to know about one incoming request."""

    def __init__(self, method: str, path: str, headers: list[tuple[str, str]], body: bytes) -> None:
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.service = "unknown"
        self.operation = ""
        self.form: dict[str, str] = {}
        self.json: Any = None
        self.scope_region = ""
        self.scope_service = ""
        self.access_key = ""
        self._classify()

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None

    def _classify(self) -> None:
        auth = self.header("Authorization") or ""
        if "Credential=" in auth:
            scope = auth.split("Credential=", 1)[1].split(",", 1)[0].strip().split("/")
            if len(scope) >= 5:
                self.access_key, self.scope_region, self.scope_service = scope[0], scope[2], scope[3]
        bare_path = self.path.split("?", 1)[0]
        target = self.header("X-Amz-Target")
        if bare_path.startswith("/latest/"):
            self.service, self.operation = "imds", bare_path
        elif target:
            self.service = "ecs" if target.startswith(ECS_TARGET_PREFIX) else "json"
            self.operation = target.split(".", 1)[-1]
            try:
                self.json = json.loads(self.body.decode("utf-8") or "{}")
            except (ValueError, UnicodeDecodeError):
                self.json = {}
            if not isinstance(self.json, dict):
                self.json = {}
        elif self.method == "POST" and b"Action=" in self.body:
            parsed = urllib.parse.parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
            self.form = {k: v[0] for k, v in parsed.items()}
            self.operation = self.form.get("Action", "")
            if self.scope_service == "sts" or (not self.scope_service and self.operation in STS_ACTIONS):
                self.service = "sts"
            else:
                self.service = "elbv2"
        elif self.method == "GET":
            self.service, self.operation = "creds", bare_path
        else:
            self.operation = bare_path

    @property
    def protocol(self) -> str:
        if self.service in ("ecs", "json"):
            return "json"
        if self.service in ("elbv2", "sts"):
            return "query"
        return "plain"


class Reply:
    """A response to send, or a connection-level fault instead of a response."""

    def __init__(self, status: int = 200, body: bytes = b"", headers: list[tuple[str, str]] | None = None,
                 fault: str = "") -> None:
        self.status = status
        self.body = body
        self.headers = headers or []
        self.fault = fault  # "", "reset", "reset_mid_body", "close", "hang"
        self.hang_seconds = 0.0

    def set_header(self, name: str, value: str) -> None:
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()]
        self.headers.append((name, value))


def json_reply(payload: Any, status: int = 200) -> Reply:
    return Reply(status, json.dumps(payload).encode(), [
        ("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", str(uuid.uuid4()))])


def json_error(code: str, message: str, status: int = 400) -> Reply:
    reply = json_reply({"__type": code, "message": message}, status)
    reply.headers.append(("X-Amzn-ErrorType", code))
    return reply


def xml_reply(text: str, status: int = 200) -> Reply:
    return Reply(status, text.encode(), [("Content-Type", "text/xml"),
                                         ("x-amzn-RequestId", str(uuid.uuid4()))])


def query_error(code: str, message: str, status: int = 400, kind: str = "Sender") -> Reply:
    rid = str(uuid.uuid4())
    return xml_reply(
        f'<ErrorResponse xmlns="{ELB_NS}"><Error><Type>{kind}</Type><Code>{xml_escape(code)}</Code>'
        f"<Message>{xml_escape(message)}</Message></Error><RequestId>{rid}</RequestId></ErrorResponse>",
        status)


def error_for(req: AwsRequest, code: str, message: str, status: int) -> Reply:
    if req.protocol == "json":
        return json_error(code, message, status)
    if req.protocol == "query":
        return query_error(code, message, status, "Receiver" if status >= 500 else "Sender")
    return Reply(status, json.dumps({"code": code, "message": message}).encode(),
                 [("Content-Type", "application/json")])


# --------------------------------------------------------------------------------------------
# Fault rules
# --------------------------------------------------------------------------------------------

class Rule:
    """One fault rule: which requests, which of their calls, what to do."""

    def __init__(self, spec: dict[str, Any], rule_id: int) -> None:
        self.id = rule_id
        self.spec = spec
        match = spec.get("match", {})
        self.service = match.get("service", spec.get("service", "*"))
        self.operation = match.get("operation", spec.get("operation", "*"))
        self.path = match.get("path", spec.get("path"))
        first, last = 1, math.inf
        if "first" in spec:
            last = int(spec["first"])
        if "call" in spec:
            first = last = int(spec["call"])
        calls = spec.get("calls")
        if isinstance(calls, dict):
            first = int(calls.get("from", 1))
            last = math.inf if calls.get("to") is None else int(calls["to"])
        self.first, self.last = first, last
        # "after": {"operation": X, "count": n} arms the rule only once n requests for
        # X were logged (e.g. polls after the first UpdateService); counts start then.
        after = spec.get("after")
        self.after: tuple[str, int] | None = \
            (str(after["operation"]), int(after.get("count", 1))) if isinstance(after, dict) else None
        self.action = spec.get("action", "status")
        self.seen = 0
        self.fired = 0

    def matches(self, req: AwsRequest) -> bool:
        if self.service not in ("*", req.service):
            return False
        if self.operation not in ("*", req.operation):
            return False
        if self.path is not None and not req.path.startswith(self.path):
            return False
        return True

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, "spec": self.spec, "seen": self.seen, "fired": self.fired}


def json_patched(body: bytes, ops: list[dict[str, Any]]) -> bytes:
    """The real answer with RFC 6902-style remove/replace/add ops applied (JSON pointers;
    an op whose parent path is absent is skipped): odd response shapes from real answers."""
    try:
        doc = json.loads(body)
    except ValueError:
        return body
    for op in ops:
        keys = [k.replace("~1", "/").replace("~0", "~") for k in str(op["path"]).split("/")[1:]]
        parent = doc
        try:
            for key in keys[:-1]:
                parent = parent[int(key)] if isinstance(parent, list) else parent[key]
            last: Any = int(keys[-1]) if isinstance(parent, list) else keys[-1]
            if op["op"] == "remove":
                del parent[last]
            elif op["op"] == "add" and isinstance(parent, list):
                parent.insert(last, op["value"])
            else:
                parent[last] = op["value"]
        except (KeyError, IndexError, TypeError, ValueError):
            log(f"patch: skipped {op['op']} {op['path']}")
    return json.dumps(doc).encode()


# --------------------------------------------------------------------------------------------
# ECS deployment model
# --------------------------------------------------------------------------------------------

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
                 containers: list[str]) -> None:
        self.arn = arn
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

    def lbs(self) -> list[dict[str, Any]]:
        return [lb for lb in self.body.get("loadBalancers", []) or [] if lb.get("targetGroupArn")]

    def primary(self) -> Deployment:
        return self.deployments[0]


class Model:
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
        task = Task(arn, dep.td_arn, dep.id, ip, now, str(td.get("cpu", "256")),
                    str(td.get("memory", "512")), names)
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
        primary = svc.primary()
        desired = int(request["desiredCount"]) if request.get("desiredCount") is not None else primary.desired
        td_ref = request.get("taskDefinition")
        new_td = self.td_arn(svc, td_ref) if td_ref else primary.td_arn
        if new_td != primary.td_arn or request.get("forceNewDeployment"):
            # A failure belongs to a configuration: a revision that already ran
            # to completion on this service (a rollback target) converges again.
            proven = any(d.completed_ever and d.td_arn == new_td for d in svc.deployments) or \
                new_td in svc.proven_tds
            scenario = {"scenario": "converge"} if proven else self.scenario_for(svc)
            self.new_primary(svc, new_td, desired, now, scenario)
        else:
            primary.desired = desired
            primary.updated = now
        svc.body["desiredCount"] = desired

    def new_primary(self, svc: Service, td_arn: str, desired: int, now: float,
                    scenario: dict[str, Any]) -> Deployment:
        dep = Deployment(self.new_deployment_id(), td_arn, desired, now, scenario)
        for old in svc.deployments:
            old.status = "ACTIVE"
            old.updated = now
        svc.deployments.insert(0, dep)
        svc.body["taskDefinition"] = td_arn
        if dep.kind == "external_change":
            self.schedule(now + float(scenario.get("after", 30)), lambda t, s=svc, d=dep: self.external(s, d, t))
        self.start_rounds(svc, dep, now)
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
        if dep.rollout == "FAILED":
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
        for lb in svc.lbs():
            self.targets.setdefault(lb["targetGroupArn"], {})[task.ip] = {
                "port": lb.get("containerPort", 80), "state": "initial",
                "reason": "Elb.RegistrationInProgress", "description": "Target registration is in progress"}
        if svc.lbs():
            self.event(svc, now, f"(service {svc.name}) registered 1 targets in (target-group "
                                 f"{svc.lbs()[0]['targetGroupArn']})")

    def set_healthy(self, svc: Service, task: Task, now: float) -> None:
        if not task.active:
            return
        task.healthy = True
        for lb in svc.lbs():
            target = self.targets.get(lb["targetGroupArn"], {}).get(task.ip)
            if target:
                target.update(state="healthy", reason=None, description=None)
        self.check_complete(svc, now)

    def set_unhealthy(self, svc: Service, dep: Deployment, task: Task, now: float) -> None:
        if not task.active:
            return
        tg = ""
        for lb in svc.lbs():
            tg = lb["targetGroupArn"]
            target = self.targets.get(tg, {}).get(task.ip)
            if target:
                target.update(state="unhealthy", reason="Target.FailedHealthChecks",
                              description="Health checks failed")
            self.event(svc, now, f"(service {svc.name}) (port {lb.get('containerPort')}) is unhealthy in "
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
        if rollback and previous is not None:
            self.event(svc, now, f"(service {svc.name}) rolling back to deployment {previous.id}.")
            self.new_primary(svc, previous.td_arn, dep.desired, now,
                             {"scenario": "converge", "step": self.step(dep),
                              "health_delay": dep.scenario.get("health_delay", 10),
                              "drain_delay": dep.scenario.get("drain_delay", 10)})

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
        for lb in svc.lbs():
            target = self.targets.get(lb["targetGroupArn"], {}).get(task.ip)
            if target:
                target.update(state="draining", reason="Target.DeregistrationInProgress",
                              description="Target deregistration is in progress")

        def finish(t: float) -> None:
            task.last_status, task.stopped = "STOPPED", t
            for c in task.containers:
                c["lastStatus"] = "STOPPED"
                c.setdefault("exitCode", 0)
            for lb in svc.lbs():
                self.targets.get(lb["targetGroupArn"], {}).pop(task.ip, None)
            self.check_complete(svc, t)
        if delay <= 0:
            finish(now)
        else:
            self.schedule(now + delay, finish)

    def check_complete(self, svc: Service, now: float) -> None:
        dep = svc.primary()
        if dep.rollout == "FAILED" or dep.fate() in ("stall", "unplaceable"):
            return
        mine = [t for t in svc.tasks if t.deployment_id == dep.id and t.active]
        ready = len(mine) == dep.desired and all(t.last_status == "RUNNING" and t.healthy for t in mine)
        if not ready:
            return
        if dep.ready_at is None:
            dep.ready_at = now
        for old in svc.deployments[1:]:
            old.desired = 0
            for task in [t for t in svc.tasks if t.deployment_id == old.id and t.active]:
                self.drain(svc, task, now, f"Scaling activity initiated by (deployment {dep.id})")
        leftovers = [d for d in svc.deployments[1:]
                     if any(t.deployment_id == d.id and t.last_status != "STOPPED" for t in svc.tasks)]
        svc.deployments = [dep] + leftovers
        if not leftovers and dep.rollout == "IN_PROGRESS":
            dep.rollout, dep.reason, dep.completed_ever = "COMPLETED", f"ECS deployment {dep.id} completed.", True
            dep.completed_at = now
            svc.proven_tds.add(dep.td_arn)
            dep.updated = now
            self.event(svc, now, f"(service {svc.name}) (deployment {dep.id}) deployment completed.")
            self.event(svc, now, f"(service {svc.name}) has reached a steady state.")

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
                "convergence": self.convergence()}

    def convergence(self) -> list[dict[str, Any]]:
        """When each deployment still known became ready and COMPLETED, in sim and wall time."""
        out = []
        for svc in self.services.values():
            for dep in svc.deployments:
                if dep.ready_at is None and dep.completed_at is None:
                    continue
                row: dict[str, Any] = {"cluster": svc.cluster, "service": svc.name, "deployment": dep.id,
                                       "task_definition": dep.td_arn}
                for key, value in (("ready", dep.ready_at), ("completed", dep.completed_at)):
                    wall = self.clock.wall_of(value) if value is not None else None
                    row[f"{key}_sim"] = epoch3(value) if value is not None else None
                    row[f"{key}_wall"] = epoch3(wall) if wall is not None else None
                out.append(row)
        return out


# --------------------------------------------------------------------------------------------
# Fargate size validation (ecs-and-elb.md §1)
# --------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------
# The simulator: request routing, faults, proxying, fake answers, credentials, control API
# --------------------------------------------------------------------------------------------

def default_credentials(now: float, ttl: float = 3600) -> dict[str, Any]:
    return {"AccessKeyId": "ASIASIMULATOREXAMPLE", "SecretAccessKey": "simSecretKeyForTestsOnly0000000000000000",
            "Token": "simSessionTokenForTestsOnly", "Expiration": iso8601(now + ttl)}


class Sim:
    def __init__(self, upstream: str | None, factor: float) -> None:
        self.lock = threading.RLock()
        self.upstream = urllib.parse.urlsplit(upstream) if upstream else None
        self.clock = SimClock(factor)
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.clock = SimClock(0.0 if not hasattr(self, "clock") else self.clock.m_factor)
            self.model = Model(self.clock)
            self.rules: list[Rule] = []
            self.rule_ids = 0
            self.requests: list[dict[str, Any]] = []
            self.wall_offset = 0.0
            self.skew_check = False
            self.validate_fargate = False
            self.learn_services = True
            self.container = {"credentials": None, "authorization": None, "status": 200, "path": None}
            self.imds = {"role": "sim-role", "credentials": None, "token_mode": "ok",
                         "require_token": True, "timeout_seconds": 5.0, "tokens": set()}

    def wall(self) -> float:
        return time.time() + self.wall_offset

    # ---- entry point ------------------------------------------------------------------------
    def handle(self, req: AwsRequest) -> Reply:
        with self.lock:
            self.model.tick()
            rule = self.pick_rule(req)
            entry = {"seq": len(self.requests) + 1, "service": req.service, "operation": req.operation,
                     "method": req.method, "path": req.path.split("?", 1)[0], "time": epoch3(time.time()),
                     "sim_time": epoch3(self.clock.now()), "region": req.scope_region,
                     "signing_service": req.scope_service, "access_key": req.access_key,
                     "has_security_token": req.header("X-Amz-Security-Token") is not None,
                     "fault": rule.action if rule else None, "status": None}
            if req.service == "ecs":
                # The request's parameters, so tests can check what was asked (which
                # services one DescribeServices names, what an UpdateService changes).
                entry["params"] = req.json
            self.requests.append(entry)
        reply = self.dispatch(req, rule)
        if self.wall_offset and req.protocol != "plain":
            reply.set_header("Date", http_date(self.wall()))
        entry["status"] = reply.status if not reply.fault else 0
        entry["done"] = epoch3(time.time())  # answered (after any delay): overlaps show concurrency
        return reply

    def pick_rule(self, req: AwsRequest) -> Rule | None:
        chosen = None
        for rule in self.rules:
            if rule.after is not None and \
                    sum(1 for r in self.requests if r["operation"] == rule.after[0]) < rule.after[1]:
                continue
            if rule.matches(req):
                rule.seen += 1
                if chosen is None and rule.first <= rule.seen <= rule.last:
                    chosen = rule
                    rule.fired += 1
        return chosen

    def dispatch(self, req: AwsRequest, rule: Rule | None) -> Reply:
        if rule is not None:
            before = self.fault_before(req, rule)
            if before is not None:
                return before
        if self.skew_check and req.protocol != "plain":
            skewed = self.check_skew(req)
            if skewed is not None:
                return skewed
        reply = self.answer(req)
        if rule is not None:
            reply = self.fault_after(rule, reply)
        return reply

    # ---- faults -----------------------------------------------------------------------------
    def fault_before(self, req: AwsRequest, rule: Rule) -> Reply | None:
        spec, action = rule.spec, rule.action
        status = int(spec.get("status", 400))
        if action == "throttle":
            if req.protocol == "json":
                return json_error("ThrottlingException", "Rate exceeded", int(spec.get("status", 400)))
            if req.protocol == "query":
                return query_error("Throttling", "Rate exceeded", int(spec.get("status", 400)))
            return Reply(429, b'{"message":"Rate exceeded"}', [("Content-Type", "application/json")])
        if action in ("status", "error"):
            status = int(spec.get("status", 503 if action == "status" else 400))
            if "body" in spec:
                headers = [(k, v) for k, v in spec.get("headers", {}).items()]
                return Reply(status, str(spec["body"]).encode(), headers or [("Content-Type", "text/plain")])
            code = spec.get("code", {500: "InternalFailure", 503: "ServiceUnavailable"}.get(
                status, "ServerException" if status >= 500 else "ClientException"))
            if req.protocol == "json" and code == "InternalFailure":
                code = "ServerException"
            message = spec.get("message", {503: "Service Unavailable"}.get(status, "Injected error"))
            return error_for(req, code, message, status)
        if action == "reset":
            return Reply(fault="reset")
        if action == "hang":
            reply = Reply(fault="hang")
            reply.hang_seconds = float(spec.get("seconds", 30))
            return reply
        if action == "non_json":
            return Reply(int(spec.get("status", 502)),
                         spec.get("body", "<html><body><h1>502 Bad Gateway</h1></body></html>").encode(),
                         [("Content-Type", "text/html")])
        if action == "delay":
            time.sleep(float(spec.get("delay_ms", 100)) / 1000.0)
            return None
        if action == "clock_skew":
            return self.skew_error(req, self.wall() + float(spec.get("skew_seconds", 900)))
        if action == "expired_token":
            if req.protocol == "json":
                return json_error("ExpiredTokenException", "The security token included in the request is expired")
            return query_error("ExpiredToken", "The security token included in the request is expired", 400)
        if action == "auth_error":
            code = spec.get("code", "UnrecognizedClientException" if req.protocol == "json" else "InvalidClientTokenId")
            message = spec.get("message", "The security token included in the request is invalid.")
            return error_for(req, code, message, int(spec.get("status", 403)))
        if action == "replace":
            if "json" in spec:
                reply = json_reply(spec["json"], int(spec.get("status", 200)))
            else:
                ctype = "application/x-amz-json-1.1" if req.protocol == "json" else "text/xml"
                reply = Reply(int(spec.get("status", 200)), str(spec.get("body", "")).encode(),
                              [("Content-Type", ctype)])
            for k, v in spec.get("headers", {}).items():
                reply.set_header(k, v)
            return reply
        return None  # truncate / reset_mid_body / close act on the real answer

    @staticmethod
    def fault_after(rule: Rule, reply: Reply) -> Reply:
        if rule.action == "patch":
            reply.body = json_patched(reply.body, rule.spec.get("patch", []))
        elif rule.action == "truncate":
            keep = int(rule.spec.get("keep_bytes", max(1, len(reply.body) // 2)))
            reply.body = reply.body[:keep]
        elif rule.action in ("reset_mid_body", "close_mid_body"):
            reply.fault = rule.action
        return reply

    def check_skew(self, req: AwsRequest) -> Reply | None:
        stamp = parse_amz_date(req.header("X-Amz-Date") or "")
        if stamp is None:
            return None
        if abs(stamp - self.wall()) <= 300:
            return None
        return self.skew_error(req, self.wall(), stamp)

    def skew_error(self, req: AwsRequest, server_now: float, stamp: float | None = None) -> Reply:
        if stamp is None:
            stamp = parse_amz_date(req.header("X-Amz-Date") or "") or time.time()
        if stamp < server_now:
            message = (f"Signature expired: {amz_date(stamp)} is now earlier than "
                       f"{amz_date(server_now - 300)} ({amz_date(server_now)} - 5 min.)")
        else:
            message = (f"Signature not yet current: {amz_date(stamp)} is still later than "
                       f"{amz_date(server_now + 300)} ({amz_date(server_now)} + 5 min.)")
        if req.protocol == "json":
            reply = json_error("InvalidSignatureException", message, 400)
        else:
            reply = query_error("SignatureDoesNotMatch", message, 403)
        reply.set_header("Date", http_date(server_now))
        return reply

    # ---- answering --------------------------------------------------------------------------
    def answer(self, req: AwsRequest) -> Reply:
        if req.service == "imds":
            return self.imds_answer(req)
        if req.service == "creds":
            return self.container_answer(req)
        if req.service == "ecs":
            return self.ecs_answer(req)
        if req.service == "elbv2":
            return self.elb_answer(req)
        if req.service == "sts" and self.upstream is None:
            return self.sts_answer(req)
        return self.forward_or(req, lambda: error_for(req, "UnknownOperationException",
                                                      f"awssim does not model {req.operation or req.path}", 400))

    def forward_or(self, req: AwsRequest, fallback: Callable[[], Reply]) -> Reply:
        return self.forward(req) if self.upstream is not None else fallback()

    def forward(self, req: AwsRequest) -> Reply:
        assert self.upstream is not None
        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port or 80, timeout=60)
        try:
            conn.putrequest(req.method, req.path, skip_host=True, skip_accept_encoding=True)
            for key, value in req.headers:
                if key.lower() in ("transfer-encoding", "content-length", "connection"):
                    continue
                conn.putheader(key, value)
            if req.body or req.method in ("POST", "PUT"):
                conn.putheader("Content-Length", str(len(req.body)))
            conn.endheaders(req.body or None)
            resp = conn.getresponse()
            body = resp.read()
            headers = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP]
            return Reply(resp.status, body, headers)
        except OSError as exc:
            log(f"upstream error for {req.operation}: {exc}")
            return error_for(req, "ServiceUnavailable", "awssim: upstream unreachable", 503)
        finally:
            conn.close()

    # ---- ECS --------------------------------------------------------------------------------
    def ecs_answer(self, req: AwsRequest) -> Reply:
        op, body = req.operation, req.json
        if self.validate_fargate and op == "RegisterTaskDefinition":
            bad = self.fargate_error(body)
            if bad is not None:
                return bad
        if op in ("DescribeServices", "CreateService", "UpdateService"):
            return self.ecs_services(req)
        if op in ("ListTasks", "DescribeTasks"):
            return self.after_upstream(req, lambda: self.ecs_tasks(req))
        if self.upstream is not None:
            return self.forward(req)
        if op == "DescribeTaskDefinition":
            return self.describe_td(body)
        if op == "RegisterTaskDefinition":
            return self.register_td(body, req)
        if op == "DeregisterTaskDefinition":
            return self.deregister_td(body)
        if op == "ListTaskDefinitions":
            return self.list_tds(body)
        return json_error("UnknownOperationException", f"awssim fake-only mode does not model {op}")

    def after_upstream(self, req: AwsRequest, model_answer: Callable[[], Reply | None]) -> Reply:
        """Forward first (so moto still verifies signatures), then answer from the model if it can."""
        upstream = self.forward(req) if self.upstream is not None else None
        if upstream is not None and upstream.status >= 400:
            return upstream
        with self.lock:
            mine = model_answer()
        if mine is not None:
            return mine
        return upstream if upstream is not None else json_error(
            "ClientException", "awssim: nothing modelled for this request")

    def ecs_services(self, req: AwsRequest) -> Reply:
        op, body = req.operation, req.json
        upstream = self.forward(req) if self.upstream is not None else None
        if upstream is not None and upstream.status >= 400:
            return upstream
        with self.lock:
            self.model.tick()
            if upstream is not None:
                try:
                    data = json.loads(upstream.body)
                except ValueError:
                    return upstream
            else:
                data = None
            if upstream is not None and not self.learn_services and \
                    self.model.find(body.get("cluster"), str(body.get("service", ""))) is None:
                if op != "DescribeServices" or not any(
                        self.model.find(body.get("cluster"), str(n)) for n in body.get("services", []) or []):
                    return upstream
            if op == "DescribeServices":
                return self.describe_services(body, data, upstream)
            if op == "CreateService":
                if data and "service" in data:
                    self.model.learn(data["service"])
                    return upstream  # type: ignore[return-value]
                return json_error("ClientException", "awssim fake-only mode: seed services via /_sim/seed")
            svc = self.model.find(body.get("cluster"), str(body.get("service", "")))
            if svc is None and data and "service" in data:
                svc = self.model.learn(data["service"])
            if svc is None:
                return json_error("ServiceNotFoundException", "Service not found.")
            self.model.update(svc, body)
            base = data["service"] if data and "service" in data else None
            if base is not None:
                svc.body = {k: v for k, v in base.items() if k not in ("deployments", "events")}
            reply = json_reply({"service": self.model.render_service(svc, base)})
            return reply

    def describe_services(self, body: dict[str, Any], data: dict[str, Any] | None, upstream: Reply | None) -> Reply:
        cluster = body.get("cluster")
        if data is not None:
            out = []
            for service in data.get("services", []):
                svc = self.model.find(cluster or service.get("clusterArn"), service.get("serviceArn", ""))
                if svc is None and not self.learn_services:
                    out.append(service)
                    continue
                if svc is None:
                    svc = self.model.learn(service)
                out.append(self.model.render_service(svc, {k: v for k, v in service.items()
                                                           if k not in ("deployments", "events")}))
            data["services"] = out
            reply = json_reply(data)
            reply.headers = [(k, v) for k, v in upstream.headers if k.lower() != "content-type"] + \
                [("Content-Type", "application/x-amz-json-1.1")] if upstream else reply.headers
            return reply
        services, failures = [], []
        for name in body.get("services", []) or []:
            svc = self.model.find(cluster, str(name))
            if svc is None:
                region, account = DEFAULT_REGION, DEFAULT_ACCOUNT
                arn = name if str(name).startswith("arn:") else f"arn:aws:ecs:{region}:{account}:service/{name}"
                failures.append({"arn": arn, "reason": "MISSING"})
            else:
                services.append(self.model.render_service(svc))
        if cluster and not any(s.cluster == cluster.rsplit("/", 1)[-1] for s in self.model.services.values()):
            return json_error("ClusterNotFoundException", "Cluster not found.")
        return json_reply({"services": services, "failures": failures})

    def service_for_tasks(self, body: dict[str, Any]) -> list[Service]:
        cluster = str(body.get("cluster") or "default").rsplit("/", 1)[-1]
        return [s for s in self.model.services.values() if s.cluster == cluster]

    def ecs_tasks(self, req: AwsRequest) -> Reply | None:
        body = req.json
        self.model.tick()
        services = self.service_for_tasks(body)
        if not services:
            return None
        if req.operation == "ListTasks":
            return self.list_tasks(body, services)
        wanted = [str(t) for t in body.get("tasks", []) or []]
        found, failures = [], []
        for ref in wanted:
            hit = next(((s, t) for s in services for t in s.tasks
                        if t.arn == ref or t.arn.rsplit("/", 1)[-1] == ref), None)
            if hit is None:
                failures.append({"arn": ref, "reason": "MISSING"})
            else:
                found.append(self.model.render_task(*hit))
        return json_reply({"tasks": found, "failures": failures})

    def list_tasks(self, body: dict[str, Any], services: list[Service]) -> Reply:
        name = body.get("serviceName")
        started_by = body.get("startedBy")
        family = body.get("family")
        desired = body.get("desiredStatus", "RUNNING")
        arns = []
        for svc in services:
            if name and str(name).rsplit("/", 1)[-1] != svc.name:
                continue
            for task in svc.tasks:
                if started_by and task.deployment_id != started_by:
                    continue
                if family and task.td_arn.split("task-definition/", 1)[-1].split(":")[0] != family:
                    continue
                if (desired == "STOPPED") != (task.desired_status == "STOPPED"):
                    continue
                arns.append(task.arn)
        if name and not any(s.name == str(name).rsplit("/", 1)[-1] for s in services):
            return json_error("ServiceNotFoundException", "Service not found.")
        limit = max(1, min(100, int(body.get("maxResults", 100) or 100)))
        start = 0
        if body.get("nextToken"):
            try:
                start = int(urllib.parse.unquote(str(body["nextToken"])).split("sim-offset-", 1)[1])
            except (IndexError, ValueError):
                return json_error("InvalidParameterException", "Invalid nextToken.")
        page = arns[start:start + limit]
        out: dict[str, Any] = {"taskArns": page}
        if start + limit < len(arns):
            out["nextToken"] = f"sim-offset-{start + limit}"
        return json_reply(out)

    def describe_td(self, body: dict[str, Any]) -> Reply:
        ref = str(body.get("taskDefinition", ""))
        arn = ref
        if not ref.startswith("arn:"):
            svc = next(iter(self.model.services.values()), None)
            region, account = (svc.region, svc.account) if svc else (DEFAULT_REGION, DEFAULT_ACCOUNT)
            fake = Service({"serviceArn": f"arn:aws:ecs:{region}:{account}:service/x/x", "serviceName": "x"})
            arn = self.model.td_arn(fake, ref)
        entry = self.model.task_defs.get(arn)
        if entry is None:
            return json_error("ClientException", "Unable to describe task definition.")
        out: dict[str, Any] = {"taskDefinition": entry["taskDefinition"]}
        if "TAGS" in (body.get("include") or []):
            out["tags"] = entry.get("tags", [])
        return json_reply(out)

    def list_tds(self, body: dict[str, Any]) -> Reply:
        prefix = str(body.get("familyPrefix", ""))
        status = str(body.get("status", "ACTIVE"))
        with self.lock:
            arns = [a for a, e in self.model.task_defs.items()
                    if a.split("task-definition/", 1)[-1].split(":")[0].startswith(prefix)
                    and e["taskDefinition"].get("status", "ACTIVE") == status]
        arns.sort(key=lambda a: (a.split("task-definition/", 1)[-1].split(":")[0], int(a.rsplit(":", 1)[-1])),
                  reverse=str(body.get("sort", "ASC")).upper() == "DESC")
        return json_reply({"taskDefinitionArns": arns[: int(body.get("maxResults", 100))]})

    def deregister_td(self, body: dict[str, Any]) -> Reply:
        arn = str(body.get("taskDefinition", ""))
        with self.lock:
            entry = self.model.task_defs.get(arn)
            if entry is None:
                return json_error("ClientException", "Unable to describe task definition.")
            entry["taskDefinition"]["status"] = "INACTIVE"
            entry["taskDefinition"]["deregisteredAt"] = epoch3(self.clock.now())
            return json_reply({"taskDefinition": entry["taskDefinition"]})

    def register_td(self, body: dict[str, Any], req: AwsRequest) -> Reply:
        family = str(body.get("family", ""))
        if not family:
            return json_error("ClientException", "Family must be specified.")
        revisions = [int(a.rsplit(":", 1)[-1]) for a in self.model.task_defs
                     if a.split("task-definition/", 1)[-1].split(":")[0] == family]
        revision = max(revisions, default=0) + 1
        region = req.scope_region or DEFAULT_REGION
        arn = f"arn:aws:ecs:{region}:{DEFAULT_ACCOUNT}:task-definition/{family}:{revision}"
        td = {k: v for k, v in body.items() if k != "tags"}
        td.update({"taskDefinitionArn": arn, "revision": revision, "status": "ACTIVE",
                   "compatibilities": ["EC2", "FARGATE"], "registeredAt": epoch3(self.clock.now()),
                   "registeredBy": f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/sim"})
        for key in ("cpu", "memory"):
            if key in td:
                td[key] = str(td[key])
        with self.lock:
            self.model.task_defs[arn] = {"taskDefinition": td, "tags": body.get("tags", [])}
        return json_reply({"taskDefinition": td, "tags": body.get("tags", [])})

    @staticmethod
    def fargate_error(body: dict[str, Any]) -> Reply | None:
        if "FARGATE" not in (body.get("requiresCompatibilities") or []):
            return None
        cpu, memory = units(body.get("cpu", ""), "vcpu"), units(body.get("memory", ""), "gb")
        if cpu is None or memory is None or not fargate_pair_ok(cpu, memory):
            return json_error("ClientException", "Invalid 'cpu' setting for task.")
        return None

    # ---- ELBv2 / STS ------------------------------------------------------------------------
    def elb_answer(self, req: AwsRequest) -> Reply:
        if req.operation == "DescribeTargetHealth":
            return self.after_query_upstream(req, lambda: self.target_health(req.form))
        if req.operation == "DescribeTargetGroupAttributes":
            return self.after_query_upstream(req, lambda: self.tg_attributes(req.form))
        return self.forward_or(req, lambda: query_error("InvalidAction",
                                                         f"awssim does not model {req.operation}", 400))

    def after_query_upstream(self, req: AwsRequest, model_answer: Callable[[], Reply | None]) -> Reply:
        upstream = self.forward(req) if self.upstream is not None else None
        if upstream is not None and upstream.status >= 400 and b"TargetGroupNotFound" not in upstream.body:
            return upstream
        with self.lock:
            self.model.tick()
            mine = model_answer()
        if mine is not None:
            return mine
        if upstream is not None:
            return upstream
        return query_error("TargetGroupNotFound", "One or more target groups not found", 400)

    def modelled_tg(self, arn: str) -> bool:
        return arn in self.model.targets or any(
            lb["targetGroupArn"] == arn for s in self.model.services.values() for lb in s.lbs())

    def target_health(self, form: dict[str, str]) -> Reply | None:
        arn = form.get("TargetGroupArn", "")
        if not self.modelled_tg(arn):
            return None
        targets = self.model.targets.get(arn, {})
        wanted, i = [], 1
        while f"Targets.member.{i}.Id" in form:
            wanted.append((form[f"Targets.member.{i}.Id"], form.get(f"Targets.member.{i}.Port")))
            i += 1
        members = []
        items: list[tuple[str, dict[str, Any] | None, str | None]] = \
            [(ip, targets.get(ip), port) for ip, port in wanted] if wanted else \
            [(ip, t, None) for ip, t in targets.items()]
        for ip, target, port in items:
            if target is None:
                state, reason, desc, tport = "unused", "Target.NotRegistered", \
                    "Target is not registered to the target group", port or "80"
            else:
                state, reason, desc, tport = target["state"], target.get("reason"), \
                    target.get("description"), str(target["port"])
            health = f"<State>{state}</State>"
            if reason:
                health += f"<Reason>{reason}</Reason><Description>{xml_escape(desc or '')}</Description>"
            members.append(f"<member><Target><Id>{xml_escape(ip)}</Id><Port>{tport}</Port></Target>"
                           f"<HealthCheckPort>{tport}</HealthCheckPort><TargetHealth>{health}</TargetHealth></member>")
        return xml_reply(
            f'<DescribeTargetHealthResponse xmlns="{ELB_NS}"><DescribeTargetHealthResult>'
            f"<TargetHealthDescriptions>{''.join(members)}</TargetHealthDescriptions>"
            f"</DescribeTargetHealthResult><ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId>"
            f"</ResponseMetadata></DescribeTargetHealthResponse>")

    def tg_attributes(self, form: dict[str, str]) -> Reply | None:
        arn = form.get("TargetGroupArn", "")
        if not self.modelled_tg(arn) or self.upstream is not None:
            return None
        delay = 300
        for svc in self.model.services.values():
            if any(lb["targetGroupArn"] == arn for lb in svc.lbs()):
                delay = int(float(self.model.scenario_for(svc).get("drain_delay", 10)))
        attrs = {"deregistration_delay.timeout_seconds": str(delay), "stickiness.enabled": "false",
                 "load_balancing.algorithm.type": "round_robin"}
        members = "".join(f"<member><Key>{k}</Key><Value>{v}</Value></member>" for k, v in attrs.items())
        return xml_reply(f'<DescribeTargetGroupAttributesResponse xmlns="{ELB_NS}">'
                         f"<DescribeTargetGroupAttributesResult><Attributes>{members}</Attributes>"
                         f"</DescribeTargetGroupAttributesResult><ResponseMetadata><RequestId>{uuid.uuid4()}"
                         f"</RequestId></ResponseMetadata></DescribeTargetGroupAttributesResponse>")

    def sts_answer(self, req: AwsRequest) -> Reply:
        if req.operation == "GetCallerIdentity":
            return xml_reply(
                f'<GetCallerIdentityResponse xmlns="{STS_NS}"><GetCallerIdentityResult>'
                f"<Arn>arn:aws:iam::{DEFAULT_ACCOUNT}:user/sim</Arn><UserId>AIDASIMULATOR</UserId>"
                f"<Account>{DEFAULT_ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata>"
                f"<RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>")
        return query_error("InvalidAction", f"awssim does not model {req.operation}", 400)

    # ---- credential endpoints ---------------------------------------------------------------
    def creds_json(self, configured: dict[str, Any] | None) -> dict[str, Any]:
        creds = dict(configured) if configured else default_credentials(time.time())
        if "expires_in" in creds:
            creds["Expiration"] = iso8601(time.time() + float(creds.pop("expires_in")))
        return creds

    def container_answer(self, req: AwsRequest) -> Reply:
        cfg = self.container
        if cfg["path"] and req.path.split("?", 1)[0] != cfg["path"]:
            return Reply(404, b'{"message":"not found"}', [("Content-Type", "application/json")])
        if cfg["authorization"] is not None and req.header("Authorization") != cfg["authorization"]:
            return Reply(401, b'{"code":"Unauthorized","message":"Authorization token invalid"}',
                         [("Content-Type", "application/json")])
        if int(cfg["status"]) != 200:
            return Reply(int(cfg["status"]), b'{"message":"injected"}', [("Content-Type", "application/json")])
        return Reply(200, json.dumps(self.creds_json(cfg["credentials"])).encode(),
                     [("Content-Type", "application/json")])

    def imds_answer(self, req: AwsRequest) -> Reply:
        cfg = self.imds
        path = req.path.split("?", 1)[0]
        plain = [("Content-Type", "text/plain")]
        if path == "/latest/api/token":
            if req.method != "PUT":
                return Reply(405, b"", plain)
            mode = cfg["token_mode"]
            if mode == "timeout":
                reply = Reply(fault="hang")
                reply.hang_seconds = float(cfg["timeout_seconds"])
                return reply
            if mode in ("403", "404", "405", "400", "500"):
                return Reply(int(mode), b"", plain)
            ttl = req.header("x-aws-ec2-metadata-token-ttl-seconds")
            if ttl is None or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
                return Reply(400, b"", plain)
            token = "simtoken-" + uuid.uuid4().hex
            with self.lock:
                cfg["tokens"].add(token)
            return Reply(200, token.encode(), plain + [("x-aws-ec2-metadata-token-ttl-seconds", ttl)])
        if req.method != "GET":
            return Reply(405, b"", plain)
        token = req.header("x-aws-ec2-metadata-token")
        if token is not None and token not in cfg["tokens"]:
            return Reply(401, b"", plain)
        if token is None and cfg["require_token"]:
            return Reply(401, b"", plain)
        base = "/latest/meta-data/iam/security-credentials/"
        if path == base:
            return Reply(200, str(cfg["role"]).encode(), plain)
        if path == base + str(cfg["role"]):
            creds = self.creds_json(cfg["credentials"])
            creds = {"Code": "Success", "LastUpdated": iso8601(time.time()), "Type": "AWS-HMAC", **creds}
            return Reply(200, json.dumps(creds).encode(), plain)
        if path == "/latest/meta-data/placement/region":
            return Reply(200, DEFAULT_REGION.encode(), plain)
        return Reply(404, b"", plain)

    # ---- control API ------------------------------------------------------------------------
    def control(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        parsed = urllib.parse.urlsplit(path)
        route = parsed.path[len("/_sim/"):].strip("/")
        query = {k: v[0] for k, v in urllib.parse.parse_qs(parsed.query).items()}
        with self.lock:
            if route == "health":
                return 200, {"ok": True, "upstream": self.upstream.geturl() if self.upstream else None}
            if route == "reset" and method == "POST":
                self.reset()
                return 200, {"ok": True}
            if route == "rules":
                return self.control_rules(method, body)
            if route == "scenario" and method == "POST":
                return self.control_scenario(body)
            if route == "advance" and method == "POST":
                self.clock.advance(float(body.get("seconds", 0)))
                self.model.tick()
                return 200, {"now": epoch3(self.clock.now())}
            if route in ("config", "clock") and method == "POST":
                return self.control_clock(body)
            if route == "seed" and method == "POST":
                return self.control_seed(body)
            if route == "credentials" and method == "POST":
                return self.control_credentials(body)
            if route == "requests":
                if method == "DELETE":
                    self.requests.clear()
                    return 200, {"ok": True}
                rows = [r for r in self.requests
                        if all(str(r.get(k)) == v for k, v in query.items())]
                return 200, {"requests": rows}
            if route == "state":
                return 200, self.model.snapshot()
        return 404, {"error": f"unknown control route {method} {parsed.path}"}

    def control_rules(self, method: str, body: Any) -> tuple[int, Any]:
        if method == "DELETE":
            self.rules.clear()
            return 200, {"ok": True}
        if method == "GET":
            return 200, {"rules": [r.describe() for r in self.rules]}
        specs = body.get("rules", [body]) if isinstance(body, dict) else list(body)
        ids = []
        for spec in specs:
            self.rule_ids += 1
            self.rules.append(Rule(spec, self.rule_ids))
            ids.append(self.rule_ids)
        return 200, {"ids": ids}

    def control_scenario(self, body: dict[str, Any]) -> tuple[int, Any]:
        kind = body.get("scenario", "converge")
        if kind not in SCENARIOS:
            return 400, {"error": f"unknown scenario {kind}; known: {sorted(SCENARIOS)}"}
        key = (str(body.get("cluster", "*")).rsplit("/", 1)[-1], str(body.get("service", "*")))
        self.model.scenarios[key] = dict(body)
        return 200, {"ok": True}

    def control_clock(self, body: dict[str, Any]) -> tuple[int, Any]:
        if "factor" in body:
            self.clock.set_factor(float(body["factor"]))
        if "wall_offset_seconds" in body:
            self.wall_offset = float(body["wall_offset_seconds"])
        if "skew_check" in body:
            self.skew_check = bool(body["skew_check"])
        if "validate_fargate" in body:
            self.validate_fargate = bool(body["validate_fargate"])
        if "learn_services" in body:
            self.learn_services = bool(body["learn_services"])
        if "oldest_first" in body:
            self.model.oldest_first = bool(body["oldest_first"])
        return 200, {"now": epoch3(self.clock.now()), "wall": epoch3(self.wall())}

    def control_seed(self, body: dict[str, Any]) -> tuple[int, Any]:
        region = body.get("region", DEFAULT_REGION)
        account = body.get("account", DEFAULT_ACCOUNT)
        cluster = body.get("cluster", "demo")
        for td in body.get("task_definitions", []) + ([body["task_definition"]] if "task_definition" in body else []):
            td = json.loads(json.dumps(td))
            tags = td.pop("tags", [])
            family = td.get("family", "web")
            revision = int(td.get("revision", 1))
            arn = td.get("taskDefinitionArn") or \
                f"arn:aws:ecs:{region}:{account}:task-definition/{family}:{revision}"
            td.update({"taskDefinitionArn": arn, "family": family, "revision": revision})
            td.setdefault("status", "ACTIVE")
            td.setdefault("registeredAt", epoch3(self.clock.now() - 86400))
            td.setdefault("registeredBy", f"arn:aws:iam::{account}:user/ci")
            self.model.task_defs[arn] = {"taskDefinition": td, "tags": tags}
        created = []
        for spec in body.get("services", []) + ([body["service"]] if "service" in body else []):
            spec = json.loads(json.dumps(spec))
            name = spec.get("serviceName", "web")
            spec.setdefault("serviceArn", f"arn:aws:ecs:{region}:{account}:service/{cluster}/{name}")
            spec.setdefault("clusterArn", f"arn:aws:ecs:{region}:{account}:cluster/{cluster}")
            spec.setdefault("serviceName", name)
            spec.setdefault("status", "ACTIVE")
            if "capacityProviderStrategy" not in spec:
                spec.setdefault("launchType", "FARGATE")
            spec.setdefault("desiredCount", 2)
            spec.setdefault("schedulingStrategy", "REPLICA")
            spec.setdefault("deploymentController", {"type": "ECS"})
            spec.setdefault("deploymentConfiguration", {
                "deploymentCircuitBreaker": {"enable": True, "rollback": True},
                "maximumPercent": 200, "minimumHealthyPercent": 100})
            spec.setdefault("createdAt", epoch3(self.clock.now() - 86400))
            td_ref = spec.get("taskDefinition") or next(iter(self.model.task_defs), "web:1")
            spec["taskDefinition"] = td_ref if td_ref.startswith("arn:") else \
                f"arn:aws:ecs:{region}:{account}:task-definition/{td_ref}"
            history = {k: spec.pop(k, []) for k in ("history_events", "history_deployments")}
            stopped = int(spec.pop("stopped_tasks", 0))
            svc = self.model.learn(spec, steady=bool(body.get("steady", True)))
            svc.history_events, svc.history_deployments = history["history_events"], history["history_deployments"]
            self.model.seed_stopped(svc, stopped)
            created.append(self.model.render_service(svc))
        return 200, {"services": created}

    def control_credentials(self, body: dict[str, Any]) -> tuple[int, Any]:
        if "container" in body:
            cfg = body["container"] or {}
            self.container.update({k: cfg[k] for k in ("credentials", "authorization", "status", "path") if k in cfg})
        if "imds" in body:
            cfg = body["imds"] or {}
            self.imds.update({k: cfg[k] for k in ("role", "credentials", "token_mode", "require_token",
                                                    "timeout_seconds") if k in cfg})
        return 200, {"ok": True}


# --------------------------------------------------------------------------------------------
# HTTP server
# --------------------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "awssim/1"
    # Headers and body go out in two writes: with Nagle on, the body waits for the
    # client's delayed ACK (40 ms) on every reused connection, as no AWS endpoint does.
    disable_nagle_algorithm = True
    sim: Sim

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # our own one-line log below; never headers

    def read_body(self) -> bytes:
        if (self.headers.get("Transfer-Encoding") or "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def handle_any(self) -> None:
        body = self.read_body()
        if self.path.startswith("/_sim/"):
            self.handle_control(body)
            return
        req = AwsRequest(self.command, self.path, list(self.headers.items()), body)
        reply = self.sim.handle(req)
        log(f"{self.command} {req.service}:{req.operation} -> "
            f"{reply.fault or reply.status}")
        self.send(reply)

    def handle_control(self, body: bytes) -> None:
        try:
            payload = json.loads(body.decode() or "{}")
        except ValueError:
            self.send(Reply(400, b'{"error":"control body must be JSON"}', [("Content-Type", "application/json")]))
            return
        try:
            status, result = self.sim.control(self.command, self.path, payload)
        except (KeyError, TypeError, ValueError) as exc:
            status, result = 400, {"error": f"{type(exc).__name__}: {exc}"}
        self.send(Reply(status, json.dumps(result).encode(), [("Content-Type", "application/json")]))

    def send(self, reply: Reply) -> None:
        sock = self.connection
        if reply.fault == "hang":
            time.sleep(reply.hang_seconds)
            reply.fault = "reset"
        if reply.fault == "reset":
            self.abort(sock)
            return
        self.send_response_only(reply.status)
        for key, value in reply.headers:
            if key.lower() not in HOP_BY_HOP and key.lower() != "server":
                self.send_header(key, value)
        if not any(k.lower() == "date" for k, _ in reply.headers):
            self.send_header("Date", self.date_time_string())
        full = len(reply.body)
        self.send_header("Content-Length", str(full))
        self.end_headers()
        if reply.fault in ("reset_mid_body", "close_mid_body"):
            self.wfile.write(reply.body[: max(1, full // 2)] if full > 1 else b"")
            self.wfile.flush()
            if reply.fault == "reset_mid_body":
                self.abort(sock)
            else:
                self.close_connection = True
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            return
        self.wfile.write(reply.body)
        self.wfile.flush()

    def abort(self, sock: socket.socket) -> None:
        self.close_connection = True
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        except OSError:
            pass

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog of 5 drops the SYNs of a client opening more
    # connections at once; each then waits a 1 s SYN retransmit, as no AWS endpoint makes it.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            return  # client went away or we aborted on purpose
        log(f"internal error: {type(exc).__name__}: {exc}")


def watchdog(lifetime: float, parent: int) -> None:
    deadline = time.monotonic() + lifetime
    while time.monotonic() < deadline:
        if parent > 1 and os.getppid() != parent:
            log("parent went away; exiting")
            os._exit(0)
        time.sleep(0.25)
    log(f"lifetime of {lifetime:.0f} s reached; exiting")
    os._exit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="loopback port (0 = pick a free one)")
    parser.add_argument("--upstream", default=None, help="moto endpoint, e.g. http://127.0.0.1:5000")
    parser.add_argument("--time-factor", type=float, default=0.0,
                        help="sim clock speed vs real time (0 = frozen, advance via /_sim/advance)")
    parser.add_argument("--lifetime", type=float, default=900.0, help="hard lifetime limit in seconds")
    args = parser.parse_args(argv)
    if args.upstream:
        host = urllib.parse.urlsplit(args.upstream).hostname or ""
        if host not in ("127.0.0.1", "localhost", "::1"):
            parser.error("--upstream must be a loopback address")
    Handler.sim = Sim(args.upstream, args.time_factor)
    server = Server(("127.0.0.1", args.port), Handler)
    threading.Thread(target=watchdog, args=(args.lifetime, os.getppid()), daemon=True).start()
    print(json.dumps({"port": server.server_address[1], "pid": os.getpid()}), flush=True)
    log(f"listening on 127.0.0.1:{server.server_address[1]} upstream={args.upstream or 'none'}")
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
