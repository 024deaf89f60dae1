#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang-14 (coverage, AddressSanitizer, UndefinedBehaviorSanitizer)
# into build-fuzz/, then runs each for SECONDS from its committed seed corpus (tests/fuzz/corpus/<target>/).
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET…]     default 60 s, every target; e.g. scripts/fuzz.sh 600 push hlc
# New inputs go to build-fuzz/corpus/<target>/ (the committed seeds stay as they are). Exits non-zero if any target
# crashed, hung, ran out of memory, leaked, or broke a checked property: the input is in build-fuzz/artifacts/ and
# the run's output in build-fuzz/fuzz-<target>.log.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"; shift || true
build_dir="${TONGDANG_FUZZ_BUILD_DIR:-build-fuzz}"
mkdir -p "$build_dir"
# -O1 with line tables: what libFuzzer recommends, and a third less compile time than -O2 -g (CI builds this clean).
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DCMAKE_CXX_COMPILER=clang++-14 -DTONGDANG_FUZZ=ON \
  -DTONGDANG_WERROR=ON > "$build_dir.configure.log" 2>&1 || { cat "$build_dir.configure.log"; exit 1; }
build_started=$(date +%s)
cmake --build "$build_dir" --target tongdang_fuzzers -j"$(nproc)"
echo "fuzz build: $(( $(date +%s) - build_started )) s"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for dir in tests/fuzz/corpus/*/; do targets+=("$(basename "$dir")"); done
fi
failed=()
for target in "${targets[@]}"; do
  binary="$build_dir/tests/fuzz/fuzz_$target"
  [ -x "$binary" ] || { echo "no fuzz target $target (tests/fuzz/fuzz_$target.cc)"; exit 2; }
  mkdir -p "$build_dir/corpus/$target" "$build_dir/artifacts"
  log="$build_dir/fuzz-$target.log"
  status=0
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build_dir/artifacts/$target-" "$build_dir/corpus/$target" "tests/fuzz/corpus/$target" \
    > "$log" 2>&1 || status=$?
  execs=$(sed -n "s/^stat::number_of_executed_units: *//p" "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  features=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  printf '%-14s %s  execs %-9s exec/s %-7s cov %-6s ft %s\n' "$target" "$([ $status -eq 0 ] && echo ok || echo FAIL)" \
    "${execs:-?}" "${rate:-?}" "${cov:-?}" "${features:-?}"
  if [ $status -ne 0 ]; then
    failed+=("$target")
    grep -m1 -A30 -E '^==[0-9]+==|runtime error|fuzz property broken|ERROR: libFuzzer' "$log" || tail -40 "$log"
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing failed: ${failed[*]} (inputs in $build_dir/artifacts/, logs in $build_dir/fuzz-<target>.log)"
  exit 1
fi
