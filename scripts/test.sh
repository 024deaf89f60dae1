#!/usr/bin/env bash
# The whole test suite, as CI runs it: install what is missing, build with AddressSanitizer + UndefinedBehaviorSanitizer
# and warnings as errors, run every test there (the unit tests, the programs through their real binaries, the browser
# journeys); then the libFuzzer targets (tests/fuzz) for a few seconds each.
#
# Why the suite runs once, in the sanitizer build, rather than in a plain build and again under the sanitizers: on
# this machine class (2 cores) a clean build costs most of CI's time — a second full build would take the suite past
# CI's 90 minutes — and a test that passes under ASan+UBSan passes everything a plain run checks, plus memory and
# undefined behaviour. The sanitizer build is compiled at -O1 with line tables (-g1): ASan's recommended level, fast
# enough for the browser journeys, and sanitizer reports still name file and line.
#   TONGDANG_SKIP_SANITIZERS=1  run the suite in the plain build (build/, the one the README's first command makes)
#   TONGDANG_SKIP_FUZZ=1        skip the fuzzers;  TONGDANG_FUZZ_SECONDS=N  seconds per fuzz target (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --with-test-tools
started=$(date +%s)
if [ "${TONGDANG_SKIP_SANITIZERS:-0}" = "1" ]; then
  build_dir=build
  scripts/build.sh build > build.log 2>&1 || { tail -80 build.log; exit 1; }
else
  build_dir=build-asan
  scripts/build.sh build-asan -DTONGDANG_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
    > build-asan.log 2>&1 || { tail -80 build-asan.log; exit 1; }
fi
echo "build ($build_dir): $(( $(date +%s) - started )) s"
(cd "$build_dir" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j2 --timeout 600)
if [ "${TONGDANG_SKIP_FUZZ:-0}" != "1" ]; then
  # Each untrusted input for TONGDANG_FUZZ_SECONDS (default 10) per target: any crash or sanitizer report fails.
  scripts/fuzz.sh "${TONGDANG_FUZZ_SECONDS:-10}" > build-fuzz.log 2>&1 || { tail -80 build-fuzz.log; exit 1; }
  grep -E '^fuzz build|execs' build-fuzz.log
fi
echo "test.sh: $(( $(date +%s) - started )) s after the install"
