#!/usr/bin/env python3
"""Self-test of the awssim package in fake-only mode, run as a process (stdlib unittest; loopback only)."""
from __future__ import annotations

import http.client
import http.server
import json
import os
import subprocess
import sys
import threading
import time
import unittest
import urllib.parse
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))  # test/tools/awssim
TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/0123456789abcdef"
TG2 = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg-green/fedcba9876543210"
RULE = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/1/2/3"
TD1 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1"
TD2 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2"


class Sim:
    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, HERE, "--lifetime", "120", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.proc.stdout is not None
        self.port = json.loads(self.proc.stdout.readline())["port"]

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def raw(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
            ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def control(self, path: str, body: Any = None, method: str = "POST") -> Any:
        status, _, data = self.raw(method, "/_sim/" + path, json.dumps(body or {}).encode())
        assert status == 200, data
        return json.loads(data)

    def ecs(self, op: str, body: dict[str, Any], extra: dict[str, str] | None = None
            ) -> tuple[int, dict[str, str], Any]:
        headers = {"X-Amz-Target": f"AmazonEC2ContainerServiceV20141113.{op}",
                   "Content-Type": "application/x-amz-json-1.1", "X-Amz-Date": time.strftime(
                       "%Y%m%dT%H%M%SZ", time.gmtime()),
                   "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/ecs/aws4_request, "
                                    "SignedHeaders=host;x-amz-date, Signature=00"}
        headers.update(extra or {})
        status, hdrs, data = self.raw("POST", "/", json.dumps(body).encode(), headers)
        try:
            return status, hdrs, json.loads(data)
        except ValueError:
            return status, hdrs, data

    def health(self, tg: str = TG, targets: list[str] | None = None) -> dict[str, str]:
        form = "Action=DescribeTargetHealth&Version=2015-12-01&TargetGroupArn=" + urllib.parse.quote(tg, safe="")
        for i, ip in enumerate(targets or [], 1):
            form += f"&Targets.member.{i}.Id={ip}&Targets.member.{i}.Port=8080"
        status, _, data = self.raw("POST", "/", form.encode(), {
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/elasticloadbalancing/aws4_request, "
                             "SignedHeaders=host, Signature=00"})
        assert status == 200, data
        import xml.etree.ElementTree as ET
        ns = {"e": "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"}
        root = ET.fromstring(data)
        out = {}
        for m in root.iterfind(".//e:TargetHealthDescriptions/e:member", ns):
            state = m.find("e:TargetHealth/e:State", ns).text  # type: ignore[union-attr]
            reason = m.find("e:TargetHealth/e:Reason", ns)
            out[m.find("e:Target/e:Id", ns).text] = state if targets is None or reason is None \
                else f"{state}/{reason.text}"  # type: ignore[union-attr]
        return out

    def elb(self, action: str, **params: str) -> tuple[int, str]:
        """An ELBv2 Query call: (status, the error Code or "")."""
        form = urllib.parse.urlencode(dict(Action=action, Version="2015-12-01", **params))
        status, _, data = self.raw("POST", "/", form.encode(), {
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/elasticloadbalancing/aws4_request, "
                             "SignedHeaders=host, Signature=00"})
        code = data.decode().split("<Code>", 1)[1].split("</Code>", 1)[0] if b"<Code>" in data else ""
        return status, code

    def aas(self, op: str, body: dict[str, Any], signing: str = "application-autoscaling"
            ) -> tuple[int, dict[str, str], Any]:
        headers = {"X-Amz-Target": f"AnyScaleFrontendService.{op}", "Content-Type": "application/x-amz-json-1.1",
                   "Authorization": f"AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/{signing}/aws4_request, "
                                    "SignedHeaders=host;x-amz-date, Signature=00"}
        status, hdrs, data = self.raw("POST", "/", json.dumps(body).encode(), headers)
        return status, hdrs, json.loads(data)

    def seed(self, desired: int = 2, lb: bool = True, config: dict[str, Any] | None = None,
             target: dict[str, Any] | None = None) -> None:
        td = {"family": "web", "cpu": "256", "memory": "512", "requiresCompatibilities": ["FARGATE"],
              "containerDefinitions": [{"name": "web", "image": "nginx"}], "tags": [{"key": "team", "value": "p"}]}
        service: dict[str, Any] = {"serviceName": "web", "desiredCount": desired, "taskDefinition": "web:1"}
        if lb:
            service["loadBalancers"] = [{"targetGroupArn": TG, "containerName": "web", "containerPort": 8080}]
        if config is not None:
            service["deploymentConfiguration"] = config
            if config.get("strategy", "ROLLING") != "ROLLING":
                service["loadBalancers"][0]["advancedConfiguration"] = {
                    "alternateTargetGroupArn": TG2, "productionListenerRule": RULE,
                    "roleArn": "arn:aws:iam::123456789012:role/ecs-bg"}
        if target is not None:
            service["scalable_target"] = target
        self.control("seed", {"cluster": "demo", "task_definitions": [td, dict(td, revision=2, cpu="512", memory="1024")],
                              "service": service})

    def service(self) -> dict[str, Any]:
        status, _, data = self.ecs("DescribeServices", {"cluster": "demo", "services": ["web"]})
        assert status == 200, data
        return data["services"][0]

    def update(self, **body: Any) -> dict[str, Any]:
        status, _, data = self.ecs("UpdateService", dict(cluster="demo", service="web", **body))
        assert status == 200, data
        return data["service"]

    def ok(self, op: str, body: dict[str, Any]) -> Any:
        status, _, data = self.ecs(op, body)
        assert status == 200, (op, data)
        return data

    def sd(self, arn: str) -> dict[str, Any]:
        return self.ok("DescribeServiceDeployments", {"serviceDeploymentArns": [arn]})["serviceDeployments"][0]

    def sds(self, **body: Any) -> list[dict[str, Any]]:
        return self.ok("ListServiceDeployments", dict(cluster="demo", service="web", **body))["serviceDeployments"]

    def revision(self, arn: str) -> dict[str, Any]:
        return self.ok("DescribeServiceRevisions", {"serviceRevisionArns": [arn]})["serviceRevisions"][0]


class AwsSimTest(unittest.TestCase):
    def setUp(self) -> None:
        self.sim = Sim()
        self.sim.seed()

    def tearDown(self) -> None:
        self.sim.close()

    def advance_until(self, predicate, limit: int = 60, step: float = 5) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        for _ in range(limit):
            self.sim.control("advance", {"seconds": step})
            service = self.sim.service()
            if predicate(service):
                return service
        self.fail("condition never reached: " + json.dumps(self.sim.service())[:2000])

    # ---- faults ---------------------------------------------------------------------------
    def test_status_rule_for_call_three_only(self) -> None:
        self.sim.control("rules", {"operation": "DescribeServices", "call": 3, "action": "status", "status": 503})
        codes = [self.sim.ecs("DescribeServices", {"cluster": "demo", "services": ["web"]})[0] for _ in range(4)]
        self.assertEqual(codes, [200, 200, 503, 200])

    def test_truncate_non_json_and_replace(self) -> None:
        self.sim.control("rules", {"rules": [
            {"operation": "DescribeServices", "call": 1, "action": "truncate"},
            {"operation": "DescribeServices", "call": 2, "action": "non_json"},
            {"operation": "DescribeServices", "call": 3, "action": "replace", "json": {"services": [], "failures": []}}]})
        status, _, body = self.sim.ecs("DescribeServices", {"cluster": "demo", "services": ["web"]})
        self.assertEqual(status, 200)
        self.assertIsInstance(body, bytes)  # cut JSON does not parse
        status, headers, body = self.sim.ecs("DescribeServices", {"cluster": "demo", "services": ["web"]})
        self.assertEqual((status, headers["content-type"]), (502, "text/html"))
        self.assertEqual(self.sim.ecs("DescribeServices", {})[2], {"services": [], "failures": []})

    def test_patch_edits_the_real_answer(self) -> None:
        self.sim.control("rules", {"operation": "DescribeServices", "action": "patch", "patch": [
            {"op": "replace", "path": "/services/0/desiredCount", "value": "2"},
            {"op": "remove", "path": "/services/0/deployments/0/rolloutState"},
            {"op": "remove", "path": "/services/5/nothing"}]})
        service = self.sim.service()
        self.assertEqual(service["desiredCount"], "2")
        self.assertNotIn("rolloutState", service["deployments"][0])
        self.assertEqual(service["serviceName"], "web")

    def test_after_arms_a_rule_once_another_operation_was_seen(self) -> None:
        self.sim.control("rules", {"operation": "DescribeServices", "call": 1, "action": "status", "status": 503,
                                   "after": {"operation": "UpdateService", "count": 1}})
        codes = [self.sim.ecs("DescribeServices", {"cluster": "demo", "services": ["web"]})[0] for _ in range(2)]
        self.sim.update(desiredCount=3)
        codes += [self.sim.ecs("DescribeServices", {"cluster": "demo", "services": ["web"]})[0] for _ in range(2)]
        self.assertEqual(codes, [200, 200, 503, 200])

    def test_reset_mid_body_is_a_transport_error(self) -> None:
        self.sim.control("rules", {"operation": "DescribeServices", "action": "reset_mid_body"})
        with self.assertRaises((http.client.IncompleteRead, ConnectionError)):
            self.sim.ecs("DescribeServices", {"cluster": "demo", "services": ["web"]})

    def test_clock_skew_rule_and_check(self) -> None:
        self.sim.control("rules", {"operation": "ListTasks", "call": 1, "action": "clock_skew", "skew_seconds": 900})
        status, headers, body = self.sim.ecs("ListTasks", {"cluster": "demo"})
        self.assertEqual((status, body["__type"]), (400, "InvalidSignatureException"))
        self.assertIn("Signature expired", body["message"])
        self.assertIn("date", headers)
        self.sim.control("config", {"skew_check": True, "wall_offset_seconds": -3600})
        status, _, body = self.sim.ecs("ListTasks", {"cluster": "demo"})
        self.assertEqual(status, 400)
        self.assertIn("Signature not yet current", body["message"])

    def test_expired_token_and_auth_error(self) -> None:
        self.sim.control("rules", {"rules": [{"operation": "ListTasks", "call": 1, "action": "expired_token"},
                                             {"operation": "ListTasks", "call": 2, "action": "auth_error"}]})
        self.assertEqual(self.sim.ecs("ListTasks", {"cluster": "demo"})[2]["__type"], "ExpiredTokenException")
        status, headers, body = self.sim.ecs("ListTasks", {"cluster": "demo"})
        self.assertEqual((status, headers["x-amzn-errortype"]), (403, "UnrecognizedClientException"))

    def test_fargate_validation(self) -> None:
        self.sim.control("config", {"validate_fargate": True})
        body = {"family": "web", "cpu": "256", "memory": "4096", "requiresCompatibilities": ["FARGATE"],
                "containerDefinitions": [{"name": "web", "image": "nginx"}]}
        status, _, data = self.sim.ecs("RegisterTaskDefinition", body)
        self.assertEqual((status, data["message"]), (400, "Invalid 'cpu' setting for task."))
        status, _, data = self.sim.ecs("RegisterTaskDefinition", dict(body, cpu="1 vCPU", memory="2 GB"))
        self.assertEqual(status, 200)
        self.assertTrue(data["taskDefinition"]["taskDefinitionArn"].endswith("web:3"))

    # ---- deployment model -----------------------------------------------------------------
    def test_replicas_only_update_keeps_the_deployment(self) -> None:
        before = self.sim.service()["deployments"][0]["id"]
        service = self.sim.update(desiredCount=4)
        self.assertEqual([d["id"] for d in service["deployments"]], [before])
        service = self.advance_until(lambda s: s["runningCount"] == 4)
        self.assertEqual(service["deployments"][0]["desiredCount"], 4)

    def test_fail_start_without_rollback(self) -> None:
        self.sim.control("scenario", {"service": "web", "scenario": "fail_start", "failure": "image_pull"})
        self.sim.update(taskDefinition="web:2")
        service = self.advance_until(lambda s: s["deployments"][0]["rolloutState"] == "FAILED")
        primary = service["deployments"][0]
        self.assertEqual(primary["taskDefinition"], TD2)
        self.assertEqual(primary["rolloutStateReason"], "ECS deployment circuit breaker: tasks failed to start.")
        self.assertGreaterEqual(primary["failedTasks"], 3)
        _, _, listed = self.sim.ecs("ListTasks", {"cluster": "demo", "serviceName": "web", "desiredStatus": "STOPPED"})
        _, _, tasks = self.sim.ecs("DescribeTasks", {"cluster": "demo", "tasks": listed["taskArns"]})
        self.assertEqual(tasks["tasks"][0]["stopCode"], "TaskFailedToStart")
        self.assertTrue(tasks["tasks"][0]["containers"][0]["reason"].startswith("CannotPullContainerError"))
        self.sim.control("advance", {"seconds": 300})
        self.assertEqual(self.sim.service()["deployments"][0]["rolloutState"], "FAILED")  # no rollback

    def test_unhealthy_targets_then_tasks_stopped(self) -> None:
        self.sim.control("scenario", {"service": "web", "scenario": "unhealthy", "health_delay": 10})
        self.sim.update(taskDefinition="web:2")
        seen_unhealthy = False
        for _ in range(40):
            self.sim.control("advance", {"seconds": 5})
            seen_unhealthy |= "unhealthy" in self.sim.health().values()
        self.assertTrue(seen_unhealthy)
        service = self.sim.service()
        failed = [d for d in service["deployments"] if d["taskDefinition"] == TD2][0]
        self.assertEqual(failed["rolloutState"], "FAILED")
        self.assertIn("ELB health checks", failed["rolloutStateReason"])
        _, _, listed = self.sim.ecs("ListTasks", {"cluster": "demo", "desiredStatus": "STOPPED"})
        _, _, tasks = self.sim.ecs("DescribeTasks", {"cluster": "demo", "tasks": listed["taskArns"]})
        self.assertTrue(any(t["stoppedReason"].startswith("Task failed ELB health checks") for t in tasks["tasks"]))

    def test_a_draining_task_lists_as_stopped_with_its_reason(self) -> None:
        self.sim.update(desiredCount=1)
        self.sim.control("advance", {"seconds": 5})  # one round: the extra task starts draining (10 s)
        _, _, listed = self.sim.ecs("ListTasks", {"cluster": "demo", "desiredStatus": "STOPPED"})
        _, _, tasks = self.sim.ecs("DescribeTasks", {"cluster": "demo", "tasks": listed["taskArns"]})
        self.assertEqual([t["lastStatus"] for t in tasks["tasks"]], ["DEACTIVATING"])
        self.assertEqual(tasks["tasks"][0]["stopCode"], "ServiceSchedulerInitiated")
        self.assertTrue(tasks["tasks"][0]["stoppedReason"].startswith("Scaling activity initiated by"))

    def test_seeded_history_and_oldest_first(self) -> None:
        self.sim.control("reset")
        td = {"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx"}]}
        self.sim.control("seed", {"cluster": "demo", "task_definition": td, "service": {
            "serviceName": "web", "taskDefinition": "web:1", "desiredCount": 1, "stopped_tasks": 3,
            "history_events": [{"id": "old-event", "message": "history"}],
            "history_deployments": [{"id": "ecs-svc/old", "status": "ACTIVE"}]}})
        service = self.sim.service()
        self.assertNotIn("history_events", service)
        self.assertEqual(service["events"][-1]["id"], "old-event")
        self.assertEqual(service["deployments"][-1]["id"], "ecs-svc/old")
        self.sim.control("config", {"oldest_first": True})
        service = self.sim.service()
        self.assertEqual((service["events"][0]["id"], service["deployments"][0]["id"]), ("old-event", "ecs-svc/old"))
        _, _, listed = self.sim.ecs("ListTasks", {"cluster": "demo", "desiredStatus": "STOPPED"})
        self.assertEqual(len(listed["taskArns"]), 3)

    def test_stall_and_unplaceable(self) -> None:
        self.sim.control("scenario", {"service": "web", "scenario": "unplaceable"})
        self.sim.update(taskDefinition="web:2")
        self.sim.control("advance", {"seconds": 120})
        service = self.sim.service()
        self.assertEqual(service["deployments"][0]["rolloutState"], "IN_PROGRESS")
        self.assertEqual(len(service["deployments"]), 2)
        self.assertIn("was unable to place a task", service["events"][0]["message"])

    def test_external_change_takes_over(self) -> None:
        self.sim.control("scenario", {"service": "web", "scenario": "external_change", "after": 12,
                                      "task_definition": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:77"})
        ours = self.sim.update(taskDefinition="web:2")["deployments"][0]["id"]
        service = self.advance_until(lambda s: s["deployments"][0]["rolloutState"] == "COMPLETED")
        self.assertTrue(service["taskDefinition"].endswith("web:77"))
        self.assertNotIn(ours, [d["id"] for d in service["deployments"]])

    def test_list_tasks_paginates(self) -> None:
        self.sim.update(desiredCount=5)
        self.advance_until(lambda s: s["runningCount"] == 5)
        arns, token = [], None
        while True:
            body: dict[str, Any] = {"cluster": "demo", "serviceName": "web", "maxResults": 2}
            if token:
                body["nextToken"] = token
            _, _, page = self.sim.ecs("ListTasks", body)
            self.assertLessEqual(len(page["taskArns"]), 2)
            arns += page["taskArns"]
            token = page.get("nextToken")
            if not token:
                break
        self.assertEqual(len(set(arns)), 5)

    def test_list_services_pages_the_clusters_services(self) -> None:
        _, _, page = self.sim.ecs("ListServices", {"cluster": "demo", "maxResults": 1})
        self.assertEqual(len(page["serviceArns"]), 1)
        self.assertTrue(page["serviceArns"][0].endswith("/web"))
        _, _, other = self.sim.ecs("ListServices", {"cluster": "elsewhere"})
        self.assertEqual(other["serviceArns"], [])

    def test_describe_task_definition_with_tags_and_missing_service(self) -> None:
        _, _, td = self.sim.ecs("DescribeTaskDefinition", {"taskDefinition": "web", "include": ["TAGS"]})
        self.assertEqual(td["taskDefinition"]["taskDefinitionArn"], TD2)  # bare family = latest
        self.assertEqual(td["tags"], [{"key": "team", "value": "p"}])
        self.assertIn("registeredAt", td["taskDefinition"])
        _, _, data = self.sim.ecs("DescribeServices", {"cluster": "demo", "services": ["nope"]})
        self.assertEqual(data["failures"][0]["reason"], "MISSING")

    # ---- credentials ----------------------------------------------------------------------
    def test_imds_token_timeout_mode(self) -> None:
        self.sim.control("credentials", {"imds": {"token_mode": "timeout", "timeout_seconds": 0.2}})
        with self.assertRaises((ConnectionError, http.client.RemoteDisconnected)):
            self.sim.raw("PUT", "/latest/api/token", headers={"x-aws-ec2-metadata-token-ttl-seconds": "60"})

    def test_container_credentials_scripted(self) -> None:
        self.sim.control("credentials", {"container": {"credentials": {
            "AccessKeyId": "AKIDC", "SecretAccessKey": "x", "Token": "y", "expires_in": 60}}})
        status, _, data = self.sim.raw("GET", "/creds")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(data)["AccessKeyId"], "AKIDC")
        log = self.sim.control("requests", method="GET")["requests"]
        self.assertEqual(log[-1]["service"], "creds")


def strategy(name: str, **extra: Any) -> dict[str, Any]:
    config: dict[str, Any] = {"strategy": name, "bakeTimeInMinutes": 1, "maximumPercent": 200,
                              "minimumHealthyPercent": 100,
                              "deploymentCircuitBreaker": {"enable": True, "rollback": True}}
    config.update(extra)
    return config


class ServiceDeploymentsTest(unittest.TestCase):
    """The service deployments API, strategies, hooks, rollbacks, early success (sim clock advanced by hand)."""

    def setUp(self) -> None:
        self.sim = Sim()

    def tearDown(self) -> None:
        self.sim.close()

    def follow(self, arn: str, until: Any, limit: int = 200, step: float = 5) -> tuple[dict[str, Any], list[Any]]:
        """Advance until until(sd); returns the last ServiceDeployment and (stage, target weights) seen."""
        seen: list[Any] = []
        for _ in range(limit):
            sd = self.sim.sd(arn)
            target = sd["targetServiceRevision"]
            mark = (sd.get("lifecycleStage"), target.get("requestedProductionTrafficWeight"))
            if not seen or seen[-1] != mark:
                seen.append(mark)
            if until(sd):
                return sd, seen
            self.sim.control("advance", {"seconds": step})
        self.fail("never reached: " + json.dumps(self.sim.sd(arn))[:3000])

    def start(self, **update: Any) -> tuple[dict[str, Any], str]:
        service = self.sim.update(**update)
        return service, service["currentServiceDeployment"]

    # ---- the API and ROLLING ----------------------------------------------------------------
    def test_rolling_service_deployment_revisions_and_current_fields(self) -> None:
        self.sim.seed()
        service = self.sim.service()
        first = service["currentServiceDeployment"]
        self.assertTrue(first.startswith("arn:aws:ecs:us-east-1:123456789012:service-deployment/demo/web/"))
        self.assertEqual([b["status"] for b in self.sim.sds()], ["SUCCESSFUL"])
        self.assertEqual(service["currentServiceRevisions"][0]["runningTaskCount"], 2)
        self.sim.update(desiredCount=2)  # replicas only: no new service deployment
        self.assertEqual(len(self.sim.sds()), 1)
        service, arn = self.start(taskDefinition="web:2")
        self.assertNotEqual(arn, first)
        briefs = self.sim.sds()
        self.assertEqual([b["serviceDeploymentArn"] for b in briefs], [arn, first])  # newest first
        sd, seen = self.follow(arn, lambda d: d["status"] == "SUCCESSFUL")
        self.assertEqual([m[0] for m in seen], ["SCALE_UP", "CLEAN_UP"])
        self.assertEqual(sd["targetServiceRevision"]["runningTaskCount"], 2)
        self.assertEqual(sd["sourceServiceRevisions"][0]["runningTaskCount"], 0)
        self.assertIn("finishedAt", sd)
        rev = self.sim.revision(sd["targetServiceRevision"]["arn"])
        self.assertTrue(rev["serviceRevisionArn"].startswith(
            "arn:aws:ecs:us-east-1:123456789012:service-revision/demo/web/"))
        self.assertEqual(rev["taskDefinition"], TD2)
        self.assertEqual(rev["containerImages"][0]["containerName"], "web")
        self.assertEqual(rev["resolvedConfiguration"]["loadBalancers"], [{"targetGroupArn": TG}])
        self.assertEqual(self.sim.service()["currentServiceRevisions"][0]["arn"], rev["serviceRevisionArn"])
        self.assertEqual(self.sim.sds(status=["IN_PROGRESS"]), [])

    def test_a_newer_update_stops_the_older_deployment(self) -> None:
        self.sim.seed()
        _, older = self.start(taskDefinition="web:2")
        _, newer = self.start(taskDefinition="web:1")
        sd = self.sim.sd(older)
        self.assertEqual(sd["status"], "STOPPED")
        self.assertIn(newer, sd["statusReason"])
        self.follow(newer, lambda d: d["status"] == "SUCCESSFUL")

    def test_limits_failures_and_errors(self) -> None:
        self.sim.seed()
        arn = self.sim.service()["currentServiceDeployment"]
        status, _, data = self.sim.ecs("DescribeServiceDeployments", {"serviceDeploymentArns": [arn] * 21})
        self.assertEqual((status, data["__type"]), (400, "InvalidParameterException"))
        status, _, data = self.sim.ecs("DescribeServiceRevisions", {"serviceRevisionArns": ["x"] * 21})
        self.assertEqual((status, data["__type"]), (400, "InvalidParameterException"))
        data = self.sim.ok("DescribeServiceDeployments", {"serviceDeploymentArns": [arn, arn + "nope"]})
        self.assertEqual(len(data["serviceDeployments"]), 1)
        self.assertEqual(data["failures"], [{"arn": arn + "nope", "reason": "MISSING"}])
        data = self.sim.ok("DescribeServiceRevisions", {"serviceRevisionArns": ["arn:nope"]})
        self.assertEqual((data["serviceRevisions"], data["failures"][0]["reason"]), ([], "MISSING"))
        status, _, data = self.sim.ecs("StopServiceDeployment", {"serviceDeploymentArn": arn + "x"})
        self.assertEqual((status, data["__type"]), (400, "ServiceDeploymentNotFoundException"))
        status, _, data = self.sim.ecs("StopServiceDeployment", {"serviceDeploymentArn": arn, "stopType": "ABORT"})
        self.assertEqual((status, data["__type"]), (400, "ConflictException"))  # already SUCCESSFUL
        status, _, data = self.sim.ecs("ListServiceDeployments", {"cluster": "demo", "service": "web", "maxResults": 0})
        self.assertEqual((status, data["__type"]), (400, "InvalidParameterException"))
        status, _, data = self.sim.ecs("ListServiceDeployments", {"cluster": "demo", "service": "nope"})
        self.assertEqual((status, data["__type"]), (400, "ServiceNotFoundException"))
        for td in ("web:2", "web:1", "web:2"):
            self.sim.update(taskDefinition=td)
        page = self.sim.ok("ListServiceDeployments", {"cluster": "demo", "service": "web", "maxResults": 3})
        self.assertEqual(len(page["serviceDeployments"]), 3)
        rest = self.sim.ok("ListServiceDeployments", {"cluster": "demo", "service": "web",
                                                      "nextToken": page["nextToken"]})
        self.assertEqual([b["serviceDeploymentArn"] for b in rest["serviceDeployments"]], [arn])
        later = self.sim.sds(createdAt={"after": page["serviceDeployments"][0]["createdAt"] - 0.0005})
        self.assertGreaterEqual(len(later), 1)

    def test_regional_clusters_are_not_found_from_another_region(self) -> None:
        self.sim.seed()
        west = {"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-west-2/ecs/aws4_request, "
                                 "SignedHeaders=host;x-amz-date, Signature=00"}
        body = {"cluster": "demo", "services": ["web"]}
        status, _, data = self.sim.ecs("DescribeServices", body, west)
        self.assertEqual((status, len(data["services"])), (200, 1))  # off: any region finds it
        self.sim.control("config", {"regional": True})
        status, _, data = self.sim.ecs("DescribeServices", body, west)
        self.assertEqual((status, data["__type"]), (400, "ClusterNotFoundException"))
        self.assertEqual(len(self.sim.ok("DescribeServices", body)["services"]), 1)  # us-east-1 still does

    def test_denied_unsupported_and_fault_rules(self) -> None:
        self.sim.seed()
        self.sim.control("config", {"deployments_api": "denied"})
        for op in ("ListServiceDeployments", "DescribeServiceDeployments", "DescribeServiceRevisions",
                   "StopServiceDeployment", "ContinueServiceDeployment"):
            status, _, data = self.sim.ecs(op, {"cluster": "demo", "service": "web"})
            self.assertEqual((status, data["__type"]), (400, "AccessDeniedException"))
            self.assertIn(f"is not authorized to perform: ecs:{op}", data["message"])
        self.sim.control("config", {"deployments_api": "unsupported"})
        status, _, data = self.sim.ecs("ListServiceDeployments", {"cluster": "demo", "service": "web"})
        self.assertEqual((status, data["__type"]), (400, "UnsupportedFeatureException"))
        self.assertNotIn("currentServiceDeployment", self.sim.service())
        status, _, _ = self.sim.raw("POST", "/_sim/config", b'{"deployments_api": "maybe"}')
        self.assertEqual(status, 400)
        self.sim.control("config", {"deployments_api": "ok"})
        self.sim.control("rules", {"operation": "DescribeServiceDeployments", "call": 1, "action": "throttle"})
        arn = self.sim.service()["currentServiceDeployment"]
        status, _, data = self.sim.ecs("DescribeServiceDeployments", {"serviceDeploymentArns": [arn]})
        self.assertEqual((status, data["__type"]), (400, "ThrottlingException"))
        self.assertEqual(self.sim.sd(arn)["status"], "SUCCESSFUL")

    def test_scenario_options_are_validated(self) -> None:
        for bad in ({"stage_seconds": -1}, {"stale_describes": 1.5}, {"alarm_in_bake": 3}, {"current_lag": "x"}):
            status, _, _ = self.sim.raw("POST", "/_sim/scenario", json.dumps(dict(bad, service="web")).encode())
            self.assertEqual(status, 400, bad)

    def test_current_lag_and_stale_describes(self) -> None:
        self.sim.seed()
        before = self.sim.service()
        self.sim.control("scenario", {"service": "web", "current_lag": 12, "stale_describes": 2})
        answer = self.sim.update(taskDefinition="web:2")
        self.assertEqual(answer["currentServiceDeployment"], before["currentServiceDeployment"])
        self.assertEqual(answer["taskDefinition"], TD2)
        for _ in range(2):  # the next two describes: the service as before the update
            stale = self.sim.service()
            self.assertEqual((stale["taskDefinition"], len(stale["deployments"])), (TD1, 1))
            self.assertEqual(stale["currentServiceDeployment"], before["currentServiceDeployment"])
        fresh = self.sim.service()
        self.assertEqual((fresh["taskDefinition"], len(fresh["deployments"])), (TD2, 2))
        self.assertEqual(fresh["currentServiceDeployment"], before["currentServiceDeployment"])  # still lagging
        self.assertEqual(len(self.sim.sds()), 1)
        self.sim.control("advance", {"seconds": 12})
        self.assertNotEqual(self.sim.service()["currentServiceDeployment"], before["currentServiceDeployment"])
        self.assertEqual(len(self.sim.sds()), 2)

    # ---- traffic-shifting strategies -----------------------------------------------------------
    def test_blue_green_twice_swaps_target_groups(self) -> None:
        self.sim.seed(config=strategy("BLUE_GREEN"))
        blue_ips = set(self.sim.health(TG))
        for n, (td, green_tg, blue_tg) in enumerate((("web:2", TG2, TG), ("web:1", TG, TG2))):
            _, arn = self.start(taskDefinition=td)
            sd, seen = self.follow(arn, lambda d: d.get("lifecycleStage") == "BAKE_TIME")
            self.assertEqual(sd["targetServiceRevision"]["requestedProductionTrafficWeight"], 100)
            self.assertEqual(sd["sourceServiceRevisions"][0]["requestedProductionTrafficWeight"], 0)
            self.assertEqual(sd["targetServiceRevision"]["requestedTestTrafficWeight"], 100)
            service = self.sim.service()
            self.assertEqual([(d["status"], d["rolloutState"], d["runningCount"]) for d in service["deployments"]],
                             [("PRIMARY", "IN_PROGRESS", 2), ("ACTIVE", "COMPLETED" if n == 0 else "COMPLETED", 2)])
            green = set(self.sim.health(green_tg)) - blue_ips
            self.assertEqual(len(green), 2)
            self.assertEqual(set(self.sim.health(green_tg).values()), {"healthy"})
            self.assertEqual(set(self.sim.health(blue_tg, sorted(green)).values()), {"unused/Target.NotRegistered"})
            sd, rest = self.follow(arn, lambda d: d["status"] == "SUCCESSFUL")
            stages = [m[0] for m in seen + rest]
            self.assertEqual(list(dict.fromkeys(stages)), [
                "PRE_SCALE_UP", "SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT", "POST_TEST_TRAFFIC_SHIFT",
                "PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME", "CLEAN_UP"])
            rev = self.sim.revision(sd["targetServiceRevision"]["arn"])
            self.assertEqual(rev["resolvedConfiguration"]["loadBalancers"],
                             [{"targetGroupArn": green_tg, "productionListenerRule": RULE}])
            self.assertEqual(rev["loadBalancers"][0]["advancedConfiguration"]["alternateTargetGroupArn"], TG2)
            service = self.sim.service()
            self.assertEqual([(d["rolloutState"], d["runningCount"]) for d in service["deployments"]],
                             [("COMPLETED", 2)])
            self.assertEqual(service["loadBalancers"][0]["targetGroupArn"], TG)  # not rewritten by the swap
            self.assertEqual(self.sim.health(blue_tg), {})
            blue_ips = green

    def test_blue_green_superseded_in_bake_reconciles(self) -> None:
        self.sim.seed(config=strategy("BLUE_GREEN"))
        _, older = self.start(taskDefinition="web:2")
        self.follow(older, lambda d: d.get("lifecycleStage") == "BAKE_TIME")
        _, newer = self.start(taskDefinition="web:1")
        self.assertEqual(self.sim.sd(older)["status"], "STOPPED")
        sd, seen = self.follow(newer, lambda d: d["status"] == "SUCCESSFUL")
        self.assertEqual(seen[0][0], "RECONCILE_SERVICE")  # two revisions were active at start
        self.assertEqual(len(sd["sourceServiceRevisions"]), 2)
        self.assertEqual(len(self.sim.health(TG)), 2)  # green TG2 served production, so TG is green now
        self.assertEqual(self.sim.health(TG2), {})

    def test_linear_and_canary_shift_in_steps(self) -> None:
        for name, extra, weights in (
                ("LINEAR", {"linearConfiguration": {"stepPercent": 25, "stepBakeTimeInMinutes": 1}},
                 [0, 25, 50, 75, 100]),
                ("CANARY", {"canaryConfiguration": {"canaryPercent": 10, "canaryBakeTimeInMinutes": 2}}, [0, 10, 100])):
            self.sim.control("reset")
            self.sim.seed(config=strategy(name, **extra))
            _, arn = self.start(taskDefinition="web:2")
            sd, seen = self.follow(arn, lambda d: d["status"] == "SUCCESSFUL", step=2)
            shifted = [w for _, w in seen]
            self.assertEqual(list(dict.fromkeys(shifted)), weights, name)
            at = {w: i for i, (_, w) in enumerate(seen)}
            self.assertTrue(all(seen[at[w]][0] == "PRODUCTION_TRAFFIC_SHIFT" for w in weights[1:-1]))
            self.assertEqual(sd["deploymentConfiguration"]["strategy"], name)

    def test_alarm_rollback_in_bake(self) -> None:
        alarms = {"alarmNames": ["web-5xx"], "enable": True, "rollback": True}
        self.sim.seed(config=strategy("BLUE_GREEN", alarms=alarms, bakeTimeInMinutes=2))
        self.sim.control("scenario", {"service": "web", "alarm_in_bake": "web-5xx", "alarm_after": 30})
        source = self.sim.service()["currentServiceRevisions"][0]["arn"]
        _, arn = self.start(taskDefinition="web:2")
        sd, _ = self.follow(arn, lambda d: d["status"] != "IN_PROGRESS")
        self.assertEqual(sd["status"], "ROLLBACK_IN_PROGRESS")
        self.assertEqual(sd["targetServiceRevision"]["requestedProductionTrafficWeight"], 0)
        self.assertEqual(self.sim.service()["taskDefinition"], TD1)  # traffic and service back at once
        sd, _ = self.follow(arn, lambda d: d["status"] != "ROLLBACK_IN_PROGRESS")
        self.assertEqual(sd["status"], "ROLLBACK_SUCCESSFUL")
        self.assertEqual(sd["alarms"], {"status": "TRIGGERED", "alarmNames": ["web-5xx"],
                                        "triggeredAlarmNames": ["web-5xx"]})
        self.assertIn("web-5xx", sd["rollback"]["reason"])
        self.assertEqual(sd["rollback"]["serviceRevisionArn"], source)
        service = self.sim.service()
        self.assertEqual([d["taskDefinition"] for d in service["deployments"]], [TD1])
        self.assertTrue(any("web-5xx" in e["message"] for e in service["events"]))
        self.assertEqual(len(self.sim.sds()), 2)  # a rollback makes no new service deployment
        self.assertEqual(self.sim.health(TG2), {})

    def test_alarm_rollback_on_rolling(self) -> None:
        alarms = {"alarmNames": ["web-5xx"], "enable": True, "rollback": True}
        self.sim.seed(config=strategy("ROLLING", alarms=alarms))
        self.sim.control("scenario", {"service": "web", "alarm_in_bake": "web-5xx", "stage_seconds": 20})
        _, arn = self.start(taskDefinition="web:2")
        sd, seen = self.follow(arn, lambda d: d["status"] == "ROLLBACK_SUCCESSFUL")
        self.assertIn("BAKE_TIME", [m[0] for m in seen])
        self.assertEqual(sd["alarms"]["triggeredAlarmNames"], ["web-5xx"])
        self.assertEqual(self.sim.service()["taskDefinition"], TD1)

    def test_breaker_rollback_and_stop(self) -> None:
        for config, kind, final in ((strategy("ROLLING"), "breaker_rollback", "ROLLBACK_SUCCESSFUL"),
                                    (strategy("BLUE_GREEN"), "breaker_rollback", "ROLLBACK_SUCCESSFUL"),
                                    (strategy("ROLLING"), "fail_start", "STOPPED")):
            self.sim.control("reset")
            self.sim.seed(config=config)
            self.sim.control("scenario", {"service": "web", "scenario": kind})
            _, arn = self.start(taskDefinition="web:2")
            sd, seen = self.follow(arn, lambda d: d["status"] not in ("IN_PROGRESS", "ROLLBACK_IN_PROGRESS"))
            self.assertEqual(sd["status"], final, config)
            self.assertEqual(sd["deploymentCircuitBreaker"]["status"], "TRIGGERED")
            self.assertGreaterEqual(sd["deploymentCircuitBreaker"]["failureCount"],
                                    sd["deploymentCircuitBreaker"]["threshold"])
            if final == "ROLLBACK_SUCCESSFUL":
                self.assertEqual(self.sim.service()["taskDefinition"], TD1)
                self.assertEqual(self.sim.service()["deployments"][0]["rolloutState"], "COMPLETED")
            else:
                self.assertIn("stoppedAt", sd)
            if config["strategy"] == "BLUE_GREEN":
                self.assertIn("SCALE_UP", [m[0] for m in seen])
                self.assertEqual(set(self.sim.health(TG).values()), {"healthy"})  # blue never left

    def test_stop_rollback_and_abort(self) -> None:
        self.sim.seed(config=strategy("BLUE_GREEN"))
        _, arn = self.start(taskDefinition="web:2")
        self.follow(arn, lambda d: d.get("lifecycleStage") == "BAKE_TIME")
        self.sim.ok("StopServiceDeployment", {"serviceDeploymentArn": arn, "stopType": "ROLLBACK"})
        self.assertEqual(self.sim.sd(arn)["status"], "ROLLBACK_REQUESTED")
        sd, seen = self.follow(arn, lambda d: d["status"] == "ROLLBACK_SUCCESSFUL")
        self.assertIn("StopServiceDeployment", sd["rollback"]["reason"])
        self.assertEqual(self.sim.service()["taskDefinition"], TD1)
        status, _, data = self.sim.ecs("StopServiceDeployment", {"serviceDeploymentArn": arn})
        self.assertEqual((status, data["__type"]), (400, "ConflictException"))
        for strat in ("ROLLING", "BLUE_GREEN"):  # ABORT: STOP_REQUESTED, STOPPED, tasks as they are
            self.sim.control("reset")
            self.sim.seed(config=strategy(strat))
            _, arn = self.start(taskDefinition="web:2")
            self.sim.control("advance", {"seconds": 10})
            self.sim.ok("StopServiceDeployment", {"serviceDeploymentArn": arn, "stopType": "ABORT"})
            self.assertEqual(self.sim.sd(arn)["status"], "STOP_REQUESTED")
            sd, _ = self.follow(arn, lambda d: d["status"] == "STOPPED")
            self.assertIn("stoppedAt", sd)
            before = self.sim.service()
            self.sim.control("advance", {"seconds": 120})
            after = self.sim.service()
            self.assertEqual([d["runningCount"] for d in before["deployments"]],
                             [d["runningCount"] for d in after["deployments"]])

    # ---- hooks ---------------------------------------------------------------------------------
    def pause(self, stage: str, action: str = "ROLLBACK", minutes: int = 60) -> dict[str, Any]:
        return {"targetType": "PAUSE", "lifecycleStages": [stage],
                "timeoutConfiguration": {"timeoutInMinutes": minutes, "action": action}}

    def waiting_hook(self, arn: str) -> tuple[dict[str, Any], dict[str, Any]]:
        sd, _ = self.follow(arn, lambda d: any(h["status"] == "AWAITING_ACTION"
                                               for h in d.get("lifecycleHookDetails", [])))
        return sd, next(h for h in sd["lifecycleHookDetails"] if h["status"] == "AWAITING_ACTION")

    def test_pause_hook_continue_rollback_and_timeout(self) -> None:
        lam = {"targetType": "AWS_LAMBDA", "hookTargetArn": "arn:aws:lambda:us-east-1:123456789012:function:check",
               "roleArn": "arn:aws:iam::123456789012:role/hook", "lifecycleStages": ["POST_TEST_TRAFFIC_SHIFT"]}
        self.sim.seed(config=strategy("BLUE_GREEN", lifecycleHooks=[self.pause("POST_SCALE_UP"), lam]))
        _, arn = self.start(taskDefinition="web:2")
        sd, hook = self.waiting_hook(arn)
        self.assertEqual((sd["lifecycleStage"], hook["targetType"], hook["timeoutAction"]),
                         ("POST_SCALE_UP", "PAUSE", "ROLLBACK"))
        self.sim.control("advance", {"seconds": 300})
        self.assertEqual(self.sim.sd(arn)["lifecycleStage"], "POST_SCALE_UP")  # waits for us
        status, _, data = self.sim.ecs("ContinueServiceDeployment", {"serviceDeploymentArn": arn, "hookId": "nope",
                                                                      "action": "CONTINUE"})
        self.assertEqual((status, data["__type"]), (400, "InvalidParameterException"))
        self.sim.ok("ContinueServiceDeployment", {"serviceDeploymentArn": arn, "hookId": hook["hookId"],
                                                  "action": "CONTINUE"})
        status, _, data = self.sim.ecs("ContinueServiceDeployment", {"serviceDeploymentArn": arn,
                                                                      "hookId": hook["hookId"], "action": "CONTINUE"})
        self.assertEqual((status, data["__type"]), (400, "ConflictException"))
        sd, _ = self.follow(arn, lambda d: d["status"] == "SUCCESSFUL")
        self.assertEqual([(h["targetType"], h["status"]) for h in sd["lifecycleHookDetails"]],
                         [("PAUSE", "SUCCEEDED"), ("AWS_LAMBDA", "SUCCEEDED")])
        self.assertEqual(sd["lifecycleHookDetails"][1]["targetArn"], lam["hookTargetArn"])
        # ContinueServiceDeployment(ROLLBACK), on a rolling deployment paused before scale-up
        self.sim.control("reset")
        self.sim.seed(config=strategy("ROLLING", lifecycleHooks=[self.pause("PRE_SCALE_UP")]))
        _, arn = self.start(taskDefinition="web:2")
        sd, hook = self.waiting_hook(arn)
        self.assertEqual(sd["lifecycleStage"], "PRE_SCALE_UP")
        self.assertEqual(sd["targetServiceRevision"]["runningTaskCount"], 0)
        self.sim.ok("ContinueServiceDeployment", {"serviceDeploymentArn": arn, "hookId": hook["hookId"],
                                                  "action": "ROLLBACK"})
        sd, _ = self.follow(arn, lambda d: d["status"] == "ROLLBACK_SUCCESSFUL")
        self.assertEqual(sd["lifecycleHookDetails"][0]["status"], "FAILED")
        # timeouts: CONTINUE goes on, ROLLBACK rolls back
        for action, final in (("CONTINUE", "SUCCESSFUL"), ("ROLLBACK", "ROLLBACK_SUCCESSFUL")):
            self.sim.control("reset")
            self.sim.seed(config=strategy("ROLLING", lifecycleHooks=[self.pause("POST_SCALE_UP", action, 1)]))
            _, arn = self.start(taskDefinition="web:2")
            self.waiting_hook(arn)
            sd, _ = self.follow(arn, lambda d: d["status"] == final)
            self.assertEqual(sd["lifecycleHookDetails"][0]["status"], "TIMED_OUT")

    # ---- early success ---------------------------------------------------------------------------
    def test_early_success_deferred_vs_blocking(self) -> None:
        for cleanup in ("DEFERRED", "BLOCKING"):
            self.sim.control("reset")
            self.sim.seed(desired=4, config=strategy("ROLLING", earlySuccessCriteria={
                "enable": True, "healthyPercent": 50, "sourceServiceRevisionCleanup": cleanup}))
            # One task starts per 5 s round and is healthy 1 s later: 2 of 4 healthy at 16 s.
            self.sim.control("scenario", {"service": "web", "deferred_cleanup_seconds": 600, "health_delay": 1,
                                          "drain_delay": 2})
            _, arn = self.start(taskDefinition="web:2")
            sd, _ = self.follow(arn, lambda d: d["status"] == "SUCCESSFUL", step=1)
            self.assertEqual(sd["targetServiceRevision"]["runningTaskCount"], 2)
            self.assertEqual(sd["targetServiceRevision"]["pendingTaskCount"], 2)
            service = self.sim.service()
            self.assertEqual(service["deployments"][0]["rolloutState"], "COMPLETED")
            old = [d for d in service["deployments"] if d["taskDefinition"] == TD1]
            if cleanup == "DEFERRED":
                self.assertEqual(old[0]["runningCount"], 4)
                self.assertEqual(sum(1 for s in self.sim.health().values() if s == "healthy"), 4 + 2)
            else:
                self.assertEqual(sd["sourceServiceRevisions"][0]["runningTaskCount"], 0)
            frozen = sd["targetServiceRevision"]
            self.sim.control("advance", {"seconds": 60})  # the rest start by regular scaling
            self.assertEqual(self.sim.sd(arn)["targetServiceRevision"], frozen)
            service = self.sim.service()
            self.assertEqual(service["deployments"][0]["runningCount"], 4)
            if cleanup == "DEFERRED":
                self.assertEqual(len(service["deployments"]), 2)
                self.sim.control("advance", {"seconds": 600})
                self.sim.control("advance", {"seconds": 30})
            self.assertEqual([d["taskDefinition"] for d in self.sim.service()["deployments"]], [TD2])

    # ---- /_sim/state on a running clock -------------------------------------------------------
    def test_state_times_on_a_fast_clock(self) -> None:
        self.sim.seed(config=strategy("CANARY", canaryConfiguration={"canaryPercent": 5, "canaryBakeTimeInMinutes": 1},
                                      lifecycleHooks=[self.pause("POST_SCALE_UP", "CONTINUE", 1)]))
        self.sim.control("config", {"factor": 400})
        started = time.time()
        _, arn = self.start(taskDefinition="web:2")
        while self.sim.sd(arn)["status"] != "SUCCESSFUL":
            self.assertLess(time.time() - started, 20)
            time.sleep(0.05)
        state = self.sim.control("state", method="GET")
        row = next(r for r in state["service_deployments"] if r["arn"] == arn)
        self.assertEqual((row["strategy"], row["status"], row["target_groups"]), ("CANARY", "SUCCESSFUL", [TG2]))
        self.assertEqual(row["source_revisions"][0]["target_groups"], [TG])
        self.assertLess(started, row["production_shift_wall"])
        self.assertLess(row["production_shift_wall"], row["finished_wall"])
        self.assertLessEqual(row["finished_wall"], time.time())
        self.assertEqual(row["hook_pauses"][0]["status"], "TIMED_OUT")
        self.assertLess(row["hook_pauses"][0]["paused_sim"], row["hook_pauses"][0]["resolved_sim"])
        conv = [r for r in state["convergence"] if r.get("service_deployment") == arn]
        self.assertEqual(len(conv), 1)
        self.assertEqual(conv[0]["production_shift_wall"], row["production_shift_wall"])
        self.assertIsNotNone(conv[0]["completed_wall"])
        self.assertIn({"arn": row["target_revision"], "service": "web", "task_definition": TD2,
                       "target_groups": [TG2]}, state["service_revisions"])


WEB = "service/demo/web"
ECS_DIM = {"ServiceNamespace": "ecs", "ScalableDimension": "ecs:service:DesiredCount"}


class AutoScalingTest(unittest.TestCase):
    """Application Auto Scaling: scalable targets, the scaler in and outside deployments (clock advanced by hand)."""

    def setUp(self) -> None:
        self.sim = Sim()
        self.sim.seed(target={"min": 2, "max": 10})

    def tearDown(self) -> None:
        self.sim.close()

    def targets(self, **body: Any) -> Any:
        status, _, data = self.sim.aas("DescribeScalableTargets", dict(ServiceNamespace="ecs", **body))
        self.assertEqual(status, 200, data)
        return data

    def register(self, **body: Any) -> tuple[int, Any]:
        status, _, data = self.sim.aas("RegisterScalableTarget", dict(ECS_DIM, ResourceId=WEB, **body))
        return status, data

    def test_describe_filters_paginates_limits_and_is_classified(self) -> None:
        self.sim.control("seed", {"cluster": "demo", "scalable_targets": [
            {"service": f"s{i}", "min": 1, "max": 3} for i in range(4)]})
        web = self.targets(ResourceIds=[WEB, "service/demo/nope"])["ScalableTargets"]
        self.assertEqual(len(web), 1)
        self.assertIsInstance(web[0].pop("CreationTime"), float)
        self.assertTrue(web[0].pop("ScalableTargetARN").startswith(
            "arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/"))
        self.assertEqual(web[0], dict(ECS_DIM, ResourceId=WEB, MinCapacity=2, MaxCapacity=10, RoleARN=(
            "arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
            "AWSServiceRoleForApplicationAutoScaling_ECSService"), SuspendedState={
            "DynamicScalingInSuspended": False, "DynamicScalingOutSuspended": False,
            "ScheduledScalingSuspended": False}))
        self.assertEqual(len(self.targets()["ScalableTargets"]), 5)
        ids, token, pages = [], None, 0
        while True:
            page = self.targets(MaxResults=2, **({"NextToken": token} if token else {}))
            ids += [t["ResourceId"] for t in page["ScalableTargets"]]
            pages, token = pages + 1, page.get("NextToken")
            if not token:
                break
        self.assertEqual((pages, len(set(ids))), (3, 5))
        for bad in ({"ResourceIds": [f"service/demo/s{i}" for i in range(51)]}, {"MaxResults": 51}):
            status, headers, data = self.sim.aas("DescribeScalableTargets", dict(ServiceNamespace="ecs", **bad))
            self.assertEqual((status, data["__type"], headers["x-amzn-errortype"]), (400, "ValidationException",
                                                                                  "ValidationException"))
            self.assertIn("1 validation error detected", data["Message"])
        status, _, data = self.sim.aas("DescribeScalableTargets", {"ServiceNamespace": "ecs"}, signing="autoscaling")
        self.assertEqual((status, data["__type"]), (403, "InvalidSignatureException"))
        # Classified as its own service: rules match it, ECS requests are not affected.
        self.sim.control("rules", {"service": "application-autoscaling", "operation": "DescribeScalableTargets",
                                   "call": 1, "action": "throttle"})
        self.sim.control("requests", method="DELETE")
        status, _, data = self.sim.aas("DescribeScalableTargets", {"ServiceNamespace": "ecs"})
        self.assertEqual((status, data["__type"]), (400, "ThrottlingException"))
        self.assertEqual(self.sim.service()["serviceName"], "web")
        self.targets()
        log = self.sim.control("requests", method="GET")["requests"]
        self.assertEqual([(r["service"], r["operation"], r["signing_service"], r["status"]) for r in log], [
            ("application-autoscaling", "DescribeScalableTargets", "application-autoscaling", 400),
            ("ecs", "DescribeServices", "ecs", 200),
            ("application-autoscaling", "DescribeScalableTargets", "application-autoscaling", 200)])
        self.assertEqual(log[0]["params"], {"ServiceNamespace": "ecs"})

    def test_register_updates_bounds_and_pulls_desired_count_in(self) -> None:
        arn = self.targets()["ScalableTargets"][0]["ScalableTargetARN"]
        self.assertEqual(self.register(MinCapacity=3), (200, {"ScalableTargetARN": arn}))  # update: min only
        service = self.sim.service()
        self.assertEqual(service["desiredCount"], 3)
        self.assertEqual(service["events"][0]["message"], "(service web) has been scaled to 3 by application autoscaling.")
        self.assertEqual(self.advance_running(3), 3)
        status, data = self.register(MaxCapacity=1)  # below the kept min 3
        self.assertEqual((status, data["__type"]), (400, "ValidationException"))
        self.assertEqual(self.register(MinCapacity=1, MaxCapacity=1, SuspendedState={
            "DynamicScalingOutSuspended": True})[0], 200)
        target = self.targets(ResourceIds=[WEB])["ScalableTargets"][0]
        self.assertEqual((target["MinCapacity"], target["MaxCapacity"], target["SuspendedState"]), (1, 1, {
            "DynamicScalingInSuspended": False, "DynamicScalingOutSuspended": True, "ScheduledScalingSuspended": False}))
        self.assertEqual(self.advance_running(1), 1)  # pulled in although scale-out is suspended
        state = self.sim.control("state", method="GET")
        self.assertEqual([(e["cause"], e["from"], e["to"], e["result"]) for e in state["scale_events"]],
                         [("register", 2, 3, "scaled"), ("register", 3, 1, "scaled")])
        self.assertEqual(state["scalable_targets"][0]["scalable_target"]["min"], 1)
        # The scaler now (POST scale): clamped to the bounds, nothing in a suspended direction.
        self.assertEqual(self.register(MaxCapacity=5, SuspendedState={"DynamicScalingOutSuspended": False})[0], 200)
        row = self.sim.control("scale", {"cluster": "demo", "service": "web", "desired": 9})
        self.assertEqual((row["requested"], row["to"], row["result"]), (9, 5, "scaled"))
        self.register(SuspendedState={"DynamicScalingInSuspended": True})
        row = self.sim.control("scale", {"cluster": "demo", "service": "web", "desired": 2})
        self.assertEqual((row["to"], row["result"]), (5, "suspended"))
        self.assertEqual(self.sim.service()["desiredCount"], 5)
        # Errors: unknown service, a new target without bounds, deregistering twice.
        status, _, data = self.sim.aas("RegisterScalableTarget", dict(ECS_DIM, ResourceId="service/demo/nope",
                                                                      MinCapacity=1, MaxCapacity=2))
        self.assertEqual((status, data["__type"], data["Message"]), (
            400, "ValidationException", "ECS service doesn't exist: service/demo/nope"))
        self.assertEqual(self.sim.aas("DeregisterScalableTarget", dict(ECS_DIM, ResourceId=WEB))[2], {})
        status, data = self.register(MinCapacity=1)
        self.assertEqual((status, data["__type"]), (400, "ValidationException"))
        status, _, data = self.sim.aas("DeregisterScalableTarget", dict(ECS_DIM, ResourceId=WEB))
        self.assertEqual((status, data["__type"]), (400, "ObjectNotFoundException"))
        self.assertIsNone(self.sim.control("state", method="GET")["scalable_targets"][0]["scalable_target"])

    def advance_running(self, count: int) -> int:
        for _ in range(30):
            self.sim.control("advance", {"seconds": 5})
            service = self.sim.service()
            if service["runningCount"] == count and len(service["deployments"]) == 1:
                return count
        return self.sim.service()["runningCount"]

    def test_scale_out_in_the_middle_of_a_deployment(self) -> None:
        self.sim.control("scenario", {"service": "web", "scenario": "converge", "scale_to": 4, "scale_after": 10})
        ours = self.sim.update(taskDefinition="web:2")["deployments"][0]["id"]
        for _ in range(60):
            self.sim.control("advance", {"seconds": 5})
            service = self.sim.service()
            if service["deployments"][0]["rolloutState"] != "IN_PROGRESS" and len(service["deployments"]) == 1:
                break
        primary = service["deployments"][0]
        self.assertEqual((primary["id"], primary["rolloutState"], primary["taskDefinition"]), (ours, "COMPLETED", TD2))
        self.assertEqual((service["desiredCount"], service["runningCount"], primary["runningCount"]), (4, 4, 4))
        state = self.sim.control("state", method="GET")
        scaled = state["scale_events"]
        self.assertEqual([(e["cause"], e["from"], e["to"], e["result"], e["deployment"]) for e in scaled],
                         [("scenario", 2, 4, "scaled", ours)])
        row = next(r for r in state["convergence"] if r["deployment"] == ours)
        self.assertLess(scaled[0]["at_sim"], row["completed_sim"])
        self.assertEqual(self.sim.sds()[0]["status"], "SUCCESSFUL")

    def test_denied(self) -> None:
        self.sim.control("config", {"autoscaling_api": "denied"})
        for op, body in (("DescribeScalableTargets", {"ServiceNamespace": "ecs"}),
                         ("RegisterScalableTarget", dict(ECS_DIM, ResourceId=WEB, MinCapacity=1))):
            status, _, data = self.sim.aas(op, body)
            self.assertEqual((status, data["__type"], data["Message"]), (
                400, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/ci is not authorized to "
                                              f"perform: application-autoscaling:{op}"))
        self.assertEqual(self.sim.control("state", method="GET")["autoscaling_api"], "denied")
        self.sim.control("config", {"autoscaling_api": "ok"})
        self.assertEqual(len(self.targets()["ScalableTargets"]), 1)


THROTTLED = (400, "ThrottlingException", "Rate exceeded")


class BucketsTest(unittest.TestCase):
    """AWS's API throttling token buckets, account-wide, in real time (small buckets keep each test short)."""

    def setUp(self) -> None:
        self.sim = Sim()
        self.sim.seed()

    def tearDown(self) -> None:
        self.sim.close()

    def buckets(self, spec: Any) -> None:
        self.sim.control("config", {"buckets": spec})

    def call(self, op: str, body: dict[str, Any] | None = None) -> tuple[int, str, str]:
        status, headers, data = self.sim.ecs(op, body if body is not None else {"cluster": "demo", "services": ["web"]})
        if status == 200:
            return status, "", ""
        return status, data.get("__type", ""), data.get("message", "")

    def family(self, name: str) -> dict[str, Any]:
        return self.sim.control("state", method="GET")["buckets"]["families"][name]

    def test_burst_then_throttle_then_refill_in_real_time_only(self) -> None:
        self.assertEqual(self.sim.control("state", method="GET")["buckets"], {"mode": "off", "families": {}})
        self.buckets({"families": {"ecs_service_read": {"burst": 3, "rate": 0}}})
        codes = [self.call("DescribeServices") for _ in range(4)]
        self.assertEqual(codes, [(200, "", "")] * 3 + [THROTTLED])
        status, headers, _ = self.sim.ecs("ListServices", {"cluster": "demo"})  # same family
        self.assertEqual((status, headers["x-amzn-errortype"]), (400, "ThrottlingException"))
        self.assertEqual(self.call("ListTasks", {"cluster": "demo"})[0], 200)  # another family
        state = self.sim.control("state", method="GET")["buckets"]
        self.assertEqual(state["mode"], "aws")
        self.assertEqual(len(state["families"]), 14)
        self.assertEqual(state["families"]["ecs_service_read"], {
            "burst": 3, "rate": 0, "tenant": 0, "tokens": 0, "taken": 3, "throttled": 2})
        self.assertEqual(state["families"]["ecs_cluster_resource_read"]["taken"], 1)
        self.assertEqual(state["families"]["ecs_service_modify"], {
            "burst": 50, "rate": 5, "tenant": 0, "tokens": 50, "taken": 0, "throttled": 0})
        # Refill: burst 1 so each check depends on one request's gap only (robust on a busy machine).
        self.buckets({"families": {"ecs_service_read": {"burst": 1, "rate": 5}}})  # on again: full, counts reset
        self.assertEqual([self.call("DescribeServices")[0] for _ in range(2)], [200, 400])
        self.sim.control("config", {"factor": 1000})
        self.sim.control("advance", {"seconds": 3600})  # the sim clock refills nothing
        self.assertEqual(self.call("DescribeServices"), THROTTLED)
        time.sleep(0.25)  # 5/s: a token back
        self.assertEqual([self.call("DescribeServices")[0] for _ in range(2)], [200, 400])
        rows = self.sim.control("requests?service=ecs", method="GET")["requests"]
        self.assertEqual([(r["operation"], r["family"], r["throttled"], r["status"], r["fault"]) for r in rows],
                         [("DescribeServices", "ecs_service_read", False, 200, None)] * 3 +
                         [("DescribeServices", "ecs_service_read", True, 400, None),
                          ("ListServices", "ecs_service_read", True, 400, None),
                          ("ListTasks", "ecs_cluster_resource_read", False, 200, None)] +
                         [("DescribeServices", "ecs_service_read", t, 400 if t else 200, None)
                          for t in (False, True, True, False, True)])
        read = self.family("ecs_service_read")
        self.assertEqual((read["burst"], read["rate"], read["taken"], read["throttled"]), (1, 5, 2, 3))

    def test_elbv2_calls_need_their_family_and_the_account_bucket(self) -> None:
        self.buckets({"families": {"elbv2_account": {"burst": 4, "rate": 0},
                                   "elbv2_registration": {"burst": 1, "rate": 0},
                                   "elbv2_describe": {"rate": 0}, "elbv2_other": {"rate": 0}}})
        tg = {"TargetGroupArn": TG}
        calls = [self.sim.elb("RegisterTargets", **tg, **{"Targets.member.1.Id": "10.0.0.9"}),
                 self.sim.elb("DeregisterTargets", **tg, **{"Targets.member.1.Id": "10.0.0.9"}),  # family empty
                 self.sim.elb("DescribeTargetHealth", **tg), self.sim.elb("DescribeTargetGroupAttributes", **tg),
                 self.sim.elb("DescribeTargetHealth", **tg),
                 self.sim.elb("DescribeTargetHealth", **tg),  # account empty
                 self.sim.elb("CreateRule", ListenerArn="x")]  # elbv2_other, account empty
        self.assertEqual([c[1] == "Throttling" for c in calls], [False, True, False, False, False, True, True])
        self.assertEqual(calls[5], (400, "Throttling"))
        self.assertEqual(self.sim.elb("DescribeTargetHealth", **tg), (400, "Throttling"))
        families = self.sim.control("state", method="GET")["buckets"]["families"]
        self.assertEqual({f: (families[f]["taken"], families[f]["throttled"], families[f]["tokens"]) for f in (
            "elbv2_account", "elbv2_registration", "elbv2_describe", "elbv2_other")}, {
            "elbv2_account": (4, 3, 0), "elbv2_registration": (1, 1, 0), "elbv2_describe": (3, 0, 37),
            "elbv2_other": (0, 0, 20)})
        rows = self.sim.control("requests?service=elbv2", method="GET")["requests"]
        self.assertEqual([r["family"] for r in rows[:3]], ["elbv2_registration", "elbv2_registration", "elbv2_describe"])

    def test_two_concurrent_clients_share_one_bucket(self) -> None:
        self.buckets({"families": {"ecs_service_read": {"burst": 10, "rate": 0}}})
        results: list[int] = []

        def client(key: str) -> None:
            auth = {"Authorization": f"AWS4-HMAC-SHA256 Credential={key}/20250101/us-east-1/ecs/aws4_request, "
                                     "SignedHeaders=host;x-amz-date, Signature=00"}
            for _ in range(10):
                results.append(self.sim.ecs("DescribeServices", {"cluster": "demo", "services": ["web"]}, auth)[0])

        threads = [threading.Thread(target=client, args=(key,)) for key in ("AKIDA", "AKIDB")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(results), [200] * 10 + [400] * 10)
        rows = self.sim.control("requests", method="GET")["requests"]
        self.assertEqual({r["access_key"] for r in rows}, {"AKIDA", "AKIDB"})
        self.assertEqual(sum(not r["throttled"] for r in rows), 10)
        self.assertEqual((self.family("ecs_service_read")["taken"], self.family("ecs_service_read")["throttled"]),
                         (10, 10))

    def test_a_throttled_call_changes_nothing(self) -> None:
        self.buckets({"families": {"ecs_service_modify": {"burst": 1, "rate": 0},
                                   "ecs_task_definition_modify": {"burst": 1, "rate": 0},
                                   "application_autoscaling": {"burst": 0, "rate": 0}}})
        self.assertEqual(self.sim.update(desiredCount=3)["desiredCount"], 3)
        self.assertEqual(self.call("UpdateService", {"cluster": "demo", "service": "web", "desiredCount": 5}),
                         THROTTLED)
        self.assertEqual(self.call("UpdateService", {"cluster": "demo", "service": "web", "taskDefinition": "web:2"}),
                         THROTTLED)
        service = self.sim.service()
        self.assertEqual((service["desiredCount"], len(service["deployments"]), service["taskDefinition"]), (3, 1, TD1))
        td = {"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx:2"}]}
        self.assertEqual(self.call("RegisterTaskDefinition", td)[0], 200)
        self.assertEqual(self.call("RegisterTaskDefinition", td), THROTTLED)
        self.assertEqual(len(self.sim.ok("ListTaskDefinitions", {})["taskDefinitionArns"]), 3)
        status, headers, data = self.sim.aas("RegisterScalableTarget", {
            "ServiceNamespace": "ecs", "ScalableDimension": "ecs:service:DesiredCount",
            "ResourceId": "service/demo/web", "MinCapacity": 1, "MaxCapacity": 4})
        self.assertEqual((status, data), (400, {"__type": "ThrottlingException", "message": "Rate exceeded"}))
        self.buckets("off")
        self.assertEqual(self.sim.aas("DescribeScalableTargets", {"ServiceNamespace": "ecs"})[2]["ScalableTargets"], [])

    def test_overrides_scale_tenants_and_validation(self) -> None:
        self.buckets({"scale": 0.01})
        read = self.family("ecs_service_read")
        self.assertEqual((read["burst"], read["rate"], read["tokens"]), (1, 0.2, 1))
        self.assertEqual(self.family("ecs_task_definition_modify")["burst"], 0.2)
        fast = {"burst": 2, "rate": 20}
        self.buckets({"families": {"ecs_service_read": fast, "ecs_task_definition_read": fast,
                                   "ecs_cluster_resource_read": {"burst": 5, "rate": 0}},
                      "tenants": {"ecs_task_definition_read": 20, "ecs_cluster_resource_read": 100}})
        describe_td = {"taskDefinition": "web:1"}
        self.assertEqual([self.call(op, describe_td)[0] for op in ("DescribeTaskDefinition",) * 2], [200, 200])
        self.assertEqual([self.call("DescribeServices")[0] for _ in range(2)], [200, 200])
        time.sleep(0.12)
        self.assertEqual(self.call("DescribeServices")[0], 200)  # refilled at 20/s
        self.assertEqual(self.call("DescribeTaskDefinition", describe_td), THROTTLED)  # the tenant takes the 20/s
        self.assertEqual(self.call("ListTasks", {"cluster": "demo"}), THROTTLED)  # drained by the tenant
        tds = self.family("ecs_task_definition_read")
        self.assertEqual((tds["tenant"], tds["tokens"], tds["taken"]), (20, 0, 2))
        self.buckets("aws")  # on again: every bucket full
        self.assertEqual((self.family("ecs_service_read")["tokens"], self.family("ecs_service_read")["taken"]), (100, 0))
        self.assertEqual(self.family("ecs_task_definition_read")["tenant"], 0)
        for bad, words in (("on", '"aws", "off"'), ({"families": {"ecs_nope": {"burst": 1}}}, "unknown family 'ecs_nope'"),
                           ({"families": {"ecs_other": {"burst": -1}}}, "families.ecs_other.burst"),
                           ({"families": {"ecs_other": {"rate": "5"}}}, "families.ecs_other.rate"),
                           ({"families": {"ecs_other": 5}}, "families.ecs_other must be an object"),
                           ({"scale": 0}, "scale must be"), ({"tenants": {"elbv2_all": 1}}, "unknown family 'elbv2_all'"),
                           ({"tenants": {"elbv2_other": True}}, "tenants.elbv2_other"), ({"burst": 5}, "unknown key")):
            status, _, data = self.sim.raw("POST", "/_sim/config", json.dumps({"buckets": bad, "factor": 7}).encode())
            self.assertEqual(status, 400, bad)
            self.assertIn(words, json.loads(data)["error"])
        self.assertEqual(self.family("ecs_service_read")["burst"], 100)  # a refused config changes nothing

    def test_off_after_reset_on_with_the_flag_and_only_aws_apis_count(self) -> None:
        self.buckets({"families": {"ecs_service_read": {"burst": 0, "rate": 0}}})
        self.assertEqual(self.call("DescribeServices"), THROTTLED)
        self.sim.control("reset")
        self.assertEqual(self.sim.control("state", method="GET")["buckets"], {"mode": "off", "families": {}})
        self.sim.seed()
        self.assertEqual(self.call("DescribeServices")[0], 200)
        row = self.sim.control("requests", method="GET")["requests"][-1]
        self.assertEqual((row["family"], row["throttled"]), ("ecs_service_read", False))  # family logged when off too
        other = Sim("--buckets", "aws")
        try:
            self.assertEqual(other.control("state", method="GET")["buckets"]["mode"], "aws")
            status, _, _ = other.raw("POST", "/", b"Action=GetCallerIdentity&Version=2011-06-15", {
                "Content-Type": "application/x-www-form-urlencoded",
                "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/sts/aws4_request, "
                                 "SignedHeaders=host, Signature=00"})
            self.assertEqual(status, 200)
            self.assertEqual(other.raw("GET", "/latest/meta-data/iam/security-credentials/")[0], 401)  # IMDSv2: token
            self.assertEqual(other.elb("DescribeTargetHealth", TargetGroupArn=TG)[1], "TargetGroupNotFound")
            families = other.control("state", method="GET")["buckets"]["families"]
            self.assertEqual(sum(f["taken"] for f in families.values()), 2)  # elbv2_describe + elbv2_account
            self.assertEqual([(r["service"], r["family"]) for r in other.control("requests", method="GET")["requests"]],
                             [("sts", None), ("imds", None), ("elbv2", "elbv2_describe")])
            other.control("reset")
            self.assertEqual(other.control("state", method="GET")["buckets"]["mode"], "off")
        finally:
            other.close()

    def test_the_bucket_answers_before_fault_rules_but_a_delay_still_delays(self) -> None:
        self.sim.control("rules", {"rules": [
            {"operation": "DescribeServices", "call": 1, "action": "status", "status": 503},
            {"operation": "ListTasks", "action": "delay", "delay_ms": 150},
            {"operation": "DescribeTaskDefinition", "action": "throttle"}]})
        self.buckets({"families": {"ecs_service_read": {"burst": 0, "rate": 0},
                                   "ecs_cluster_resource_read": {"burst": 0, "rate": 0}}})
        self.assertEqual(self.call("DescribeServices"), THROTTLED)  # not the 503
        started = time.monotonic()
        self.assertEqual(self.call("ListTasks", {"cluster": "demo"}), THROTTLED)
        self.assertGreaterEqual(time.monotonic() - started, 0.15)
        self.assertEqual(self.call("DescribeTaskDefinition", {"taskDefinition": "web:1"}), THROTTLED)  # the rule's
        rows = self.sim.control("requests", method="GET")["requests"]
        self.assertEqual([(r["fault"], r["throttled"]) for r in rows],
                         [(None, True), ("delay", True), ("throttle", False)])
        self.assertEqual([(r["seen"], r["fired"]) for r in self.sim.control("rules", method="GET")["rules"]],
                         [(1, 0), (1, 1), (1, 1)])
        self.assertEqual(self.family("ecs_task_definition_read")["taken"], 1)  # a rule's throttle spent a token

    def test_proxy_mode_throttles_before_forwarding(self) -> None:
        forwarded: list[str] = []

        class Upstream(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - stdlib name
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                forwarded.append(self.headers.get("X-Amz-Target") or "query")
                self.send_response(200)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
                pass

        upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
        threading.Thread(target=upstream.serve_forever, args=(0.05,), daemon=True).start()
        proxy = Sim("--upstream", f"http://127.0.0.1:{upstream.server_address[1]}")
        try:
            proxy.control("config", {"buckets": {"families": {"ecs_cluster_read": {"burst": 1, "rate": 0},
                                                              "elbv2_other": {"burst": 1, "rate": 0}}}})
            codes = [proxy.ecs("ListClusters", {})[0] for _ in range(2)]
            codes += [proxy.elb("CreateRule", ListenerArn="x")[0] for _ in range(2)]
            self.assertEqual(codes, [200, 400, 200, 400])
            self.assertEqual(forwarded, ["AmazonEC2ContainerServiceV20141113.ListClusters", "query"])
        finally:
            proxy.close()
            upstream.shutdown()
            upstream.server_close()


class BucketMathTest(unittest.TestCase):
    """buckets.py on its own, on a fake clock (no process): families and exact refill arithmetic."""

    def test_bucket_math_is_exact_on_a_fake_clock(self) -> None:
        sys.path.insert(0, os.path.dirname(HERE))
        from awssim.buckets import Buckets, families_of
        now = [0.0]
        buckets = Buckets(lambda: now[0])
        family = families_of("ecs", "RegisterTaskDefinition")
        self.assertEqual(family, ("ecs_task_definition_modify",))
        self.assertEqual(families_of("elbv2", "DescribeRules"), ("elbv2_describe", "elbv2_account"))
        self.assertEqual(families_of("ecs", "TagResource"), ("ecs_other",))
        self.assertEqual(families_of("sts", "GetCallerIdentity"), ())
        self.assertTrue(all(buckets.take(family) for _ in range(100)))  # off
        buckets.configure({"tenants": {"ecs_task_definition_modify": 0.5}})  # 20 burst, 1/s - 0.5/s
        self.assertEqual(sum(buckets.take(family) for _ in range(25)), 20)
        now[0] = 3.9
        self.assertEqual(sum(buckets.take(family) for _ in range(5)), 1)  # 1.95 tokens back
        now[0] = 4.0
        self.assertEqual(sum(buckets.take(family) for _ in range(5)), 1)  # 0.95 + 0.05
        now[0] = 1000.0
        self.assertEqual(buckets.snapshot()["families"]["ecs_task_definition_modify"]["tokens"], 20)  # capped


if __name__ == "__main__":
    unittest.main()
