#!/bin/sh
# Makes a throw-away PKI for the net tests in $1: a deployment CA, a server
# certificate for localhost/127.0.0.1, one for another host name, a rogue CA
# with its own localhost certificate, a device client certificate, and the
# SPKI pins (curl "sha256//" form) of the good and the rogue server keys.
set -eu
d="$1"
mkdir -p "$d"
cd "$d"
q() { "$@" >/dev/null 2>&1; }
key() { q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
ca() { # name cn
  key "$1.key"
  q openssl req -x509 -new -key "$1.key" -subj "/CN=$2" -days 3650 -out "$1.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
}
leaf() { # name cn san ca ext
  key "$1.key"
  q openssl req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr"
  printf 'subjectAltName=%s\nextendedKeyUsage=%s\nbasicConstraints=CA:FALSE\n' "$3" "$5" > "$1.ext"
  q openssl x509 -req -in "$1.csr" -CA "$4.pem" -CAkey "$4.key" -CAcreateserial \
    -days 3650 -extfile "$1.ext" -out "$1.pem"
  rm -f "$1.csr" "$1.ext"
}
pin() { # key out
  printf 'sha256//%s' "$(openssl pkey -in "$1" -pubout -outform DER 2>/dev/null |
    openssl dgst -sha256 -binary | base64)" > "$2"
}
ca ca "Kiosk Test Deployment CA"
ca rogue-ca "Rogue CA"
leaf server localhost "DNS:localhost,IP:127.0.0.1" ca serverAuth
leaf wronghost backend.example "DNS:backend.example" ca serverAuth
leaf rogue localhost "DNS:localhost,IP:127.0.0.1" rogue-ca serverAuth
leaf device KIOSK-140500-001 "DNS:KIOSK-140500-001" ca clientAuth
leaf rogue-device KIOSK-140500-002 "DNS:KIOSK-140500-002" rogue-ca clientAuth
pin server.key server.pin
pin rogue.key rogue.pin
touch ok
