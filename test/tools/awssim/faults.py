"""Fault rules: which requests and which of their calls, and what to do to them."""
from __future__ import annotations

import json
import math
import time
from typing import Any

from .clock import amz_date, http_date, parse_amz_date
from .wire import AwsRequest, Reply, error_for, json_error, json_reply, log, query_error


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


def throttle_reply(req: AwsRequest, status: int = 400) -> Reply:
    """AWS's "Rate exceeded" (a `throttle` rule, and a request an empty token bucket refuses)."""
    if req.protocol == "json":
        return json_error("ThrottlingException", "Rate exceeded", status)
    if req.protocol == "query":
        return query_error("Throttling", "Rate exceeded", status)
    return Reply(429, b'{"message":"Rate exceeded"}', [("Content-Type", "application/json")])


class Faults:
    """The Sim's fault handling (a mixin: uses self.rules, self.requests, self.wall())."""

    def pick_rule(self, req: AwsRequest, throttled: bool = False) -> Rule | None:
        """The rule that fires for req. Every matching request counts (`seen`), a throttled one too;
        but when a token bucket throttled req, only a `delay` rule still acts (and counts as `fired`):
        AWS refuses the call before anything else could happen to it."""
        chosen = None
        for rule in self.rules:
            if rule.after is not None and \
                    sum(1 for r in self.requests if r["operation"] == rule.after[0]) < rule.after[1]:
                continue
            if rule.matches(req):
                rule.seen += 1
                if chosen is None and rule.first <= rule.seen <= rule.last:
                    chosen = rule
        if chosen is not None and throttled and chosen.action != "delay":
            chosen = None
        if chosen is not None:
            chosen.fired += 1
        return chosen

    def fault_before(self, req: AwsRequest, rule: Rule) -> Reply | None:
        spec, action = rule.spec, rule.action
        status = int(spec.get("status", 400))
        if action == "throttle":
            return throttle_reply(req, int(spec.get("status", 400)))
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
