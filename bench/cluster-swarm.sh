#!/usr/bin/env bash
# The minion swarm against a cluster of brine masters on PostgreSQL (issue 17), in one command.
# Build first:
#
#   ./mvnw -B -q package -DskipTests
#   bench/cluster-swarm.sh --minions 10000 [--masters 3] [--pings 20] [--rotation] [--kill-active]
#                          [--reauth-window SECONDS] [--keys DIR] [--json FILE]
#                          [-- SWARM OPTIONS, e.g. --master-alive-interval 5 --warmup 2000]
#
# scripts/brine-cluster-dev brings up the cluster (a throw-away PostgreSQL, N masters with HA on,
# the vault initialized and each master unsealed) with the swarm's limits and auto_accept in every
# master.yaml, imports the swarm's keys as accepted (`brine key --import`, untimed), then runs
# io.brine.bench.swarm.Swarm against all the masters: minion i lists them
# all in Salt's failover form starting at the (i mod N)-th, with the cluster's master key pinned.
# --kill-active kills the active master with SIGKILL after the other phases and times the fleet's
# recovery. The minions' keys are made once into --keys (default /var/tmp/brine-swarm-keys, shared
# with bench/swarm.sh) and reused. Everything else is deleted at exit. Needs a JDK 17, python3 and
# PostgreSQL's server (scripts/ensure-postgresql.sh).
#
# MASTER_JAVA_OPTS and SWARM_JAVA_OPTS add JVM options to the masters and to the swarm.
set -euo pipefail

usage() {
  sed -n '5,7p' "$0" | sed 's/^# \{0,1\}/usage: /' >&2
  exit 2
}

fail() {
  echo "cluster-swarm.sh: $*" >&2
  exit 2
}

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench_jar="$repo/bench/target/benchmarks.jar"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# shellcheck source=bench/swarm-common.sh
. "$repo/bench/swarm-common.sh"

minions=""
masters=3
pings=20
rotation=false
kill_active=false
reauth_window=""
keys=/var/tmp/brine-swarm-keys
json=""
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rotation) rotation=true; shift; continue ;;
    --kill-active) kill_active=true; shift; continue ;;
    --) shift; extra=("$@"); break ;;
    -h | --help) usage ;;
    --minions | --masters | --pings | --reauth-window | --keys | --json)
      [ $# -ge 2 ] || fail "$1 needs a value" ;;
    *) echo "cluster-swarm.sh: unknown option $1" >&2; usage ;;
  esac
  case "$1" in
    --minions) minions="$2" ;;
    --masters) masters="$2" ;;
    --pings) pings="$2" ;;
    --reauth-window) reauth_window="$2" ;;
    --keys) keys="$2" ;;
    --json) json="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")" ;;
  esac
  shift 2
done
[[ "$minions" =~ ^[1-9][0-9]*$ ]] || fail "--minions N is required (a positive number)"
[[ "$masters" =~ ^[2-9]$ ]] || fail "--masters takes 2 to 9"
[[ "$pings" =~ ^[0-9]+$ ]] || fail "--pings takes a number"
[[ -z "$reauth_window" || "$reauth_window" =~ ^[0-9]+$ ]] || fail "--reauth-window takes seconds"
[ -f "$bench_jar" ] || fail "$bench_jar is not built; run ./mvnw -B -q package -DskipTests first (in $repo)"

raise_open_files "$minions"
ensure_swarm_keys "$java" "$bench_jar" "$keys" "$minions"

work="$(mktemp -d "${TMPDIR:-/tmp}/brine-cluster-swarm.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cat >"$work/master.yaml" <<YAML
auto_accept: true
max_handshakes_per_address: 100000
max_pending_handshakes: 100000
# One address (loopback) is the whole fleet here: the stranger limits would throttle the storm.
max_unauthenticated_per_address: 100000
max_new_keys_per_address: 100000
confirm_timeout: 120
${reauth_window:+reauth_window: $reauth_window}
YAML

# The swarm's command line, written out so that brine-cluster-dev's shell runs it as given; the
# cluster's addresses come from the environment brine-cluster-dev sets, the token too (not ps).
args=(--minions "$minions" --keys "$keys" --pings "$pings" --master-keysize 2048)
if $rotation; then args+=(--rotation); fi
if [ -n "$json" ]; then args+=(--json "$json"); fi
# Figure 2 is the storm of minions that are already accepted, as in bench/swarm.sh: their public
# keys go into a Salt-layout folder that `brine key --import` moves into the cluster's key set
# before the storm (untimed). auto_accept stays on for any other key.
write_accepted_keys "$keys" "$work/import/minions" "$minions"
{
  echo 'set -e'
  printf '%q key --import %q --out json >%q\n' "$repo/scripts/brine" "$work/import" "$work/import.json"
  printf 'exec %q -Xmx3g %s -cp %q io.brine.bench.swarm.Swarm' "$java" "${SWARM_JAVA_OPTS:-}" "$bench_jar"
  printf ' --master "$BRINE_CLUSTER_MASTERS" --api "$BRINE_CLUSTER_APIS" --master-pub "$BRINE_CLUSTER_MASTER_PUB"'
  if $kill_active; then printf ' --kill-active "$BRINE_CLUSTER_PIDFILES"'; fi
  printf ' %q' "${args[@]}" ${extra[@]+"${extra[@]}"}
  echo
} >"$work/swarm.sh"

BRINE_JAVA_OPTS="-Xmx2g ${MASTER_JAVA_OPTS:-}" "$repo/scripts/brine-cluster-dev" \
  --masters "$masters" --minions 0 --master-yaml "$work/master.yaml" --run "/bin/sh $work/swarm.sh"
