#!/usr/bin/env bash
# Makes sure Debian's python3-hvac (an OpenBao/Vault client brine did not write) is installed: the
# cli tests drive a real master with it (io.brine.cli.testing.Hvac). CI starts on a fresh Debian
# machine as root, so there we install it; elsewhere we say what to install and stop.
# Only python3-hvac is installed (with what apt pulls in for it: python3 and python3-requests).
# Debian's package is for Debian's interpreter, so that is the one asked (and the one the tests run):
# a python3 earlier on PATH (pyenv, a venv) does not see it.
set -euo pipefail

python=/usr/bin/python3

installed() {
  [ -x "$python" ] && "$python" -c 'import hvac' 2>/dev/null
}

installed && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "ensure-hvac: installing python3-hvac" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-hvac >/dev/null
  installed || { echo "ensure-hvac: python3-hvac installed but 'import hvac' still fails" >&2; exit 1; }
else
  echo "ensure-hvac: python3-hvac is missing; run: sudo apt-get install python3-hvac" >&2
  exit 1
fi
