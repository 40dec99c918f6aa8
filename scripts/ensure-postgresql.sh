#!/usr/bin/env bash
# Makes sure a PostgreSQL server from Debian's packages is installed: the cluster tests start their
# own throw-away server from it (io.brine.vault.testing.PostgresServer: initdb in a temp folder, a
# free port, run as an unprivileged user). CI starts on a fresh Debian machine as root, so there we
# install it; elsewhere we say what to install and stop. Nothing is started here, and the cluster
# Debian's package makes for itself is never used by the tests.
set -euo pipefail

installed() {
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null \
    && compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null
}

installed && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "ensure-postgresql: installing postgresql" >&2
  apt-get update -qq
  # policy-rc.d keeps the package's own cluster from being started: the tests need only binaries.
  policy=/usr/sbin/policy-rc.d
  made_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || status=$?
  [ "$made_policy" = 1 ] && rm -f "$policy"
  [ "${status:-0}" = 0 ] || { echo "ensure-postgresql: apt-get install postgresql failed" >&2; exit 1; }
  installed || { echo "ensure-postgresql: postgresql installed but no initdb under /usr/lib/postgresql" >&2; exit 1; }
else
  echo "ensure-postgresql: PostgreSQL is missing; run: sudo apt-get install postgresql" >&2
  exit 1
fi
