"""A process and its descendants, read from /proc only (Linux).

The Salt master is a tree (the main process, its MWorkers, the publisher, the maintenance
process, ...): its cost is the CPU of the whole tree. brine's master is one JVM, so its own
/proc/PID/stat is already the whole cost; both sides are read the same way.
"""
import os
import signal
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def stat(pid):
    """The fields of /proc/PID/stat this module uses, or None when the process is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    # the command (field 2) may hold spaces and parentheses; the fields after its last ')' do not
    rest = text[text.rindex(")") + 2:].split()
    return {
        "state": rest[0],
        "ppid": int(rest[1]),
        "utime": int(rest[11]),
        "stime": int(rest[12]),
        "cutime": int(rest[13]),
        "cstime": int(rest[14]),
        "rss_pages": int(rest[21]),
    }


def _children():
    by_parent = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = stat(entry)
            if st:
                by_parent.setdefault(st["ppid"], []).append(int(entry))
    return by_parent


def tree(pid):
    """PID and all its descendants alive now."""
    by_parent = _children()
    out, todo = [], [int(pid)]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(by_parent.get(p, []))
    return out


def cpu_seconds(pid):
    """utime + stime of PID's tree, plus the time of children its members have reaped: a worker
    that exited during a phase still counts, once, at its parent."""
    total = 0
    for p in tree(pid):
        st = stat(p)
        if st:
            total += st["utime"] + st["stime"] + st["cutime"] + st["cstime"]
    return total / CLOCK_TICKS


def rss_mib(pid):
    return sum((stat(p) or {"rss_pages": 0})["rss_pages"] for p in tree(pid)) * PAGE_SIZE / 2**20


def alive(pid):
    """Running and not a zombie: a killed process its parent has not reaped holds no port."""
    st = stat(pid)
    return st is not None and st["state"] != "Z"


def _wait_gone(members, wait_seconds):
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline and any(alive(p) for p in members):
        time.sleep(0.02)
    return [p for p in members if alive(p)]


def _signal(pids, sig):
    for p in pids:
        try:
            os.kill(p, sig)
        except ProcessLookupError:
            pass


def kill_tree(pid, wait_seconds=20):
    """SIGKILL PID and every descendant recorded now (only that tree), and wait until all are gone:
    the crash the restart storm starts from."""
    members = tree(pid)
    _signal(members, signal.SIGKILL)
    _wait_gone(members, wait_seconds)


def stop_tree(pid, wait_seconds=20):
    """SIGTERM PID (the Salt master stops its own children on it), then SIGKILL whatever of the
    tree recorded before is still there after wait_seconds."""
    members = tree(pid)
    _signal([int(pid)], signal.SIGTERM)
    _signal(_wait_gone(members, wait_seconds), signal.SIGKILL)
    _wait_gone(members, 5)
