#!/bin/bash
# Every function of server/store.h is dispatched by store.c: listed in
# STORE_OPS (server/store_private.h), so each store implements it, and
# renamed for store_sqlite.c under STORE_SQLITE_NAMES. A function added to
# store.h and only to one store fails here rather than at run time.
set -euo pipefail
src=${1:?usage: store_ops_check.sh SOURCE_DIR}/server
# store_open, store_destroy and store_is_pg are the dispatch itself.
declared=$(grep -oE '^(kerr|void|int) store_[a-z_]+\(' "$src/store.h" |
  sed -E 's/^[a-z]+ store_([a-z_]+)\(/\1/' | grep -vx 'open\|destroy\|is_pg' |
  sort)
listed=$(grep -oE '^  X\([a-z]+, [a-z_]+,' "$src/store_private.h" |
  sed -E 's/^  X\([a-z]+, ([a-z_]+),/\1/' | sort)
renamed=$(grep -oE '^#define store_[a-z_]+ store_sqlite_' "$src/store_private.h" |
  sed -E 's/^#define store_([a-z_]+) .*/\1/' | grep -vx 'open\|destroy' | sort)
rc=0
if [ "$declared" != "$listed" ]; then
  echo "store.h and STORE_OPS differ (< store.h, > STORE_OPS):"
  diff <(echo "$declared") <(echo "$listed") || true
  rc=1
fi
if [ "$declared" != "$renamed" ]; then
  echo "store.h and the STORE_SQLITE_NAMES renames differ (< store.h, > renames):"
  diff <(echo "$declared") <(echo "$renamed") || true
  rc=1
fi
[ $rc = 0 ] && echo "store.h: $(echo "$declared" | wc -l) functions, all dispatched"
exit $rc
