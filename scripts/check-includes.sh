#!/usr/bin/env bash
# Checks that every #include in the C sources goes with the layers of
# docs/architecture.md, and that no folder-level cycle exists.
#
#   bash scripts/check-includes.sh [ROOT]    # ROOT: the source tree (.)
#
# Prints one line per offending include (file:line: what and why) and exits
# 1 when there is any; exits 0 and prints a one-line summary otherwise.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"

# Layer of a source file from its path.
layer_of_file() {
  case $1 in
    kiosk/main.c) echo main ;;
    kiosk/*/*) local p=${1#kiosk/}; echo "${p%%/*}" ;;
    net/*) echo net ;;
    server/*) echo server ;;
    tools/*) echo tools ;;
    *) echo other ;;
  esac
}

# What each layer may include (itself included). The arrows:
#   main → shell → screens → widgets → ui → core
#          shell → services → net, devices → core
# screens reach services only through services/services.h (checked below).
declare -A ALLOWED=(
  [core]="core"
  [ui]="ui core"
  [widgets]="widgets ui core"
  [devices]="devices core"
  [net]="net core"
  [services]="services net devices core"
  [screens]="screens widgets ui core services"
  [shell]="shell screens services widgets ui devices net core"
  [main]="shell"
  [tools]="tools net core"
  [server]="server core"
)
# Layers that must not depend on a display library.
NO_SDL="core net devices services"

bad=0
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
report() { echo "$1"; bad=$((bad + 1)); }

files=$(find kiosk net server tools -name '*.[ch]' -not -path '*/rime/*' | sort)
n_files=0
n_inc=0
for f in $files; do
  from=$(layer_of_file "$f")
  [ "$from" = other ] && continue
  n_files=$((n_files + 1))
  dir=$(dirname "$f")
  while IFS=: read -r line text; do
    n_inc=$((n_inc + 1))
    case $text in
      *'<SDL'*)
        for l in $NO_SDL; do
          [ "$from" = "$l" ] && report "$f:$line: $from must not include SDL"
        done
        continue ;;
      *'<'*) continue ;;
    esac
    inc=$(sed -E 's/.*#[[:space:]]*include[[:space:]]*"([^"]+)".*/\1/' <<<"$text")
    case $inc in
      kiosk/*/*) p=${inc#kiosk/}; to=${p%%/*} ;;
      */*) to=${inc%%/*} ;;
      *) if [ -e "$dir/$inc" ]; then to=$from; else to=external; fi ;;
    esac
    [ "$to" = external ] && continue
    if [ -z "${ALLOWED[$to]+x}" ]; then
      continue # a path outside the layers (tests, generated headers)
    fi
    echo "$from $to" >>"$edges"
    ok=0
    for l in ${ALLOWED[$from]}; do [ "$l" = "$to" ] && ok=1; done
    if [ $ok = 0 ]; then
      report "$f:$line: $from may not include $inc (layer $to)"
    elif [ "$from" = screens ] && [ "$to" = services ] &&
         [ "$inc" != services/services.h ]; then
      report "$f:$line: screens reach services only through services/services.h, not $inc"
    fi
  done < <(grep -n '^[[:space:]]*#[[:space:]]*include' "$f" || true)
done

# Folder-level cycles: tsort names the folders of any loop.
loops=$(awk '$1 != $2' "$edges" | sort -u | tsort 2>&1 >/dev/null |
        sed -e '/input contains a loop/d' -e 's/^tsort: //' | tr '\n' ' ' || true)
if [ -n "$loops" ]; then
  report "folder-level include cycle among: $loops"
fi

if [ $bad -gt 0 ]; then
  echo "check-includes: $bad include(s) against the layers (docs/architecture.md)" >&2
  exit 1
fi
echo "check-includes: $n_inc includes in $n_files files follow the layers, no cycles"
