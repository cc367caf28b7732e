#!/usr/bin/env python3
"""Self-test of the awssim package in fake-only mode, run as a process (stdlib unittest; loopback only)."""
from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
import unittest
import urllib.parse
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))  # test/tools/awssim
TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/0123456789abcdef"
TD1 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1"
TD2 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2"


class Sim:
    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, HERE, "--lifetime", "120"],
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

    def health(self) -> dict[str, str]:
        form = "Action=DescribeTargetHealth&Version=2015-12-01&TargetGroupArn=" + urllib.parse.quote(TG, safe="")
        status, _, data = self.raw("POST", "/", form.encode(), {
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/elasticloadbalancing/aws4_request, "
                             "SignedHeaders=host, Signature=00"})
        assert status == 200, data
        import xml.etree.ElementTree as ET
        ns = {"e": "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"}
        root = ET.fromstring(data)
        return {m.find("e:Target/e:Id", ns).text: m.find("e:TargetHealth/e:State", ns).text  # type: ignore[union-attr]
                for m in root.iterfind(".//e:TargetHealthDescriptions/e:member", ns)}

    def seed(self, desired: int = 2, lb: bool = True) -> None:
        td = {"family": "web", "cpu": "256", "memory": "512", "requiresCompatibilities": ["FARGATE"],
              "containerDefinitions": [{"name": "web", "image": "nginx"}], "tags": [{"key": "team", "value": "p"}]}
        service: dict[str, Any] = {"serviceName": "web", "desiredCount": desired, "taskDefinition": "web:1"}
        if lb:
            service["loadBalancers"] = [{"targetGroupArn": TG, "containerName": "web", "containerPort": 8080}]
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


if __name__ == "__main__":
    unittest.main()
