#!/usr/bin/env bash
# Configures and builds tongdang into build/ (or the directory given), warnings as errors.
#   scripts/build.sh [BUILD_DIR] [extra cmake args…]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"; shift || true
# ccache, when installed, lets another build directory or worktree of the same sources reuse compiled objects.
launcher=()
if command -v ccache > /dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTONGDANG_WERROR=ON "${launcher[@]}" "$@" > "$build_dir.configure.log" 2>&1 \
  || { cat "$build_dir.configure.log"; exit 1; }
cmake --build "$build_dir" -j"$(nproc)"
