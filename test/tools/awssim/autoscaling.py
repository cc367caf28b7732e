"""Application Auto Scaling for ECS services: scalable targets, the scaler, and the JSON 1.1 API.

Always answered from the model (proxy mode too: moto is not asked). A scalable target belongs to a
resource ID `service/CLUSTER/SERVICE`; the scaler changes a modelled service's desiredCount the way
UpdateService with only desiredCount does (the PRIMARY deployment's count), so a deployment in
progress starts or stops tasks and completes at the new count.
"""
from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from .clock import epoch3
from .wire import DEFAULT_ACCOUNT, DEFAULT_REGION, AwsRequest, Reply, json_error, json_reply

if TYPE_CHECKING:
    from .ecs_model import Service

AAS_SERVICE = "application-autoscaling"  # the log's `service` and the SigV4 signing name
ECS_DIMENSION = "ecs:service:DesiredCount"
SUSPEND_KEYS = ("DynamicScalingInSuspended", "DynamicScalingOutSuspended", "ScheduledScalingSuspended")
NAMESPACES = ("ecs", "elasticmapreduce", "ec2", "appstream", "dynamodb", "rds", "sagemaker", "custom-resource",
              "comprehend", "lambda", "cassandra", "kafka", "elasticache", "neptune", "workspaces")
ROLE_ARN = ("arn:aws:iam::{account}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
            "AWSServiceRoleForApplicationAutoScaling_ECSService")
# Scenario keys (validated by the control API like SD_OPTIONS): name -> (type, minimum).
SCALER_OPTIONS = {"scale_to": (int, 0), "scale_after": (float, 0)}
AAS_OPS = ("DescribeScalableTargets", "RegisterScalableTarget", "DeregisterScalableTarget")


def aas_error(code: str, message: str, status: int = 400) -> Reply:
    return json_error(code, message, status, message_key="Message")


def constraint(value: Any, member: str, rule: str) -> Reply:
    return aas_error("ValidationException", f"1 validation error detected: Value '{value}' at '{member}' "
                                            f"failed to satisfy constraint: {rule}")


def suspended_from(spec: Any, base: dict[str, bool] | None = None) -> dict[str, bool]:
    """A SuspendedState: the given keys over `base` (all False); `true`/`false` sets all three."""
    out = dict(base or {k: False for k in SUSPEND_KEYS})
    if isinstance(spec, bool):
        return {k: spec for k in SUSPEND_KEYS}
    for key in SUSPEND_KEYS:
        if isinstance(spec, dict) and key in spec:
            out[key] = bool(spec[key])
    return out


class ScalableTarget:
    def __init__(self, resource_id: str, region: str, account: str, minimum: int, maximum: int,
                 suspended: dict[str, bool], created: float) -> None:
        self.resource_id, self.region, self.account = resource_id, region, account
        self.min, self.max, self.suspended, self.created = minimum, maximum, suspended, created
        self.arn = (f"arn:aws:application-autoscaling:{region}:{account}:scalable-target/0ec5"
                    + hashlib.sha256(resource_id.encode()).hexdigest()[:32])

    def render(self) -> dict[str, Any]:
        return {"ServiceNamespace": "ecs", "ResourceId": self.resource_id, "ScalableDimension": ECS_DIMENSION,
                "MinCapacity": self.min, "MaxCapacity": self.max, "RoleARN": ROLE_ARN.format(account=self.account),
                "CreationTime": epoch3(self.created), "SuspendedState": dict(self.suspended),
                "ScalableTargetARN": self.arn}

    def state(self) -> dict[str, Any]:
        return {"min": self.min, "max": self.max, "suspended": dict(self.suspended), "arn": self.arn}


