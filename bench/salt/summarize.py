"""summarize.py RESULTS_DIR: the side-by-side table of one salt-compare.sh run.

Reads RESULTS_DIR/runs.tsv (side, N, run, openssl sign/s measured just before that run, exit
status) and, for
each line, SIDE-N-rRUN.json (the side's own report) and SIDE-N-rRUN.monitor (the other load).
Prints one line per run, then per N the median of each figure on each side and brine/Salt
(below 1: brine is better; every figure is a time or a CPU cost). The RSA unit is one private op
of `openssl speed rsaBITS` (1 / its sign/s), measured before each run on the same machine.
"""
import json
import os
import re
import statistics
import sys

FIGURES = [
    # key, label, unit
    ("storm_s", "auth storm wall", "s"),
    ("cpu_cold_ms", "master CPU/auth cold", "ms"),
    ("cpu_warm_ms", "master CPU/auth warm", "ms"),
    ("p50_s", "test.ping p50", "s"),
    ("p99_s", "test.ping p99", "s"),
    ("cpu_ping_s", "master CPU/ping", "s"),
    ("restart_s", "restart storm", "s"),
]


def others_cores(path):
    try:
        with open(path) as f:
            return float(re.search(r"others_mean_cores=([\d.]+)", f.read()).group(1))
    except (OSError, AttributeError):
        return None


def salt_figures(d):
    storm, reauth = d.get("storm") or {}, d.get("reauth") or {}
    pings, restart = d.get("pings") or {}, d.get("restart") or {}
    return {
        "storm_s": storm.get("seconds"), "cpu_cold_ms": storm.get("master_cpu_per_auth_ms"),
        "cpu_warm_ms": reauth.get("master_cpu_per_auth_ms"),
        "p50_s": pings.get("p50"), "p99_s": pings.get("p99"), "cpu_ping_s": pings.get("master_cpu_per_ping_s"),
        "restart_s": restart.get("all_back_s"),
        "authenticated": storm.get("authenticated"), "complete": pings.get("complete"),
        "restart_back": restart.get("first_ping_returns"),
        "note": "auth requests %s/%s; restart job %s s after subscribers back %s s" % (
            fmt(storm.get("auth_requests_handled")), fmt(reauth.get("auth_requests_handled")),
            fmt(restart.get("first_ping_s")), fmt(restart.get("subscribers_back_s"))),
    }


def brine_figures(d):
    reconnect, restart = d.get("reconnect") or {}, d.get("restart") or {}
    return {
        "storm_s": d.get("auth_storm_seconds"), "cpu_cold_ms": d.get("master_cpu_per_handshake_ms"),
        "cpu_warm_ms": reconnect.get("master_cpu_per_handshake_ms"),
        "p50_s": d.get("ping_p50_seconds"), "p99_s": d.get("ping_p99_seconds"),
        "cpu_ping_s": d.get("master_cpu_per_ping_seconds"), "restart_s": restart.get("all_back_seconds"),
        "authenticated": d.get("authenticated"), "complete": d.get("pings_complete"),
        "restart_back": restart.get("back"),
        "note": "restart command %s s; JVM RSA op %s ms" % (
            fmt(restart.get("command_seconds")), fmt(d.get("rsa_private_op_cpu_ms"), 3)),
    }


def fmt(x, digits=2):
    if x is None:
        return "-"
    return f"{x:.{digits}f}" if isinstance(x, float) else str(x)


def load_runs(results):
    rows = []
    with open(os.path.join(results, "runs.tsv")) as f:
        for line in f:
            side, n, run, sign_per_s, status = line.split()
            base = os.path.join(results, f"{side}-{n}-r{run}")
            row = {"side": side, "n": int(n), "run": int(run), "status": int(status),
                   "others": others_cores(base + ".monitor"),
                   "ossl_ms": 1000 / float(sign_per_s) if float(sign_per_s) > 0 else None}
            try:
                with open(base + ".json") as jf:
                    d = json.load(jf)
            except (OSError, ValueError):
                d = None
            row["failed"] = d is None
            if d is not None:
                row.update(salt_figures(d) if side == "salt" else brine_figures(d))
            rows.append(row)
    return rows


def median(rows, key):
    values = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(values) if values else None


def print_runs(rows):
    print("side  N      run others  storm s  CPU/auth cold ms  warm ms  ping p50/p99 s  CPU/ping s"
          "  restart s  openssl op ms  ok (auth/pings/restart)")
    for r in sorted(rows, key=lambda r: (r["n"], r["run"], r["side"])):
        if r["failed"]:
            print(f"{r['side']:5} {r['n']:<6} {r['run']:<3} no report (see {r['side']}-{r['n']}-r{r['run']}.out)")
            continue
        print(f"{r['side']:5} {r['n']:<6} {r['run']:<3} {fmt(r['others']):6} {fmt(r['storm_s']):8} "
              f"{fmt(r['cpu_cold_ms']):17} {fmt(r['cpu_warm_ms']):8} {fmt(r['p50_s'])}/{fmt(r['p99_s']):9} "
              f"{fmt(r['cpu_ping_s']):11} {fmt(r['restart_s']):10} {fmt(r['ossl_ms'], 3):14} "
              f"{fmt(r['authenticated'])}/{fmt(r['complete'])}/{fmt(r['restart_back'])}  [{r['note']}]"
              + (f"  EXITED {r['status']}, see {r['side']}-{r['n']}-r{r['run']}.out" if r["status"] else ""))


def print_medians(rows):
    for n in sorted({r["n"] for r in rows}):
        by_side = {s: [r for r in rows if r["n"] == n and r["side"] == s and not r["failed"]] for s in ("salt", "brine")}
        print(f"\nN={n}: medians of {len(by_side['salt'])} Salt and {len(by_side['brine'])} brine runs")
        print(f"  {'figure':24} {'Salt':>9} {'brine':>9}  brine/Salt")
        for key, label, unit in FIGURES:
            s, b = median(by_side["salt"], key), median(by_side["brine"], key)
            ratio = b / s if s and b is not None else None
            digits = 3 if unit == "s" else 2
            print(f"  {label + ' (' + unit + ')':24} {fmt(s, digits):>9} {fmt(b, digits):>9}  {fmt(ratio, 3)}")
        # CPU per authentication in RSA private ops of OpenSSL, each run against its own yardstick:
        # a figure that a busier or slower machine moves less
        for key, label in (("cpu_cold_ms", "cold"), ("cpu_warm_ms", "warm")):
            units = {}
            for side, rs in by_side.items():
                per_run = [r[key] / r["ossl_ms"] for r in rs if r.get(key) is not None and r.get("ossl_ms")]
                units[side] = statistics.median(per_run) if per_run else None
            ratio = units["brine"] / units["salt"] if units["salt"] and units["brine"] is not None else None
            print(f"  {'CPU/auth ' + label + ' (RSA ops)':24} {fmt(units['salt'], 1):>9} {fmt(units['brine'], 1):>9}"
                  f"  {fmt(ratio, 3)}")
        # the conditions, not results: the yardstick and the load of other processes during the runs
        for key, label, digits in (("ossl_ms", "openssl RSA op (ms)", 3), ("others", "other load (cores)", 2)):
            s, b = median(by_side["salt"], key), median(by_side["brine"], key)
            print(f"  {label:24} {fmt(s, digits):>9} {fmt(b, digits):>9}")


def main():
    rows = load_runs(sys.argv[1])
    print_runs(rows)
    print_medians(rows)


if __name__ == "__main__":
    main()
