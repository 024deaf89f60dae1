#!/usr/bin/env bash
# The sync demo: a county server on loopback (TLS with a throwaway self-signed certificate; plain HTTP on loopback
# if openssl is missing), the 王集 township station loaded from the fixture ledger plus a second 王集 laptop, and
# the 双沟 township station. Offline edits on both 王集 machines — one conflicting edit of the same field, and an
# offline lowering racing a raise — then syncs, and what each station and the server hold.
#   scripts/demo-sync.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
build="$(cd "${1:-build}" && pwd)"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
export TONGDANG_NOW="${TONGDANG_NOW:-2026-11-28}"
unset TONGDANG_DB TONGDANG_USER
# Every station command signs in; the demo's users share one password, from the environment (run-demo.sh says more).
export TONGDANG_PASSWORD="${DEMO_PASSWORD:-demo-password-2026}"
lang="${DEMO_LANG:-zh}"
td() { local db="$1"; shift; "$build/tongdang" --lang "$lang" --db "$work/$db.db" "$@"; }
td_init() { td "$@" --password-stdin <<< "$TONGDANG_PASSWORD"; }  # the first user's password on standard input
srv() { "$build/tongdang-server" --lang "$lang" --db "$work/central.db" "$@"; }
token_of() { sed -n 's/.*"token":"\([^"]*\)".*/\1/p'; }
first_id() { sed -n 's/^    "id": "\([^"]*\)".*/\1/p' | sed -n "${1}p"; }

echo "== 县中心 睢宁县未保中心 (320324): 建库、发放站点令牌 =="
srv init --county 320324 --name 睢宁县未保中心
token_wangji=$(srv --json station add --township 320324102 | token_of)
token_laptop=$(srv --json station add --township 320324102 | token_of)
token_shuanggou=$(srv --json station add --township 320324103 | token_of)
srv token list

if command -v openssl > /dev/null; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -keyout "$work/key.pem" -out "$work/cert.pem" \
    -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2> /dev/null
  "$build/tongdang-server" --db "$work/central.db" serve --listen 127.0.0.1:0 \
    --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" 2> "$work/server.log" &
  scheme=https host=localhost ca=(--ca-cert "$work/cert.pem")
else
  "$build/tongdang-server" --db "$work/central.db" serve --listen 127.0.0.1:0 --insecure 2> "$work/server.log" &
  scheme=http host=127.0.0.1 ca=()
fi
server_pid=$!
for _ in $(seq 100); do grep -q '"listening"' "$work/server.log" 2> /dev/null && break; sleep 0.05; done
port=$(sed -n 's/.*"listen":"[^"]*:\([0-9]*\)".*/\1/p' "$work/server.log" | head -1)
url="$scheme://$host:$port"
echo "服务器日志第一行: $(head -1 "$work/server.log")"
echo

echo "== 王集镇未保站: 建站、导入台账、首次同步 =="
td_init wangji init --township 320324102 --name 王集镇未保站 --user 李芳 --role supervisor > /dev/null
td wangji import fixtures/ledgers/wangji-2026.csv
td wangji sync --server "$url" --token "$token_wangji" "${ca[@]}"
echo
echo "== 王集镇第二台电脑 (督导员 周敏)、双沟镇未保站: 首次同步 =="
td_init laptop init --township 320324102 --name 王集镇未保站-笔记本 --user 周敏 --role supervisor > /dev/null
td laptop sync --server "$url" --token "$token_laptop" "${ca[@]}"
td_init shuanggou init --township 320324103 --name 双沟镇未保站 --user 陈刚 --role supervisor > /dev/null
td shuanggou child add --name 张晓 --id-number 32032420140315012X --village 320324103204 --category LEFT_BEHIND > /dev/null
td shuanggou sync --server "$url" --token "$token_shuanggou" "${ca[@]}"

child=$(td wangji --json child list | first_id 1)
other=$(td wangji --json child list | first_id 2)
echo
echo "== 李芳 评估儿童 ${child}: 黄色 (8+5+5+5+6=29 分)，同步到两台电脑 =="
td wangji assess "$child" --carer both_away_capable_relative --guardianship fair --warning-signs 1 \
  --behaviour-problems 1 --income below_1x_or_dibao > /dev/null
td wangji colour history "$child"
td wangji sync > /dev/null
td laptop sync > /dev/null

echo
echo "== 断网期间: 笔记本上 周敏 把 ${child} 从黄降为蓝，又改了 ${other} 的学校；站里 李芳 把 ${child} 提为红，也改了同一个学校字段 =="
td laptop colour lower "$child" --to blue --reason 情况好转
td laptop child edit "$other" --set school=睢宁县实验小学
td wangji colour raise "$child" --to red --reason 发现监护缺失
td wangji child edit "$other" --set school=王集中心小学
td shuanggou child add --name 李乐 --id-number 320324201210270758 --village 320324103206 --category LEFT_BEHIND > /dev/null
echo
echo "== 恢复联网: 笔记本先同步 (降级先到服务器)，再王集站、双沟站，再各同步一次 =="
td laptop sync
td wangji sync
td shuanggou sync
td laptop sync
td wangji sync
echo
echo "== 结果: ${child} 在三处都是红色 (过时的离线降级不生效，待复核) =="
echo "-- 王集站:"; td wangji colour history "$child"
echo "-- 笔记本:"; td laptop child show "$child" | grep -E "风险等级|colour" || true
echo "-- 服务器:"; srv show --township 320324102 | grep -E "${child}|冲突|conflict"
echo
echo "== 冲突: 两台电脑都看到同一个冲突，两个值都保留 =="
echo "-- 王集站:"; td wangji conflicts
echo "-- 笔记本:"; td laptop conflicts
conflict=$(td wangji --json conflicts | sed -n 's/^      "id": "\([^"]*\)".*/\1/p' | head -1)
echo
echo "== 督导员 李芳 处理冲突 (保留本站的值)，同步 =="
td wangji conflicts resolve "$conflict" --keep mine
td wangji sync > /dev/null
td laptop sync > /dev/null
echo "-- 笔记本上的学校: $(td laptop --json child show "$other" | sed -n 's/^  "school": "\(.*\)",$/\1/p')"
echo "-- 笔记本待处理冲突:"; td laptop conflicts
echo
echo "== 双沟站: 同一身份证号在两个乡镇登记，生成疑似重复记录 (不自动合并) =="
td shuanggou duplicates
echo
echo "== 同步状态 =="
td wangji sync status
echo
echo "== 服务器: 王集镇、双沟镇 =="
srv show --township 320324102 | grep -v "  0[0-9a-f]\{7\}-" || true
srv show --township 320324103
echo
echo "== 县级覆盖报告 (睢宁县，各乡镇；不含姓名与身份证号) =="
srv report coverage --format table
srv report coverage --format html --out "$work/coverage.html" && echo "HTML: $(wc -c < "$work/coverage.html") bytes"
srv report check
echo
echo "== 服务器日志 (每个请求一行) 的最后三行 =="
tail -3 "$work/server.log"
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
tail -1 "$work/server.log"
