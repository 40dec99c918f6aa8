#!/usr/bin/env bash
# state.apply of one SLS: brine's swarm beside N REAL salt-minion processes and a real salt-master
# (Salt 3007.10, from source), same machine, same N, 2048-bit keys, runs interleaved. One command:
#
#   bench/salt/salt-states.sh --salt-src salt-3007.10.tar.xz --work /var/tmp/salt-states
#                             [--n 100] [--pairs 2] [--runs 3] [--pings 5] [--bits 2048]
#                             [--sls bench/states/bench100.sls] [--no-build]
#
# bench/salt-compare.sh's swarm (salt_swarm.py) fakes minions that only answer test.ping; states
# need the real minion, so Salt's side here is bench/salt/salt_states.py: N processes of Salt's own
# scripts/salt-minion, each with its own config, root_dir, key (made once, untimed, by salt_keys.py)
# accepted on a scripts/salt-master (worker_threads 5, ZeroMQ on loopback, file_roots holding the
# SLS, pillar_roots with an empty top). The SLS is brine's, with /tmp/brine-state-bench/ changed to
# /tmp/salt-state-bench/ so the two sides never share files. Once every minion answers test.ping,
# --pings test.ping jobs (the reference), then --runs `state.apply SLS` jobs to '*', back to back,
# each from LocalClient.run_job to the N-th return in the master's job cache, as brine's StatePhase
# times it; master CPU over each run is the master's whole process tree (proctree.py).
# brine's side is `bench/swarm.sh --minions N --master-keysize BITS --pings P --state-sls SLS
# --state-runs R`. Before every run of either side its files under /tmp/*-state-bench are removed,
# so run 1 writes all N x 100 files and the later ones find them as desired.
# It does the set-up salt-compare.sh does (unpack Salt's source once, apt-get the Debian packages
# it needs, build brine unless --no-build), measures `openssl speed rsaBITS` once (the yardstick),
# then runs --pairs pairs, Salt first in odd pairs, brine first in even ones. Everything stays in
# WORK/results/STAMP/ (meta.txt, SIDE-N-pK.json and .out, summary.txt); bench/salt/states_summary.py
# DIR prints the table again. bench/salt/RESULTS.md says what the figures mean and do not mean.
set -euo pipefail

usage() {
  cat >&2 <<'USAGE'
usage: bench/salt/salt-states.sh --salt-src SALT_SOURCE.tar.xz --work DIR [--n 100] [--pairs 2]
                                 [--runs 3] [--pings 5] [--bits 2048] [--sls FILE.sls] [--no-build]
USAGE
  exit 2
}

fail() {
  echo "salt-states.sh: $*" >&2
  exit 2
}

say() {
  echo "salt-states.sh: $(date +%H:%M:%S) $*" >&2
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
py=/usr/bin/python3
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

salt_src=""
work=""
n=100
pairs=2
runs=3
pings=5
bits=2048
sls="$repo/bench/states/bench100.sls"
build=true

while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=false; shift; continue ;;
    -h | --help) usage ;;
    --salt-src | --work | --n | --pairs | --runs | --pings | --bits | --sls)
      [ $# -ge 2 ] || fail "$1 needs a value" ;;
    *) echo "salt-states.sh: unknown option $1" >&2; usage ;;
  esac
  case "$1" in
    --salt-src) salt_src="$2" ;;
    --work) work="$2" ;;
    --n) n="$2" ;;
    --pairs) pairs="$2" ;;
    --runs) runs="$2" ;;
    --pings) pings="$2" ;;
    --bits) bits="$2" ;;
    --sls) sls="$2" ;;
  esac
  shift 2
done

