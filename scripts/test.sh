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
# Line tables only (ADJUST_DEBUG_INFO=lines): enough for stack traces, half the
# compile time of full -g. The benchmarks are compiled in the plain build (so
# they keep compiling) but not again under the sanitizers: nothing runs them here.
bench=ON
[ "$sanitize" = ON ] && bench=OFF
# Test objects are compiled alike in every build (test/CMakeLists.txt): ccache
# may share them between build directories only if it leaves the directory out
# of its hash (it is only in their line tables).
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
cmake -S . -B "$build_dir" -G Ninja -DADJUST_WERROR=ON -DADJUST_SANITIZE="$sanitize" \
  -DADJUST_DEBUG_INFO="${ADJUST_DEBUG_INFO:-lines}" -DADJUST_BUILD_BENCH="$bench" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
# 4 tests per core: the e2e tests spend ~90% of their time waiting on child
# processes and loopback servers (a -j8 run on 2 cores used 91 s CPU for 720 s
# of test time), so -j nproc leaves the machine mostly idle. ADJUST_TEST_JOBS overrides.
# ADJUST_ALONGSIDE_TESTS: a command run meanwhile on the CPU the tests leave
# idle (CI builds and runs the fuzz smoke there); its failure fails this script
# too, after the tests, with its log.
alongside_pid=""
alongside_log="$build_dir/alongside-tests.log"
if [ -n "${ADJUST_ALONGSIDE_TESTS:-}" ]; then
  bash -c "$ADJUST_ALONGSIDE_TESTS" >"$alongside_log" 2>&1 &
  alongside_pid=$!
fi
status=0
ctest --test-dir "$build_dir" --output-on-failure -j "${ADJUST_TEST_JOBS:-$((4 * $(nproc)))}" || status=$?
if [ -n "$alongside_pid" ]; then
  alongside=0
  wait "$alongside_pid" || alongside=$?
  echo "--- alongside the tests: $ADJUST_ALONGSIDE_TESTS (exit $alongside)"
  cat "$alongside_log"
  [ "$alongside" = 0 ] || status=1
fi
exit "$status"
