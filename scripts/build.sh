#!/usr/bin/env bash
# Configures and builds tongdang into build/ (or the directory given), warnings as errors.
#   scripts/build.sh [BUILD_DIR] [extra cmake args…]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"; shift || true
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTONGDANG_WERROR=ON "$@" > "$build_dir.configure.log" 2>&1 \
  || { cat "$build_dir.configure.log"; exit 1; }
cmake --build "$build_dir" -j"$(nproc)"
