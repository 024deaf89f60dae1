#!/usr/bin/env bash
# The 3+4+N cycle at one township station, offline, in Chinese (DEMO_LANG=en for English): a lead, home
# verification with the first risk screen, township review, county confirmation, a concurrent raise and a
# director's lowering kept for review, visits, care measures, and each person's work list.
#   scripts/run-workflow-demo.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build="$(cd "${1:-build}" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export TONGDANG_DB="$work/wangji.db" TONGDANG_NOW="${TONGDANG_NOW:-2026-11-28}"
# Every command signs in; the demo's users share one password, from the environment (run-demo.sh says more).
export TONGDANG_PASSWORD="${DEMO_PASSWORD:-demo-password-2026}"
td() { "$build/tongdang" --lang "${DEMO_LANG:-zh}" "$@"; }
new_user() { td "$@" --password-stdin <<< "$TONGDANG_PASSWORD"; }  # the new user's password on standard input

echo "== 建站，县级政策 =="
new_user init --township 320324102 --name 王集镇未保站 --user 李芳 --role supervisor --policy fixtures/policy/default.json
new_user user add 王强 --role director --villages 320324102203,320324102204
new_user user add 县未保中心 --role county
td policy show
echo
echo "== 第一步 摸排发现：网格员报告线索 =="
lead=$(td --as 王强 lead add --village 320324102203 --reporter 网格员张 --source grid \
  --seen "父母在外务工，祖父母照看，家里是低保户")
red_lead=$(td --as 王强 lead add --village 320324102204 --reporter 学校 --source school --suspected-red \
  --seen "孩子身上有伤，说不想回家")
td --as 王强 screen pending
echo
echo "== 第二步 入户核查：建档并做首次风险筛查 =="
cat > "$work/answers.json" <<'JSON'
{"carer": "both_away_capable_relative", "income": "below_1x_or_dibao", "parent_contact_gap_months": 8}
JSON
td --as 王强 screen verify "$lead" --name 张小明 --id-number 32032420140315012X --category LEFT_BEHIND \
  --category LOW_INCOME --answers "$work/answers.json"
td --as 王强 screen verify "$red_lead" --name 李小红 --id-number 320412201007010045 --village 320324102204 \
  --category GUARDIAN_RISK --trigger R1 --guardianship poor
echo
echo "== 第三步 审核认定：儿童主任不能审核（退出码 3），督导员审核，县级认定 =="
td --as 王强 screen review 32032420140315012X --approve || echo "（退出码 $?）"
td screen review 32032420140315012X --approve
td screen review 320412201007010045 --approve
td screen confirm 320412201007010045 || echo "（退出码 $?）"
td --as 县未保中心 screen confirm 320412201007010045
td screen pending
echo
echo "== 四色管理：重新评估为黄色；儿童主任要求降级，未生效，等待复核 =="
td --as 王强 assess 32032420140315012X --carer both_away_capable_relative --income below_1x_or_dibao \
  --parent-contact-gap-months 8 --guardianship fair --behaviour-problems 1 --warning-signs 2
td --as 王强 colour lower 32032420140315012X --to blue --reason "祖父母照看尽心"
td colour history 32032420140315012X
echo
echo "== 走访与关爱措施 =="
td --as 王强 visit add 320412201007010045 --date 2026-11-28 --kind home --with supervisor --notes "与督导员联合走访"
td --as 王强 visit add 32032420140315012X --date 2026-11-28 --kind phone --notes "与在外父母通话"
td --as 王强 care add 320412201007010045 --area SAFETY --item "防性侵教育，安排临时照料" --provider 公安、妇联
td case-worker 320412201007010045 李芳
td care list 320412201007010045
echo
echo "== 儿童主任 王强 12 月 10 日的待办 =="
td --as 王强 due --as-of 2026-12-10
echo
echo "== 督导员 李芳 12 月 10 日的待办（逾期、上报、复核事项） =="
td due --as-of 2026-12-10 --overdue
