#!/usr/bin/env python3
"""Whole-program benchmarks: `adjust` next to the original driver's runtime (boto3), on loopback.

Run from the repository root, after building (cmake --build build), with the python3 that has
boto3 and moto:

    python3 bench/whole_program.py [--build build] [--runs 15] [--write bench/RESULTS.md]

What it measures (medians unless a row says otherwise; wall time and peak RSS from wait4's rusage;
AWS requests, throttled or not, from the simulator's request log, GET /_sim/requests):

  start-up    the empty-program floor (build/adjust_startup_floor: same shared libraries),
              `adjust --version`, `adjust --info`, `python3 -c "import boto3, yaml"` (the original's
              floor) and bench/boto3_original.py --info;
  query       `adjust --query` and boto3_original.py --query, one service in moto behind
              test/tools/awssim (proxy mode);
  adjust      a converging one-component adjust against the simulator (fake-only, sim clock 10x),
              and the original's work with its 5 s + 15 s sleeps scaled by the same 1/10;
  micro       build/adjust_bench (Google Benchmark) and bench/botocore_sign.py, same machine;
  scaling     adjust of 1, 10, 50 and 200 components (--scaling-sizes; one cluster, sim clock 10x,
              every AWS call delayed 50 ms to model AWS latency, AWS's throttling buckets enforced
              account-wide by the simulator, ADJUST_AWS_RATE_SHARE=100 so the driver may use all
              of them): wall time, peak RSS and AWS requests per adjustment; AWS requests per poll
              once every UpdateService is sent (target at 50); DescribeServices calls per poll
              against ceil(services / 10); throttled responses; for 50 and 200, wall time over the
              registration floor, max(0, N - 20) s at AWS's RegisterTaskDefinition bucket (20 at
              once, then 1/s; target at 200). At 1, 10 and 50, health checks pass 30 s (wall) after
              the last registration could be sent, so every deployment waits for them together:
              the steady state whose polls are measured (target at 50); at 200 they pass at once;
  budget      two `adjust` processes started together against one simulator (buckets enforced),
              50 services each, each at its default share (half of every AWS bucket): both end ok,
              throttled responses, throttling text in either final line, and each wall time over
              the registration floor at that share (10 at once, then 0.5/s: 80 s);
  promptness  sim clock at real time; deployments converge 18-33 s after UpdateService (spread
              evenly); several `adjust` and original processes run at once, one service each:
              final line time minus the simulator's convergence moment, and AWS requests per
              minute while waiting.

Everything runs on 127.0.0.1 only; every server it starts is stopped at the end.
"""
from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "test" / "tools"
BENCH = ROOT / "bench"
PY = sys.executable
ECS_TD_ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/"

UNSET = ["AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
         "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECS", "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2",
         "AWS_ENDPOINT_URL_STS", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
         "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
         "AWS_CONTAINER_CREDENTIALS_FULL_URI", "OPTUNE_CONFIG", "FARGATE_CLUSTER", "ADJUST_LOG_LEVEL"]


