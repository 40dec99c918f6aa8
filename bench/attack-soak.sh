#!/usr/bin/env bash
# The long soak of issue 14's attacks (io.brine.bench.attack.AttackSoak), in one command. Build first:
#
#   ./mvnw -B -q package -DskipTests
#   bench/attack-soak.sh [--seconds N] [--minions N] [--keep] [-- MORE ATTACKSOAK OPTIONS]
#
# It makes a temporary folder and runs AttackSoak there, which starts a real `brine master`
# (cli/target/brine-cli.jar) on free loopback ports with auto_accept off and an autosign_file
# naming the soak's minions, initialises its vault (3 shares, 2 to unseal) and unseals it while
# random shares flood sys/unseal, starts the minions (the first behind a frame tap that records
# its HELLOs), and then, for --seconds (default 300), runs every attack at once, each from its own
# 127.0.0.x address: an impostor with the first minion's public key, the minion's recorded HELLO
# replayed, fuzzed frames, idle and trickling strangers, HELLOs with fresh ids, wrong tokens and a
# slowloris on the API. Meanwhile test.ping goes to every minion through the API once a second.
# It prints a report and exits 0 on PASS, 1 on FAIL (see SoakReport for what fails), 2 on bad
# arguments. At exit every process it started is stopped and the folder removed, unless --keep.
#
# More options after --, e.g. `-- --rate fuzz=50 --rate idle=0 --timeouts 3 --master-keysize 2048
# --max-pending-keys 1000 --seed 42`; the AttackSoak javadoc and its usage line list them all.
# Needs a JDK 17 and Linux (the attackers bind 127.0.0.2 and up; /proc for the master's RSS).
set -euo pipefail

usage() {
  cat >&2 <<'USAGE'
usage: bench/attack-soak.sh [--seconds N] [--minions N] [--keep] [-- MORE ATTACKSOAK OPTIONS]
USAGE
  exit 2
}

fail() {
  echo "attack-soak.sh: $*" >&2
  exit 2
}

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli_jar="$repo/cli/target/brine-cli.jar"
bench_jar="$repo/bench/target/benchmarks.jar"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

seconds=300
minions=2
keep=false
extra=()

while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep=true; shift; continue ;;
    --) shift; extra=("$@"); break ;;
    -h | --help) usage ;;
    --seconds | --minions) [ $# -ge 2 ] || fail "$1 needs a value" ;;
    *) echo "attack-soak.sh: unknown option $1" >&2; usage ;;
  esac
  case "$1" in
    --seconds) seconds="$2" ;;
    --minions) minions="$2" ;;
  esac
  shift 2
done

[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || fail "--seconds takes a positive number"
[[ "$minions" =~ ^[1-9][0-9]*$ ]] || fail "--minions takes a positive number"
command -v "$java" >/dev/null || fail "$java is missing; the soak needs a JDK 17"
for jar in "$cli_jar" "$bench_jar"; do
  [ -f "$jar" ] || fail "$jar is not built; run ./mvnw -B -q package -DskipTests first (in $repo)"
done

# Some 700 sockets are held at once at the default rates, on each side; the children inherit this.
hard="$(ulimit -Hn)"
if [ "$hard" = unlimited ]; then ulimit -n "$(cat /proc/sys/fs/nr_open)"; else ulimit -n "$hard"; fi

work="$(mktemp -d "${TMPDIR:-/tmp}/brine-attack-soak.XXXXXX")"

# Alive and not a zombie.
alive() {
  kill -0 "$1" 2>/dev/null && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# The soak stops its children itself; this is for a soak that was killed or interrupted. Only
# the pids it recorded are signalled.
stop_children() {
  local file pid
  for file in "$work"/master/master.pid "$work"/minion-*/minion.pid; do
    [ -f "$file" ] || continue
    pid="$(cat "$file")"
    alive "$pid" || continue
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  done
}

soak_pid=""
cleanup() {
  local status=$?
  if [ -n "$soak_pid" ] && alive "$soak_pid"; then
    kill -TERM "$soak_pid" 2>/dev/null || true
    wait "$soak_pid" 2>/dev/null || true
  fi
  stop_children
  if $keep; then
    echo "attack-soak.sh: kept $work (logs: master/master.log, minion-*/minion.log)" >&2
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "attack-soak.sh: ${seconds} s in $work" >&2
status=0
"$java" ${SOAK_JAVA_OPTS:-} -cp "$bench_jar" io.brine.bench.attack.AttackSoak \
  --work "$work" --brine-jar "$cli_jar" --seconds "$seconds" --minions "$minions" \
  ${extra[@]+"${extra[@]}"} &
soak_pid=$!
wait "$soak_pid" || status=$?
soak_pid=""
exit "$status"
