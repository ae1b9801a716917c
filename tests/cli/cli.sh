#!/usr/bin/env bash
# Command-line conventions of kiosk, kioskctl and kiosk-server, the man
# pages made from them, and kiosk-server's configuration file. Run by ctest
# (tests/cli/CMakeLists.txt) with, in the environment:
#   KIOSK KIOSKCTL KIOSK_SERVER  the built programs
#   VERSION        the CMake project version
#   CTL_MAIN       tools/kioskctl/main.c (its dispatch table)
#   MAN_DIR        where the build put the man pages
#   CONF_EXAMPLE   server/kiosk-server.conf.example
#   PKI            a development PKI (scripts/dev-pki.sh)
#   WORK           a scratch folder
# Prints every failed check and exits 1 if there was any.
set -u

fails=0
checks=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }
check() { # description, then a command that must succeed
  local what=$1
  shift
  if "$@"; then ok; else fail "$what"; fi
}

rm -rf "$WORK"
mkdir -p "$WORK"
OUT=$WORK/out
ERR=$WORK/err

# run PROG ARGS...: status in $rc, streams in $OUT and $ERR.
run() {
  "$@" >"$OUT" 2>"$ERR" </dev/null
  rc=$?
}
empty() { [ ! -s "$1" ]; }
has() { grep -qF -- "$2" "$1"; }

# --help: usage on stdout, nothing on stderr, 0. --version: "<prog>
# <version>". An unknown option or a missing value: usage on stderr, nothing
# on stdout, 2.
conventions() { # name, program, missing-value arguments...
  local name=$1 prog=$2
  shift 2
  run "$prog" --help
  check "$name --help exits 0 (got $rc)" [ "$rc" = 0 ]
  check "$name --help writes to stdout" [ -s "$OUT" ]
  check "$name --help writes nothing to stderr" empty "$ERR"
  check "$name --help mentions --version" has "$OUT" "--version"
  run "$prog" --version
  check "$name --version exits 0 (got $rc)" [ "$rc" = 0 ]
  check "$name --version prints '$name $VERSION' (got '$(head -1 "$OUT")')" \
    [ "$(head -1 "$OUT")" = "$name $VERSION" ]
  run "$prog" --no-such-option
  check "$name --no-such-option exits 2 (got $rc)" [ "$rc" = 2 ]
  check "$name --no-such-option writes nothing to stdout" empty "$OUT"
  check "$name --no-such-option names the option on stderr" \
    has "$ERR" "--no-such-option"
  run "$prog" "$@"
  check "$name $* (a missing value) exits 2 (got $rc)" [ "$rc" = 2 ]
  check "$name $* writes nothing to stdout" empty "$OUT"
  check "$name $* writes the usage to stderr" [ -s "$ERR" ]
}

conventions kiosk "$KIOSK" --config
conventions kioskctl "$KIOSKCTL" content check "$WORK" --today
conventions kiosk-server "$KIOSK_SERVER" serve --port

# kiosk: the usage on stderr for a bad option, too.
run "$KIOSK" --window
check "kiosk --window without a value prints the usage" has "$ERR" "Usage: kiosk"

# kiosk-server: every command has --help and refuses a bad option.
for c in serve keygen adduser; do
  run "$KIOSK_SERVER" "$c" --help
  check "kiosk-server $c --help exits 0 (got $rc)" [ "$rc" = 0 ]
  check "kiosk-server $c --help prints its usage on stdout" \
    has "$OUT" "kiosk-server $c"
  check "kiosk-server $c --help writes nothing to stderr" empty "$ERR"
  run "$KIOSK_SERVER" "$c" --bogus
  check "kiosk-server $c --bogus exits 2 (got $rc)" [ "$rc" = 2 ]
  check "kiosk-server $c --bogus prints the usage on stderr" \
    has "$ERR" "kiosk-server $c"
done
run "$KIOSK_SERVER"
check "kiosk-server without a command exits 2 (got $rc)" [ "$rc" = 2 ]
run "$KIOSK_SERVER" frobnicate
check "kiosk-server frobnicate exits 2 (got $rc)" [ "$rc" = 2 ]

# kioskctl: every command of the dispatch table is in --help and has a
# --help of its own.
mapfile -t table < <(sed -nE \
  's/^[[:space:]]*\{"([a-z]+)", (NULL|"([a-z]+)"), cmd_[a-z_]+,.*/\1 \3/p' \
  "$CTL_MAIN" | sed 's/ *$//')
check "the dispatch table of $CTL_MAIN was read (${#table[@]} commands)" \
  [ "${#table[@]}" -ge 11 ]
