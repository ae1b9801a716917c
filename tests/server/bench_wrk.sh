#!/bin/bash
# bench_wrk.sh URL: the console's day list and the public progress page
# measured with wrk (Debian's wrk package: scripts/deps/test-bench.list)
# against a kiosk-server already running at URL (https://localhost:PORT).
#
# wrk sends no client certificate, so it measures what needs none: the
# console's list of one day (a staff session's cookie, signed in here
# with curl) and the public progress page GET /cx?r=REF&t=TOKEN (the
# receipt's QR code), which answers from the same one store call as a
# kiosk's GET /v1/status. Start the server with the status rate limit
# raised (--status-burst 1e12 --status-rate 1e9 --fail-burst 1e12), or
# /cx answers 429 after its first few. See docs/server.md, "Load".
#
# Environment:
#   WRK_STAFF, WRK_PASSWORD  a staff account (kiosk-server staff add)
#   WRK_DATE                 the day to list, YYYY-MM-DD (required)
#   WRK_REF, WRK_UUID        reference and uuid of one stored application
#                            (its token is derived here); leave out to
#                            skip /cx
#   WRK_CA                   the server's CA file (default: not verified)
#   WRK_DURATION (10s), WRK_CONNS (16), WRK_THREADS (2)
set -euo pipefail
url=${1:?usage: bench_wrk.sh https://localhost:PORT}
: "${WRK_STAFF:?WRK_STAFF: a staff id}"
: "${WRK_PASSWORD:?WRK_PASSWORD: its password}"
: "${WRK_DATE:?WRK_DATE: the day to list, YYYY-MM-DD}"
dur=${WRK_DURATION:-10s}
conns=${WRK_CONNS:-16}
threads=${WRK_THREADS:-2}
command -v wrk >/dev/null || {
  echo "bench_wrk: wrk not found (apt-get install wrk)" >&2
  exit 1
}
tls=(-k)
[ -n "${WRK_CA:-}" ] && tls=(--cacert "$WRK_CA")

# Sign in; the session cookie is the Set-Cookie's first pair.
body=$(printf '{"id":"%s","password":"%s"}' "$WRK_STAFF" "$WRK_PASSWORD")
cookie=$(curl -s "${tls[@]}" -D - -o /dev/null -H 'Content-Type: application/json' \
  --data "$body" "$url/api/console/login" |
  sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -n 1 | tr -d '\r')
if [ -z "$cookie" ]; then
  echo "bench_wrk: sign-in as $WRK_STAFF failed" >&2
  exit 1
fi

# Every answer must be a 200: wrk counts the others as "Non-2xx".
check() {
  local code
  code=$(curl -s "${tls[@]}" -o /dev/null -w '%{http_code}' "$@")
  if [ "$code" != 200 ]; then
    echo "bench_wrk: $* answered $code" >&2
    exit 1
  fi
}

run() {
  echo "== $1"
  shift
  wrk -t "$threads" -c "$conns" -d "$dur" --latency "$@" |
    grep -E 'Requests/sec|Non-2xx|Socket errors|^ +50%|^ +99%|requests in'
}

list="$url/api/console/applications?date=$WRK_DATE"
check -H "Cookie: $cookie" "$list"
run "console day list $WRK_DATE (page 1 of 100 with the total)" \
  -H "Cookie: $cookie" "$list"

if [ -n "${WRK_REF:-}" ] && [ -n "${WRK_UUID:-}" ]; then
  # The receipt's token: base32 (a-z, 2-7) of the first 10 bytes of
  # BLAKE2b-256 over "kiosk-receipt-v1|" + uuid (public_status.h).
  token=$(python3 -c 'import base64, hashlib, sys
h = hashlib.blake2b(b"kiosk-receipt-v1|" + sys.argv[1].encode(), digest_size=32).digest()
print(base64.b32encode(h[:10]).decode().lower())' "$WRK_UUID")
  cx="$url/cx?r=$WRK_REF&t=$token"
  check "$cx"
  run "public progress page /cx (one application, its items)" "$cx"
fi