def note(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


# ---------------------------------------------------------------------------------------------
# Running a program and measuring it
# ---------------------------------------------------------------------------------------------

@dataclass
class Run:
    wall: float                  # seconds, fork to exit (measured by the launcher)
    rss_kib: int                 # peak RSS of the process (its own ru_maxrss)
    cpu: float                   # user + system seconds
    rc: int
    lines: list[tuple[float, str]] = field(default_factory=list)  # (time.time(), line) of stdout
    stderr_tail: list[str] = field(default_factory=list)          # its last stderr lines, for failures

    @property
    def final(self) -> dict[str, Any]:
        for _, line in reversed(self.lines):
            if line.strip():
                return json.loads(line)
        return {}

    @property
    def final_time(self) -> float:
        return self.lines[-1][0] if self.lines else float("nan")


# Set by main: build/adjust_bench_spawn. A process forked from this (large) Python process would
# report Python's RSS as its own peak, so every measured program is started by that tiny launcher.
LAUNCHER = ""


@dataclass
class Started:
    proc: subprocess.Popen
    report: str   # the launcher's report file
    stderr: str   # the program's stderr, kept for a failure's message


def spawn(argv: list[str], env: dict[str, str], stdin_text: str | None = None) -> Started:
    report = tempfile.mktemp(prefix="adjust-bench-run-")
    stderr = tempfile.mktemp(prefix="adjust-bench-err-")
    with open(stderr, "w") as err:
        proc = subprocess.Popen([LAUNCHER, report, *argv], env=env,
                                stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=err, text=True)
    if stdin_text is not None:
        assert proc.stdin is not None
        proc.stdin.write(stdin_text)
        proc.stdin.close()
    return Started(proc, report, stderr)


def finish(started: Started) -> Run:
    proc = started.proc
    lines: list[tuple[float, str]] = []
    assert proc.stdout is not None
    for line in proc.stdout:  # timestamps each line as it arrives
        lines.append((time.time(), line.rstrip("\n")))
    proc.wait()
    with open(started.report) as handle:
        wall, rss, cpu, code = handle.read().split()
    os.unlink(started.report)
    with open(started.stderr, errors="replace") as handle:
        tail = handle.read().splitlines()[-15:]
    os.unlink(started.stderr)
    return Run(float(wall), int(rss), float(cpu), int(code), lines, tail)


def measure(argv: list[str], env: dict[str, str], stdin_text: str | None = None) -> Run:
    return finish(spawn(argv, env, stdin_text))


def run_together(jobs: list[tuple[list[str], dict[str, str], str | None]]) -> list[Run]:
    """Start every (argv, env, stdin) at once; their Runs, in the order given, once all have ended."""
    started = [spawn(argv, env, stdin_text) for argv, env, stdin_text in jobs]
    runs: list[Run | None] = [None] * len(started)

    def collect(index: int) -> None:
        runs[index] = finish(started[index])
    threads = [threading.Thread(target=collect, args=(i,)) for i in range(len(started))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(run is not None for run in runs)
    return runs  # type: ignore[return-value]


def failure(what: str, run: Run) -> str:
    """A run that did not end as expected: its final stdout lines and the tail of its stderr."""
    out = [f"{what}: exit {run.rc}; last stdout lines:", *[line for _, line in run.lines[-3:]]]
    if run.stderr_tail:
        out += ["stderr tail:", *run.stderr_tail]
    return "\n  ".join(out)


def clean_env(home: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update({"HOME": home, "AWS_EC2_METADATA_DISABLED": "true", "AWS_ACCESS_KEY_ID": "AKIDBENCH",
                "AWS_SECRET_ACCESS_KEY": "bench-secret"})
    env.update(extra)
    return env


# ---------------------------------------------------------------------------------------------
# Loopback servers: moto_server and the simulator
# ---------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_json(method: str, url: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        text = response.read().decode()
    return json.loads(text) if text else None


class Sim:
    """test/tools/awssim on a free loopback port."""

    def __init__(self, upstream: str | None = None, factor: float = 10.0) -> None:
        argv = [PY, str(TOOLS / "awssim"), "--port", "0", "--time-factor", str(factor), "--lifetime", "1800"]
        if upstream:
            argv += ["--upstream", upstream]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.proc.stdout is not None
        self.port = json.loads(self.proc.stdout.readline())["port"]
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def control(self, route: str, body: Any = None, method: str = "POST") -> Any:
        return http_json(method, f"{self.endpoint}/_sim/{route}", {} if body is None and method == "POST" else body)

    def requests(self) -> list[dict[str, Any]]:
        return self.control("requests", method="GET")["requests"]

    def clear_requests(self) -> None:
        self.control("requests", method="DELETE")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


class Moto:
    def __init__(self) -> None:
        self.port = free_port()
        argv = ["moto_server", "-H", "127.0.0.1", "-p", str(self.port)] if shutil.which("moto_server") else \
            [PY, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.endpoint = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=2).read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("moto_server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


# ---------------------------------------------------------------------------------------------
# Fixtures: services, configs, requests
# ---------------------------------------------------------------------------------------------

def task_definition(family: str) -> dict[str, Any]:
    return {"family": family, "cpu": "256", "memory": "512", "networkMode": "awsvpc",
            "requiresCompatibilities": ["FARGATE"],
            "containerDefinitions": [{"name": "web", "image": "nginx:1.25", "essential": True,
                                      "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
                                      "environment": [{"name": "MODE", "value": "safe"}]}]}


def service_spec(name: str, desired: int) -> dict[str, Any]:
    tg = f"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/{name}-tg/0123456789abcdef"
    return {"serviceName": name, "desiredCount": desired, "taskDefinition": f"{name}:1",
            "loadBalancers": [{"targetGroupArn": tg, "containerName": "web", "containerPort": 8080}]}


def seed(sim: Sim, names: list[str], desired: int = 2) -> None:
    sim.control("seed", {"cluster": "demo", "task_definitions": [task_definition(n) for n in names],
                         "services": [service_spec(n, desired) for n in names]})


def config_yaml(endpoint: str, names: list[str], timeout: int = 600) -> str:
    out = f"fargate:\n  region: us-east-1\n  endpoint_url: {endpoint}\n"
    for name in names:
        out += (f"  {name}:\n    service_name: {name}\n    cluster: demo\n"
                f"    timeout_service_desired_count: {timeout}\n"
                "    settings:\n      cpu: {type: enum, values: ['0.25', '0.5', '1']}\n"
                "      mem: {type: range, min: 0.5, max: 4, step: 0.5}\n      replicas: {min: 1, max: 6}\n"
                "    environment:\n      MODE: {type: enum, values: [safe, fast, prod]}\n")
    return out


def prepare_converge(sim: Sim, names: list[str], health_delay: float, latency_ms: int = 0,
                     buckets: str | None = None) -> None:
    """A fresh simulator for one converging adjust: reset, seed `names`, scenario converge (step 2 s,
    drain 2 s, sim time), optionally every AWS call delayed and AWS's throttling buckets enforced.
    Buckets come last: POST reset turns them off, and turning them on fills every bucket."""
    sim.control("reset")
    seed(sim, names)
    sim.control("scenario", {"cluster": "demo", "service": "*", "scenario": "converge", "step": 2,
                             "health_delay": health_delay, "drain_delay": 2})
    if latency_ms:
        sim.control("rules", {"match": {"service": "*"}, "action": "delay", "delay_ms": latency_ms})
    if buckets:
        sim.control("config", {"buckets": buckets})


# AWS's RegisterTaskDefinition bucket (family ecs_task_definition_modify): 20 at once, then 1 per second.
REGISTER_BURST, REGISTER_RATE = 20.0, 1.0
DEFAULT_SHARE = 0.5  # the driver's share of every AWS bucket without ADJUST_AWS_RATE_SHARE


def registration_floor(components: int, share: float) -> float:
    """Seconds the last of `components` registrations must wait for a token at that share of AWS's bucket."""
    return max(0.0, components - REGISTER_BURST * share) / (REGISTER_RATE * share)


def floor_text(components: int, share: float) -> str:
    burst, rate = REGISTER_BURST * share, REGISTER_RATE * share
    return (f"share {share * 100:.0f} %: {burst:g} burst then {rate:g}/s, "
            f"floor max(0, {components}-{burst:g})/{rate:g} = {registration_floor(components, share):.0f} s")


def last_at(log: list[dict[str, Any]], operation: str) -> float:
    """Seconds from the first request in the log to the last `operation` request."""
    times = [r["time"] for r in log if r["operation"] == operation]
    return max(times) - log[0]["time"] if times and log else float("nan")


def throttled_rows(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in log if r.get("throttled")]


def throttled_text(log: list[dict[str, Any]]) -> str:
    """`n of total (p %)`, and which families refused calls."""
    rows = throttled_rows(log)
    text = f"{len(rows)} of {len(log)} ({100.0 * len(rows) / max(1, len(log)):.2f} %)"
    families: dict[str, int] = {}
    for row in rows:
        families[str(row.get("family"))] = families.get(str(row.get("family")), 0) + 1
    if families:
        text += ": " + ", ".join(f"{k} {v}" for k, v in sorted(families.items()))
    return text


def adjust_request(names: list[str], cpu: float = 0.5, mem: float = 1.0) -> str:
    components = {n: {"settings": {"cpu": {"value": cpu}, "mem": {"value": mem}}} for n in names}
    return json.dumps({"application": {"components": components}, "control": {}})


class Workdir:
    def __init__(self) -> None:
        self.path = tempfile.mkdtemp(prefix="adjust-bench-")

    def write(self, name: str, text: str) -> str:
        path = os.path.join(self.path, name)
        with open(path, "w") as handle:
            handle.write(text)
        return path

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------

@dataclass
class Figure:
    section: str
    name: str
    value: str
    target: str = ""
    ok: bool | None = None     # None: no target
    command: str = ""


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.build = Path(args.build).resolve()
        self.adjust = str(self.build / "adjust")
        self.figures: list[Figure] = []
        self.work = Workdir()
        self.details: dict[str, Any] = {}

    def add(self, section: str, name: str, value: str, target: str = "", ok: bool | None = None,
            command: str = "") -> None:
        self.figures.append(Figure(section, name, value, target, ok, command))
        mark = "" if ok is None else (" [pass]" if ok else " [MISS]")
        note(f"{section}: {name} = {value}{(' (target ' + target + ')') if target else ''}{mark}")

    # ---- start-up ---------------------------------------------------------------------------
    def startup(self) -> None:
        runs = self.args.startup_runs
        env = clean_env(self.work.path)
        programs = {
            "floor": [str(self.build / "adjust_startup_floor")],
            "adjust --version": [self.adjust, "--version"],
            "adjust --info": [self.adjust, "--info", "app"],
            "python3 -c 'import boto3, yaml'": [PY, "-c", "import boto3, yaml"],
            "original --info": [PY, str(BENCH / "boto3_original.py"), "--info", "app"],
        }
        results: dict[str, list[Run]] = {name: [] for name in programs}
        for _ in range(runs):  # interleaved, so load changes hit every program alike
            for name, argv in programs.items():
                results[name].append(measure(argv, env))
        wall = {name: median([r.wall for r in rs]) for name, rs in results.items()}
        rss = {name: median([r.rss_kib for r in rs]) for name, rs in results.items()}
        self.details["startup"] = {"wall_ms": {k: v * 1000 for k, v in wall.items()}, "rss_kib": rss}
        cmd = f"{runs} interleaved runs each, median"
        for name, argv in programs.items():
            self.add("start-up", f"{name}: wall", f"{wall[name] * 1000:.1f} ms (peak RSS {rss[name] / 1024:.1f} MiB)",
                     command=f"`{shown(argv)}`, {cmd}")
        same = needed(self.build / "adjust_startup_floor") == needed(Path(self.adjust))
        self.add("start-up", "floor loads the same shared libraries as adjust (readelf NEEDED)",
                 "yes" if same else "no", "yes", same, "readelf -d")
        floor, boto_floor = wall["floor"], wall["python3 -c 'import boto3, yaml'"]
        for name in ("adjust --version", "adjust --info"):
            ratio = wall[name] / floor
            self.add("start-up", f"{name} / floor", f"{ratio:.2f}x", "<= 1.5x", ratio <= 1.5, cmd)
            speedup = boto_floor / wall[name]
            self.add("start-up", f"`import boto3, yaml` / {name}", f"{speedup:.0f}x faster", ">= 25x", speedup >= 25, cmd)

    # ---- query ------------------------------------------------------------------------------
    def query(self) -> None:
        runs = self.args.runs
        moto = Moto()
        sim = None
        try:
            seeded = subprocess.run([PY, str(TOOLS / "seed_moto.py"), "--endpoint", moto.endpoint, "--no-iam"],
                                    check=True, capture_output=True, text=True)
            json.loads(seeded.stdout)
            sim = Sim(upstream=moto.endpoint, factor=10.0)
            config = self.work.write("query.yaml", config_yaml(sim.endpoint, ["web"]))
            env = clean_env(self.work.path)
            programs = {"adjust --query": [self.adjust, "--config", config, "--query", "app"],
                        "original --query": [PY, str(BENCH / "boto3_original.py"), "--config", config, "--query", "app"]}
            results: dict[str, list[tuple[Run, int]]] = {name: [] for name in programs}
            for _ in range(runs):
                for name, argv in programs.items():
                    sim.clear_requests()
                    run = measure(argv, env)
                    if run.rc != 0 or "application" not in run.final:
                        raise RuntimeError(f"{name} failed: {run.lines}")
                    results[name].append((run, len(sim.requests())))
            stats = {name: {"wall": median([r.wall for r, _ in rs]), "rss": median([r.rss_kib for r, _ in rs]),
                            "cpu": median([r.cpu for r, _ in rs]), "requests": max(n for _, n in rs)}
                     for name, rs in results.items()}
            self.details["query"] = stats
            cmd = f"moto + awssim (proxy), one service, {runs} interleaved runs, median"
            ours, theirs = stats["adjust --query"], stats["original --query"]
            for name, st in stats.items():
                self.add("query", f"{name}: wall", f"{st['wall'] * 1000:.1f} ms (cpu {st['cpu'] * 1000:.0f} ms)",
                         command=f"`{shown(programs[name])}`, {cmd}")
            most = cmd.replace("median", "the most in any run")
            self.add("query", "adjust --query: AWS requests", str(ours["requests"]), "<= 3", ours["requests"] <= 3, most)
            self.add("query", "original --query: AWS requests", str(theirs["requests"]), command=most)
            self.add("query", "adjust --query: peak RSS", f"{ours['rss'] / 1024:.1f} MiB", "<= 16 MiB",
                     ours["rss"] <= 16 * 1024, cmd)
            self.add("query", "original --query: peak RSS", f"{theirs['rss'] / 1024:.1f} MiB", command=cmd)
            speedup = theirs["wall"] / ours["wall"]
            self.add("query", "original / adjust --query wall", f"{speedup:.1f}x faster", ">= 10x", speedup >= 10, cmd)
        finally:
            if sim:
                sim.stop()
            moto.stop()

    # ---- one converging adjust --------------------------------------------------------------
    def adjust_once(self) -> None:
        runs = self.args.runs
        sim = Sim(factor=10.0)
        try:
            config = self.work.write("adjust.yaml", config_yaml(sim.endpoint, ["web"]))
            env = clean_env(self.work.path)
            scale = 10.0
            programs = {"adjust": [self.adjust, "--config", config, "app"],
                        "original (sleeps / 10)": [PY, str(BENCH / "boto3_original.py"), "--config", config,
                                                   "--first-sleep", str(5 / scale), "--poll", str(15 / scale), "app"]}
            results: dict[str, list[tuple[Run, int]]] = {name: [] for name in programs}
            for i in range(runs):
                for name, argv in programs.items():
                    prepare_converge(sim, ["web"], health_delay=4)
                    run = measure(argv, env, adjust_request(["web"]))
                    if run.final.get("status") != "ok":
                        raise RuntimeError(f"{name} did not end ok: {run.lines}")
                    results[name].append((run, len(sim.requests())))
            stats = {name: {"wall": median([r.wall for r, _ in rs]), "rss": median([r.rss_kib for r, _ in rs]),
                            "cpu": median([r.cpu for r, _ in rs]), "requests": median([n for _, n in rs])}
                     for name, rs in results.items()}
            self.details["adjust"] = stats
            cmd = ("awssim fake-only, sim clock 10x, converge step 2 s / health 4 s / drain 2 s (sim), "
                   f"{runs} interleaved runs, median")
            for name, st in stats.items():
                self.add("adjust", f"{name}: wall / peak RSS / cpu / AWS requests",
                         f"{st['wall']:.2f} s / {st['rss'] / 1024:.1f} MiB / {st['cpu'] * 1000:.0f} ms / "
                         f"{st['requests']:.0f}", command=f"`{shown(programs[name])}` < request, {cmd}")
            ours, theirs = stats["adjust"], stats["original (sleeps / 10)"]
            self.add("adjust", "original / adjust: wall, peak RSS, cpu",
                     f"{theirs['wall'] / ours['wall']:.1f}x, {theirs['rss'] / ours['rss']:.1f}x, "
                     f"{theirs['cpu'] / ours['cpu']:.1f}x", command=cmd)
        finally:
            sim.stop()

    # ---- micro-benchmarks -------------------------------------------------------------------
    def micro(self) -> None:
        bench = self.build / "adjust_bench"
        out = subprocess.run([str(bench), "--benchmark_format=json", "--benchmark_repetitions=5",
                              "--benchmark_report_aggregates_only=true"],
                             check=True, capture_output=True, text=True).stdout
        data = json.loads(out)
        medians = {b["run_name"]: b for b in data["benchmarks"] if b.get("aggregate_name") == "median"}
        cmd = (f"{bench.relative_to(ROOT) if bench.is_relative_to(ROOT) else bench} --benchmark_repetitions=5 "
               "(median CPU time)")

        def ns(name: str) -> float:
            entry = medians[name]
            factor = {"ns": 1.0, "us": 1e3, "ms": 1e6}[entry["time_unit"]]
            # CPU time: the code's own cost, which other processes on the machine do not inflate.
            return entry["cpu_time"] * factor

        sign_us = ns("BM_SignEcsDescribeServices") / 1000
        self.add("micro", "sign ECS DescribeServices (cached key)", f"{sign_us:.2f} us", "<= 5 us", sign_us <= 5, cmd)
        self.add("micro", "sign ELBv2 DescribeTargetHealth (cached key)",
                 f"{ns('BM_SignElbv2DescribeTargetHealth') / 1000:.2f} us", command=cmd)
        self.add("micro", "signing key derivation (uncached)", f"{ns('BM_SigningKeyUncached') / 1000:.2f} us",
                 command=cmd)
        decode = medians["BM_DecodeDescribeServices10x100Events"]
        self.add("micro", f"decode DescribeServices, 10 services x 100 events ({decode.get('body_KiB', 0):.0f} KiB)",
                 f"{ns('BM_DecodeDescribeServices10x100Events') / 1000:.0f} us", command=cmd)
        self.add("micro", "build RegisterTaskDefinition body, 10 containers",
                 f"{ns('BM_BuildRegisterTaskDefinition10Containers') / 1000:.0f} us", command=cmd)
        boto = json.loads(subprocess.run([PY, str(BENCH / "botocore_sign.py")], check=True, capture_output=True,
                                         text=True).stdout)
        self.add("micro", "botocore SigV4Auth.add_auth, same request", f"{boto['us_per_sign']:.1f} us",
                 command="python3 bench/botocore_sign.py (median of 5 x 5000, CPU time)")
        ratio = boto["us_per_sign"] / sign_us
        self.add("micro", "botocore / adjust signing", f"{ratio:.0f}x faster", ">= 20x", ratio >= 20,
                 "the two rows above")

    # ---- scaling ----------------------------------------------------------------------------
    def scaling(self) -> None:
        sizes = self.args.scaling_sizes
        names = [f"svc{i:03d}" for i in range(max(sizes))]
        share = 1.0  # ADJUST_AWS_RATE_SHARE=100: the registration floor is AWS's own bucket
        sim = Sim(factor=10.0)
        try:
            env = clean_env(self.work.path, ADJUST_AWS_RATE_SHARE=f"{share * 100:.0f}")
            for size in sizes:
                runs = self.args.scaling_runs if size <= 10 else 1
                config = self.work.write(f"scale{size}.yaml", config_yaml(sim.endpoint, names[:size], timeout=900))
                samples = []
                for _ in range(runs):
                    prepare_converge(sim, names, health_delay=scaling_health_delay(size),
                                     latency_ms=self.args.latency_ms, buckets="aws")
                    run = measure([self.adjust, "--config", config, "app"], env, adjust_request(names[:size]))
                    if run.final.get("status") != "ok":
                        raise RuntimeError(failure(f"scaling {size}", run))
                    # The first of this run's new revisions healthy (seeded services converged before).
                    first_ready = min((row["ready_wall"] for row in sim.control("state", method="GET")["convergence"]
                                       if row.get("ready_wall") is not None and row.get("service") in names[:size]
                                       and str(row.get("task_definition", "")).endswith(":2")), default=None)
                    samples.append((run, self.poll_shape(sim.requests(), steady_until=first_ready)))
                self.scaling_rows(size, runs, share, samples)
        finally:
            sim.stop()

    def scaling_rows(self, size: int, runs: int, share: float, samples: list[tuple[Run, dict[str, Any]]]) -> None:
        cmd = (f"awssim fake-only, buckets aws, sim clock 10x, {self.args.latency_ms} ms delay on every AWS call, "
               f"converge step 2 s / health {scaling_health_delay(size):.0f} s / drain 2 s (sim), "
               f"ADJUST_AWS_RATE_SHARE={share * 100:.0f}, {runs} run{'s' if runs > 1 else ''}, median")
        label = f"{size} component(s)"
        wall = median([r.wall for r, _ in samples])
        total = median([len(shape["log"]) for _, shape in samples])
        self.details.setdefault("scaling", {})[size] = {"wall": wall, "requests": total}
        self.add("scaling", f"{label}: wall / peak RSS / AWS requests per adjustment",
                 f"{wall:.2f} s / {median([r.rss_kib for r, _ in samples]) / 1024:.1f} MiB / {total:.0f}",
                 command=cmd)
        polls = [p for _, shape in samples for p in shape["polls"]]
        per_poll = median([p["requests"] for p in polls])
        lookups = median([p["lookups"] for p in polls])
        self.add("scaling", f"{label}: AWS requests per poll (median, every poll after the last UpdateService)",
                 f"{per_poll:.0f} ({len(polls)} polls; of which task / target-health look-ups: median {lookups:.0f})",
                 command=cmd)
        steady = [p for p in polls if p["steady"]]
        target = size == SCALING_POLL_TARGET_SIZE
        if steady:
            steady_median = median([p["requests"] for p in steady])
            self.add("scaling", f"{label}: AWS requests per poll in steady state (median, polls after the last "
                     "UpdateService and before the first deployment was healthy)",
                     f"{steady_median:.0f} ({len(steady)} polls)", "<= 10" if target else "",
                     steady_median <= 10 if target else None, cmd)
        batched = all(p["calls"] == math.ceil(p["names"] / 10) and p["distinct"] == p["names"] for p in polls)
        max_calls = max((p["calls"] for p in polls), default=0)
        self.add("scaling", f"{label}: DescribeServices calls per poll (max)", str(max_calls),
                 f"= ceil({size}/10) = {math.ceil(size / 10)}", batched and max_calls == math.ceil(size / 10), cmd)
        log = [row for _, shape in samples for row in shape["log"]]
        self.add("scaling", f"{label}: throttled responses", throttled_text(log),
                 command=cmd.replace("median", "all runs together"))
        floor = registration_floor(size, share)
        if size >= SCALING_POLL_TARGET_SIZE and floor > 0:
            ratio = wall / floor
            target = size == SCALING_FLOOR_TARGET_SIZE
            marks = ", ".join(f"last {op} +{median([last_at(shape['log'], op) for _, shape in samples]):.0f} s"
                              for op in ("RegisterTaskDefinition", "UpdateService"))
            self.add("scaling", f"{label}: wall / registration floor ({floor_text(size, share)})",
                     f"{ratio:.2f}x ({wall:.0f} s / {floor:.0f} s; {marks} after the first AWS request)",
                     "<= 1.2x" if target else "", ratio <= 1.2 if target else None, cmd)

    @staticmethod
    def poll_shape(log: list[dict[str, Any]], steady_until: float | None = None) -> dict[str, Any]:
        """Polls after the last UpdateService. A poll starts with a DescribeServices call that arrives more
        than 0.3 s after the previous one (the driver sends a poll's calls one after another: 200 services
        take 20 calls, over a second at 50 ms each; polls are seconds apart) and holds every request up to
        the next poll; `lookups` counts its ListTasks, DescribeTasks and DescribeTargetHealth. A poll is
        `steady` when it started before `steady_until` (wall time: the first deployment healthy): nothing
        any deployment waits for has happened yet."""
        updates = [r["seq"] for r in log if r["operation"] == "UpdateService"]
        after = [r for r in log if r["seq"] > (max(updates) if updates else 0)]
        polls: list[dict[str, Any]] = []
        previous = None
        for entry in after:
            if entry["operation"] == "DescribeServices":
                if previous is None or entry["time"] - previous > 0.3:
                    polls.append({"calls": 0, "names": 0, "distinct": 0, "requests": 0, "lookups": 0,
                                  "steady": steady_until is not None and entry["time"] < steady_until,
                                  "_names": set()})
                previous = entry["time"]
                poll = polls[-1]
                poll["calls"] += 1
                listed = (entry.get("params") or {}).get("services", [])
                poll["names"] += len(listed)
                poll["_names"].update(listed)
                poll["distinct"] = len(poll["_names"])
            if polls:
                polls[-1]["requests"] += 1
                polls[-1]["lookups"] += entry["operation"] in LOOKUPS
        for poll in polls:
            del poll["_names"]
        return {"polls": polls, "log": log}

    # ---- two drivers at once, each at its default share ------------------------------------
    def budget(self) -> None:
        per = BUDGET_COMPONENTS
        groups = {"A": [f"a{i:02d}" for i in range(per)], "B": [f"b{i:02d}" for i in range(per)]}
        sim = Sim(factor=10.0)
        try:
            prepare_converge(sim, groups["A"] + groups["B"], health_delay=BUDGET_HEALTH_DELAY,
                             latency_ms=self.args.latency_ms, buckets="aws")
            jobs, keys = [], {}
            for label, names in groups.items():
                config = self.work.write(f"budget-{label}.yaml", config_yaml(sim.endpoint, names, timeout=900))
                keys[label] = f"AKIDBUDGET{label}"
                env = clean_env(self.work.path, AWS_ACCESS_KEY_ID=keys[label])  # no ADJUST_AWS_RATE_SHARE
                jobs.append(([self.adjust, "--config", config, "app"], env, adjust_request(names)))
            runs = dict(zip(groups, run_together(jobs)))
            log = sim.requests()
            buckets = sim.control("state", method="GET").get("buckets", {})
        finally:
            sim.stop()
        cmd = (f"awssim fake-only, buckets aws, sim clock 10x, {self.args.latency_ms} ms delay on every AWS call, "
               f"converge step 2 s / health {BUDGET_HEALTH_DELAY} s / drain 2 s (sim); two `adjust` processes "
               f"started together, {per} services each, default share (ADJUST_AWS_RATE_SHARE unset); one run")
        statuses = {label: run.final.get("status", "none") for label, run in runs.items()}
        for label, run in runs.items():
            if statuses[label] != "ok":
                note(failure(f"budget: driver {label}", run))
        both_ok = all(status == "ok" for status in statuses.values())
        self.add("budget", "both drivers end ok (final status A / B)",
                 f"{'yes' if both_ok else 'no'} ({statuses['A']} / {statuses['B']})", "yes", both_ok, cmd)
        mine = [r for r in log if r.get("access_key") in keys.values()]
        share_throttled = 100.0 * len(throttled_rows(mine)) / max(1, len(mine))
        self.details["budget"] = {"buckets": buckets, "statuses": statuses}
        self.add("budget", "throttled responses received by the two", throttled_text(mine), "< 1 %",
                 share_throttled < 1.0, cmd)
        texts = {label: THROTTLE_WORDS.search(json.dumps(run.final)) for label, run in runs.items()}
        found = [f"{label}: ...{run_context(json.dumps(runs[label].final), m)}..." for label, m in texts.items() if m]
        self.add("budget", "throttling text in either final line", "; ".join(found) if found else "none", "none",
                 not found, cmd)
        floor = registration_floor(per, DEFAULT_SHARE)
        walls = " / ".join(f"{runs[label].wall:.1f} s ({runs[label].wall / floor:.2f}x)" for label in groups)
        self.add("budget", f"wall of A / B vs the registration floor ({floor_text(per, DEFAULT_SHARE)})", walls,
                 command=cmd)

    # ---- promptness -------------------------------------------------------------------------
    def promptness(self) -> None:
        count = self.args.prompt_processes
        sim = Sim(factor=1.0)
        try:
            ours = [f"adj{i}" for i in range(count)]
            theirs = [f"orig{i}" for i in range(count)]
            seed(sim, ours + theirs, desired=1)
            # desired 1: the task runs at the 2nd round (2 x step) and is healthy health_delay later;
            # drain_delay 0: the old task stops at once, so ready and COMPLETED are the same moment.
            for group in (ours, theirs):
                for i, name in enumerate(group):
                    health = 14.0 + 15.0 * i / count
                    sim.control("scenario", {"cluster": "demo", "service": name, "scenario": "converge", "step": 2,
                                             "health_delay": health, "drain_delay": 0})
            jobs, meta = [], []
            for i in range(count):
                for kind, name in (("adjust", ours[i]), ("original", theirs[i])):
                    config = self.work.write(f"prompt-{name}.yaml", config_yaml(sim.endpoint, [name]))
                    key = f"AKIDPROMPT{name.upper()}"
                    env = clean_env(self.work.path, AWS_ACCESS_KEY_ID=key)
                    argv = [self.adjust, "--config", config, "app"] if kind == "adjust" else \
                        [PY, str(BENCH / "boto3_original.py"), "--config", config, "app"]
                    jobs.append((argv, env, adjust_request([name])))
                    meta.append((kind, name, key))
            results = [(*m, run) for m, run in zip(meta, run_together(jobs))]
            state = sim.control("state", method="GET")
            log = sim.requests()
            converged = {row["service"]: row for row in state["convergence"]
                         if not row["task_definition"].endswith(":1")}
            offset = state["now"] - time.time()  # sim clock minus wall clock (factor 1)
            started = {t["group"].split(":", 1)[1]: t["startedAt"] - offset for t in state["tasks"]
                       if "startedAt" in t and not t["taskDefinitionArn"].endswith(":1")}
            latency: dict[str, list[float]] = {"adjust": [], "original": []}
            rate: dict[str, list[float]] = {"adjust": [], "original": []}
            early_lookups = 0
            for kind, name, key, run in results:
                if run.final.get("status") != "ok":
                    raise RuntimeError(failure(f"promptness {name}", run))
                done = converged[name]["completed_wall"]
                latency[kind].append(run.final_time - done)
                mine = [r for r in log if r["access_key"] == key]
                update = next(r["time"] for r in mine if r["operation"] == "UpdateService")
                waiting = [r for r in mine if update < r["time"] <= run.final_time]
                rate[kind].append(len(waiting) / ((run.final_time - update) / 60.0))
                if kind == "adjust":
                    early_lookups += sum(1 for r in waiting if r["operation"] in LOOKUPS
                                         and r["time"] < started[name] - 0.05)
            self.details["promptness"] = {"latency": latency, "rate": rate}
            cmd = (f"awssim fake-only at real time; {count} adjust + {count} original processes at once, one service "
                   "each, converging 18-33 s after UpdateService; median")
            lat_ours, lat_theirs = median(latency["adjust"]), median(latency["original"])
            self.add("promptness", "adjust: final line after convergence", f"{lat_ours:.2f} s "
                     f"(max {max(latency['adjust']):.2f} s)", "<= 3 s", lat_ours <= 3, cmd)
            self.add("promptness", "original (5 s + 15 s polling): final line after convergence",
                     f"{lat_theirs:.2f} s (max {max(latency['original']):.2f} s)", command=cmd)
            self.add("promptness", "AWS requests per minute while waiting: adjust / original",
                     f"{median(rate['adjust']):.1f} / {median(rate['original']):.1f}", command=cmd)
            self.add("promptness", "adjust: task / target-health look-ups before the counts said done",
                     str(early_lookups), "0", early_lookups == 0, cmd)
        finally:
            sim.stop()

    # ---- report -----------------------------------------------------------------------------
    def table(self, with_how: bool = False) -> str:
        head = "| section | figure | measured | target | result |" + (" how |" if with_how else "")
        rows = [head, "| --- " * (6 if with_how else 5) + "|"]
        for f in self.figures:
            result = "" if f.ok is None else ("pass" if f.ok else "**miss**")
            rows.append(f"| {f.section} | {f.name} | {f.value} | {f.target} | {result} |" +
                        (f" {f.command} |" if with_how else ""))
        return "\n".join(rows)

    def machine(self) -> list[str]:
        cpu = "unknown"
        try:
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        except OSError:
            pass
        compiler = subprocess.run(["c++", "--version"], capture_output=True, text=True).stdout.splitlines()
        load = os.getloadavg()
        return [f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
                f"- machine: {os.cpu_count()} CPUs, {cpu}; kernel {platform.release()}; "
                f"load average at the end {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}",
                f"- compiler: {compiler[0] if compiler else 'unknown'}; build: {self.build}",
                f"- python {platform.python_version()}, boto3 {module_version('boto3')}, "
                f"moto {module_version('moto')}"]



def shown(argv: list[str]) -> str:
    """A command as a reader would type it: paths relative to the repository, temp files by name."""
    out = []
    for arg in argv:
        if arg == PY:
            arg = "python3"
        elif arg.startswith(str(ROOT) + "/"):
            arg = arg[len(str(ROOT)) + 1:]
        elif arg.startswith(tempfile.gettempdir()):
            arg = os.path.basename(arg)
        out.append(shlex.quote(arg))
    return " ".join(out)


def needed(binary: Path) -> set[str]:
    out = subprocess.run(["readelf", "-d", str(binary)], capture_output=True, text=True).stdout
    return {line.split("[", 1)[1].rstrip("]") for line in out.splitlines() if "(NEEDED)" in line}


def module_version(name: str) -> str:
    try:
        return __import__(name).__version__
    except Exception:  # noqa: BLE001 - only for the report
        return "unknown"


SECTIONS = ["startup", "query", "adjust", "micro", "scaling", "budget", "promptness"]

def scaling_health_delay(size: int) -> float:
    """Sim seconds (10x) from a deployment's tasks running to healthy. Sizes measured for polling: every
    deployment still waits for health checks for 30 s (wall) after the last registration, the steady
    state. The size measured against the registration floor: 4 s, so the wall is the floor's."""
    if size == SCALING_FLOOR_TARGET_SIZE:
        return 4.0
    return (registration_floor(size, 1.0) + 30.0) * 10.0


SCALING_POLL_TARGET_SIZE = 50
SCALING_FLOOR_TARGET_SIZE = 200
BUDGET_COMPONENTS = 50       # per driver
BUDGET_HEALTH_DELAY = 4
LOOKUPS = ("ListTasks", "DescribeTasks", "DescribeTargetHealth")
THROTTLE_WORDS = re.compile(r"throttl|rate exceeded|too many requests", re.IGNORECASE)


def run_context(text: str, match: re.Match[str], width: int = 60) -> str:
    """The text around a match, fit for a markdown table cell."""
    return text[max(0, match.start() - width):match.end() + width].replace("|", "\\|")

NOTES = [
    "- Wall times and peak RSS are each program's own (started by build/adjust_bench_spawn, so a",
    "  fork of the Python benchmark does not lend it Python's RSS); micro-benchmarks report CPU time,",
    "  which other work on the machine inflates less than wall time. With a load average above the",
    "  CPU count the figures are noisy: compare within one run, and rerun on a quiet machine.",
    "- `original` is bench/boto3_original.py: what the original Python driver does, on the same",
    "  config and endpoint. For `adjust` its fixed 5 s + 15 s sleeps are divided by 10, as the",
    "  simulator's clock runs 10x; the promptness run uses the real 5 s + 15 s at real time.",
    "- Scaling: every AWS call is delayed (--latency-ms) to model AWS round trips, and the simulator",
    "  enforces AWS's throttling buckets account-wide (POST /_sim/config buckets aws): a call that finds",
    "  its family's bucket empty is answered ThrottlingException, as AWS would. These runs set",
    "  ADJUST_AWS_RATE_SHARE=100, so the driver's own buckets are AWS's and the registration floor is",
    "  AWS's RegisterTaskDefinition bucket: max(0, N - 20) s (20 at once, then 1/s). Deployments",
    "  (sim 10x) reconcile every 2 s and their tasks run within a few rounds. At 1, 10 and 50",
    "  components health checks pass (floor + 30 s) wall after the tasks run, so every deployment,",
    "  the first registered included, is still waiting for them when the last UpdateService is sent;",
    "  at 200 they pass 0.4 s wall after the tasks run, so the wall time is the floor's. The driver",
    "  registers and updates every service, then follows them all in one polling loop: the polls",
    "  after the last UpdateService are that loop. Steady state is the loop's polls before the first",
    "  deployment is healthy (the simulator's `ready` moment): every deployment waits and nothing",
    "  moves, so a poll needs only DescribeServices (one per 10 services) and",
    "  DescribeServiceDeployments (one per 20); the loop's first poll also looks up the tasks and",
    "  targets of each deployment whose tasks run. The all-polls row includes the completions that",
    "  follow, each of which moves and gets one look-up (ListTasks, DescribeTasks,",
    "  DescribeTargetHealth). DescribeServices calls per poll (max) = ceil(N / 10).",
    "- Scaling: the former `wall(50) / wall(1)` row is gone. With AWS's buckets enforced, wall time at",
    "  50 and 200 is the registration floor (30 s, 180 s) plus the follow, not the driver's cost per",
    "  component, so that ratio would measure AWS's RegisterTaskDefinition rate; `wall / registration",
    "  floor` replaces it. At 50 the 30 s health wait is part of the wall on purpose (steady state);",
    "  at 200, before the first registration, the driver reads 200 task definitions at its",
    "  DescribeTaskDefinition share (50 at once, then 20/s): about 7.5 s of the wall.",
    "- Throttled responses at share 100: the driver spaces its calls by its own bucket, which then equals",
    "  AWS's, so latency jitter can bring a call to the account's bucket a little early and it is",
    "  refused (the driver retries it). At the default share the other half of every bucket is headroom.",
    "- Budget: two drivers at the default share (ADJUST_AWS_RATE_SHARE unset, 50 %) together use at",
    "  most AWS's whole bucket, so the account should throttle next to nothing. The default share",
    "  doubles the registration floor: one driver's 50 registrations need max(0, 50 - 10) / 0.5 = 80 s",
    "  (30 s at share 100), and 200 would need 380 s (180 s at share 100). Health checks pass 4 sim s",
    "  (0.4 s wall) after the tasks run, so each wall is the floor plus start-up and the follow.",
    "  `throttling text` searches each final line for throttl, rate exceeded and too many requests.",
    "- Promptness: the deployments converge 18-33 s after UpdateService, spread evenly over the",
    "  original's 15 s poll period; `final line after convergence` is the moment the last stdout",
    "  line arrived minus the simulator's COMPLETED moment (GET /_sim/state `convergence`).",
]


def sizes_list(text: str) -> list[int]:
    sizes = [int(part) for part in text.split(",") if part.strip()]
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes are positive integers, e.g. 1,10,50,200")
    return sizes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=str(ROOT / "build"))
    parser.add_argument("--runs", type=int, default=15, help="runs of --query and of the converging adjust")
    parser.add_argument("--startup-runs", type=int, default=30)
    parser.add_argument("--scaling-runs", type=int, default=3, help="runs per size up to 10 (larger sizes: 1)")
    parser.add_argument("--scaling-sizes", type=sizes_list, default=[1, 10, 50, 200],
                        help="components per scaling run, comma-separated (default 1,10,50,200)")
    parser.add_argument("--prompt-processes", type=int, default=6, help="adjust (and original) processes at once")
    parser.add_argument("--latency-ms", type=int, default=50,
                        help="delay on every AWS call in the scaling and budget runs")
    parser.add_argument("--only", action="append", choices=SECTIONS, help="run only these sections")
    parser.add_argument("--write", help="write the report (markdown) to this file, e.g. bench/RESULTS.md")
    args = parser.parse_args()
    bench = Bench(args)
    global LAUNCHER
    LAUNCHER = str(bench.build / "adjust_bench_spawn")
    started = time.monotonic()
    try:
        for section in args.only or SECTIONS:
            note(f"--- {section}")
            getattr(bench, section if section != "adjust" else "adjust_once")()
    finally:
        bench.work.remove()
    elapsed = time.monotonic() - started
    table = bench.table()
    print(table)
    if args.write:
        command = "python3 bench/whole_program.py " + " ".join(sys.argv[1:])
        text = "\n".join([
            "# Benchmark results", "",
            "Generated by `bench/whole_program.py` (figures are medians unless the how column says otherwise;",
            "targets from issues 6 and 13).",
            "Regenerate from the repository root after `cmake --build build`:", "",
            "```", command, "```", "",
            "## Machine", *bench.machine(), f"- whole run: {elapsed:.0f} s", "",
            "## Figures", bench.table(with_how=True), "",
            "## Notes", *NOTES, "",
        ])
        Path(args.write).write_text(text)
        note(f"wrote {args.write}")
    misses = [f for f in bench.figures if f.ok is False]
    note(f"{len(misses)} target(s) missed; whole run {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
