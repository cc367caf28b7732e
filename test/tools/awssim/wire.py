"""The wire: what an incoming request is (service, operation, signer), reply formats, the log line."""
from __future__ import annotations

import json
import sys
import urllib.parse
import uuid
from typing import Any
from xml.sax.saxutils import escape as xml_escape


ECS_TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113."
AAS_TARGET_PREFIX = "AnyScaleFrontendService."  # Application Auto Scaling (JSON 1.1)
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
            self.service = "ecs" if target.startswith(ECS_TARGET_PREFIX) else \
                "application-autoscaling" if target.startswith(AAS_TARGET_PREFIX) else "json"
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
        if self.service in ("ecs", "application-autoscaling", "json"):
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


def json_error(code: str, message: str, status: int = 400, message_key: str = "message") -> Reply:
    reply = json_reply({"__type": code, message_key: message}, status)
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
    if req.protocol == "json":  # Application Auto Scaling spells it "Message", ECS "message"
        return json_error(code, message, status,
                          "Message" if req.service == "application-autoscaling" else "message")
    if req.protocol == "query":
        return query_error(code, message, status, "Receiver" if status >= 500 else "Sender")
    return Reply(status, json.dumps({"code": code, "message": message}).encode(),
                 [("Content-Type", "application/json")])
