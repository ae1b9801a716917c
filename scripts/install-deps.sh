#!/usr/bin/env bash
# Installs the Debian packages the project needs, from Debian 12's archive
# only, by purpose:
#
#   bash scripts/install-deps.sh          # build and run the kiosk and backend
#                                         # (what scripts/demo.sh needs)
#   bash scripts/install-deps.sh --test   # that, plus what the test suite and
#                                         # benchmarks need (scripts/test.sh)
#
# Idempotent: packages already present are skipped; apt is only touched when
# something is missing. Run as root (or with sudo available).
#
# Areas list their extra packages one per line in scripts/deps/*.list; a list
# whose name starts with "test-" is installed only with --test. A line may
# name a command after the package ("npm cmd:npm"): when that command is
# already on PATH (a Node.js from elsewhere brings its own npm), the package
# is not needed.
set -euo pipefail

purpose=run
case "${1:-}" in
  "") ;;
  --test) purpose=test ;;
  -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "install-deps: unknown option '$1' (use --test or nothing)" >&2; exit 2 ;;
esac

PKGS=(
  build-essential cmake pkg-config ca-certificates
  libsdl2-dev libsdl2-ttf-dev libcjson-dev libcurl4-openssl-dev
  libsqlite3-dev sqlite3 libsodium-dev libpng-dev libqrencode-dev
  libmicrohttpd-dev openssl
  fonts-noto-cjk fonts-dejavu-core
)
for f in "$(dirname "$0")"/deps/*.list; do
  [ -f "$f" ] || continue
  case "$(basename "$f")" in
    test-*) [ "$purpose" = test ] || continue ;;
  esac
  while read -r p cmd _; do
    case "$p" in ""|\#*) continue ;; esac
    case "$cmd" in
      cmd:*) command -v "${cmd#cmd:}" >/dev/null 2>&1 && continue ;;
    esac
    PKGS+=("$p")
  done < "$f"
done
mapfile -t PKGS < <(printf '%s\n' "${PKGS[@]}" | sort -u)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages present ($purpose)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
