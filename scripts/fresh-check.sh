#!/usr/bin/env bash
# Runs the README's commands in a fresh Debian 12 root, as a county IT person
# on a new machine would: nothing installed beforehand but a minimal Debian.
#
#   bash scripts/fresh-check.sh ROOT [COMMAND...]
#
# ROOT is made with `debootstrap --variant=minbase bookworm ROOT` on first
# use (kept afterwards; delete it for a new one). The current commit (HEAD,
# not the working tree) is cloned into ROOT/src and COMMAND (default:
# `bash scripts/test.sh`) runs there as root inside the chroot, with /proc,
# /sys, /dev and /dev/shm mounted. Needs root, debootstrap and the network
# to Debian's archive.
set -euo pipefail
root=${1:?usage: fresh-check.sh ROOT [COMMAND...]}
shift
[ $# -gt 0 ] || set -- bash scripts/test.sh
# KIOSK_TEST_QUICK passes through (the normal build only).
src=$(cd "$(dirname "$0")/.." && pwd)

if [ ! -x "$root/bin/bash" ]; then
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian
fi
if [ ! -f "$root/etc/apt/sources.list.d/security.list" ]; then
  echo "deb http://deb.debian.org/debian-security bookworm-security main" \
    >"$root/etc/apt/sources.list.d/security.list"
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
# CAs this host trusts beyond Debian's (a network that inspects TLS): the
# fresh root trusts them too, and Node.js is told to read the system list.
extra_ca=()
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  if [ -x "$root/usr/sbin/update-ca-certificates" ]; then
    chroot "$root" update-ca-certificates >/dev/null 2>&1 || true
  fi
  extra_ca=(NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt)
fi

rm -rf "$root/src"
git clone -q "$src" "$root/src"

mounts=(proc sys dev dev/shm dev/pts)
cleanup() {
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount -l "$root/${mounts[$i]}" 2>/dev/null || true
  done
}
trap cleanup EXIT
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount -t tmpfs shm "$root/dev/shm"
mount -t devpts devpts "$root/dev/pts"

chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  ${KIOSK_TEST_QUICK:+KIOSK_TEST_QUICK=1} "${extra_ca[@]}" bash -c 'cd /src && "$@"' fresh "$@"
