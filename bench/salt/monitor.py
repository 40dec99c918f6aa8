"""monitor.py OUT_FILE MARKER...: the other load on the machine while one side runs.

Every second it writes how many cores this benchmark's processes used (a command line that
contains one of the MARKERs: the work folder, this repository) and how many everything else used
(other tenants of a shared machine). On SIGTERM it appends
  SUMMARY others_mean_cores=... others_max_cores=... ours_mean_cores=... seconds=...
so that a run disturbed by someone else's build can be told from a slow one.
"""
import os
import signal
import sys
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def snapshot(markers):
    """pid -> (CPU ticks so far, is ours)"""
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                text = f.read()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read()
        except OSError:
            continue
        rest = text[text.rindex(")") + 2:].split()
        out[entry] = (int(rest[11]) + int(rest[12]), any(m in cmdline for m in markers))
    return out


def main():
    out_file, markers = sys.argv[1], [m.encode() for m in sys.argv[2:]]
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    rows = []
    with open(out_file, "w") as out:
        prev, t_prev = snapshot(markers), time.monotonic()
        while not stopping:
            time.sleep(1)
            cur, t = snapshot(markers), time.monotonic()
            ours = others = 0
            for pid, (ticks, is_ours) in cur.items():
                # a process born since the last sample counts from 0; one that died is not seen
                used = ticks - prev[pid][0] if pid in prev else ticks
                if is_ours:
                    ours += used
                else:
                    others += used
            dt = (t - t_prev) * CLOCK_TICKS
            rows.append((ours / dt, others / dt))
            out.write("%.1f ours=%.2f others=%.2f\n" % (time.time(), rows[-1][0], rows[-1][1]))
            out.flush()
            prev, t_prev = cur, t
        if rows:
            others_cores = [r[1] for r in rows]
            out.write(
                "SUMMARY others_mean_cores=%.2f others_max_cores=%.2f ours_mean_cores=%.2f seconds=%d\n"
                % (sum(others_cores) / len(rows), max(others_cores), sum(r[0] for r in rows) / len(rows),
                   len(rows)))


if __name__ == "__main__":
    main()
