#!/usr/bin/env bash
# The README's test command: install what is missing (Debian/Ubuntu), build,
# run the whole suite. ADJUST_SANITIZE=ON runs it under ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
build_dir=${ADJUST_BUILD_DIR:-build}
sanitize=${ADJUST_SANITIZE:-OFF}
cmake -S . -B "$build_dir" -G Ninja -DADJUST_SANITIZE="$sanitize" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)"
