#!/usr/bin/env python3
"""Seed a loopback moto_server with what adjust's tests need; print one JSON object describing it.

Usage: seed_moto.py --endpoint http://127.0.0.1:PORT [--region us-east-1] [--second-service]
                    [--spot-service] [--ec2-service] [--two-containers] [--no-iam]

Creates (unauthenticated; call /moto-api/reset-auth afterwards to enforce SigV4):
  IAM admin user `ci` + access key, limited user `reader` + key, role `deployer` trusting `ci`;
  default VPC subnets / security group; ALB `web-alb`, IP target group `web-tg`, HTTP listener;
  cluster `demo`; Fargate task definition family `web` (256/512, tag team=platform, container `web`
  with MODE/LOG_LEVEL env, a secret and a logConfiguration); FARGATE service `web` (desired 2)
  behind the target group. Options add `api` (second Fargate service, own target group), `spot`
  (capacity provider FARGATE_SPOT), `legacy` (EC2 launch type) and `web:2` with two containers.
Secrets (secret access keys) are printed because tests must sign with them; they exist only in
this throw-away moto instance.
"""
from __future__ import annotations

import argparse
import json
import sys
import urllib.parse

import boto3

ADMIN_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
READER_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["ecs:Describe*", "ecs:List*", "elasticloadbalancing:Describe*",
                                   "sts:GetCallerIdentity"], "Resource": "*"}]}


def client(name: str, args: argparse.Namespace):  # type: ignore[no-untyped-def]
    return boto3.client(name, endpoint_url=args.endpoint, region_name=args.region,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def seed_iam(args: argparse.Namespace) -> dict:
    iam = client("iam", args)
    out: dict = {}
    for user, policy in (("ci", ADMIN_POLICY), ("reader", READER_POLICY)):
        iam.create_user(UserName=user)
        iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=user)["AccessKey"]
        out[user] = {"user_arn": f"arn:aws:iam::123456789012:user/{user}",
                     "access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"]}
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"AWS": out["ci"]["user_arn"]}}]}
    role = iam.create_role(RoleName="deployer", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    iam.put_role_policy(RoleName="deployer", PolicyName="ecs", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ecs:*", "sts:GetCallerIdentity",
                                                                              "elasticloadbalancing:Describe*"],
                                                "Resource": "*"}]}))
    out["role_arn"] = role["Arn"]
    return out


def container(name: str, image: str, env: dict[str, str], port: int | None = 8080, extra: bool = True) -> dict:
    c: dict = {"name": name, "image": image, "essential": True,
               "environment": [{"name": k, "value": v} for k, v in env.items()]}
    if port:
        c["portMappings"] = [{"containerPort": port, "protocol": "tcp"}]
    if extra:
        c["secrets"] = [{"name": "DB_PASSWORD",
                         "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-pass-AbCdEf"}]
        c["logConfiguration"] = {"logDriver": "awslogs", "options": {
            "awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}}
    return c


def register(ecs, family: str, cpu: str, memory: str, containers: list[dict], compat: str = "FARGATE") -> str:  # type: ignore[no-untyped-def]
    td = ecs.register_task_definition(
        family=family, requiresCompatibilities=[compat], networkMode="awsvpc", cpu=cpu, memory=memory,
        executionRoleArn="arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        tags=[{"key": "team", "value": "platform"}], containerDefinitions=containers)
    return td["taskDefinition"]["taskDefinitionArn"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--second-service", action="store_true")
    parser.add_argument("--spot-service", action="store_true")
    parser.add_argument("--ec2-service", action="store_true")
    parser.add_argument("--two-containers", action="store_true")
    parser.add_argument("--no-iam", action="store_true")
    args = parser.parse_args()
    host = urllib.parse.urlsplit(args.endpoint).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("endpoint must be loopback")

    out: dict = {"endpoint": args.endpoint, "region": args.region, "cluster": "demo"}
    if not args.no_iam:
        out["iam"] = seed_iam(args)
    ec2, elb, ecs = client("ec2", args), client("elbv2", args), client("ecs", args)
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]][:2]
    sg = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                               {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]
    out.update(vpc=vpc, subnets=subnets, security_group=sg)
    lb = elb.create_load_balancer(Name="web-alb", Type="application", Scheme="internet-facing",
                                  Subnets=subnets, SecurityGroups=[sg])["LoadBalancers"][0]["LoadBalancerArn"]

    def target_group(name: str) -> str:
        tg = elb.create_target_group(Name=name, Protocol="HTTP", Port=8080, TargetType="ip", VpcId=vpc,
                                     HealthCheckPath="/healthz")["TargetGroups"][0]["TargetGroupArn"]
        return tg

    tg = target_group("web-tg")
    elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    out.update(load_balancer_arn=lb, target_group_arn=tg)
    cluster_arn = ecs.create_cluster(clusterName="demo")["cluster"]["clusterArn"]
    out["cluster_arn"] = cluster_arn
    network = {"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [sg], "assignPublicIp": "DISABLED"}}
    td1 = register(ecs, "web", "256", "512", [container("web", "nginx:1.25", {"MODE": "prod", "LOG_LEVEL": "info"})])
    out["task_definition_arn"] = td1

    def service(name: str, td: str, tg_arn: str | None, **kw) -> str:  # type: ignore[no-untyped-def]
        params = dict(cluster="demo", serviceName=name, taskDefinition=td, desiredCount=2,
                      networkConfiguration=network, **kw)
        if tg_arn:
            params["loadBalancers"] = [{"targetGroupArn": tg_arn, "containerName": "web", "containerPort": 8080}]
        return ecs.create_service(**params)["service"]["serviceArn"]

    out["service_arn"] = service("web", td1, tg, launchType="FARGATE",
                                 deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True},
                                                          "maximumPercent": 200, "minimumHealthyPercent": 100})
    out["services"] = {"web": {"arn": out["service_arn"], "task_definition_arn": td1, "target_group_arn": tg}}
    if args.second_service:
        tg2 = target_group("api-tg")
        td = register(ecs, "api", "512", "1024", [container("web", "api:1", {"MODE": "prod"})])
        out["services"]["api"] = {"arn": service("api", td, tg2, launchType="FARGATE"),
                                  "task_definition_arn": td, "target_group_arn": tg2}
    if args.spot_service:
        td = register(ecs, "spot", "256", "512", [container("web", "nginx:1.25", {"MODE": "spot"}, extra=False)])
        arn = service("spot", td, None, capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}])
        out["services"]["spot"] = {"arn": arn, "task_definition_arn": td}
    if args.ec2_service:
        c = container("web", "nginx:1.25", {"MODE": "ec2"}, extra=False)
        c["memory"] = 256
        td = register(ecs, "legacy", "256", "512", [c], compat="EC2")
        out["services"]["legacy"] = {"arn": service("legacy", td, None, launchType="EC2"), "task_definition_arn": td}
    if args.two_containers:
        sidecar = container("sidecar", "envoy:v1", {"ENVOY_LOG": "debug"}, port=None, extra=False)
        sidecar["essential"] = False
        out["task_definition_two_containers_arn"] = register(
            ecs, "web", "512", "1024",
            [container("web", "nginx:1.26", {"MODE": "prod", "LOG_LEVEL": "info"}), sidecar])
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
