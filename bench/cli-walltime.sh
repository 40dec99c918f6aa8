#!/usr/bin/env bash
# The CLI's wall time for one job against a warm master, as a ratio to `brine --version` measured
# in the same run (issue 18's goal: `brine run web1 test.ping` within 1.5 x `brine --version`).
#
#   bench/cli-walltime.sh [--runs 20] [--no-build]
#
# Starts `brine dev` (a master with the minion web1) on free ports in a temporary folder, warms
# the master with a few jobs (untimed), then runs the two commands alternately --runs times each,
# timing each whole process (JVM start to exit) with the monotonic clock. Prints each command's
# median and p90 in milliseconds and the ratio of the medians. Alternating keeps a shared,
# noisy machine's load changes from landing on one command only.
set -euo pipefail

runs=20
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "usage: bench/cli-walltime.sh [--runs N] [--no-build]" >&2; exit 2 ;;
  esac
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
brine="$repo/scripts/brine"
if [ "$build" = 1 ]; then
  (cd "$repo" && ./mvnw -B -q package -DskipTests -Djacoco.skip=true)
fi

work="$(mktemp -d /tmp/brine-cli-walltime.XXXXXX)"
dev_pid=
cleanup() {
  if [ -n "$dev_pid" ]; then kill "$dev_pid" 2>/dev/null || true; wait "$dev_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
api_port="$(free_port)"
"$brine" dev --dir "$work/dev" --api-addr "127.0.0.1:$api_port" --ret-port 0 --minion-id web1 \
  >"$work/dev.out" 2>&1 &
dev_pid=$!
for _ in $(seq 1 120); do
  if grep -q '^Root Token: ' "$work/dev.out" 2>/dev/null; then break; fi
  if ! kill -0 "$dev_pid" 2>/dev/null; then cat "$work/dev.out" >&2; exit 1; fi
  sleep 0.5
done
BRINE_TOKEN="$(sed -n 's/^Root Token: //p' "$work/dev.out")"
[ -n "$BRINE_TOKEN" ] || { echo "cli-walltime.sh: brine dev did not start" >&2; cat "$work/dev.out" >&2; exit 1; }
export BRINE_TOKEN BRINE_ADDR="http://127.0.0.1:$api_port"

# The minion authenticates a moment after the banner; then warm the master's job path.
for _ in $(seq 1 60); do
  if "$brine" run web1 test.ping >/dev/null 2>&1; then break; fi
  sleep 0.5
done
for _ in 1 2 3 4 5; do "$brine" run web1 test.ping >/dev/null; done

timed() { # prints the wall time of "$@" in ms
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
: >"$work/version.ms"
: >"$work/run.ms"
for _ in $(seq 1 "$runs"); do
  timed "$brine" --version >>"$work/version.ms"
  timed "$brine" run web1 test.ping >>"$work/run.ms"
done

stats() { # median and p90 of one number per line
  sort -n "$1" | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; p=a[int(NR*0.9+0.999)]; print m, p}'
}
read -r v_med v_p90 < <(stats "$work/version.ms")
read -r r_med r_p90 < <(stats "$work/run.ms")
echo "brine --version:              median ${v_med} ms, p90 ${v_p90} ms ($runs runs)"
echo "brine run web1 test.ping:     median ${r_med} ms, p90 ${r_p90} ms ($runs runs)"
awk -v r="$r_med" -v v="$v_med" 'BEGIN {printf "ratio of medians (run / --version): %.2f\n", r / v}'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
