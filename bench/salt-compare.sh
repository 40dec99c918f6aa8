#!/usr/bin/env bash
# brine beside the real Salt master (3007.10, from source), same machine, same N, same key size,
# runs interleaved. One command:
#
#   bench/salt-compare.sh --salt-src salt-3007.10.tar.xz --work /var/tmp/salt-compare
#                         [--n 100,200,300,1000] [--runs 2] [--bits 2048] [--pings 10]
#                         [--timeout SECONDS] [--no-build]
#
# It unpacks Salt's source into the work folder (once; Salt stays out of this repository),
# installs the Debian packages Salt needs when any is missing (as root, apt-get; PyPI is not
# needed), builds brine's cli and bench jars (unless --no-build), makes both sides' minion keys
# once (untimed), then at each N runs --runs pairs: Salt's swarm (bench/salt/salt_swarm.py: Salt's
# own client code as the minions, keys accepted, master key pinned) and brine's bench/swarm.sh,
# alternating which goes first. Before each run it measures `openssl speed rsaBITS` (the yardstick)
# and, during it, the load of other processes on the machine. At the end it prints per-run lines,
# then per-N medians and brine/Salt ratios; everything stays in WORK/results/STAMP/.
# bench/salt/RESULTS.md says what each figure is and how it is measured.
set -euo pipefail

usage() {
  cat >&2 <<'USAGE'
usage: bench/salt-compare.sh --salt-src SALT_SOURCE.tar.xz --work DIR [--n 100,200,300,1000]
                             [--runs 2] [--bits 2048] [--pings 10] [--timeout SECONDS] [--no-build]
USAGE
  exit 2
}

fail() {
  echo "salt-compare.sh: $*" >&2
  exit 2
}

say() {
  echo "salt-compare.sh: $*" >&2
}

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="$repo/bench/salt"
# Debian's python, where apt puts Salt's dependencies (the PATH's python3 may be another one).
py=/usr/bin/python3
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

salt_src=""
work=""
ns=100,200,300,1000
runs=2
bits=2048
pings=10
timeout_s=""
build=true

while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=false; shift; continue ;;
    -h | --help) usage ;;
    --salt-src | --work | --n | --runs | --bits | --pings | --timeout)
      [ $# -ge 2 ] || fail "$1 needs a value" ;;
    *) echo "salt-compare.sh: unknown option $1" >&2; usage ;;
  esac
  case "$1" in
    --salt-src) salt_src="$2" ;;
    --work) work="$2" ;;
    --n) ns="$2" ;;
    --runs) runs="$2" ;;
    --bits) bits="$2" ;;
    --pings) pings="$2" ;;
    --timeout) timeout_s="$2" ;;
  esac
  shift 2
done

