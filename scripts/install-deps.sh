#!/usr/bin/env bash
# Installs every Debian package the kiosk, the reference backend and the test
# suite need. Idempotent: packages already present are skipped; apt is only
# touched when something is missing. Run as root (or with sudo available).
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config git ca-certificates
  libsdl2-dev libsdl2-ttf-dev libcjson-dev libcurl4-openssl-dev
  libsqlite3-dev sqlite3 libsodium-dev libpng-dev libqrencode-dev
  libmicrohttpd-dev openssl
  fonts-noto-cjk
  librime-dev librime-bin rime-data-luna-pinyin
  libzinnia-dev tegaki-zinnia-simplified-chinese
  xvfb xauth
)
# Areas with extra needs list them one per line in scripts/deps/*.list.
for f in "$(dirname "$0")"/deps/*.list; do
  [ -f "$f" ] || continue
  while read -r p; do
    case "$p" in ""|\#*) continue ;; esac
    PKGS+=("$p")
  done < "$f"
done

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
