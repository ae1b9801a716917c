#!/usr/bin/env bash
# The layer check (scripts/check-includes.sh): the tree passes, and a tree
# with includes against the arrows fails, naming each one.
set -euo pipefail
src=$1
bash "$src/scripts/check-includes.sh" "$src"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/scripts"
cp "$src/scripts/check-includes.sh" "$tmp/scripts/"
cp -r "$src/kiosk" "$src/net" "$src/server" "$src/tools" "$tmp/"
rm -rf "$tmp/kiosk/devices/rime"
# A widget reaching up into the screens, a service needing SDL, a screen
# going around services/services.h, and net reaching up into a service
# (with services → net, a folder-level cycle).
sed -i '1i #include "screens/screens.h"' "$tmp/kiosk/widgets/chrome.c"
sed -i '1i #include <SDL.h>' "$tmp/kiosk/services/svc.h"
sed -i '1i #include "services/net_host.h"' "$tmp/kiosk/screens/home.c"
sed -i '1i #include "services/svc.h"' "$tmp/net/http.c"
if out=$(bash "$tmp/scripts/check-includes.sh" "$tmp" 2>&1); then
  echo "FAIL: the check passed a tree with bad includes"; exit 1
fi
echo "$out"
for want in \
  'kiosk/widgets/chrome.c:1: widgets may not include screens/screens.h' \
  'kiosk/services/svc.h:1: services must not include SDL' \
  'kiosk/screens/home.c:1: screens reach services only through services/services.h' \
  'net/http.c:1: net may not include services/svc.h' \
  'folder-level include cycle'; do
  grep -qF "$want" <<<"$out" || { echo "FAIL: missing: $want"; exit 1; }
done
echo "include rules: ok"