for want in "content check" "content show" "content rehash" "content sign" \
  "content publish" "keygen" "form check" "screen" "staff hash" \
  "staff list" "version"; do
  printf '%s\n' "${table[@]}" | grep -qxF "$want" ||
    fail "the dispatch table has no '$want'"
done
"$KIOSKCTL" --help >"$WORK/ctl-help" 2>/dev/null
for cmd in "${table[@]}"; do
  check "kioskctl --help lists 'kioskctl $cmd'" \
    grep -qE "^  kioskctl $cmd( |\$)" "$WORK/ctl-help"
  # shellcheck disable=SC2086 # cmd is one or two words
  run "$KIOSKCTL" $cmd --help
  check "kioskctl $cmd --help exits 0 (got $rc)" [ "$rc" = 0 ]
  check "kioskctl $cmd --help prints its usage on stdout" \
    has "$OUT" "kioskctl $cmd"
  check "kioskctl $cmd --help writes nothing to stderr" empty "$ERR"
  # shellcheck disable=SC2086
  run "$KIOSKCTL" $cmd --bogus
  check "kioskctl $cmd --bogus exits 2 (got $rc)" [ "$rc" = 2 ]
  check "kioskctl $cmd --bogus says so in Chinese on stderr" \
    has "$ERR" "不认识的选项：--bogus"
  check "kioskctl $cmd --bogus writes nothing to stdout" empty "$OUT"
done
run "$KIOSKCTL" content --help
check "kioskctl content --help lists content sign" has "$OUT" "kioskctl content sign"
run "$KIOSKCTL" content frobnicate
check "kioskctl content frobnicate exits 2 (got $rc)" [ "$rc" = 2 ]

# Man pages: there, from this version, and rendered without warnings.
for page in kiosk.1 kioskctl.1 kiosk-server.8; do
  f=$MAN_DIR/$page
  if [ ! -s "$f" ]; then
    fail "man page $f is missing"
    continue
  fi
  check "$page has a .TH line with version $VERSION" \
    grep -qE "^\.TH .*$VERSION" "$f"
  check "$page has a SEE ALSO section" grep -q '^\.SH "SEE ALSO"' "$f"
  if command -v man >/dev/null; then
    LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$f" >"$OUT" 2>"$ERR"
    rc=$?
  elif command -v groff >/dev/null; then
    LC_ALL=C.UTF-8 groff -man -Tutf8 -K utf8 -wmac -z "$f" >"$OUT" 2>"$ERR"
    rc=$?
  else
    echo "note: neither man nor groff: $page not rendered"
    continue
  fi
  check "$page renders (status $rc)" [ "$rc" = 0 ]
  check "$page renders without warnings: $(head -3 "$ERR")" empty "$ERR"
done
check "kioskctl.1 lists content publish" grep -q "content publish" \
  "$MAN_DIR/kioskctl.1"
check "kiosk-server.8 lists --config" grep -q 'config' "$MAN_DIR/kiosk-server.8"

# ---- kiosk-server's configuration file ----

# serve_until_port CONF ARGS...: starts serve in the background; sets $pid
# and $port (empty if it did not come up within 15 s).
serve_until_port() {
  local portfile=$1
  shift
  rm -f "$portfile"
  "$KIOSK_SERVER" serve "$@" >"$WORK/serve.out" 2>"$WORK/serve.err" &
  pid=$!
  port=
  for _ in $(seq 150); do
    if [ -s "$portfile" ]; then
      port=$(cat "$portfile")
      return
    fi
    kill -0 "$pid" 2>/dev/null || return
    sleep 0.1
  done
}
stop() {
  kill -TERM "$pid" 2>/dev/null
  wait "$pid"
  rc=$?
}
console_status() {
  curl -s -o /dev/null -w '%{http_code}' --cacert "$PKI/ca.crt" \
    --resolve "localhost:$port:127.0.0.1" "https://localhost:$port/console/"
}

conf=$WORK/good.conf
cat >"$conf" <<EOF
# a test configuration
port = 0
port-file = $WORK/good.port

pki = $PKI
  db = $WORK/good.db
threads = 2
log-level = warn
EOF
serve_until_port "$WORK/good.port" --config "$conf"
check "serve --config starts and writes its port: $(cat "$WORK/serve.err")" \
  [ -n "$port" ]
if [ -n "$port" ]; then
  check "the server from the file serves the console" \
    [ "$(console_status)" = 200 ]
  check "the database of the file is used" [ -f "$WORK/good.db" ]
  stop
  check "SIGTERM stops it with status 0 (got $rc)" [ "$rc" = 0 ]
