#!/usr/bin/env bash
# Prints the C functions longer than N lines, longest first:
#
#   bash scripts/long-functions.sh [-n N] [PATH...]   # N: 100; PATH: kiosk net server tools
#
# One line per function: "LINES FILE:LINE NAME", then "TOTAL: k functions
# over N lines". A function's length runs from the line of its name to its
# closing brace, both included (what `ctags --fields=+ne` reports as end -
# line + 1). Needs only bash, find and awk: comments, string and character
# literals are blanked before the braces are counted, and a top-level "{"
# opens a function when the text since the previous declaration has a name
# followed by "(" and no "=".
set -euo pipefail
n=100
if [ "${1:-}" = -n ]; then
  n=${2:?-n needs a number}
  shift 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ $# -gt 0 ] || set -- kiosk net server tools

find "$@" -name '*.c' -type f | LC_ALL=C sort | xargs -r awk -v max="$n" '
FNR == 1 { depth = 0; incom = 0; hdr = ""; name = ""; cont = 0; infn = 0 }
{
  line = $0
  # Preprocessor lines (and their continuations) hold no function braces.
  if (cont || line ~ /^[ \t]*#/) { cont = (line ~ /\\$/); next }
  # Blank comments, then string and character literals, keeping the braces
  # and parentheses of the code only.
  out = ""
  while (line != "") {
    if (incom) {
      e = index(line, "*/")
      if (!e) { line = ""; break }
      line = substr(line, e + 2); incom = 0; out = out " "
      continue
    }
    if (!match(line, /\/\*|\/\/|"|\x27/)) { out = out line; break }
    out = out substr(line, 1, RSTART - 1)
    tok = substr(line, RSTART, RLENGTH)
    line = substr(line, RSTART + RLENGTH)
    if (tok == "/*") { incom = 1; continue }
    if (tok == "//") { line = ""; break }
    # A literal: skip to its closing quote, past backslash escapes.
    while (line != "") {
      c = substr(line, 1, 1)
      if (c == "\\") { line = substr(line, 3); continue }
      line = substr(line, 2)
      if (c == tok) break
    }
    out = out tok tok
  }
  # Walk the braces of what is left.
  for (i = 1; i <= length(out); i++) {
    c = substr(out, i, 1)
    if (c == "{") {
      if (depth == 0) {
        h = substr(out, 1, i - 1)
        if (name == "" && match(h, /[A-Za-z_][A-Za-z0-9_]*[ \t]*\(/)) {
          name = substr(h, RSTART, RLENGTH)
          sub(/[ \t]*\($/, "", name)
          nline = FNR
        }
        h = hdr h
        if (name != "" && h !~ /=/) { infn = 1; start = nline; fname = name }
      }
      depth++
    } else if (c == "}") {
      depth--
      if (depth == 0) {
        if (infn && FNR - start + 1 > max)
          printf "%d %s:%d %s\n", FNR - start + 1, FILENAME, start, fname
        infn = 0; hdr = ""; name = ""
        out = substr(out, i + 1); i = 0
      }
    } else if (c == ";" && depth == 0) {
      hdr = ""; name = ""
      out = substr(out, i + 1); i = 0
    }
  }
  if (depth == 0) {
    if (name == "" && match(out, /[A-Za-z_][A-Za-z0-9_]*[ \t]*\(/)) {
      name = substr(out, RSTART, RLENGTH)
      sub(/[ \t]*\($/, "", name)
      nline = FNR
    }
    hdr = hdr out " "
  }
}' | sort -k1,1nr -k2,2 | awk -v max="$n" '
{ print } END { printf "TOTAL: %d functions over %d lines\n", NR, max }'
