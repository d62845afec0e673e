#!/usr/bin/env bash
# Usage: make_test_certificates.sh DIR
# A throw-away PKI for the HTTPS client tests, made at test time (no key is kept in the repository):
#   ca.pem                        the CA the client is told to trust
#   server.pem, server.key        signed by ca, for localhost, 127.0.0.1 and ::1
#   foreign.pem, foreign.key      the same names, signed by other-ca, which the client does not trust
#   wrong-name.pem, wrong-name.key  signed by ca, for other.example only
set -euo pipefail
cd "$1"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

make_ca() {  # NAME COMMON_NAME
  key "$1.key"
  openssl req -new -x509 -key "$1.key" -out "$1.pem" -days 2 -subj "/CN=$2" 2>/dev/null
}

make_server() {  # NAME CA SUBJECT_ALT_NAMES
  key "$1.key"
  openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$1" 2>/dev/null
  printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" "subjectAltName=$3" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 2 \
    -extfile "$1.ext" -out "$1.pem" 2>/dev/null
}

make_ca ca "lambda-relay test CA"
make_ca other-ca "lambda-relay untrusted test CA"
make_server server ca "DNS:localhost,IP:127.0.0.1,IP:::1"
make_server foreign other-ca "DNS:localhost,IP:127.0.0.1,IP:::1"
make_server wrong-name ca "DNS:other.example"
