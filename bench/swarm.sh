#!/usr/bin/env bash
# The minion swarm (issue 7) against a fresh local `brine master`, in one command. Build first:
#
#   ./mvnw -B -q package -DskipTests
#   bench/swarm.sh --minions 1000 --master-keysize 2048 [--pings 20] [--reconnect] [--rotation]
#                  [--restart] [--reauth-window SECONDS] [--keys DIR] [--json FILE] [--keep]
#                  [--crypto-provider auto|accp|jdk] [--state-sls FILE.sls [--state-runs N]]
#                  [-- SWARM OPTIONS]
#
# It writes a master.yaml into a new temporary folder, starts the master there, initialises its
# vault with one share and unseals it, then runs io.brine.bench.swarm.Swarm against it with the
# master's key pinned in every minion and the master's pid, so the master's CPU, heap and RSS are
# measured too. The minions' keys are accepted before the master starts (figure 2 is the storm of
# an accepted fleet). The minions' keys are made once into --keys (default /var/tmp/brine-swarm-keys,
# untimed) and reused by later runs. --restart kills the master with SIGKILL after the other
# phases, starts it again and unseals it (restart.sh in the folder). At exit the master is stopped
# and the folder removed, unless --keep. Needs a JDK 17, curl, jq and python3.
#
# MASTER_JAVA_OPTS and SWARM_JAVA_OPTS add JVM options to the master and to the swarm, e.g. a
# flight recording: MASTER_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/master.jfr'.
# MASTER_JAVA runs the master on another java (another JDK's bin/java); the swarm keeps $java.
# --crypto-provider sets the master's crypto_provider and the swarm's (-Dbrine.crypto.provider):
# auto (ACCP's AWS-LC where it loads, the default), accp or jdk.
# --state-sls FILE.sls puts FILE into the master's file_roots and, after the pings, times
# `state.apply FILE` to every minion --state-runs times (default 3; the first cold), e.g. the
# 100-state bench/states/bench100.sls. The minions apply it for real, in this JVM, on this disk.
# `-- --warmup 2000` warms the swarm's own minion code (2,000 minions, twice, against a throwaway
# master inside the swarm) before the storm, so less of the two cores goes to the swarm's JIT.
set -euo pipefail

usage() {
  cat >&2 <<'USAGE'
usage: bench/swarm.sh --minions N [--master-keysize BITS] [--pings N] [--reconnect] [--rotation] [--restart]
                      [--reauth-window SECONDS] [--keys DIR] [--json FILE] [--keep]
                      [--crypto-provider auto|accp|jdk] [--state-sls FILE.sls] [--state-runs N]
                      [-- MORE SWARM OPTIONS, e.g. --loops 4]
USAGE
  exit 2
}

fail() {
  echo "swarm.sh: $*" >&2
  exit 2
}

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli_jar="$repo/cli/target/brine-cli.jar"
bench_jar="$repo/bench/target/benchmarks.jar"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# shellcheck source=bench/swarm-common.sh
. "$repo/bench/swarm-common.sh"

minions=""
master_keysize=4096
pings=20
rotation=false
reconnect=false
restart=false
reauth_window=""
crypto_provider=auto
keys=/var/tmp/brine-swarm-keys
json=""
state_sls=""
state_runs=3
keep=false
extra=()

while [ $# -gt 0 ]; do
  case "$1" in
    --rotation) rotation=true; shift; continue ;;
    --reconnect) reconnect=true; shift; continue ;;
    --restart) restart=true; shift; continue ;;
    --keep) keep=true; shift; continue ;;
    --) shift; extra=("$@"); break ;;
    -h | --help) usage ;;
    --minions | --master-keysize | --pings | --reauth-window | --keys | --json | --crypto-provider \
      | --state-sls | --state-runs)
      [ $# -ge 2 ] || fail "$1 needs a value" ;;
    *) echo "swarm.sh: unknown option $1" >&2; usage ;;
  esac
  case "$1" in
    --minions) minions="$2" ;;
    --master-keysize) master_keysize="$2" ;;
    --pings) pings="$2" ;;
    --reauth-window) reauth_window="$2" ;;
    --keys) keys="$2" ;;
    --json) json="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")" ;;
    --crypto-provider) crypto_provider="$2" ;;
    --state-sls) state_sls="$2" ;;
    --state-runs) state_runs="$2" ;;
  esac
  shift 2
