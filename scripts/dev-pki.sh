#!/usr/bin/env bash
# dev-pki.sh DIR [--force]: a development PKI for the reference backend and
# the kiosk. NOT for production: keys are unencrypted and in one folder.
#
# DIR/ca.crt, ca.key                 the deployment CA (EC P-256)
# DIR/server.crt, server.key         server certificate: localhost, 127.0.0.1, ::1
# DIR/devices/<ID>.crt, <ID>.key     device client certificates, CN = device id
#                                    (KIOSK-140500-001, KIOSK-410600-001)
# DIR/admins/<ID>.crt, <ID>.key      administrator client certificates (for
#                                    `kioskctl content publish`): the same CA,
#                                    OU = kiosk-administrator, CN = the
#                                    administrator's id (admin-140500)
# DIR/foreign/ca.crt, ca.key         an unrelated CA ...
# DIR/foreign/KIOSK-140500-001.*     ... and a device certificate it signed
#                                    (must be refused: for negative tests)
# DIR/seal.pub, seal.key             X25519 pair for crypto_box_seal (base64 raw)
# DIR/admin.pub, admin.key           Ed25519 content-signing pair (base64 raw;
#                                    admin.key is libsodium's 64-byte secret key)
# DIR/check.key                      32-byte key of stored progress checks
#
# Idempotent: whatever already exists is kept; only missing files are made.
# --force deletes DIR's PKI files first and makes everything anew.
# The key pairs are made by `kiosk-server keygen`; the binary is found in
# $KIOSK_SERVER, on PATH, or in a build*/server/ folder of this checkout.
set -euo pipefail

usage() { echo "usage: $0 DIR [--force]" >&2; exit 2; }
[ $# -ge 1 ] || usage
DIR=$1
FORCE=0
[ "${2:-}" = "--force" ] && FORCE=1
[ $# -le 2 ] || usage

ROOT=$(cd "$(dirname "$0")/.." && pwd)
find_server() {
  if [ -n "${KIOSK_SERVER:-}" ]; then echo "$KIOSK_SERVER"; return; fi
  if command -v kiosk-server >/dev/null 2>&1; then command -v kiosk-server; return; fi
  local f
  for f in "$ROOT"/build*/server/kiosk-server; do
    [ -x "$f" ] && { echo "$f"; return; }
  done
  echo "dev-pki: kiosk-server not found; build it or set KIOSK_SERVER" >&2
  exit 1
}

mkdir -p "$DIR/devices" "$DIR/admins" "$DIR/foreign"
chmod 700 "$DIR"
if [ "$FORCE" = 1 ]; then
  rm -f "$DIR"/ca.* "$DIR"/server.* "$DIR"/seal.* "$DIR"/admin.* \
        "$DIR"/check.key "$DIR"/devices/* "$DIR"/admins/* "$DIR"/foreign/*
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
DAYS_CA=3650
DAYS_LEAF=825

newkey() { # file
  [ -f "$1" ] && return 0
  (umask 077; openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
     -out "$1" 2>/dev/null)
}

ca() { # dir cn
  local d=$1 cn=$2
  [ -f "$d/ca.crt" ] && return 0
  newkey "$d/ca.key"
  openssl req -x509 -new -key "$d/ca.key" -sha256 -days $DAYS_CA \
    -subj "/O=Township Kiosk Development/CN=$cn" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$d/ca.crt" 2>/dev/null
}

leaf() { # cadir keyfile crtfile cn extensions [ou]
  local cad=$1 key=$2 crt=$3 cn=$4 ext=$5 ou=${6:+/OU=$6}
  [ -f "$crt" ] && return 0
  newkey "$key"
  printf '%b\n' "$ext" > "$TMP/ext.cnf"
  openssl req -new -key "$key" -subj "/O=Township Kiosk Development$ou/CN=$cn" \
    -out "$TMP/req.csr" 2>/dev/null
  openssl x509 -req -in "$TMP/req.csr" -CA "$cad/ca.crt" -CAkey "$cad/ca.key" \
    -CAcreateserial -CAserial "$TMP/ca.srl" -days $DAYS_LEAF -sha256 \
    -extfile "$TMP/ext.cnf" -out "$crt" 2>/dev/null
}

CLIENT_EXT='basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth'
SERVER_EXT='basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1'

ca "$DIR" "Township Kiosk Development CA"
leaf "$DIR" "$DIR/server.key" "$DIR/server.crt" localhost "$SERVER_EXT"
for id in KIOSK-140500-001 KIOSK-410600-001; do
  leaf "$DIR" "$DIR/devices/$id.key" "$DIR/devices/$id.crt" "$id" "$CLIENT_EXT"
done
# The backend accepts a publication only from a certificate with this OU
# (server/srv_private.h SRV_ADMIN_OU); a device certificate must not have it.
leaf "$DIR" "$DIR/admins/admin-140500.key" "$DIR/admins/admin-140500.crt" \
  admin-140500 "$CLIENT_EXT" kiosk-administrator
ca "$DIR/foreign" "Foreign Test CA"
leaf "$DIR/foreign" "$DIR/foreign/KIOSK-140500-001.key" \
  "$DIR/foreign/KIOSK-140500-001.crt" KIOSK-140500-001 "$CLIENT_EXT"

if [ ! -f "$DIR/seal.key" ] || [ ! -f "$DIR/seal.pub" ]; then
  "$(find_server)" keygen --seal --force "$DIR"
fi
if [ ! -f "$DIR/admin.key" ] || [ ! -f "$DIR/admin.pub" ]; then
  "$(find_server)" keygen --sign --force "$DIR"
fi
if [ ! -f "$DIR/check.key" ]; then
  "$(find_server)" keygen --check "$DIR"
fi
chmod 600 "$DIR"/*.key "$DIR"/devices/*.key "$DIR"/admins/*.key \
  "$DIR"/foreign/*.key
echo "dev-pki: $DIR ready"
