#!/usr/bin/env bash
# The main job: install what is missing, build, and run the demo (scripts/run-demo.sh says what it shows).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build > build.log 2>&1 || { tail -50 build.log; exit 1; }
exec scripts/run-demo.sh build
