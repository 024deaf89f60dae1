#!/usr/bin/env bash
# Installs the Debian 12 packages tongdang needs, only if something is missing (fast when all are present).
set -euo pipefail
packages=(g++ cmake make pkg-config openssl sqlite3 libsqlite3-dev libcurl4-openssl-dev nlohmann-json3-dev
  libboost-dev catch2 libssl-dev libcli11-dev libfmt-dev libsodium-dev zlib1g-dev libcpp-httplib-dev
  libpq-dev libpqxx-dev postgresql
  libzip-dev libexpat1-dev libxlsxwriter-dev)
# libzip and expat read .xlsx ledgers (core/ledger/xlsx_reader.cc); libxlsxwriter writes them (core/ledger/export.cc).
# Test-only extras (headless Chromium renders the HTML report in its test; clang-14 and libFuzzer build the fuzz
# targets of tests/fuzz).
# chromium-driver and python3-selenium drive the station's pages through whole journeys (tests/web); the CJK font
# makes their screenshots (docs/user-guide.md) readable. python3-openpyxl makes real .xlsx ledgers in the tests' set-up,
# the way Excel and WPS write them. dpkg-dev (dpkg-shlibdeps) and adduser build and install the Debian packages in
# their test (tests/packages).
if [ "${1:-}" = "--with-test-tools" ]; then
  packages+=(chromium chromium-driver python3-selenium fonts-noto-cjk clang-14 libfuzzer-14-dev libclang-rt-14-dev
    python3-openpyxl dpkg-dev adduser)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
