#!/usr/bin/env bash
# The screenshots of docs/user-guide.md "In the browser": the station's main pages in headless Chromium (1280x900),
# on a station made from the 王集 fixture ledger, saved as docs/images/*.png (tests/web/browser/screenshots.py).
#   scripts/screenshots.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
[ -x "$build/tongdang" ] || { echo "build first: scripts/build.sh $build" >&2; exit 1; }
# Debian's interpreter: python3-selenium is installed for it (scripts/install-deps.sh --with-test-tools).
python=/usr/bin/python3
[ -x "$python" ] || python=python3
exec "$python" tests/web/browser/screenshots.py --bin "$build" --out docs/images
