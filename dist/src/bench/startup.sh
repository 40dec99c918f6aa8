#!/usr/bin/env bash
# Startup wall time of an unpacked brine distribution: ./startup.sh <brine home> [runs]
# Prints a Markdown table: command, median ms of <runs> (default 10), runs. The rounds are
# interleaved (each round runs every row once, after one warm-up round) so that a busy machine
# slows every row alike. No hyperfine needed. The numbers in docs/performance.md come from here.
#
# Rows: a bare JVM (java -version, a Hello class), then each brine command as the launcher runs
# it (CDS archive, C1 only, serial GC, no perf data), then with one of those undone at a time
# (BRINE_CDS=off, or a later option in BRINE_JAVA_OPTS, which wins), then with all undone: the
# plain JVM, as scripts/brine runs the CLI.
set -euo pipefail
home=$(cd "$1" && pwd -P)
runs=${2:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset BRINE_ADDR BRINE_TOKEN BRINE_MASTER_CONFIG BRINE_JAVA_OPTS BRINE_CDS
mkdir -p "$work/pki/master"
printf 'pki_dir: %s\nvault:\n  storage_dir: %s\n' "$work/pki" "$work/vault" >"$work/master.yaml"
printf 'public class Hello { public static void main(String[] a) { System.out.println("hi"); } }\n' >"$work/Hello.java"
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
"${java}c" -d "$work" "$work/Hello.java"
[ -s "$home/lib/brine.jsa" ] || echo "note: no $home/lib/brine.jsa; run $home/bin/brine-cds first" >&2

names=() cmds=() # cmds are shell text, run with eval
add() { names+=("$1"); cmds+=("$2"); }
q() { printf '%q' "$1"; }
add 'java -version' "$(q "$java") -version"
add 'java -cp . Hello' "$(q "$java") -cp $(q "$work") Hello"
b=$(q "$home/bin/brine")
c2='-XX:TieredStopAtLevel=4'
g1='-XX:-UseSerialGC -XX:+UsePerfData'
for c in '--version' '--help' 'key -L'; do
  args=$c
  [ "$c" = 'key -L' ] && args="$c -c $(q "$work/master.yaml")"
  add "brine $c (launcher: all)" "$b $args"
  add "brine $c (all but CDS)" "BRINE_CDS=off $b $args"
  add "brine $c (all but C1 only)" "BRINE_JAVA_OPTS='$c2' $b $args"
  add "brine $c (all but serial GC, no perf data)" "BRINE_JAVA_OPTS='$g1' $b $args"
  add "brine $c (none: plain JVM)" "BRINE_CDS=off BRINE_JAVA_OPTS='$c2 $g1' $b $args"
done

declare -A times
for ((r = 0; r <= runs; r++)); do
  for i in "${!cmds[@]}"; do
    t0=$(date +%s%N)
    eval "${cmds[$i]}" >/dev/null 2>&1 || { echo "failed: ${cmds[$i]}" >&2; exit 1; }
    t1=$(date +%s%N)
    [ "$r" -eq 0 ] || times[$i]+="$(((t1 - t0) / 1000000)) "
  done
done
echo '| command | median ms | runs |'
echo '|---|---:|---:|'
for i in "${!cmds[@]}"; do
  m=$(printf '%s\n' ${times[$i]} | sort -n |
    awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}')
  printf '| `%s` | %s | %s |\n' "${names[$i]}" "$m" "$runs"
done