[ -n "$salt_src" ] && [ -n "$work" ] || usage
[ -f "$salt_src" ] || fail "--salt-src $salt_src is not a file"
[[ "$ns" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || fail "--n takes positive numbers separated by commas"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || fail "--runs takes a positive number"
[[ "$bits" =~ ^(2048|3072|4096)$ ]] || fail "--bits takes 2048, 3072 or 4096"
[[ "$pings" =~ ^[1-9][0-9]*$ ]] || fail "--pings takes a positive number"
[[ -z "$timeout_s" || "$timeout_s" =~ ^[1-9][0-9]*$ ]] || fail "--timeout takes seconds"
IFS=, read -r -a n_list <<<"$ns"
max_n=0
for n in "${n_list[@]}"; do [ "$n" -gt "$max_n" ] && max_n="$n"; done
# A run at 1,000 minions takes about 2 minutes a side here; the default leaves room for 10,000.
timeout_s="${timeout_s:-$((600 + max_n / 5))}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
salt_src="$(cd "$(dirname "$salt_src")" && pwd)/$(basename "$salt_src")"

# ---- Debian packages and Salt's source (bench/salt/salt-setup.sh) -----------------------------
# shellcheck source=bench/salt/salt-setup.sh
source "$here/salt-setup.sh"

# ---- brine -------------------------------------------------------------------------------------
if $build; then
  say "building brine's cli and bench jars (./mvnw package -pl cli,bench -am)"
  if ! (cd "$repo" && ./mvnw -B -q -o -pl cli,bench -am package -DskipTests -Djacoco.skip=true) >"$work/build.log" 2>&1; then
    # -o needs every plugin in the local repository; once online fills it
    (cd "$repo" && ./mvnw -B -q -pl cli,bench -am package -DskipTests -Djacoco.skip=true) >>"$work/build.log" 2>&1 ||
      fail "the brine build failed; see $work/build.log"
  fi
fi
bench_jar="$repo/bench/target/benchmarks.jar"
[ -f "$bench_jar" ] && [ -f "$repo/cli/target/brine-cli.jar" ] ||
  fail "brine is not built in $repo; run without --no-build"
brine_commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  brine_commit="$brine_commit+changes"
fi

# Every minion holds a socket in its swarm and one in its master; all inherit this limit.
hard="$(ulimit -Hn)"
if [ "$hard" = unlimited ]; then ulimit -n "$(cat /proc/sys/fs/nr_open)"; else ulimit -n "$hard"; fi
[ "$(ulimit -n)" -ge $((2 * max_n + 1000)) ] ||
  fail "$max_n minions need $((2 * max_n + 1000)) open files but ulimit -Hn is $hard; raise it first"

# ---- keys, once and untimed --------------------------------------------------------------------
salt_keys="$work/keys/salt-$bits"
brine_keys="$work/keys/brine-$bits"
say "making minion keys ($max_n a side, $bits bits) in $work/keys, where missing"
salt_py "$here/salt_keys.py" "$salt_keys" "$max_n" --keysize "$bits" --procs "$(nproc)" >/dev/null
"$java" -cp "$bench_jar" io.brine.bench.swarm.Swarm --keys-only --minions "$max_n" --keys "$brine_keys" \
  --keysize "$bits" >"$work/keys/brine-$bits.log" 2>&1 || fail "brine's swarm could not make its keys; see $work/keys/brine-$bits.log"

# ---- the runs ----------------------------------------------------------------------------------
results="$work/results/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$results"
{
  echo "date: $(date -Is)"
  echo "salt: $salt_version ($(basename "$salt_src"), sha256 $sum)"
  echo "brine: $brine_commit"
  echo "java: $("$java" -version 2>&1 | head -n 1)"
  echo "openssl: $(openssl version)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "options: --n $ns --runs $runs --bits $bits --pings $pings"
} >"$results/meta.txt"
cat "$results/meta.txt" >&2

# One RSA private op of OpenSSL on this machine now, as signs per second.
yardstick() {
  openssl speed -seconds 3 "rsa$bits" 2>/dev/null | awk -v b="$bits" '$1 == "rsa" && $2 == b { print $6 }'
}

run_salt() {
  salt_py "$here/salt_swarm.py" --minions "$1" --keys "$salt_keys" --bits "$bits" --procs "$(nproc)" \
    --pings "$pings" --reauth --restart --ping-timeout 60 --run-dir "$work/tmp" --json "$2.json"
}

run_brine() {
  "$repo/bench/swarm.sh" --minions "$1" --master-keysize "$bits" --pings "$pings" --reconnect --restart \
    --keys "$brine_keys" --json "$2.json"
}

run_side() {
  local side="$1" n="$2" run="$3" base sign_per_s monitor status=0
  base="$results/$side-$n-r$run"
  sign_per_s="$(yardstick)"
  say "$side N=$n run $run: openssl rsa$bits ${sign_per_s:-?} signs/s, load $(cut -d' ' -f1-3 /proc/loadavg)"
  "$py" "$here/monitor.py" "$base.monitor" "$work" "$repo" &
  monitor=$!
  # timeout signals its whole process group: the swarm, and brine's master; Salt's master runs in a
  # session of its own and salt_swarm.py stops it on that SIGTERM
  timeout --kill-after=30 "$timeout_s" bash -c "run_$side \"\$@\"" _ "$n" "$base" >"$base.out" 2>&1 || status=$?
  kill -TERM "$monitor"
  wait "$monitor" || true
  [ "$status" = 0 ] || say "$side N=$n run $run exited with $status; see $base.out"
  echo "$side $n $run ${sign_per_s:-0} $status" >>"$results/runs.tsv"
  say "$side N=$n run $run done: $(grep -o 'others_mean_cores=[0-9.]*' "$base.monitor" || echo 'others ?') cores of other load"
  sleep 5
}
export -f run_salt run_brine salt_py
export salt_dir here work py salt_keys brine_keys bits pings repo

for n in "${n_list[@]}"; do
  for ((run = 1; run <= runs; run++)); do
    # alternate who goes first, so a drift in the machine's load falls on both sides
    if ((run % 2)); then order=(salt brine); else order=(brine salt); fi
    for side in "${order[@]}"; do run_side "$side" "$n" "$run"; done
  done
done

"$py" "$here/summarize.py" "$results" | tee "$results/summary.txt"
say "results in $results"
