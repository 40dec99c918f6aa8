#!/usr/bin/env bash
# Makes sure SoftHSMv2 (the PKCS#11 token the keyvault tests wrap keys with) and OpenSC's
# pkcs11-tool (the tests make an "operator" key with it) are installed. CI starts on a fresh
# Debian machine as root, so there we install them; elsewhere we say what to install and stop.
# Only softhsm2 and opensc are installed: any openjdk-* package would upgrade the JDK under Maven.
set -euo pipefail

module=/usr/lib/softhsm/libsofthsm2.so

installed() {
  command -v softhsm2-util >/dev/null && command -v pkcs11-tool >/dev/null && [ -e "$module" ]
}

installed && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "ensure-softhsm: installing softhsm2 and opensc" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq softhsm2 opensc >/dev/null
  installed || { echo "ensure-softhsm: softhsm2 installed but $module or a tool is still missing" >&2; exit 1; }
else
  echo "ensure-softhsm: SoftHSM is missing; run: sudo apt-get install softhsm2 opensc" >&2
  exit 1
fi
