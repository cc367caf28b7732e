"""Account-wide API throttling: AWS's token buckets per operation family, refilled in real time.

One simulator is one account: every ECS, ELBv2 and Application Auto Scaling request takes a token
from its family's bucket (ELBv2 calls also from the account-level `elbv2_account` bucket). Buckets
refill in wall time (time.monotonic), whatever the sim clock does. Off unless configured.
"""
from __future__ import annotations

import math
import threading
import time
from typing import Any, Callable

# family: (burst = bucket size, refill per second); AWS's published per-account, per-region numbers.
# application_autoscaling: AWS publishes none; a modelled guess.
AWS_FAMILIES: dict[str, tuple[float, float]] = {
    "ecs_service_read": (100, 20),
    "ecs_cluster_resource_read": (100, 20),
    "ecs_service_modify": (50, 5),
    "ecs_task_definition_modify": (20, 1),
    "ecs_task_definition_read": (50, 20),
    "ecs_service_deployment": (50, 20),
    "ecs_service_revision": (50, 20),
    "ecs_cluster_read": (50, 20),
    "ecs_other": (50, 20),
    "elbv2_describe": (40, 10),
    "elbv2_registration": (20, 4),
    "elbv2_other": (20, 4),
    "elbv2_account": (40, 10),
    "application_autoscaling": (40, 10),
}

ECS_FAMILY: dict[str, str] = {
    **dict.fromkeys(("DescribeServices", "ListServices"), "ecs_service_read"),
    **dict.fromkeys(("DescribeTasks", "ListTasks", "DescribeContainerInstances", "ListContainerInstances"),
                    "ecs_cluster_resource_read"),
    **dict.fromkeys(("CreateService", "DeleteService", "UpdateService"), "ecs_service_modify"),
    **dict.fromkeys(("RegisterTaskDefinition", "DeregisterTaskDefinition"), "ecs_task_definition_modify"),
    **dict.fromkeys(("DescribeTaskDefinition", "ListTaskDefinitions", "ListTaskDefinitionFamilies"),
                    "ecs_task_definition_read"),
    **dict.fromkeys(("DescribeServiceDeployments", "ListServiceDeployments", "StopServiceDeployment",
                     "ContinueServiceDeployment"), "ecs_service_deployment"),
    "DescribeServiceRevisions": "ecs_service_revision",
    **dict.fromkeys(("DescribeClusters", "ListClusters"), "ecs_cluster_read"),
}
ELB_ACCOUNT = "elbv2_account"
EPSILON = 1e-9  # float refill: 0.05 s at 20/s is a whole token


def families_of(service: str, operation: str) -> tuple[str, ...]:
    """The buckets a request takes a token from, its own family first; () when no bucket covers it
    (STS, IMDS, container credentials, other JSON services)."""
    if service == "ecs":
        return (ECS_FAMILY.get(operation, "ecs_other"),)
    if service == "application-autoscaling":
        return ("application_autoscaling",)
    if service == "elbv2":
        own = "elbv2_describe" if operation.startswith("Describe") else \
            "elbv2_registration" if operation in ("RegisterTargets", "DeregisterTargets") else "elbv2_other"
        return (own, ELB_ACCOUNT)
    return ()


