# Shared by bench/swarm.sh and bench/cluster-swarm.sh (sourced, not run): the open-file limit a
# swarm needs and the minions' keys it reuses between runs.

# Every minion holds a socket in the swarm and one in its master (its jid memory file is opened
# only to append); the processes started from here inherit this limit. Root may raise the hard
# limit itself.
raise_open_files() {
  local minions="$1" need hard
  need=$((minions + 1000))
  hard="$(ulimit -Hn)"
  if [ "$hard" != unlimited ] && [ "$hard" -lt "$need" ] && [ "$(id -u)" = 0 ]; then
    ulimit -Hn "$need" 2>/dev/null && hard="$need"
  fi
  if [ "$hard" != unlimited ] && [ "$hard" -lt "$need" ]; then
    fail "$minions minions need $need open files but the hard limit (ulimit -Hn) is $hard; raise it first (as root, or in /etc/security/limits.conf)"
  fi
  if [ "$hard" = unlimited ]; then
    ulimit -n "$(cat /proc/sys/fs/nr_open)"
  else
    ulimit -n "$hard"
  fi
}

# The keys first, untimed and before any master starts: 2048-bit keys take about 100 ms of CPU each.
ensure_swarm_keys() {
  local java="$1" bench_jar="$2" keys="$3" minions="$4" i name missing=false
  for ((i = 0; i < minions; i++)); do
    printf -v name 'm%05d' "$i"
    if [ ! -f "$keys/$name/minion/minion.pem" ]; then missing=true; break; fi
  done
  if $missing; then
    echo "swarm: making the keys of $minions minions in $keys (once; not timed)" >&2
    "$java" -cp "$bench_jar" io.brine.bench.swarm.Swarm --keys-only --minions "$minions" --keys "$keys"
  fi
}

# The swarm's public keys in a Salt-layout minions/ folder (swarm-00000 ... as the minions name
# themselves), the text each minion sends, so a master compares without parsing: copied into a
# master's pki_dir before it starts, or moved into a cluster with `brine key --import`.
write_accepted_keys() {
  local keys="$1" dest="$2" minions="$3"
  python3 - "$keys" "$dest" "$minions" <<'PY'
import os, shutil, sys
keys, dest, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(dest, mode=0o700)
for i in range(n):
    target = os.path.join(dest, "swarm-%05d" % i)
    shutil.copyfile(os.path.join(keys, "m%05d" % i, "minion", "minion.pub"), target)
    os.chmod(target, 0o644)
PY
}
