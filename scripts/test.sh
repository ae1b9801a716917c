#!/usr/bin/env bash
# Runs the whole test suite: installs what it needs, builds with warnings as
# errors, runs every test, then builds again with AddressSanitizer and
# UBSan and runs every test again. Exit status is non-zero on any failure.
#
#   bash scripts/test.sh            # both builds
#   KIOSK_TEST_QUICK=1 bash scripts/test.sh   # the normal build only
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/install-deps.sh --test

# JavaScript test tooling (browser tests, API linter) pinned by lockfiles.
for lock in tests/*/package-lock.json; do
  [ -f "$lock" ] || continue
  dir=$(dirname "$lock")
  if [ ! -d "$dir/node_modules" ] || [ "$lock" -nt "$dir/node_modules" ]; then
    echo "test: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$dir/node_modules"
  fi
done

jobs=$(nproc 2>/dev/null || echo 2)

run_suite() {
  local dir=$1; shift
  cmake -S . -B "$dir" -DKIOSK_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j"$jobs" 2>&1 | grep -Ev '^\[|^-- |Built target|Consolidate|Scanning' || true
  cmake --build "$dir" -j"$jobs" >/dev/null   # fails here if the build failed
  (cd "$dir" && ctest --output-on-failure -j"$jobs" --timeout 600)
}

echo "test: normal build (build/release)"
run_suite build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo

if [ -z "${KIOSK_TEST_QUICK:-}" ]; then
  echo "test: sanitizer build (build/asan)"
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1"
  export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  run_suite build/asan -DCMAKE_BUILD_TYPE=Debug -DKIOSK_SANITIZE=ON
fi
echo "test: all suites passed"
