#!/usr/bin/env bash
# Makes sure the crontab program is installed: the cron state tests (io.brine.minion.states.cron)
# read and write real crontabs with `crontab -u USER -l` and `crontab -u USER -`, as the cron
# states do on a minion. CI starts on a fresh Debian machine as root, so there we install Debian's
# cron package; elsewhere we say what to install and stop. Idempotent: nothing is done when
# crontab is there already. The cron daemon is not started (the tests run no jobs).
set -euo pipefail

command -v crontab >/dev/null && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "ensure-cron: installing cron" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends cron >/dev/null
  command -v crontab >/dev/null || { echo "ensure-cron: cron installed but no crontab on PATH" >&2; exit 1; }
else
  echo "ensure-cron: crontab is missing; run: sudo apt-get install cron" >&2
  exit 1
fi
