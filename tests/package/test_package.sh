#!/usr/bin/env bash
# test_package.sh BUILD_DIR SOURCE_DIR VERSION [sanitized|plain]
#
# Builds the three Debian packages from BUILD_DIR with CPack, checks their
# control data, unpacks them with `dpkg -x` into an empty folder and runs
# the programs from there with KIOSK_HOME unset: the kiosk headless through
# a short script (home screen, the policy pages) with its
# configuration pointing into the unpacked tree, `kioskctl --version` and
# `kiosk-server --help`. `strings` on every installed program must find
# neither the source nor the build folder (not checked in a sanitizer build:
# UBSan's source locations keep full paths, and such a build is never
# shipped).
set -euo pipefail
build=$1 src=$2 version=$3 kind=${4:-plain}
fails=0
bad() { echo "FAIL $*" >&2; fails=$((fails + 1)); }
ok() { echo "ok   $*"; }

command -v cpack >/dev/null || { echo "skip: no cpack"; exit 77; }
work=$(mktemp -d /tmp/kiosk-package-XXXXXX)
trap 'rm -rf "$work"' EXIT

(cd "$build" && cpack -G DEB -B "$work/pkgs") >"$work/cpack.log" 2>&1 || {
  cat "$work/cpack.log" >&2
  echo "FAIL cpack" >&2
  exit 1
}
arch=$(dpkg --print-architecture)
for p in kiosk kiosk-server kioskctl; do
  deb="$work/pkgs/${p}_${version}_${arch}.deb"
  [ -f "$deb" ] || { bad "no package $deb"; continue; }
  ok "package $(basename "$deb")"
  dpkg-deb -x "$deb" "$work/root"
  dpkg-deb -e "$deb" "$work/control-$p"
done
[ "$fails" -eq 0 ] || exit 1

# Control data: dependencies from the binaries and the data they read,
# conffiles, maintainer scripts.
dep() { dpkg-deb -f "$work/pkgs/${1}_${version}_${arch}.deb" Depends; }
for d in libsdl2-2.0-0 libsdl2-ttf-2.0-0 libcurl4 librime1 libzinnia0 libespeak-ng1 libv4l-0 \
         fonts-noto-cjk rime-data-luna-pinyin tegaki-zinnia-simplified-chinese; do
  dep kiosk | grep -q "$d" && ok "kiosk depends on $d" || bad "kiosk: no $d in Depends"
done
for d in libmicrohttpd12 libsqlite3-0 libsodium23; do
  dep kiosk-server | grep -q "$d" && ok "kiosk-server depends on $d" ||
    bad "kiosk-server: no $d in Depends"
done
grep -qx /etc/kiosk/kiosk.conf "$work/control-kiosk/conffiles" &&
  ok "kiosk.conf is a conffile" || bad "kiosk.conf not a conffile"
grep -qx /etc/kiosk-server/kiosk-server.conf "$work/control-kiosk-server/conffiles" &&
  ok "kiosk-server.conf is a conffile" || bad "kiosk-server.conf not a conffile"
for p in kiosk kiosk-server; do
  [ -x "$work/control-$p/postinst" ] && sh -n "$work/control-$p/postinst" &&
    ok "$p postinst" || bad "$p: postinst missing or not valid sh"
done

# The layout.
r=$work/root
for f in usr/bin/kiosk usr/bin/kioskctl usr/sbin/kiosk-server \
         usr/share/kiosk/bundle/manifest.json usr/share/kiosk/bundle/manifest.sig \
         usr/share/kiosk/keys/release.pub usr/share/kiosk/fonts/fonts.conf \
         usr/share/kiosk/rime/staging/kiosk_pinyin.prism.bin \
         etc/kiosk/kiosk.conf etc/kiosk-server/kiosk-server.conf \
         usr/share/man/man1/kiosk.1.gz usr/share/man/man1/kioskctl.1.gz \
         usr/share/man/man8/kiosk-server.8.gz; do
  [ -e "$r/$f" ] && ok "/$f" || bad "missing /$f"
done
units=$(find "$r" -name '*.service' | sed "s|^$r||" | sort | tr '\n' ' ')
case "$units" in
  *kiosk-server.service*kiosk.service*) ok "units: $units" ;;
  *) bad "units missing: '$units'" ;;
esac

# No source or build path in an installed program.
for b in usr/bin/kiosk usr/bin/kioskctl usr/sbin/kiosk-server; do
  if [ "$kind" = sanitized ]; then
    echo "note: sanitizer build: $b not checked for source paths"
  elif strings "$r/$b" | grep -F -e "$src" -e "$build" >"$work/leak"; then
    bad "$b names the source or build tree: $(head -1 "$work/leak")"
  else
    ok "$b names no source or build path"
  fi
done

# Run from the unpacked tree, away from the source tree.
unset KIOSK_HOME
cd "$work"
out=$("$r/usr/bin/kioskctl" --version) && [[ "$out" == *"$version"* ]] &&
  ok "kioskctl --version: $out" || bad "kioskctl --version: '$out'"
"$r/usr/sbin/kiosk-server" --help >"$work/help" 2>"$work/help.err" &&
  grep -q serve "$work/help" && ok "kiosk-server --help" ||
  bad "kiosk-server --help: $(cat "$work/help.err")"

# The shipped bundle verifies against the shipped key.
"$r/usr/bin/kioskctl" content check "$r/usr/share/kiosk/bundle" >/dev/null &&
  ok "shipped bundle passes content check" || bad "shipped bundle: content check"

key=$(tr -d '\n' <"$r/usr/share/kiosk/keys/release.pub")
mkdir -p "$work/state" "$work/run" "$work/shots"
cat >"$work/kiosk.conf" <<CONF
backend.url = https://127.0.0.1:9
backend.connect_timeout_s = 1
paths.content = $r/usr/share/kiosk/bundle
paths.fonts = $r/usr/share/kiosk/fonts/fonts.conf
paths.rime = $r/usr/share/kiosk/rime
paths.data = $work/state
paths.runtime = $work/run
paths.printer = $work/state/printer
content.trusted_keys = $key
CONF
cat >"$work/script.txt" <<'SCRIPT'
expect screen home
shot home
tap entry.policy
expect screen policy
shot policy
tap nav.home
expect screen home
SCRIPT
if "$r/usr/bin/kiosk" --headless --window 1280x800 --config "$work/kiosk.conf" \
     --script "$work/script.txt" --shots "$work/shots" >"$work/kiosk.log" 2>&1; then
  ok "kiosk ran the script from the unpacked tree"
else
  bad "kiosk from the unpacked tree: $(tail -5 "$work/kiosk.log")"
fi
[ -s "$work/shots/policy.png" ] && ok "policy screenshot" || bad "no policy screenshot"
if grep -F -e "$src" -e "$build" "$work/kiosk.log" >/dev/null; then
  bad "kiosk log names the source or build tree"
fi
grep -q 'pinyin unavailable\|handwriting unavailable' "$work/kiosk.log" &&
  bad "an input method did not start: $(grep unavailable "$work/kiosk.log")" ||
  ok "input methods started from the installed data"
grep -qi 'out of service\|not signed' "$work/kiosk.log" &&
  bad "kiosk refused the shipped signed bundle" || ok "shipped signed bundle accepted"

[ "$fails" -eq 0 ] || { echo "$fails check(s) failed" >&2; exit 1; }
echo "all package checks passed"
