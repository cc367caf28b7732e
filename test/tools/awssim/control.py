"""The control API under /_sim/: seed, rules, scenarios, clock, credentials, request log, state."""
from __future__ import annotations

import json
import urllib.parse
from typing import Any

from .autoscaling import SCALER_OPTIONS, suspended_from
from .buckets import parse as parse_buckets
from .clock import epoch3
from .ecs_model import SCENARIOS
from .service_deployments import SD_OPTIONS
from .faults import Rule
from .wire import DEFAULT_ACCOUNT, DEFAULT_REGION


class Control:
    """The Sim's control routes (a mixin: changes the Sim's state under self.lock)."""

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
            if route == "scale" and method == "POST":
                return self.control_scale(body)
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
                return 200, {**self.model.snapshot(), "buckets": self.buckets.snapshot()}
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
        for name, (kind, minimum) in {**SD_OPTIONS, **SCALER_OPTIONS}.items():
            if name not in body:
                continue
            value = body[name]
            ok = isinstance(value, str) and bool(value) if kind is str else \
                isinstance(value, (int, float)) and not isinstance(value, bool) and value >= minimum and \
                (kind is float or float(value).is_integer())
            if not ok:
                return 400, {"error": f"scenario option {name} must be "
                                      f"{'a non-empty string' if kind is str else f'a number >= {minimum}'}"}
        key = (str(body.get("cluster", "*")).rsplit("/", 1)[-1], str(body.get("service", "*")))
        self.model.scenarios[key] = dict(body)
        return 200, {"ok": True}

    def control_clock(self, body: dict[str, Any]) -> tuple[int, Any]:
        if "buckets" in body:  # checked before anything is applied
            try:
                buckets = parse_buckets(body["buckets"])
            except ValueError as exc:
                return 400, {"error": str(exc)}
            self.buckets.apply(buckets)
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
        if "regional" in body:
            self.model.regional = bool(body["regional"])
        if "oldest_first" in body:
            self.model.oldest_first = bool(body["oldest_first"])
        if "deployments_api" in body:
            if body["deployments_api"] not in ("ok", "denied", "unsupported"):
                return 400, {"error": "deployments_api must be ok, denied or unsupported"}
            self.model.deployments_api = body["deployments_api"]
        if "autoscaling_api" in body:
            if body["autoscaling_api"] not in ("ok", "denied"):
                return 400, {"error": "autoscaling_api must be ok or denied"}
            self.model.autoscaling_api = body["autoscaling_api"]
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
        services = body.get("services", []) + ([body["service"]] if "service" in body else [])
        # Scalable targets (registered a day ago; desiredCount kept as given, no clamp), checked first.
        targets = [(f"service/{str(t.get('cluster', cluster)).rsplit('/', 1)[-1]}/{t['service']}", t)
                   for t in body.get("scalable_targets", [])] + \
            [(f"service/{str(s.get('clusterArn', cluster)).rsplit('/', 1)[-1]}/{s.get('serviceName', 'web')}",
              s["scalable_target"])
             for s in services if s.get("scalable_target") is not None]
        for rid, spec in targets:
            low, high = spec.get("min"), spec.get("max")
            if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (low, high)) or low > high:
                return 400, {"error": f"scalable target {rid}: min and max must be integers, 0 <= min <= max"}
        for spec in services:
            spec = json.loads(json.dumps(spec))
            spec.pop("scalable_target", None)
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
        for rid, spec in targets:
            self.model.put_target(rid, spec["min"], spec["max"], suspended_from(spec.get("suspended")),
                                  self.clock.now() - 86400, region, account)
        return 200, {"services": created}

    def control_scale(self, body: dict[str, Any]) -> tuple[int, Any]:
        """The scaler sets the service's desiredCount now (bounds and suspension as for `scale_to`)."""
        svc = self.model.find(body.get("cluster", "demo"), str(body.get("service", "")))
        desired = body.get("desired")
        if svc is None:
            return 400, {"error": f"unknown service {body.get('cluster', 'demo')}/{body.get('service')}"}
        if not isinstance(desired, int) or isinstance(desired, bool) or desired < 0:
            return 400, {"error": "desired must be an integer >= 0"}
        self.model.tick()
        return 200, self.model.scale(svc, desired, self.clock.now(), "control")

    def control_credentials(self, body: dict[str, Any]) -> tuple[int, Any]:
        if "container" in body:
            cfg = body["container"] or {}
            self.container.update({k: cfg[k] for k in ("credentials", "authorization", "status", "path") if k in cfg})
        if "imds" in body:
            cfg = body["imds"] or {}
            self.imds.update({k: cfg[k] for k in ("role", "credentials", "token_mode", "require_token",
                                                    "timeout_seconds") if k in cfg})
        return 200, {"ok": True}