def _number(value: Any, what: str, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or \
            value < 0 or (positive and value == 0):
        raise ValueError(f"buckets: {what} must be a finite number {'> 0' if positive else '>= 0'}, got {value!r}")
    return float(value)


def _family(name: Any, where: str) -> str:
    if name not in AWS_FAMILIES:
        raise ValueError(f"buckets: unknown family {name!r} in {where}; known: {', '.join(AWS_FAMILIES)}")
    return str(name)


def parse(spec: Any) -> dict[str, Any] | None:
    """A `buckets` config value checked: None for "off", else {family: (burst, rate, tenant)}.
    "aws" = the table; {"families": {f: {"burst"?, "rate"?}}, "scale"?: x, "tenants"?: {f: tokens/s}}
    = the table with overrides, every burst and rate (overrides included) times scale; tenants are
    tokens/s another tenant takes from the family, not scaled. Raises ValueError naming what is wrong."""
    if spec == "off":
        return None
    if spec == "aws":
        spec = {}
    if not isinstance(spec, dict):
        raise ValueError(f'buckets must be "aws", "off" or an object, got {spec!r}')
    unknown = set(spec) - {"families", "scale", "tenants"}
    if unknown:
        raise ValueError(f"buckets: unknown key(s) {sorted(unknown)}; known: families, scale, tenants")
    scale = _number(spec.get("scale", 1), "scale", positive=True)
    table = {name: [burst, rate, 0.0] for name, (burst, rate) in AWS_FAMILIES.items()}
    families = spec.get("families", {})
    tenants = spec.get("tenants", {})
    if not isinstance(families, dict) or not isinstance(tenants, dict):
        raise ValueError("buckets: families and tenants must be objects keyed by family name")
    for name, override in families.items():
        _family(name, "families")
        if not isinstance(override, dict) or set(override) - {"burst", "rate"}:
            raise ValueError(f'buckets: families.{name} must be an object with "burst" and/or "rate"')
        for i, key in enumerate(("burst", "rate")):
            if key in override:
                table[name][i] = _number(override[key], f"families.{name}.{key}")
    for name, taken in tenants.items():
        table[_family(name, "tenants")][2] = _number(taken, f"tenants.{name}")
    return {name: (burst * scale, rate * scale, tenant) for name, (burst, rate, tenant) in table.items()}


class Bucket:
    """One family's bucket: `tokens` as of `stamp` (monotonic seconds)."""

    def __init__(self, burst: float, rate: float, tenant: float, now: float) -> None:
        self.burst, self.rate, self.tenant = burst, rate, tenant
        self.tokens, self.stamp = burst, now  # buckets start full
        self.taken = 0
        self.throttled = 0

    def refill(self, now: float) -> None:
        # The other tenant takes `tenant` tokens/s continuously: the net slope is rate - tenant, and
        # clamping a constant slope to [0, burst] is exact however long the interval.
        if now > self.stamp:
            self.tokens = min(self.burst, max(0.0, self.tokens + (self.rate - self.tenant) * (now - self.stamp)))
            self.stamp = now

    def state(self) -> dict[str, Any]:
        return {"burst": self.burst, "rate": self.rate, "tenant": self.tenant, "tokens": round(self.tokens, 3),
                "taken": self.taken, "throttled": self.throttled}


class Buckets:
    """The account's buckets (thread-safe on their own lock); off (everything passes) by default."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.lock = threading.Lock()
        self.clock = clock
        self.families: dict[str, Bucket] = {}  # empty = off

    @property
    def mode(self) -> str:
        return "aws" if self.families else "off"

    def configure(self, spec: Any) -> None:
        """Apply a `buckets` config value (see parse); turning it on, again too, refills every bucket."""
        self.apply(parse(spec))

    def apply(self, table: dict[str, Any] | None) -> None:
        with self.lock:
            now = self.clock()
            self.families = {name: Bucket(*limits, now) for name, limits in (table or {}).items()}

    def take(self, families: tuple[str, ...]) -> bool:
        """One token from each named bucket if every one has one (True; also when off or none named);
        otherwise none is taken, each empty bucket counts a throttle, and the answer is False."""
        with self.lock:
            if not self.families or not families:
                return True
            now = self.clock()
            buckets = [self.families[name] for name in families]
            for bucket in buckets:
                bucket.refill(now)
            empty = [b for b in buckets if b.tokens < 1 - EPSILON]
            for bucket in empty:
                bucket.throttled += 1
            if empty:
                return False
            for bucket in buckets:
                bucket.tokens = max(0.0, bucket.tokens - 1)
                bucket.taken += 1
            return True

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            now = self.clock()
            for bucket in self.families.values():
                bucket.refill(now)
            return {"mode": self.mode, "families": {name: b.state() for name, b in self.families.items()}}
