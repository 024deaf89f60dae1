#!/usr/bin/env bash
# tongdang against the field's usual stack, side by side in one run (issue 15): the PouchDB/CouchDB peer
# (a PouchDB-on-leveldb station replicating to an express-pouchdb server on loopback) and bench_sync's 10,000-file
# workload, back to back on the same machine in the same minutes, then the ratios against the targets.
#
#   bash bench/peer_side_by_side.sh [PEER_DIR] [RUNS]
#
# PEER_DIR holds the peer's bench.js, server.js and package.json (default ../shared/peer beside the project). Its
# npm packages are installed into a scratch folder made here and removed afterwards, never into the project. Needs
# node and npm, GNU time (/usr/bin/time) and a built build/bench_sync. Figures: docs/benchmarks.md "Side by side".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
peer_dir=$(cd "${1:-../shared/peer}" && pwd)
runs="${2:-3}"
[ -x build/bench_sync ] || { echo "build/bench_sync is missing: cmake --build build --target bench_sync" >&2; exit 1; }

scratch=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

echo "== peer: PouchDB/CouchDB, $runs runs of 10,000 documents (scratch $scratch)"
cp "$peer_dir"/bench.js "$peer_dir"/server.js "$peer_dir"/package.json "$scratch"
(cd "$scratch" && npm install --no-audit --no-fund --loglevel=error > npm.log 2>&1) || { cat "$scratch/npm.log"; exit 1; }
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$scratch" && exec node server.js "$port" ./server-data > server.log 2>&1) &
server_pid=$!
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$port/" > /dev/null && break
  sleep 0.2
done
(cd "$scratch" && /usr/bin/time -f "peak_rss_kb %M" node bench.js "http://127.0.0.1:$port" "$runs" 10000 10 100) \
  > "$scratch/peer.out" 2>&1
kill "$server_pid"; server_pid=""
grep -E "^run |^MEDIAN ms|^peak_rss_kb" "$scratch/peer.out"

echo "== tongdang: bench_sync's 10,000-file workload"
/usr/bin/time -f "peak_rss_kb %M" "$root/build/bench_sync" --main false --target true --dir "$scratch/tongdang" \
  > "$scratch/tongdang.out" 2>&1
grep -E "first sync|incremental|peak_rss_kb" "$scratch/tongdang.out"

python3 - "$scratch/peer.out" "$scratch/tongdang.out" <<'EOF'
import json, re, sys
peer_text, ours_text = open(sys.argv[1]).read(), open(sys.argv[2]).read()
peer = json.loads(re.search(r"^MEDIAN ms (\{.*\})$", peer_text, re.M).group(1))
def ours(label):
    return float(re.search(re.escape(label) + r"[^\n]*?\s([0-9.]+) ms", ours_text).group(1))
rss = lambda text: int(re.search(r"^peak_rss_kb (\d+)$", text, re.M).group(1)) / 1024
rows = [
    ("new station's first sync, 10,000 files", peer["pull_fresh"], ours("first sync, new station pulls all"), 0.1),
    ("holder's first push, 10,000 files", peer["push"], ours("first sync, holder pushes all"), 0.2),
    ("incremental sync of 10 edits", peer["push_incr"], ours("incremental sync of 10 edits"), 0.25),
]
print()
print(f"{'workload':<42} {'peer ms':>9} {'tongdang ms':>12} {'ratio':>7} {'target':>7}  ")
for name, p, t, target in rows:
    ratio = t / p
    print(f"{name:<42} {p:>9.0f} {t:>12.1f} {ratio:>7.2f} {'<= ' + str(target):>7}  {'met' if ratio <= target else 'NOT met'}")
print(f"{'peak RSS (MB): peer station process / tongdang (station + server in one process)':<80} "
      f"{rss(peer_text):.0f} / {rss(ours_text):.0f}  target < 100 each")
EOF