done

[ -n "$minions" ] || usage
[[ "$minions" =~ ^[1-9][0-9]*$ ]] || fail "--minions N is required (a positive number)"
[[ "$master_keysize" =~ ^[0-9]+$ ]] || fail "--master-keysize takes a number of bits"
[[ "$pings" =~ ^[0-9]+$ ]] || fail "--pings takes a number"
[[ -z "$reauth_window" || "$reauth_window" =~ ^[0-9]+$ ]] || fail "--reauth-window takes seconds"
[[ -z "$state_sls" || ( -f "$state_sls" && "$state_sls" == *.sls ) ]] || fail "--state-sls takes an existing FILE.sls"
[[ "$state_runs" =~ ^[1-9][0-9]*$ ]] || fail "--state-runs takes a positive number"
[[ "$crypto_provider" =~ ^(auto|accp|jdk)$ ]] || fail "--crypto-provider takes auto, accp or jdk"
for tool in curl jq python3 "$java"; do
  command -v "$tool" >/dev/null || fail "$tool is missing; the swarm needs a JDK 17, curl, jq and python3"
done
for jar in "$cli_jar" "$bench_jar"; do
  [ -f "$jar" ] || fail "$jar is not built; run ./mvnw -B -q package -DskipTests first (in $repo)"
done

raise_open_files "$minions"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
ret_port="$(free_port)"
api_port="$(free_port)"
while [ "$api_port" = "$ret_port" ]; do api_port="$(free_port)"; done
api="http://127.0.0.1:$api_port"

ensure_swarm_keys "$java" "$bench_jar" "$keys" "$minions"

master_java_opts="${MASTER_JAVA_OPTS:-}"
master_java="${MASTER_JAVA:-$java}"
command -v "$master_java" >/dev/null || fail "MASTER_JAVA=$master_java is not a java command"
work="$(mktemp -d "${TMPDIR:-/tmp}/brine-swarm.XXXXXX")"

# Alive and not a zombie: a killed master whose parent has not reaped it holds no port any more.
alive() {
  kill -0 "$1" 2>/dev/null && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]
}

stop_master() {
  [ -f "$work/master.pid" ] || return 0
  local pid
  pid="$(cat "$work/master.pid")"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do alive "$pid" || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 100); do alive "$pid" || return 0; sleep 0.1; done
}

