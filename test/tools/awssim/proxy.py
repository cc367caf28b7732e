"""Proxy mode: forwarding a request byte for byte to moto and passing its answer back."""
from __future__ import annotations

import http.client
from typing import Callable

from .wire import HOP_BY_HOP, AwsRequest, Reply, error_for, log


class Proxy:
    """The Sim's upstream (a mixin: uses self.upstream, None in fake-only mode)."""

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
