"""The HTTP server (faults at the socket: resets, hangs, cut bodies) and the command line."""
from __future__ import annotations

import argparse
import json
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from . import __doc__ as package_doc
from .sim import Sim
from .wire import HOP_BY_HOP, AwsRequest, Reply, log


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
    parser = argparse.ArgumentParser(prog="awssim", description=package_doc.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="loopback port (0 = pick a free one)")
    parser.add_argument("--upstream", default=None, help="moto endpoint, e.g. http://127.0.0.1:5000")
    parser.add_argument("--time-factor", type=float, default=0.0,
                        help="sim clock speed vs real time (0 = frozen, advance via /_sim/advance)")
    parser.add_argument("--buckets", choices=("off", "aws"), default="off",
                        help="enforce AWS's API throttling token buckets account-wide (POST /_sim/config buckets)")
    parser.add_argument("--lifetime", type=float, default=900.0, help="hard lifetime limit in seconds")
    args = parser.parse_args(argv)
    if args.upstream:
        host = urllib.parse.urlsplit(args.upstream).hostname or ""
        if host not in ("127.0.0.1", "localhost", "::1"):
            parser.error("--upstream must be a loopback address")
    Handler.sim = Sim(args.upstream, args.time_factor)
    Handler.sim.buckets.configure(args.buckets)
    server = Server(("127.0.0.1", args.port), Handler)
    threading.Thread(target=watchdog, args=(args.lifetime, os.getppid()), daemon=True).start()
    print(json.dumps({"port": server.server_address[1], "pid": os.getpid()}), flush=True)
    log(f"listening on 127.0.0.1:{server.server_address[1]} upstream={args.upstream or 'none'}")
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0
