#!/usr/bin/env bash
# The README's test command (after scripts/install-deps.sh): build, run the
# whole suite. ADJUST_SANITIZE=ON runs it under ASan+UBSan. Installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --check
build_dir=${ADJUST_BUILD_DIR:-build}
sanitize=${ADJUST_SANITIZE:-OFF}
if [ "$sanitize" = ON ]; then
  # Leak checking is explicit (not left to the platform default), and any report ends the
  # process: a test whose child reports fails on its exit code or output.
  export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
fi
cmake -S . -B "$build_dir" -G Ninja -DADJUST_WERROR=ON -DADJUST_SANITIZE="$sanitize" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)"