cleanup() {
  local status=$?
  stop_master
  if $keep; then
    echo "swarm.sh: kept $work (the master's log: $work/master.log)" >&2
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat >"$work/master.yaml" <<YAML
pki_dir: $work/pki
cachedir: $work/cache
keysize: $master_keysize
crypto_provider: $crypto_provider
auto_accept: true
interface: 127.0.0.1
ret_port: $ret_port
max_handshakes_per_address: 100000
max_pending_handshakes: 100000
# One address (loopback) is the whole fleet here, and its minions unwrap their WELCOMEs on
# the master's own two cores: the stranger limits would throttle the storm being measured.
max_unauthenticated_per_address: 100000
max_new_keys_per_address: 100000
confirm_timeout: 120
file_roots:
  base:
    - $work/files
${reauth_window:+reauth_window: $reauth_window}
vault:
  storage_dir: $work/vault
  api_addr: 127.0.0.1:$api_port
YAML

# Both starts of the master go through this script: the first below, the second in restart.sh.
cat >"$work/start-master.sh" <<SCRIPT
#!/usr/bin/env bash
# Starts the swarm's master in the background, records its pid and waits for its API.
set -euo pipefail
$(declare -f alive)
"$master_java" -Xmx2g $master_java_opts -jar "$cli_jar" master -c "$work/master.yaml" </dev/null >>"$work/master.log" 2>&1 &
pid=\$!
echo "\$pid" >"$work/master.pid.tmp"
mv "$work/master.pid.tmp" "$work/master.pid"
for _ in \$(seq 1200); do
  curl -fsS -o /dev/null "$api/v1/sys/seal-status" 2>/dev/null && exit 0
  alive "\$pid" || { echo "swarm.sh: the master stopped; its log is $work/master.log" >&2; tail -n 20 "$work/master.log" >&2; exit 1; }
  sleep 0.1
done
echo "swarm.sh: the master's API did not answer within 120 s; its log is $work/master.log" >&2
exit 1
SCRIPT

cat >"$work/unseal.sh" <<SCRIPT
#!/usr/bin/env bash
# Unseals the master with the one share sys/init gave (kept in unseal.json, mode 0600).
set -euo pipefail
curl -fsS -o /dev/null -X PUT --data @"$work/unseal.json" "$api/v1/sys/unseal"
SCRIPT

cat >"$work/restart.sh" <<SCRIPT
#!/usr/bin/env bash
# The swarm's --restart-command: SIGKILL the master, start it again, unseal it.
set -euo pipefail
$(declare -f alive)
pid="\$(cat "$work/master.pid")"
kill -KILL "\$pid" 2>/dev/null || true
while alive "\$pid"; do sleep 0.05; done
"$work/start-master.sh"
"$work/unseal.sh"
echo "swarm.sh: master \$pid killed, \$(cat "$work/master.pid") started and unsealed" >&2
SCRIPT
chmod +x "$work/start-master.sh" "$work/unseal.sh" "$work/restart.sh"

# Figure 2 is the storm of minions that are already accepted: their public keys go into the
# master's minions/ folder before it starts, as on a master that has met its fleet before (the
# same text the minion sends, so the master compares without parsing). auto_accept stays on for
# any other key.
write_accepted_keys "$keys" "$work/pki/master/minions" "$minions"
mkdir -p "$work/files"
state_name=""
if [ -n "$state_sls" ]; then
  state_name="$(basename "$state_sls" .sls)"
  cp "$state_sls" "$work/files/$state_name.sls"
fi

echo "swarm.sh: master in $work (minions on 127.0.0.1:$ret_port, API on $api, ${master_keysize}-bit key)" >&2
"$work/start-master.sh"
(
  umask 077
  curl -fsS -X PUT --data '{"secret_shares":1,"secret_threshold":1}' "$api/v1/sys/init" >"$work/init.json"
  jq '{key: .keys_base64[0]}' "$work/init.json" >"$work/unseal.json"
)
"$work/unseal.sh"
token="$(jq -r .root_token "$work/init.json")"

# The first unseal makes the master's key; master.pub appears when it is ready.
for _ in $(seq 1200); do
  [ -s "$work/pki/master/master.pub" ] && break
  sleep 0.1
done
[ -s "$work/pki/master/master.pub" ] || fail "no $work/pki/master/master.pub after the unseal; see $work/master.log"

args=(
  --master "127.0.0.1:$ret_port" --api "$api" --minions "$minions" --keys "$keys"
  --pings "$pings" --master-pub "$work/pki/master/master.pub"
  --master-pid-file "$work/master.pid" --master-keysize "$master_keysize"
)
if $reconnect; then args+=(--reconnect); fi
if $rotation; then args+=(--rotation); fi
if $restart; then args+=(--restart-command "$work/restart.sh"); fi
if [ -n "$json" ]; then args+=(--json "$json"); fi
if [ -n "$state_name" ]; then args+=(--state "$state_name" --state-runs "$state_runs"); fi

# The token goes through the environment, not the command line that ps shows.
status=0
BRINE_TOKEN="$token" "$java" -Xmx3g -Dbrine.crypto.provider="$crypto_provider" ${SWARM_JAVA_OPTS:-} -cp "$bench_jar" io.brine.bench.swarm.Swarm \
  "${args[@]}" ${extra[@]+"${extra[@]}"} || status=$?
exit "$status"