class Scaler:
    """The Model's Application Auto Scaling half (a mixin: uses the classic model's services, heap, events)."""

    def as_init(self) -> None:
        self.scalable_targets: dict[str, ScalableTarget] = {}  # resource ID -> target, in registration order
        self.scale_events: list[dict[str, Any]] = []
        self.autoscaling_api = "ok"  # ok | denied (POST /_sim/config)

    @staticmethod
    def resource_id(svc: Service) -> str:
        return f"service/{svc.cluster}/{svc.name}"

    def target_of(self, svc: Service) -> ScalableTarget | None:
        return self.scalable_targets.get(self.resource_id(svc))

    def put_target(self, resource_id: str, minimum: int, maximum: int, suspended: dict[str, bool], now: float,
                   region: str = DEFAULT_REGION, account: str = DEFAULT_ACCOUNT) -> ScalableTarget:
        target = self.scalable_targets.get(resource_id)
        if target is None:
            target = ScalableTarget(resource_id, region, account, minimum, maximum, suspended, now)
            self.scalable_targets[resource_id] = target
        target.min, target.max, target.suspended = minimum, maximum, suspended
        return target

    def service_of(self, resource_id: str) -> Service | None:
        parts = resource_id.split("/")
        if len(parts) != 3 or parts[0] != "service":
            return None
        return self.find(parts[1], parts[2])  # type: ignore[attr-defined]

    # ---- the scaler -----------------------------------------------------------------------------
    def arm_scaler(self, svc: Service, scenario: dict[str, Any], now: float) -> None:
        """`scale_to` on a new deployment's scenario: the scaler acts `scale_after` s into it."""
        if scenario.get("scale_to") is None:
            return
        to, after = int(scenario["scale_to"]), float(scenario.get("scale_after", 30))
        self.schedule(now + after, lambda t, s=svc: self.scale(s, to, t, "scenario"))  # type: ignore[attr-defined]

    def scale(self, svc: Service, requested: int, now: float, cause: str) -> dict[str, Any]:
        """The scaler sets desiredCount: clamped to the target's bounds; a dynamic scaling activity
        (cause scenario / control) does nothing in a suspended direction; `register` always applies."""
        current = svc.primary().desired
        target = self.target_of(svc)
        to = requested if target is None else max(target.min, min(target.max, requested))
        result = "unchanged" if to == current else "scaled"
        if target is not None and cause != "register" and to != current and \
                target.suspended["DynamicScalingOutSuspended" if to > current else "DynamicScalingInSuspended"]:
            result, to = "suspended", current
        if result == "scaled":
            self.set_desired(svc, to, now)  # type: ignore[attr-defined]
            self.event(svc, now, f"(service {svc.name}) has been scaled to {to} by application autoscaling.")  # type: ignore[attr-defined]
        row = {"cluster": svc.cluster, "service": svc.name, "cause": cause, "requested": requested,
               "from": current, "to": to, "result": result, "deployment": svc.primary().id}
        row.update(self.times("at", now))  # type: ignore[attr-defined]
        self.scale_events.append(row)
        return row

    # ---- /_sim/state ----------------------------------------------------------------------------
    def as_state(self) -> dict[str, Any]:
        rows, seen = [], set()
        for svc in self.services.values():  # type: ignore[attr-defined]
            rid = self.resource_id(svc)
            seen.add(rid)
            target = self.scalable_targets.get(rid)
            rows.append({"cluster": svc.cluster, "service": svc.name, "resource_id": rid,
                         "scalable_target": target.state() if target else None})
        for rid, target in self.scalable_targets.items():
            if rid not in seen:
                parts = rid.split("/")
                rows.append({"cluster": parts[1] if len(parts) == 3 else None,
                             "service": parts[2] if len(parts) == 3 else None, "resource_id": rid,
                             "scalable_target": target.state()})
        return {"scalable_targets": rows, "scale_events": list(self.scale_events),
                "autoscaling_api": self.autoscaling_api}


