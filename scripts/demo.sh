#!/usr/bin/env bash
# Brings the kiosk up against the local reference backend.
#
# With a display ($DISPLAY or $WAYLAND_DISPLAY) the kiosk opens in a window;
# without one it takes a guided tour headless and writes a screenshot of
# every step into out/tour/. Either way the reference backend runs on a free
# loopback port (printed, and kept in var/server.port) with a development
# PKI in var/pki/ for as long as the kiosk runs; KIOSK_DEMO_PORT=N asks for
# a fixed port.
#
#   bash scripts/demo.sh                 # window if there is a display
#   KIOSK_DEMO_HEADLESS=1 bash scripts/demo.sh
#   KIOSK_DEMO_SIZE=1080x1920 bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/release -j"$(nproc 2>/dev/null || echo 2)" >/dev/null

server_pid=""
kiosk_args=()
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT

export KIOSK_SERVER=$root/build/release/server/kiosk-server
if [ -x "$KIOSK_SERVER" ]; then
  mkdir -p var
  bash scripts/dev-pki.sh var/pki >/dev/null
  if [ ! -f var/server.db ]; then
    # The demonstration staff account, the same person as the bundle's
    # S0001 (one directory): console password kiosk-demo, kiosk PIN 246810.
    echo "kiosk-demo" | "$KIOSK_SERVER" staff add --db var/server.db S0001 王芳 >/dev/null
    echo "246810" | "$KIOSK_SERVER" staff pin --db var/server.db S0001 >/dev/null
  fi
  rm -f var/server.port
  # --config /dev/null: the demo's own settings, not an installed server's.
  "$KIOSK_SERVER" serve --config /dev/null --pki var/pki --db var/server.db \
    --port "${KIOSK_DEMO_PORT:-0}" --port-file var/server.port \
    >var/server.log 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    [ -s var/server.port ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ ! -s var/server.port ]; then
    echo "demo: the reference backend did not start; var/server.log says:" >&2
    tail -5 var/server.log >&2
    exit 1
  fi
  port=$(cat var/server.port)
  kiosk_args+=(--set "backend.url=https://127.0.0.1:$port")
  echo "demo: reference backend on https://127.0.0.1:$port (log: var/server.log)"
  echo "demo: staff console https://127.0.0.1:$port/console/  (S0001 / kiosk-demo)"
fi

size=${KIOSK_DEMO_SIZE:-1920x1080}
if [ -z "${KIOSK_DEMO_HEADLESS:-}" ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  echo "demo: opening the kiosk in a ${size} window (close it to stop)"
  build/release/kiosk/kiosk --window "$size" "${kiosk_args[@]}"
else
  rm -rf out/tour
  mkdir -p out
  echo "demo: no display: guided tour, screenshots in out/tour/"
  build/release/kiosk/kiosk --headless --window "$size" "${kiosk_args[@]}" \
    --script tests/scripts/tour.txt --shots out/tour
  ls out/tour | sed 's/^/  out\/tour\//'
fi