[ -n "$salt_src" ] && [ -n "$work" ] || usage
[ -f "$salt_src" ] || fail "--salt-src $salt_src is not a file"
for v in n pairs runs pings; do [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || fail "--$v takes a positive number"; done
[[ "$bits" =~ ^(2048|3072|4096)$ ]] || fail "--bits takes 2048, 3072 or 4096"
[[ -f "$sls" && "$sls" == *.sls ]] || fail "--sls takes an existing FILE.sls"
grep -q '/tmp/brine-state-bench/' "$sls" || fail "$sls writes nowhere under /tmp/brine-state-bench/; Salt's copy could not be kept apart"
# a real salt-minion is about 75 MB here; leave the master and brine room
need_mib=$((n * 100 + 4096))
have_mib=$(($(awk '/MemAvailable/ { print $2 }' /proc/meminfo) / 1024))
[ "$have_mib" -ge "$need_mib" ] || fail "$n real salt-minions need about $need_mib MiB; $have_mib MiB available"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
salt_src="$(cd "$(dirname "$salt_src")" && pwd)/$(basename "$salt_src")"
sls="$(cd "$(dirname "$sls")" && pwd)/$(basename "$sls")"

# ---- Debian packages and Salt's source (bench/salt/salt-setup.sh) -----------------------------
# shellcheck source=bench/salt/salt-setup.sh
source "$here/salt-setup.sh"

# ---- brine -------------------------------------------------------------------------------------
if $build; then
  say "building brine (./mvnw package -DskipTests)"
  (cd "$repo" && ./mvnw -B -q -o package -DskipTests -Djacoco.skip=true) >"$work/build.log" 2>&1 ||
    fail "the brine build failed; see $work/build.log"
fi
[ -f "$repo/bench/target/benchmarks.jar" ] && [ -f "$repo/cli/target/brine-cli.jar" ] ||
  fail "brine is not built in $repo; run without --no-build"
brine_commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  brine_commit="$brine_commit+changes"
fi

hard="$(ulimit -Hn)"
if [ "$hard" = unlimited ]; then ulimit -n "$(cat /proc/sys/fs/nr_open)"; else ulimit -n "$hard"; fi

# ---- keys (untimed) and Salt's copy of the SLS --------------------------------------------------
salt_keys="$work/keys/salt-$bits"
say "making $n Salt minion keys ($bits bits) in $salt_keys, where missing"
salt_py "$here/salt_keys.py" "$salt_keys" "$n" --keysize "$bits" --procs "$(nproc)" >/dev/null
salt_sls="$work/$(basename "$sls")"
sed 's#/tmp/brine-state-bench/#/tmp/salt-state-bench/#g' "$sls" >"$salt_sls"

results="$work/results/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$results"
{
  echo "date: $(date -Is)"
  echo "salt: $salt_version ($(basename "$salt_src"), sha256 $sum), $n real salt-minion processes"
  echo "brine: $brine_commit, bench/swarm.sh (one swarm JVM)"
  echo "java: $("$java" -version 2>&1 | head -n 1)"
  echo "openssl: $(openssl version)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "options: --n $n --pairs $pairs --runs $runs --pings $pings --bits $bits --sls $(basename "$sls")"
  echo "yardstick: openssl speed rsa$bits: $(openssl speed -seconds 3 "rsa$bits" 2>/dev/null |
    awk -v b="$bits" '$1 == "rsa" && $2 == b { print $6 " signs/s, " $7 " verifies/s" }')"
} >"$results/meta.txt"
cat "$results/meta.txt" >&2

run_salt() {
  rm -rf /tmp/salt-state-bench
  salt_py "$here/salt_states.py" --minions "$n" --keys "$salt_keys" --sls "$salt_sls" --bits "$bits" \
    --pings "$pings" --runs "$runs" --json "$1.json"
}

run_brine() {
  rm -rf /tmp/brine-state-bench
  "$repo/bench/swarm.sh" --minions "$n" --master-keysize "$bits" --pings "$pings" \
    --state-sls "$sls" --state-runs "$runs" --json "$1.json"
}

for ((pair = 1; pair <= pairs; pair++)); do
  if ((pair % 2)); then order=(salt brine); else order=(brine salt); fi
  for side in "${order[@]}"; do
    base="$results/$side-$n-p$pair"
    say "$side N=$n pair $pair, load $(cut -d' ' -f1-3 /proc/loadavg)"
    status=0
    "run_$side" "$base" >"$base.out" 2>&1 || status=$?
    [ "$status" = 0 ] || say "$side N=$n pair $pair exited with $status; see $base.out"
    echo "$side $n $pair $status $(cut -d' ' -f1-3 /proc/loadavg)" >>"$results/runs.tsv"
    sleep 5
  done
done
rm -rf /tmp/salt-state-bench /tmp/brine-state-bench

"$py" "$here/states_summary.py" "$results" | tee "$results/summary.txt"
say "results in $results"
