#!/usr/bin/env bash
# Runs the demo against an existing build: a township station made from a realistic fixture ledger, as a
# director and a supervisor see it.   scripts/run-demo.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build="$(cd "${1:-build}" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export TONGDANG_DB="$work/wangji.db" TONGDANG_NOW="${TONGDANG_NOW:-2026-11-28}"
td() { "$build/tongdang" --lang "${DEMO_LANG:-zh}" "$@"; }

echo "== 王集镇未保站 (320324102, 睢宁县): 建站 =="
td init --township 320324102 --name 王集镇未保站 --user 李芳 --role supervisor
td user add 王强 --role director --villages 320324102201,320324102202
td user add 赵敏 --role director --villages 320324102203
echo
echo "== 导入台账 fixtures/ledgers/wangji-2026.csv =="
td import fixtures/ledgers/wangji-2026.csv
echo
echo "== 儿童主任 王强 的名单 =="
td --as 王强 child list
echo
echo "== 督导员 李芳: 全镇名单 (身份证号默认脱敏) =="
td child list

echo
echo "################ 3+4+N：三步排查、四色管理、走访与关爱 ################"
scripts/run-workflow-demo.sh "$build"
echo
echo "################ 同步：县级服务器与两个乡镇站点 ################"
scripts/demo-sync.sh "$build"
