#!/usr/bin/env python3
"""The original servo-fargate driver's work, as a plain boto3 script (the baseline for bench/).

Does what /work/shared/spec/servo-protocol.md §3 says the original does, on the same config.yaml
and endpoint as `adjust`, so the two can be timed side by side:

  --info            print {"version": "0.0.1", "has_cancel": false} (after importing boto3 and
                    yaml, as the original does at start-up)
  --query           per component: DescribeServices, DescribeTaskDefinition; print the settings
  (adjust)          read the adjust request on stdin; per component, in config order:
                    DescribeServices, DescribeTaskDefinition, RegisterTaskDefinition (a clone with
                    the new cpu/memory/env), UpdateService; sleep FIRST (5 s), then every POLL
                    (15 s) DescribeServices until the newest deployment has desired = running,
                    no pending and no old task running, then DescribeTargetHealth per target group.

--first-sleep/--poll change the original's fixed 5 s + 15 s (only to scale time; the benchmark
says when it does). Config: `fargate:` with `region`, `endpoint_url` and components
(`service_name`, `cluster`), as for `adjust`. Not a product: no rollback, no validation.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import boto3  # noqa: E402  (the original imports both at start-up)
import yaml

DRIVER_OPTIONS = {"region", "endpoint_url", "notify"}
READ_ONLY = ("status", "taskDefinitionArn", "revision", "requiresAttributes", "compatibilities",
             "registeredAt", "registeredBy", "deregisteredAt")


def emit(obj: dict) -> None:
    print(json.dumps(obj), flush=True)


def load_config(path: str) -> tuple[dict, dict]:
    with open(path) as handle:
        section = yaml.safe_load(handle)["fargate"]
    options = {k: v for k, v in section.items() if k in DRIVER_OPTIONS}
    components = {k: v for k, v in section.items() if k not in DRIVER_OPTIONS}
    return options, components


def clients(options: dict):  # type: ignore[no-untyped-def]
    kwargs = {"region_name": options.get("region")}
    if options.get("endpoint_url"):
        kwargs["endpoint_url"] = options["endpoint_url"]
    return boto3.client("ecs", **kwargs), boto3.client("elbv2", **kwargs)


def describe(ecs, component: dict) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    cluster = component.get("cluster", "default")
    service = ecs.describe_services(cluster=cluster, services=[component["service_name"]])["services"][0]
    td = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
    return service, td


def query(options: dict, components: dict) -> None:
    ecs, _ = clients(options)
    out = {}
    for name, component in components.items():
        service, td = describe(ecs, component)
        settings = {"cpu": {"type": "enum", "unit": "vCPU", "value": str(int(td["cpu"]) / 1024)},
                    "mem": {"type": "enum", "unit": "GiB", "value": str(int(td["memory"]) / 1024)},
                    "replicas": {"type": "range", "min": 0, "max": 20, "step": 1,
                                 "value": int(service["desiredCount"])}}
        env = {e["name"]: e["value"] for e in td["containerDefinitions"][0].get("environment", [])}
        for var in (component.get("environment") or {}):
            settings[var] = {"type": "enum", "value": env.get(var)}
        out[name] = {"settings": settings}
    emit({"application": {"components": out}})


def ready(ecs, elbv2, cluster: str, name: str) -> tuple[bool, str]:  # type: ignore[no-untyped-def]
    service = ecs.describe_services(cluster=cluster, services=[name])["services"][0]
    deployments = sorted(service["deployments"], key=lambda d: d["createdAt"], reverse=True)
    newest, others = deployments[0], deployments[1:]
    message = (f"waiting for adjustment to complete: new deployment {newest['runningCount']}/"
               f"{newest['desiredCount']}, old deployments {sum(d['runningCount'] for d in others)}/0")
    if newest.get("pendingCount", 0) or newest["runningCount"] != newest["desiredCount"] or \
            any(d["runningCount"] > 0 for d in others):
        return False, message
    for lb in service.get("loadBalancers", []):
        health = elbv2.describe_target_health(TargetGroupArn=lb["targetGroupArn"])
        healthy = [t for t in health["TargetHealthDescriptions"] if t["TargetHealth"]["State"] == "healthy"]
        if len(healthy) < newest["runningCount"]:
            return False, message
    return True, message


def adjust(options: dict, components: dict, request: dict, first_sleep: float, poll: float) -> None:
    ecs, elbv2 = clients(options)
    wanted = request["application"]["components"]
    for name, component in components.items():
        if name not in wanted:
            continue
        settings = wanted[name].get("settings", {})
        emit({"progress": 0, "message": f"adjusting fargate settings for component {name}"})
        service, td = describe(ecs, component)
        for key in READ_ONLY:
            td.pop(key, None)
        if settings.get("cpu", {}).get("value"):
            td["cpu"] = str(int(float(settings["cpu"]["value"]) * 1024))
        if settings.get("mem", {}).get("value"):
            td["memory"] = str(int(float(settings["mem"]["value"]) * 1024))
        desired = settings["replicas"]["value"] if settings.get("replicas") else service["desiredCount"]
        env_vars = component.get("environment") or {}
        if env_vars:
            container = td["containerDefinitions"][0]
            values = {e["name"]: e["value"] for e in container.get("environment", [])}
            values.update({k: str(v["value"]) for k, v in settings.items() if k in env_vars})
            container["environment"] = [{"name": k, "value": v} for k, v in values.items()]
        arn = ecs.register_task_definition(**td)["taskDefinition"]["taskDefinitionArn"]
        cluster = component.get("cluster", "default")
        ecs.update_service(cluster=cluster, service=component["service_name"], taskDefinition=arn,
                           desiredCount=int(desired))
        time.sleep(first_sleep)
        timeout = float(component.get("timeout_service_desired_count", 1200))
        started = time.monotonic()
        emit({"progress": 0, "message": f"adjusting fargate settings for component {name}"})
        polls = 0
        while True:
            if time.monotonic() - started > timeout:
                emit({"status": "failed", "reason": "unknown", "message": "Timed out waiting for service update"})
                sys.exit(1)
            time.sleep(poll)
            polls += 1
            done, message = ready(ecs, elbv2, cluster, component["service_name"])
            if done:
                break
            if polls % 2 == 0:
                emit({"progress": 0, "message": message})
    emit({"progress": 100, "message": "adjust complete"})
    emit({"status": "ok", "reason": "success"})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--info", action="store_true")
    parser.add_argument("--query", action="store_true")
    parser.add_argument("--config", default=os.environ.get("OPTUNE_CONFIG", "./config.yaml"))
    parser.add_argument("--first-sleep", type=float, default=5.0)
    parser.add_argument("--poll", type=float, default=15.0)
    parser.add_argument("app_id", nargs="?")
    args = parser.parse_args()
    if args.info:
        emit({"version": "0.0.1", "has_cancel": False})
        return 0
    options, components = load_config(args.config)
    if args.query:
        query(options, components)
    else:
        adjust(options, components, json.loads(sys.stdin.read()), args.first_sleep, args.poll)
    return 0


if __name__ == "__main__":
    sys.exit(main())
