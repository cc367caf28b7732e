"""The fake ECS, ELBv2 and STS answers, from the deployment model (or merged with moto's)."""
from __future__ import annotations

import json
import urllib.parse
import uuid
from typing import Any, Callable
from xml.sax.saxutils import escape as xml_escape

from .clock import epoch3
from .ecs_model import Service, fargate_pair_ok, units
from .service_deployments import ONGOING
from .wire import DEFAULT_ACCOUNT, DEFAULT_REGION, ELB_NS, STS_NS, AwsRequest, Reply, json_error, json_reply, query_error, xml_reply

SD_OPS = ("ListServiceDeployments", "DescribeServiceDeployments", "DescribeServiceRevisions",
          "StopServiceDeployment", "ContinueServiceDeployment")


class Answers:
    """The Sim's modelled answers (a mixin: uses self.model, self.lock, self.forward())."""

    # ---- ECS --------------------------------------------------------------------------------
    def ecs_answer(self, req: AwsRequest) -> Reply:
        op, body = req.operation, req.json
        if self.validate_fargate and op == "RegisterTaskDefinition":
            bad = self.fargate_error(body)
            if bad is not None:
                return bad
        if op in ("DescribeServices", "CreateService", "UpdateService"):
            return self.ecs_services(req)
        if op in ("ListTasks", "DescribeTasks"):
            return self.after_upstream(req, lambda: self.ecs_tasks(req))
        if op in SD_OPS:
            return self.service_deployments(req)
        if self.upstream is not None:
            return self.forward(req)
        if op == "DescribeTaskDefinition":
            return self.describe_td(body)
        if op == "RegisterTaskDefinition":
            return self.register_td(body, req)
        if op == "DeregisterTaskDefinition":
            return self.deregister_td(body)
        if op == "ListTaskDefinitions":
            return self.list_tds(body)
        if op == "ListServices":
            return self.list_services(body)
        return json_error("UnknownOperationException", f"awssim fake-only mode does not model {op}")

    def after_upstream(self, req: AwsRequest, model_answer: Callable[[], Reply | None]) -> Reply:
        """Forward first (so moto still verifies signatures), then answer from the model if it can."""
        upstream = self.forward(req) if self.upstream is not None else None
        if upstream is not None and upstream.status >= 400:
            return upstream
        with self.lock:
            mine = model_answer()
        if mine is not None:
            return mine
        return upstream if upstream is not None else json_error(
            "ClientException", "awssim: nothing modelled for this request")

    def ecs_services(self, req: AwsRequest) -> Reply:
        op, body = req.operation, req.json
        upstream = self.forward(req) if self.upstream is not None else None
        if upstream is not None and upstream.status >= 400:
            return upstream
        with self.lock:
            self.model.tick()
            if upstream is not None:
                try:
                    data = json.loads(upstream.body)
                except ValueError:
                    return upstream
            else:
                data = None
            if upstream is not None and not self.learn_services and \
                    self.model.find(body.get("cluster"), str(body.get("service", ""))) is None:
                if op != "DescribeServices" or not any(
                        self.model.find(body.get("cluster"), str(n)) for n in body.get("services", []) or []):
                    return upstream
            if op == "DescribeServices":
                return self.describe_services(body, data, upstream, req.scope_region)
            if op == "CreateService":
                if data and "service" in data:
                    self.model.learn(data["service"])
                    return upstream  # type: ignore[return-value]
                return json_error("ClientException", "awssim fake-only mode: seed services via /_sim/seed")
            svc = self.model.find(body.get("cluster"), str(body.get("service", "")))
            if svc is None and data and "service" in data:
                svc = self.model.learn(data["service"])
            if svc is None:
                return json_error("ServiceNotFoundException", "Service not found.")
            self.model.update(svc, body)
            base = data["service"] if data and "service" in data else None
            if base is not None:
                svc.body = {k: v for k, v in base.items() if k not in ("deployments", "events")}
            reply = json_reply({"service": self.model.render_service(svc, base)})
            return reply

    def describe_services(self, body: dict[str, Any], data: dict[str, Any] | None, upstream: Reply | None,
                          region: str = "") -> Reply:
        cluster = body.get("cluster")
        if data is not None:
            out = []
            for service in data.get("services", []):
                svc = self.model.find(cluster or service.get("clusterArn"), service.get("serviceArn", ""))
                if svc is None and not self.learn_services:
                    out.append(service)
                    continue
                if svc is None:
                    svc = self.model.learn(service)
                out.append(self.stale_or(svc) or self.model.render_service(
                    svc, {k: v for k, v in service.items() if k not in ("deployments", "events")}))
            data["services"] = out
            reply = json_reply(data)
            reply.headers = [(k, v) for k, v in upstream.headers if k.lower() != "content-type"] + \
                [("Content-Type", "application/x-amz-json-1.1")] if upstream else reply.headers
            return reply
        services, failures = [], []
        def here(svc: Service | None) -> bool:
            return svc is not None and (not self.model.regional or not region or svc.region == region)
        for name in body.get("services", []) or []:
            svc = self.model.find(cluster, str(name))
            if not here(svc):
                arn = name if str(name).startswith("arn:") else \
                    f"arn:aws:ecs:{region or DEFAULT_REGION}:{DEFAULT_ACCOUNT}:service/{name}"
                failures.append({"arn": arn, "reason": "MISSING"})
            else:
                services.append(self.stale_or(svc) or self.model.render_service(svc))
        if cluster and not any(s.cluster == cluster.rsplit("/", 1)[-1] and here(s) for s in self.model.services.values()):
            return json_error("ClusterNotFoundException", "Cluster not found.")
        return json_reply({"services": services, "failures": failures})

    @staticmethod
    def stale_or(svc: Service) -> dict[str, Any] | None:
        """`stale_describes`: the service as it was just before the last UpdateService, N times."""
        if not svc.stale or svc.stale[0] <= 0:
            return None
        svc.stale[0] -= 1
        return json.loads(json.dumps(svc.stale[1]))

    # ---- service deployments and revisions ----------------------------------------------------
    def service_deployments(self, req: AwsRequest) -> Reply:
        op, body = req.operation, req.json
        api = self.model.deployments_api
        if api == "denied":
            return json_error("AccessDeniedException", f"User: arn:aws:iam::{DEFAULT_ACCOUNT}:user/sim is not "
                              f"authorized to perform: ecs:{op} on resource: * because no identity-based "
                              f"policy allows the ecs:{op} action")
        if api == "unsupported":
            return json_error("UnsupportedFeatureException", f"{op} is not supported in this region.")
        with self.lock:
            self.model.tick()
            handler = {"ListServiceDeployments": self.list_sds, "DescribeServiceDeployments": self.describe_sds,
                       "DescribeServiceRevisions": self.describe_revisions,
                       "StopServiceDeployment": self.stop_sd, "ContinueServiceDeployment": self.continue_sd}[op]
            reply = handler(body)
        if reply is None and self.upstream is not None:
            return self.forward(req)  # nothing the model knows: moto's answer (it has none of these)
        return reply or json_error("ServiceDeploymentNotFoundException", "Service deployment not found.")

    def list_sds(self, body: dict[str, Any]) -> Reply | None:
        svc = self.model.find(body.get("cluster"), str(body.get("service", "")))
        if svc is None:
            return None if self.upstream is not None else json_error("ServiceNotFoundException", "Service not found.")
        limit = body.get("maxResults", 20)
        if not isinstance(limit, int) or not 1 <= limit <= 100:
            return json_error("InvalidParameterException", "maxResults must be between 1 and 100.")
        statuses = body.get("status") or []
        created = body.get("createdAt") or {}
        after, before = created.get("after"), created.get("before")
        rows = [sd for sd in self.model.visible_sds(svc) if (not statuses or sd.status in statuses)
                and (after is None or sd.created >= float(after)) and (before is None or sd.created <= float(before))]
        start = 0
        if body.get("nextToken"):
            try:
                start = int(str(body["nextToken"]).split("sim-offset-", 1)[1])
            except (IndexError, ValueError):
                return json_error("InvalidParameterException", "Invalid nextToken.")
        out: dict[str, Any] = {"serviceDeployments": [self.model.render_brief(sd) for sd in rows[start:start + limit]]}
        if start + limit < len(rows):
            out["nextToken"] = f"sim-offset-{start + limit}"
        return json_reply(out)

    def describe_many(self, body: dict[str, Any], key: str, known: dict[str, Any], render: Callable[[Any], Any],
                      out_key: str) -> Reply | None:
        arns = [str(a) for a in body.get(key) or []]
        if len(arns) > 20:
            return json_error("InvalidParameterException", f"{key} can have at most 20 items.")
        if self.upstream is not None and arns and not any(a in known for a in arns):
            return None
        return json_reply({out_key: [render(known[a]) for a in arns if a in known],
                           "failures": [{"arn": a, "reason": "MISSING"} for a in arns if a not in known]})

    def describe_sds(self, body: dict[str, Any]) -> Reply | None:
        return self.describe_many(body, "serviceDeploymentArns", self.model.sds, self.model.render_sd,
                                  "serviceDeployments")

    def describe_revisions(self, body: dict[str, Any]) -> Reply | None:
        return self.describe_many(body, "serviceRevisionArns", self.model.revisions, lambda r: r.render(),
                                  "serviceRevisions")

    def stop_sd(self, body: dict[str, Any]) -> Reply | None:
        sd = self.model.sds.get(str(body.get("serviceDeploymentArn", "")))
        stop_type = str(body.get("stopType") or "ROLLBACK")
        if sd is None:
            return None
        if stop_type not in ("ROLLBACK", "ABORT"):
            return json_error("InvalidParameterException", "stopType must be ROLLBACK or ABORT.")
        if sd.status not in ("PENDING", "IN_PROGRESS"):
            return json_error("ConflictException", f"The service deployment is {sd.status}; it cannot be stopped.")
        self.model.sd_stop(sd, stop_type, self.clock.now())
        return json_reply({"serviceDeploymentArn": sd.arn})

    def continue_sd(self, body: dict[str, Any]) -> Reply | None:
        sd = self.model.sds.get(str(body.get("serviceDeploymentArn", "")))
        if sd is None:
            return None
        action = str(body.get("action") or "CONTINUE")
        if action not in ("CONTINUE", "ROLLBACK"):
            return json_error("InvalidParameterException", "action must be CONTINUE or ROLLBACK.")
        error = self.model.sd_continue(sd, str(body.get("hookId", "")), action, self.clock.now())
        if error == "InvalidParameterException":
            return json_error(error, "Unknown hookId for this service deployment.")
        if error:
            return json_error(error, f"The service deployment is not waiting at lifecycle hook {body.get('hookId')}"
                                     f" (status {sd.status}{'' if sd.status in ONGOING else ', completed'}).")
        return json_reply({"serviceDeploymentArn": sd.arn})

    def service_for_tasks(self, body: dict[str, Any]) -> list[Service]:
        cluster = str(body.get("cluster") or "default").rsplit("/", 1)[-1]
        return [s for s in self.model.services.values() if s.cluster == cluster]

    def ecs_tasks(self, req: AwsRequest) -> Reply | None:
        body = req.json
        self.model.tick()
        services = self.service_for_tasks(body)
        if not services:
            return None
        if req.operation == "ListTasks":
            return self.list_tasks(body, services)
        wanted = [str(t) for t in body.get("tasks", []) or []]
        found, failures = [], []
        for ref in wanted:
            hit = next(((s, t) for s in services for t in s.tasks
                        if t.arn == ref or t.arn.rsplit("/", 1)[-1] == ref), None)
            if hit is None:
                failures.append({"arn": ref, "reason": "MISSING"})
            else:
                found.append(self.model.render_task(*hit))
        return json_reply({"tasks": found, "failures": failures})

    def list_tasks(self, body: dict[str, Any], services: list[Service]) -> Reply:
        name = body.get("serviceName")
        started_by = body.get("startedBy")
        family = body.get("family")
        desired = body.get("desiredStatus", "RUNNING")
        arns = []
        for svc in services:
            if name and str(name).rsplit("/", 1)[-1] != svc.name:
                continue
            for task in svc.tasks:
                if started_by and task.deployment_id != started_by:
                    continue
                if family and task.td_arn.split("task-definition/", 1)[-1].split(":")[0] != family:
                    continue
                if (desired == "STOPPED") != (task.desired_status == "STOPPED"):
                    continue
                arns.append(task.arn)
        if name and not any(s.name == str(name).rsplit("/", 1)[-1] for s in services):
            return json_error("ServiceNotFoundException", "Service not found.")
        limit = max(1, min(100, int(body.get("maxResults", 100) or 100)))
        start = 0
        if body.get("nextToken"):
            try:
                start = int(urllib.parse.unquote(str(body["nextToken"])).split("sim-offset-", 1)[1])
            except (IndexError, ValueError):
                return json_error("InvalidParameterException", "Invalid nextToken.")
        page = arns[start:start + limit]
        out: dict[str, Any] = {"taskArns": page}
        if start + limit < len(arns):
            out["nextToken"] = f"sim-offset-{start + limit}"
        return json_reply(out)

    def describe_td(self, body: dict[str, Any]) -> Reply:
        ref = str(body.get("taskDefinition", ""))
        arn = ref
        if not ref.startswith("arn:"):
            svc = next(iter(self.model.services.values()), None)
            region, account = (svc.region, svc.account) if svc else (DEFAULT_REGION, DEFAULT_ACCOUNT)
            fake = Service({"serviceArn": f"arn:aws:ecs:{region}:{account}:service/x/x", "serviceName": "x"})
            arn = self.model.td_arn(fake, ref)
        entry = self.model.task_defs.get(arn)
        if entry is None:
            return json_error("ClientException", "Unable to describe task definition.")
        out: dict[str, Any] = {"taskDefinition": entry["taskDefinition"]}
        if "TAGS" in (body.get("include") or []):
            out["tags"] = entry.get("tags", [])
        return json_reply(out)

    def list_tds(self, body: dict[str, Any]) -> Reply:
        prefix = str(body.get("familyPrefix", ""))
        status = str(body.get("status", "ACTIVE"))
        with self.lock:
            arns = [a for a, e in self.model.task_defs.items()
                    if a.split("task-definition/", 1)[-1].split(":")[0].startswith(prefix)
                    and e["taskDefinition"].get("status", "ACTIVE") == status]
        arns.sort(key=lambda a: (a.split("task-definition/", 1)[-1].split(":")[0], int(a.rsplit(":", 1)[-1])),
                  reverse=str(body.get("sort", "ASC")).upper() == "DESC")
        return json_reply({"taskDefinitionArns": arns[: int(body.get("maxResults", 100))]})

    def list_services(self, body: dict[str, Any]) -> Reply:
        """One page of the cluster's service ARNs (maxResults, default 10 as in ECS; nextToken = offset)."""
        with self.lock:
            arns = sorted(s.arn for s in self.service_for_tasks(body))
        size = int(body.get("maxResults", 10))
        start = int(body.get("nextToken") or 0)
        page = {"serviceArns": arns[start:start + size]}
        if start + size < len(arns):
            page["nextToken"] = str(start + size)
        return json_reply(page)

    def deregister_td(self, body: dict[str, Any]) -> Reply:
        arn = str(body.get("taskDefinition", ""))
        with self.lock:
            entry = self.model.task_defs.get(arn)
            if entry is None:
                return json_error("ClientException", "Unable to describe task definition.")
            entry["taskDefinition"]["status"] = "INACTIVE"
            entry["taskDefinition"]["deregisteredAt"] = epoch3(self.clock.now())
            return json_reply({"taskDefinition": entry["taskDefinition"]})

    def register_td(self, body: dict[str, Any], req: AwsRequest) -> Reply:
        family = str(body.get("family", ""))
        if not family:
            return json_error("ClientException", "Family must be specified.")
        revisions = [int(a.rsplit(":", 1)[-1]) for a in self.model.task_defs
                     if a.split("task-definition/", 1)[-1].split(":")[0] == family]
        revision = max(revisions, default=0) + 1
        region = req.scope_region or DEFAULT_REGION
        arn = f"arn:aws:ecs:{region}:{DEFAULT_ACCOUNT}:task-definition/{family}:{revision}"
        td = {k: v for k, v in body.items() if k != "tags"}
        td.update({"taskDefinitionArn": arn, "revision": revision, "status": "ACTIVE",
                   "compatibilities": ["EC2", "FARGATE"], "registeredAt": epoch3(self.clock.now()),
                   "registeredBy": f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/sim"})
        for key in ("cpu", "memory"):
            if key in td:
                td[key] = str(td[key])
        with self.lock:
            self.model.task_defs[arn] = {"taskDefinition": td, "tags": body.get("tags", [])}
        return json_reply({"taskDefinition": td, "tags": body.get("tags", [])})

    @staticmethod
    def fargate_error(body: dict[str, Any]) -> Reply | None:
        if "FARGATE" not in (body.get("requiresCompatibilities") or []):
            return None
        cpu, memory = units(body.get("cpu", ""), "vcpu"), units(body.get("memory", ""), "gb")
        if cpu is None or memory is None or not fargate_pair_ok(cpu, memory):
            return json_error("ClientException", "Invalid 'cpu' setting for task.")
        return None

    # ---- ELBv2 / STS ------------------------------------------------------------------------
    def elb_answer(self, req: AwsRequest) -> Reply:
        if req.operation == "DescribeTargetHealth":
            return self.after_query_upstream(req, lambda: self.target_health(req.form))
        if req.operation == "DescribeTargetGroupAttributes":
            return self.after_query_upstream(req, lambda: self.tg_attributes(req.form))
        return self.forward_or(req, lambda: query_error("InvalidAction",
                                                         f"awssim does not model {req.operation}", 400))

    def after_query_upstream(self, req: AwsRequest, model_answer: Callable[[], Reply | None]) -> Reply:
        upstream = self.forward(req) if self.upstream is not None else None
        if upstream is not None and upstream.status >= 400 and b"TargetGroupNotFound" not in upstream.body:
            return upstream
        with self.lock:
            self.model.tick()
            mine = model_answer()
        if mine is not None:
            return mine
        if upstream is not None:
            return upstream
        return query_error("TargetGroupNotFound", "One or more target groups not found", 400)

    def modelled_tg(self, arn: str) -> bool:
        return arn in self.model.targets or any(arn in self.service_tgs(s) for s in self.model.services.values())

    @staticmethod
    def service_tgs(svc: Service) -> list[str]:
        """The service's target groups, blue/green alternates included."""
        return [tg for lb in svc.lbs() for tg in (lb["targetGroupArn"], (lb.get("advancedConfiguration") or {})
                                                 .get("alternateTargetGroupArn")) if tg]

    def target_health(self, form: dict[str, str]) -> Reply | None:
        arn = form.get("TargetGroupArn", "")
        if not self.modelled_tg(arn):
            return None
        targets = self.model.targets.get(arn, {})
        wanted, i = [], 1
        while f"Targets.member.{i}.Id" in form:
            wanted.append((form[f"Targets.member.{i}.Id"], form.get(f"Targets.member.{i}.Port")))
            i += 1
        members = []
        items: list[tuple[str, dict[str, Any] | None, str | None]] = \
            [(ip, targets.get(ip), port) for ip, port in wanted] if wanted else \
            [(ip, t, None) for ip, t in targets.items()]
        for ip, target, port in items:
            if target is None:
                state, reason, desc, tport = "unused", "Target.NotRegistered", \
                    "Target is not registered to the target group", port or "80"
            else:
                state, reason, desc, tport = target["state"], target.get("reason"), \
                    target.get("description"), str(target["port"])
            health = f"<State>{state}</State>"
            if reason:
                health += f"<Reason>{reason}</Reason><Description>{xml_escape(desc or '')}</Description>"
            members.append(f"<member><Target><Id>{xml_escape(ip)}</Id><Port>{tport}</Port></Target>"
                           f"<HealthCheckPort>{tport}</HealthCheckPort><TargetHealth>{health}</TargetHealth></member>")
        return xml_reply(
            f'<DescribeTargetHealthResponse xmlns="{ELB_NS}"><DescribeTargetHealthResult>'
            f"<TargetHealthDescriptions>{''.join(members)}</TargetHealthDescriptions>"
            f"</DescribeTargetHealthResult><ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId>"
            f"</ResponseMetadata></DescribeTargetHealthResponse>")

    def tg_attributes(self, form: dict[str, str]) -> Reply | None:
        arn = form.get("TargetGroupArn", "")
        if not self.modelled_tg(arn) or self.upstream is not None:
            return None
        delay = 300
        for svc in self.model.services.values():
            if arn in self.service_tgs(svc):
                delay = int(float(self.model.scenario_for(svc).get("drain_delay", 10)))
        attrs = {"deregistration_delay.timeout_seconds": str(delay), "stickiness.enabled": "false",
                 "load_balancing.algorithm.type": "round_robin"}
        members = "".join(f"<member><Key>{k}</Key><Value>{v}</Value></member>" for k, v in attrs.items())
        return xml_reply(f'<DescribeTargetGroupAttributesResponse xmlns="{ELB_NS}">'
                         f"<DescribeTargetGroupAttributesResult><Attributes>{members}</Attributes>"
                         f"</DescribeTargetGroupAttributesResult><ResponseMetadata><RequestId>{uuid.uuid4()}"
                         f"</RequestId></ResponseMetadata></DescribeTargetGroupAttributesResponse>")

    def sts_answer(self, req: AwsRequest) -> Reply:
        if req.operation == "GetCallerIdentity":
            return xml_reply(
                f'<GetCallerIdentityResponse xmlns="{STS_NS}"><GetCallerIdentityResult>'
                f"<Arn>arn:aws:iam::{DEFAULT_ACCOUNT}:user/sim</Arn><UserId>AIDASIMULATOR</UserId>"
                f"<Account>{DEFAULT_ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata>"
                f"<RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>")
        return query_error("InvalidAction", f"awssim does not model {req.operation}", 400)