class AutoScalingApi:
    """The Sim's Application Auto Scaling answers (a mixin: uses self.model, self.lock, self.clock)."""

    def aas_answer(self, req: AwsRequest) -> Reply:
        op, body = req.operation, req.json
        if self.model.autoscaling_api == "denied":
            return aas_error("AccessDeniedException", f"User: arn:aws:iam::{DEFAULT_ACCOUNT}:user/ci is not "
                                                      f"authorized to perform: application-autoscaling:{op}")
        if req.scope_service and req.scope_service != AAS_SERVICE:
            return json_error("InvalidSignatureException",
                              f"Credential should be scoped to correct service: '{AAS_SERVICE}'. ", 403)
        handler = {"DescribeScalableTargets": self.describe_targets, "RegisterScalableTarget": self.register_target,
                   "DeregisterScalableTarget": self.deregister_target}.get(op)
        if handler is None:
            return aas_error("UnknownOperationException", f"awssim does not model {op}")
        namespace = body.get("ServiceNamespace")
        if namespace is None:
            return constraint("null", "serviceNamespace", "Member must not be null")
        if namespace not in NAMESPACES:
            return constraint(namespace, "serviceNamespace",
                              f"Member must satisfy enum value set: [{', '.join(NAMESPACES)}]")
        with self.lock:
            self.model.tick()
            return handler(body, req)

    def describe_targets(self, body: dict[str, Any], req: AwsRequest) -> Reply:
        ids = body.get("ResourceIds")
        if ids is not None and (not isinstance(ids, list) or len(ids) > 50):
            return constraint(ids, "resourceIds", "Member must have length less than or equal to 50")
        limit = body.get("MaxResults", 50)
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 50:
            return constraint(limit, "maxResults", "Member must have value less than or equal to 50" if
                              isinstance(limit, int) and limit > 50 else "Member must have value greater than or "
                              "equal to 1")
        dimension = body.get("ScalableDimension")
        rows = [t for t in self.model.scalable_targets.values() if body["ServiceNamespace"] == "ecs"
                and (not ids or t.resource_id in ids) and (dimension is None or dimension == ECS_DIMENSION)]
        start = 0
        if body.get("NextToken"):
            try:
                start = int(str(body["NextToken"]).split("sim-offset-", 1)[1])
            except (IndexError, ValueError):
                return aas_error("InvalidNextTokenException", "Invalid NextToken")
        out: dict[str, Any] = {"ScalableTargets": [t.render() for t in rows[start:start + limit]]}
        if start + limit < len(rows):
            out["NextToken"] = f"sim-offset-{start + limit}"
        return json_reply(out)

    def checked_id(self, body: dict[str, Any]) -> tuple[str, Reply | None]:
        rid, dimension = body.get("ResourceId"), body.get("ScalableDimension")
        if rid is None:
            return "", constraint("null", "resourceId", "Member must not be null")
        if dimension is None:
            return "", constraint("null", "scalableDimension", "Member must not be null")
        parts = str(rid).split("/")
        if body["ServiceNamespace"] != "ecs" or dimension != ECS_DIMENSION or len(parts) != 3 or \
                parts[0] != "service" or not all(parts[1:]):
            return "", aas_error("ValidationException", "Unsupported service namespace, resource type or "
                                                        "scalable dimension")
        return str(rid), None

    def register_target(self, body: dict[str, Any], req: AwsRequest) -> Reply:
        rid, bad = self.checked_id(body)
        if bad is not None:
            return bad
        svc = self.model.service_of(rid)
        if svc is None and self.upstream is None:  # proxy mode: the service may be one moto has
            return aas_error("ValidationException", f"ECS service doesn't exist: {rid}")
        existing = self.model.scalable_targets.get(rid)
        if existing is None and (body.get("MinCapacity") is None or body.get("MaxCapacity") is None):
            return aas_error("ValidationException",
                             "MinCapacity and MaxCapacity are required for registering a new scalable target")
        bounds = []
        for key in ("MinCapacity", "MaxCapacity"):
            value = body.get(key)
            if value is None:
                value = existing.min if key == "MinCapacity" else existing.max  # type: ignore[union-attr]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                return constraint(value, key[0].lower() + key[1:], "Member must have value greater than or "
                                                                   "equal to 0")
            bounds.append(value)
        if bounds[0] > bounds[1]:
            return aas_error("ValidationException", "Minimum capacity cannot be greater than maximum capacity")
        now = self.clock.now()
        suspended = suspended_from(body.get("SuspendedState"), existing.suspended if existing else None)
        target = self.model.put_target(rid, bounds[0], bounds[1], suspended, now,
                                       req.scope_region or DEFAULT_REGION, DEFAULT_ACCOUNT)
        if svc is not None and not target.min <= svc.primary().desired <= target.max:
            self.model.scale(svc, svc.primary().desired, now, "register")  # pulled into the new bounds
        return json_reply({"ScalableTargetARN": target.arn})

    def deregister_target(self, body: dict[str, Any], req: AwsRequest) -> Reply:
        rid, bad = self.checked_id(body)
        if bad is not None:
            return bad
        if self.model.scalable_targets.pop(rid, None) is None:
            return aas_error("ObjectNotFoundException", f"No scalable target registered for service namespace: "
                                                        f"ecs, resource ID: {rid}, scalable dimension: "
                                                        f"{ECS_DIMENSION}")
        return json_reply({})
