#!/usr/bin/env bash
# The whole test suite, as CI runs it: install what is missing, build with warnings as errors, run every test;
# then the libFuzzer targets (tests/fuzz) for a few seconds each; then build again with AddressSanitizer +
# UndefinedBehaviorSanitizer and run every test there too.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --with-test-tools
scripts/build.sh build > build.log 2>&1 || { tail -80 build.log; exit 1; }
(cd build && ctest --output-on-failure -j2 --timeout 300)
if [ "${TONGDANG_SKIP_FUZZ:-0}" != "1" ]; then
  # Each untrusted input for TONGDANG_FUZZ_SECONDS (default 10) per target: any crash or sanitizer report fails.
  scripts/fuzz.sh "${TONGDANG_FUZZ_SECONDS:-10}" > build-fuzz.log 2>&1 || { tail -80 build-fuzz.log; exit 1; }
  grep -E '^fuzz build|execs' build-fuzz.log
fi
if [ "${TONGDANG_SKIP_SANITIZERS:-0}" != "1" ]; then
  scripts/build.sh build-asan -DTONGDANG_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug > build-asan.log 2>&1 \
    || { tail -80 build-asan.log; exit 1; }
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j2 --timeout 600)
fi