fi

# Options override the file: its db folder does not exist, its port file
# is elsewhere.
cat >"$WORK/over.conf" <<EOF
db = $WORK/no/such/folder/x.db
pki = $PKI
port = 1
port-file = $WORK/not-this.port
EOF
serve_until_port "$WORK/over.port" --config "$WORK/over.conf" \
  --db "$WORK/over.db" --port 0 --port-file "$WORK/over.port"
check "options override the file: $(cat "$WORK/serve.err")" [ -n "$port" ]
if [ -n "$port" ]; then
  check "the overridden server serves" [ "$(console_status)" = 200 ]
  check "the option's database is used" [ -f "$WORK/over.db" ]
  check "the file's port file is not written" [ ! -e "$WORK/not-this.port" ]
  stop
fi

# The example lists every key of serve --help, and nothing else; with every
# line uncommented it is accepted.
"$KIOSK_SERVER" serve --help |
  sed -nE 's/^  --([a-z-]+) [A-Z]+ .*/\1/p' | grep -vx config | sort >"$WORK/keys.help"
sed -nE 's/^#([a-z-]+) = .*/\1/p' "$CONF_EXAMPLE" | sort >"$WORK/keys.example"
check "serve --help lists its keys" [ "$(wc -l <"$WORK/keys.help")" -ge 12 ]
check "the example lists exactly the keys of serve --help: $(diff "$WORK/keys.help" "$WORK/keys.example" | tr '\n' ' ')" \
  cmp -s "$WORK/keys.help" "$WORK/keys.example"
sed -E 's/^#([a-z-]+ = )/\1/' "$CONF_EXAMPLE" >"$WORK/example.conf"
# The example's files live under /etc on a server: the shipped departments
# file and an empty calendar stand in for them.
printf '{"holidays": [], "workdays": []}\n' >"$WORK/calendar.json"
serve_until_port "$WORK/ex.port" --config "$WORK/example.conf" --pki "$PKI" \
  --db "$WORK/ex.db" --port 0 --port-file "$WORK/ex.port" --log-level warn \
  --departments "$(dirname "$CONF_EXAMPLE")/departments.json" \
  --calendar "$WORK/calendar.json"
check "the example, uncommented, is accepted: $(cat "$WORK/serve.err")" \
  [ -n "$port" ]
[ -n "$port" ] && stop

# Bad lines stop it, naming the file and line.
bad() { # description, expected text, file content
  printf '%b' "$3" >"$WORK/bad.conf"
  run timeout 20 "$KIOSK_SERVER" serve --config "$WORK/bad.conf" --pki "$PKI" \
    --db "$WORK/bad.db" --port 0
  check "$1 stops the server with status 2 (got $rc)" [ "$rc" = 2 ]
  check "$1 is reported as '$2' (got '$(cat "$ERR")')" has "$ERR" "$2"
}
bad "an unknown key" "$WORK/bad.conf:3: unknown key 'prot'" \
  "# comment\nport = 0\nprot = 8443\n"
bad "a bad number" "$WORK/bad.conf:2: threads: 'many'" \
  "\nthreads = many\n"
bad "a port out of range" "$WORK/bad.conf:1: port: '70000'" "port = 70000\n"
bad "a line without =" "$WORK/bad.conf:2: expected 'key = value'" \
  "port = 0\nverbose\n"
bad "a bad log level" "$WORK/bad.conf:1: log-level" "log-level = loud\n"
bad "--config inside the file" "$WORK/bad.conf:1: unknown key 'config'" \
  "config = /etc/other.conf\n"
run "$KIOSK_SERVER" serve --config "$WORK/none.conf"
check "a missing --config file stops it with status 2 (got $rc)" [ "$rc" = 2 ]
check "a missing --config file is named" has "$ERR" "$WORK/none.conf"
run "$KIOSK_SERVER" serve --config "$conf" --threads 0
check "a bad option value exits 2 (got $rc)" [ "$rc" = 2 ]
check "a bad option value is named" has "$ERR" "threads: '0'"

# adduser takes the database from the same file.
printf 'db = %s\n' "$WORK/staff.db" >"$WORK/staff.conf"
echo "a-long-password" |
  "$KIOSK_SERVER" adduser --config "$WORK/staff.conf" S0001 测试 >"$OUT" 2>"$ERR"
rc=$?
check "adduser --config exits 0 (got $rc: $(cat "$ERR"))" [ "$rc" = 0 ]
check "adduser --config writes the file's database" [ -s "$WORK/staff.db" ]

echo "$checks checks passed, $fails failed"
[ "$fails" = 0 ]
