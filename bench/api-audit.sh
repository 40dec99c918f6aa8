#!/usr/bin/env bash
# Issue 15's benchmark (io.brine.bench.api.AuditedApiRate): operator API requests per second with
# a file audit device against none, in the same run. Build first:
#
#   ./mvnw -B -q package -DskipTests
#   bench/api-audit.sh [--rounds N] [--seconds S] [--clients N] [--warmup S] [--keep]
#
# It makes a folder under bench/target (the real disk: the audit device fsyncs there), starts a
# real `brine master` (cli/target/brine-cli.jar) with unsafe_allow_api_audit_creation, initialises
# and unseals it, makes a token with a small policy, then runs rounds: --seconds with no device,
# then --seconds with a file device enabled through the API (disabled after), --clients kept-alive
# connections sending GET auth/token/lookup-self and GET sys/key-status. It prints requests/s per
# round, the ratio of the medians, and the disk's fsync rate as the reference. At exit the master
# is stopped and the folder removed, unless --keep. Needs a JDK 17 and Linux.
set -euo pipefail

usage() {
  echo "usage: bench/api-audit.sh [--rounds N] [--seconds S] [--clients N] [--warmup S] [--keep]" >&2
  exit 2
}

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli_jar="$repo/cli/target/brine-cli.jar"
bench_jar="$repo/bench/target/benchmarks.jar"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

args=()
keep=false
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep=true; shift ;;
    --rounds | --seconds | --clients | --warmup)
      [ $# -ge 2 ] || usage
      [[ "$2" =~ ^[0-9]+$ ]] || { echo "api-audit.sh: $1 takes a number" >&2; exit 2; }
      args+=("$1" "$2"); shift 2 ;;
    *) usage ;;
  esac
done
for jar in "$cli_jar" "$bench_jar"; do
  [ -f "$jar" ] || { echo "api-audit.sh: $jar is not built; run ./mvnw -B -q package -DskipTests first" >&2; exit 2; }
done

mkdir -p "$repo/bench/target"
work="$(mktemp -d "$repo/bench/target/api-audit.XXXXXX")"
bench_pid=""
cleanup() {
  local status=$?
  if [ -n "$bench_pid" ] && kill -0 "$bench_pid" 2>/dev/null; then
    kill -TERM "$bench_pid" 2>/dev/null || true
    wait "$bench_pid" 2>/dev/null || true
  fi
  # The benchmark stops its master itself; this is for one that was killed.
  if [ -f "$work/master/master.pid" ]; then
    kill -TERM "$(cat "$work/master/master.pid")" 2>/dev/null || true
  fi
  if $keep; then echo "api-audit.sh: kept $work" >&2; else rm -rf "$work"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

status=0
"$java" -cp "$bench_jar" io.brine.bench.api.AuditedApiRate \
  --work "$work" --brine-jar "$cli_jar" ${args[@]+"${args[@]}"} &
bench_pid=$!
wait "$bench_pid" || status=$?
bench_pid=""
exit "$status"
