#!/usr/bin/env bash
# Builds the two Debian packages from a build folder (cpack -G DEB), installs them on this machine as a county
# would (dpkg -i, as root), checks what they put where, runs both programs from /usr/bin, and purges them again,
# leaving the machine as it was. Usage: install_test.sh BUILD_DIR. Needs root (CI runs as root), or sudo without
# a password; otherwise it fails saying so (installing packages is what it tests).
set -euo pipefail
build_dir=$(cd "$1" && pwd)
as_root=()
if [ "$(id -u)" != 0 ]; then
  if sudo -n true 2> /dev/null; then as_root=(sudo -n); else
    echo "FAIL: installing the packages needs root or passwordless sudo" >&2
    exit 1
  fi
fi
fail() { echo "FAIL: $*" >&2; exit 1; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build_dir/CMakeCache.txt")
[ -n "$version" ] || fail "no project version in $build_dir/CMakeCache.txt"
out=$(mktemp -d)
ours=0        # 1 once the checks below found no install of ours: cleanup may then remove what the packages made
user_existed=1
cleanup() {
  "${as_root[@]}" dpkg --purge tongdang-station tongdang-server > /dev/null 2>&1 || true
  if [ "$ours" = 1 ]; then
    "${as_root[@]}" rm -rf /var/lib/tongdang
    if [ "$user_existed" = 0 ]; then "${as_root[@]}" deluser --system --quiet tongdang > /dev/null 2>&1 || true; fi
  fi
  rm -rf "$out"
}
trap cleanup EXIT
if dpkg -s tongdang-station > /dev/null 2>&1 || dpkg -s tongdang-server > /dev/null 2>&1; then
  fail "tongdang packages are installed on this machine already; the test would remove them"
fi
# A county's data left from an earlier install is never touched.
[ ! -e /var/lib/tongdang ] || fail "/var/lib/tongdang exists on this machine; the test would write into it"
user_existed=0
if getent passwd tongdang > /dev/null; then user_existed=1; fi
ours=1

(cd "$build_dir" && cpack -G DEB -B "$out" > "$out/cpack.log" 2>&1) || { cat "$out/cpack.log"; fail "cpack"; }
arch=$(dpkg --print-architecture)
station_deb="$out/tongdang-station_${version}_${arch}.deb"
server_deb="$out/tongdang-server_${version}_${arch}.deb"
[ -f "$station_deb" ] || { ls "$out"; fail "no $station_deb"; }
[ -f "$server_deb" ] || { ls "$out"; fail "no $server_deb"; }

# What each package holds, before installing: the right files, and the settings file as a conffile.
# (Listings go to files first: grep -q stops reading early, and pipefail would count the writer's SIGPIPE.)
dpkg-deb -c "$station_deb" > "$out/station.list"
dpkg-deb -c "$server_deb" > "$out/server.list"
grep -q './usr/bin/tongdang$' "$out/station.list" || fail "station package lacks /usr/bin/tongdang"
grep -q './usr/share/tongdang/policy/default.json' "$out/station.list" || fail "station package lacks the policy"
grep -q './usr/share/tongdang/divisions/jiangsu.csv' "$out/station.list" || fail "station package lacks the division table"
grep -q './usr/bin/tongdang-server$' "$out/server.list" || fail "server package lacks /usr/bin/tongdang-server"
grep -q './lib/systemd/system/tongdang-server.service' "$out/server.list" || fail "server package lacks its unit"
dpkg-deb -I "$server_deb" conffiles > "$out/conffiles"
grep -qx '/etc/tongdang/server.env' "$out/conffiles" || fail "server.env is not a conffile"
dpkg-deb -f "$server_deb" Depends > "$out/depends"
grep -q 'libsqlite3' "$out/depends" || fail "server package does not depend on libsqlite3: $(cat "$out/depends")"

"${as_root[@]}" dpkg -i "$station_deb" "$server_deb" > "$out/dpkg.log" 2>&1 || { cat "$out/dpkg.log"; fail "dpkg -i"; }

# Both programs run from where the packages put them and say their version.
[ "$(/usr/bin/tongdang --version)" = "tongdang $version" ] || fail "tongdang --version: $(/usr/bin/tongdang --version)"
[ "$(/usr/bin/tongdang-server --version)" = "tongdang-server $version" ] || fail "tongdang-server --version"
# The server's own user, its data folder 0700 and its settings readable by it only.
getent passwd tongdang > /dev/null || fail "no system user tongdang"
[ "$(stat -c '%U:%G %a' /var/lib/tongdang)" = "tongdang:tongdang 700" ] || fail "/var/lib/tongdang: $(stat -c '%U:%G %a' /var/lib/tongdang)"
[ "$(stat -c '%U:%G %a' /etc/tongdang/server.env)" = "root:tongdang 640" ] || fail "server.env: $(stat -c '%U:%G %a' /etc/tongdang/server.env)"
grep -q '^User=tongdang$' /lib/systemd/system/tongdang-server.service || fail "the unit does not run as tongdang"
if command -v systemd-analyze > /dev/null; then
  systemd-analyze verify /lib/systemd/system/tongdang-server.service > "$out/verify.log" 2>&1 ||
    { grep -v -e 'ConditionPathExists' -e 'network-online' "$out/verify.log" | grep . && fail "systemd-analyze verify"; } || true
fi
# The server user makes a county database in its folder, as docs/operations.md says, and the server reads it.
"${as_root[@]}" runuser -u tongdang -- env TONGDANG_SERVER_DB=/var/lib/tongdang/server.db \
  /usr/bin/tongdang-server init --county 320324 --name 睢宁县未保中心 > /dev/null || fail "init as tongdang"
"${as_root[@]}" runuser -u tongdang -- env TONGDANG_SERVER_DB=/var/lib/tongdang/server.db \
  /usr/bin/tongdang-server show > /dev/null || fail "show as tongdang"
[ "$(stat -c '%U %a' /var/lib/tongdang/server.db)" = "tongdang 600" ] || fail "server.db: $(stat -c '%U %a' /var/lib/tongdang/server.db)"
# The station makes a station database from the installed program alone (policy and divisions compiled in).
station_db="$out/station.db"
printf "督导员的密码123\n" | /usr/bin/tongdang --db "$station_db" init --township 320324102 --name 王集镇未保站 --user 李芳 \
  --password-stdin > /dev/null || fail "station init"
/usr/bin/tongdang --db "$station_db" --lang en choices role > "$out/roles" || fail "the installed station lists its choices"
grep -q supervisor "$out/roles" || fail "no roles from the installed station"

# Removed and purged: the programs go; the children's data stays for the county to archive.
"${as_root[@]}" dpkg --purge tongdang-station tongdang-server > "$out/purge.log" 2>&1 || { cat "$out/purge.log"; fail "purge"; }
[ ! -e /usr/bin/tongdang ] || fail "/usr/bin/tongdang left after purge"
[ ! -e /usr/bin/tongdang-server ] || fail "/usr/bin/tongdang-server left after purge"
[ -e /var/lib/tongdang/server.db ] || fail "purging removed the county's database"
echo "packages: tongdang-station and tongdang-server $version built, installed, run and purged"
