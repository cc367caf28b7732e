#!/usr/bin/env bash
# The README's demo: build adjust and show what it does, against a local endpoint.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja >/dev/null
cmake --build build -j "$(nproc)" --target adjust

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "$2"; }

step "driver metadata (servo runs this before every command)" "build/adjust --info"
build/adjust --info </dev/null

step "a request that Fargate cannot run is rejected before any AWS call" \
     "echo '{...cpu 0.25, mem 4...}' | build/adjust --config config.yaml.example web"
echo -n '{"application": {"components": {"web": {"settings": {"cpu": {"value": 0.25}, "mem": {"value": 4}}}}}}' \
  | build/adjust --config config.yaml.example web || echo "(exit code $?)"
