"""states_summary.py DIR: the per-run table of a salt-states.sh results folder (salt-N-pK.json,
brine-N-pK.json), then the medians over the pairs of each state.apply run and brine/Salt."""
import glob
import json
import os
import statistics
import sys


def salt_runs(path):
    with open(path) as f:
        res = json.load(f)
    runs = [(r["seconds"], r["master_cpu_s"], r["failed_returns"] + r["missing_returns"], r["minions_cpu_s"])
            for r in res.get("state_apply", [])]
    return runs, res.get("pings", {}).get("p50")


def brine_runs(path):
    with open(path) as f:
        res = json.load(f)
    s = res.get("state_apply", {})
    runs = [(t, c, f, None) for t, c, f in zip(s.get("seconds", []), s.get("master_cpu_seconds", []),
                                               s.get("failed_returns", []))]
    return runs, res.get("ping_p50_seconds")


def main():
    d = sys.argv[1]
    table = {"salt": {}, "brine": {}}
    print("side   pair  ping p50   run  wall (s)  master CPU (s)  failed  minions' CPU (s)")
    for side, read in (("salt", salt_runs), ("brine", brine_runs)):
        for path in sorted(glob.glob(os.path.join(d, f"{side}-*-p*.json"))):
            pair = path.rsplit("-p", 1)[1][:-5]
            runs, p50 = read(path)
            for i, (t, c, f, k) in enumerate(runs):
                table[side].setdefault(i, []).append((t, c))
                print(f"{side:6} {pair:>4}  {p50 or 0:8.3f}  {i + 1:4}  {t:8.2f}  {c:14.2f}  {f:6}  "
                      + ("%16.1f" % k if k is not None else "  (one JVM, n/a)"))
    print("\nmedians over pairs; brine/Salt below 1 means brine is better")
    print("run   Salt wall  brine wall  ratio   Salt CPU  brine CPU  ratio")
    for i in sorted(set(table["salt"]) & set(table["brine"])):
        sw = statistics.median(t for t, _ in table["salt"][i])
        sc = statistics.median(c for _, c in table["salt"][i])
        bw = statistics.median(t for t, _ in table["brine"][i])
        bc = statistics.median(c for _, c in table["brine"][i])
        print(f"{i + 1:3}  {sw:10.2f}  {bw:10.2f}  {bw / sw:5.3f}  {sc:9.2f}  {bc:9.2f}  {bc / sc:5.3f}")


if __name__ == "__main__":
    main()
