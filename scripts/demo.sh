#!/usr/bin/env bash
# The README's demo: build adjust, start a local simulated ECS/ELBv2 endpoint
# (test/tools/awssim, Python stdlib only) with one Fargate service behind a
# load balancer, and run what servo runs: --info, --query, an adjustment that
# succeeds with live progress, and one that Fargate cannot run. Installs
# nothing: the README runs scripts/install-deps.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --check
cmake -S . -B build -G Ninja >/dev/null
cmake --build build -j "$(nproc)" --target adjust

work=$(mktemp -d)
sim_pid=""
cleanup() { [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# The simulator binds 127.0.0.1 only; its clock runs 10x real time so the
# deployment below takes seconds instead of minutes.
python3 test/tools/awssim --port 0 --time-factor 10 --lifetime 600 >"$work/sim.json" 2>"$work/sim.log" &
sim_pid=$!
for _ in $(seq 100); do [ -s "$work/sim.json" ] && break; sleep 0.05; done
port=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["port"])' "$work/sim.json")
endpoint="http://127.0.0.1:$port"
tg="arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/0123456789abcdef"
alt_tg="arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-alt-tg/0123456789abcdef"
# A blue/green service (ECS's native BLUE_GREEN strategy, 1-minute bake): the
# new tasks come up in the alternate target group, traffic shifts, then bakes.
curl -sf -X POST "$endpoint/_sim/seed" -d '{"cluster": "demo",
  "task_definitions": [{"family": "web", "cpu": "256", "memory": "512", "networkMode": "awsvpc",
    "requiresCompatibilities": ["FARGATE"],
    "containerDefinitions": [{"name": "web", "image": "nginx:1.25", "essential": true,
      "environment": [{"name": "MODE", "value": "prod"}]}]}],
  "service": {"serviceName": "web", "desiredCount": 2, "taskDefinition": "web:1",
    "deploymentConfiguration": {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 1,
      "deploymentCircuitBreaker": {"enable": true, "rollback": true}},
    "loadBalancers": [{"targetGroupArn": "'"$tg"'", "containerName": "web", "containerPort": 8080,
      "advancedConfiguration": {"alternateTargetGroupArn": "'"$alt_tg"'",
        "productionListenerRule": "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/1/2/3",
        "roleArn": "arn:aws:iam::123456789012:role/ecs-blue-green"}}]}}' >/dev/null
curl -sf -X POST "$endpoint/_sim/scenario" -d '{"service": "web", "scenario": "converge", "step": 5, "health_delay": 10}' >/dev/null

cat >"$work/config.yaml" <<YAML
fargate:
  region: us-east-1
  endpoint_url: $endpoint     # the local simulator instead of AWS
  web:
    service_name: web
    cluster: demo
    settings:
      cpu: {}                 # enum of vCPU values
      mem: {}                 # enum of GiB values
      replicas: {min: 1, max: 6}
    environment:
      MODE: {type: enum, values: [prod, debug]}
      GOGC: {type: range, min: 50, max: 300, step: 10, default: 100}
YAML

# Dummy credentials: the simulator does not check signatures.
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=demo-secret AWS_EC2_METADATA_DISABLED=true
adjust=(build/adjust --config "$work/config.yaml")

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "$2"; }

step "driver metadata (servo runs this before every command)" "adjust --info"
"${adjust[@]}" --info </dev/null

step "is the setup ready? read-only checks, one line each, with the fix for any that fails" "adjust doctor"
"${adjust[@]}" doctor

step "current settings of the service" "adjust --query demo-app"
"${adjust[@]}" --query demo-app

request='{"application": {"components": {"web": {"settings": {"cpu": {"value": "0.5"}, "mem": {"value": "1"}, "replicas": {"value": 3}, "GOGC": {"value": 150}}}}}, "control": {}}'
step "a blue/green adjustment: 0.5 vCPU, 1 GiB, 3 replicas, GOGC=150 (plan on stderr, JSON lines on stdout)" \
     "echo '$request' | adjust demo-app"
echo -n "$request" | "${adjust[@]}" demo-app

step "the service now" "adjust --query demo-app"
"${adjust[@]}" --query demo-app

request='{"application": {"components": {"web": {"settings": {"cpu": {"value": "0.25"}, "mem": {"value": "4"}}}}}}'
step "a size Fargate does not offer is rejected before any AWS change" "echo '$request' | adjust demo-app"
echo -n "$request" | "${adjust[@]}" demo-app 2>/dev/null || echo "(exit code $?)"
