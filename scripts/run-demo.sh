#!/usr/bin/env bash
# Runs the demo against an existing build: a township station made from a realistic fixture ledger, as a
# director and a supervisor see it, then serves it in a browser until Ctrl-C.   scripts/run-demo.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build="$(cd "${1:-build}" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export TONGDANG_DB="$work/wangji.db" TONGDANG_NOW="${TONGDANG_NOW:-2026-11-28}"
# Every command signs in. A demo gives all its users one password, from the environment (a station gives each
# user their own, typed at a terminal prompt or kept for a while by `tongdang login`).
export TONGDANG_PASSWORD="${DEMO_PASSWORD:-demo-password-2026}"
td() { "$build/tongdang" --lang "${DEMO_LANG:-zh}" "$@"; }
new_user() { td "$@" --password-stdin <<< "$TONGDANG_PASSWORD"; }  # the new user's password on standard input

echo "== 王集镇未保站 (320324102, 睢宁县): 建站 =="
new_user init --township 320324102 --name 王集镇未保站 --user 李芳 --role supervisor
new_user user add 王强 --role director --villages 320324102203,320324102204
new_user user add 赵敏 --role director --villages 320324102205
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
echo "== 冒用督导员的名字看完整身份证号：密码不对，被拒绝 (退出码 5) =="
TONGDANG_PASSWORD=王强猜的密码 td --as 李芳 child list --full-id || echo "（退出码 $?）"
echo
echo "== 王强 登录一次，之后的命令用登录会话 (文件 0600，60 分钟不用即失效)，退出登录 =="
TONGDANG_PASSWORD= td --as 王强 login --password-stdin <<< "$TONGDANG_PASSWORD"
TONGDANG_PASSWORD= td due --as-of 2026-12-10 | tail -3
td logout

echo
echo "################ 3+4+N：三步排查、四色管理、走访与关爱 ################"
scripts/run-workflow-demo.sh "$build"
echo
echo "################ 同步：县级服务器与两个乡镇站点 ################"
scripts/demo-sync.sh "$build"
echo
echo "################ 网页版：在浏览器中打开本站 / the station in a browser ################"
if [ "${DEMO_NO_SERVE:-0}" = "1" ]; then exit 0; fi
echo "用户 / users: 李芳（督导员 supervisor）、王强、赵敏（儿童主任 directors）; 密码 / password: $TONGDANG_PASSWORD"
# Runs until Ctrl-C (the database is removed afterwards). DEMO_PORT chooses the port; DEMO_NO_SERVE=1 skips this.
"$build/tongdang" --lang "${DEMO_LANG:-zh}" serve --listen "127.0.0.1:${DEMO_PORT:-8080}"
