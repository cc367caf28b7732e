"""The simulator: one request in, logged, matched against the fault rules, answered."""
from __future__ import annotations

import threading
import time
import urllib.parse
from typing import Any

from .answers import Answers
from .autoscaling import AAS_SERVICE, AutoScalingApi
from .buckets import Buckets, families_of
from .clock import SimClock, epoch3, http_date
from .control import Control
from .creds import Creds
from .ecs_model import Model
from .faults import Faults, Rule, throttle_reply
from .proxy import Proxy
from .wire import AwsRequest, Reply, error_for


class Sim(Faults, Proxy, Answers, AutoScalingApi, Creds, Control):
    """The simulator: each request is logged, may be faulted, and is answered (model, moto, endpoints)."""

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
            self.buckets = Buckets()  # off: reset keeps nothing of them
            self.container = {"credentials": None, "authorization": None, "status": 200, "path": None}
            self.imds = {"role": "sim-role", "credentials": None, "token_mode": "ok",
                         "require_token": True, "timeout_seconds": 5.0, "tokens": set()}

    def wall(self) -> float:
        return time.time() + self.wall_offset

    # ---- entry point ------------------------------------------------------------------------
    def handle(self, req: AwsRequest) -> Reply:
        with self.lock:
            self.model.tick()
            # The account's token buckets first (AWS throttles before anything else), then the rules.
            families = families_of(req.service, req.operation)
            throttled = not self.buckets.take(families)
            rule = self.pick_rule(req, throttled)
            entry = {"seq": len(self.requests) + 1, "service": req.service, "operation": req.operation,
                     "method": req.method, "path": req.path.split("?", 1)[0], "time": epoch3(time.time()),
                     "sim_time": epoch3(self.clock.now()), "region": req.scope_region,
                     "signing_service": req.scope_service, "access_key": req.access_key,
                     "has_security_token": req.header("X-Amz-Security-Token") is not None,
                     "fault": rule.action if rule else None, "status": None,
                     "family": families[0] if families else None, "throttled": throttled}
            if req.service in ("ecs", AAS_SERVICE):
                # The request's parameters, so tests can check what was asked (which services one
                # DescribeServices names, what an UpdateService or RegisterScalableTarget changes).
                entry["params"] = req.json
            self.requests.append(entry)
        reply = self.dispatch(req, rule, throttled)
        if self.wall_offset and req.protocol != "plain":
            reply.set_header("Date", http_date(self.wall()))
        entry["status"] = reply.status if not reply.fault else 0
        entry["done"] = epoch3(time.time())  # answered (after any delay): overlaps show concurrency
        return reply

    def dispatch(self, req: AwsRequest, rule: Rule | None, throttled: bool = False) -> Reply:
        if throttled:  # not processed, not forwarded; a `delay` rule (the only one left) still delays
            if rule is not None:
                self.fault_before(req, rule)
            return throttle_reply(req)
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

    # ---- answering --------------------------------------------------------------------------
    def answer(self, req: AwsRequest) -> Reply:
        if req.service == "imds":
            return self.imds_answer(req)
        if req.service == "creds":
            return self.container_answer(req)
        if req.service == "ecs":
            return self.ecs_answer(req)
        if req.service == AAS_SERVICE:
            return self.aas_answer(req)  # from the model in both modes (moto is not asked)
        if req.service == "elbv2":
            return self.elb_answer(req)
        if req.service == "sts" and self.upstream is None:
            return self.sts_answer(req)
        return self.forward_or(req, lambda: error_for(req, "UnknownOperationException",
                                                      f"awssim does not model {req.operation or req.path}", 400))
