#!/usr/bin/env bash
# Build the libFuzzer targets (fuzz/fuzz_*.cpp) with clang-14 in build-fuzz/
# and run each for SECONDS (default 20) over a fresh copy of its seed corpus
# (fuzz/corpus/<target>/, with fuzz/dict/<target>.dict when present). Fails
# on any crash, leak, timeout or sanitizer report. Prints each target's
# executions and coverage from libFuzzer's final stats; full logs and any
# crashing input stay in build-fuzz/fuzz-runs/.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --check
seconds=${1:-20}
shift $(($# > 0 ? 1 : 0))
build_dir=${ADJUST_FUZZ_BUILD_DIR:-build-fuzz}
runs="$build_dir/fuzz-runs"

targets=("$@")
if ((${#targets[@]} == 0)); then
  for source in fuzz/fuzz_*.cpp; do
    targets+=("$(basename "$source" .cpp)")
  done
fi

# ADJUST_FUZZ_BUILD_TYPE=Debug compiles at -O0 (about a third less compile CPU,
# slower executions): what CI's 10-second smoke uses; long runs keep the -O1 default.
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DADJUST_FUZZ=ON -DADJUST_WERROR=ON \
  -DCMAKE_BUILD_TYPE="${ADJUST_FUZZ_BUILD_TYPE:-RelWithDebInfo}" \
  -DADJUST_DEBUG_INFO=lines -DADJUST_BUILD_TESTS=OFF -DADJUST_BUILD_BENCH=OFF >/dev/null
cmake --build "$build_dir" -j "$(nproc)" --target "${targets[@]}"

# Stack traces for UBSan reports; ASan's leak check runs at the end of each run.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
# Each target runs single-threaded for SECONDS of wall time, so targets run side
# by side, ADJUST_FUZZ_JOBS (default: one per core) at a time: the same fuzzing
# per target in a fraction of the wall time.
run_target() {
  local target=$1 work="$runs/$1" status=0
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp fuzz/corpus/"$target"/* "$work/corpus/"
  local options=(-max_total_time="$seconds" -detect_leaks=1 -timeout=10 -rss_limit_mb=2048
                 -print_final_stats=1 -artifact_prefix="$work/artifacts/")
  [ -f "fuzz/dict/$target.dict" ] && options+=(-dict="fuzz/dict/$target.dict")
  "$build_dir/fuzz/$target" "${options[@]}" "$work/corpus" >"$work/log" 2>&1 || status=$?
  echo "$status" >"$work/status"
}
jobs_max=${ADJUST_FUZZ_JOBS:-$(nproc)}
for target in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= jobs_max)); do wait -n || true; done
  run_target "$target" &
done
wait

failed=0
for target in "${targets[@]}"; do
  work="$runs/$target"
  status=$(cat "$work/status" 2>/dev/null || echo "none")
  # Sanitizer reports normally abort the run; the grep catches any that did not.
  if [ "$status" != 0 ] || grep -qE 'ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|runtime error:' "$work/log"; then
    failed=1
    echo "$target: FAILED (exit $status); log $work/log, inputs in $work/artifacts/" >&2
    tail -n 40 "$work/log" >&2
    continue
  fi
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$work/log" | tail -n 1)
  runs_done=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
  per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log")
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$done_line")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$done_line")
  corpus=$(sed -nE 's/.* corp: ([0-9]+\/[0-9]+[A-Za-z]*).*/\1/p' <<<"$done_line")
  echo "$target: ok, ${seconds}s, $runs_done runs ($per_second/s), cov $cov, ft $ft, corpus $corpus"
done
exit "$failed"
