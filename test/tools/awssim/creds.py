"""The credential endpoints: IMDS (v2 tokens) and the ECS container credentials endpoint."""
from __future__ import annotations

import json
import time
import uuid
from typing import Any

from .clock import iso8601
from .wire import DEFAULT_REGION, AwsRequest, Reply


def default_credentials(now: float, ttl: float = 3600) -> dict[str, Any]:
    return {"AccessKeyId": "ASIASIMULATOREXAMPLE", "SecretAccessKey": "simSecretKeyForTestsOnly0000000000000000",
            "Token": "simSessionTokenForTestsOnly", "Expiration": iso8601(now + ttl)}


class Creds:
    """The Sim's credential endpoints (a mixin: uses self.container, self.imds, self.lock)."""

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
