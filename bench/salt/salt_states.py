"""state.apply of one SLS to N real salt-minion processes against a real salt-master, timed.

brine's `bench/swarm.sh --state-sls FILE.sls` times state.apply on its swarm minions; salt_swarm.py's
simulated minions only answer test.ping, so this side runs the real thing: N processes of Salt's
own scripts/salt-minion (each its own config, root_dir, keys and cache) and scripts/salt-master,
all on this machine, ZeroMQ on loopback. Untimed set-up: the master's key and every minion's key
(made once by salt_keys.py) are accepted and pinned before anything starts, like salt_swarm.py;
the minions start, sign in, and are waited for until a test.ping job has all N returns.

Timed, as brine's StatePhase does it:
  pings    P x test.ping to '*' (LocalClient.run_job, then the master's job cache polled every
           20 ms until all N return.p files are there): the reference in the same run
  states   R x state.apply SLS to '*', back to back, each from run_job to the N-th return.p; the
           master's CPU over each run is its whole process tree (proctree.py); a failure is a
           return whose retcode is not 0 or that is not a dict of state results all True
The minions' CPU (all N process trees, their job processes included) is reported too, for
information: it is on the same two cores as the master's.

Run with Debian's python and PYTHONPATH=<salt source>:<this folder>/pyshim (salt-states.sh does):
  salt_states.py --minions N --keys DIR --sls FILE.sls [--bits 2048] [--pings 5] [--runs 3]
                 [--workers 5] [--run-dir DIR] [--json FILE] [--keep]
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import proctree  # noqa: E402
import salt_conf  # noqa: E402
import salt_keys  # noqa: E402
from salt_swarm import SALT_SRC, Master, accept_and_pin, log, percentile  # noqa: E402

import salt.client  # noqa: E402
import salt.config  # noqa: E402
import salt.exceptions  # noqa: E402
import salt.payload  # noqa: E402
import salt.utils.jid  # noqa: E402
import salt.version  # noqa: E402
import yaml  # noqa: E402


def trees_cpu_seconds(pids):
    """utime + stime (+ reaped children) of the trees under all `pids`, from one scan of /proc."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = proctree.stat(entry)
            if st:
                stats[int(entry)] = st
    by_parent = {}
    for pid, st in stats.items():
        by_parent.setdefault(st["ppid"], []).append(pid)
    total, todo = 0, list(pids)
    while todo:
        p = todo.pop()
        st = stats.get(p)
        if st:
            total += st["utime"] + st["stime"] + st["cutime"] + st["cstime"]
        todo.extend(by_parent.get(p, []))
    return total / proctree.CLOCK_TICKS


class Minions:
    """N salt-minion processes, each in the foreground of its own session (so a stop reaches its
    job processes too). --disable-keepalive: Salt's default wraps each minion in an idle parent that
    restarts it on a crash; it never talks to the master, and would double the process count."""

    def __init__(self, run_dir, ids, m, bits):
        self.run_dir, self.ids, self.procs = run_dir, ids, []
        self.conf_dirs = []
        for mid in ids:
            root = os.path.join(run_dir, "minions", mid)
            conf_dir = os.path.join(root, "etc/salt")
            os.makedirs(conf_dir, exist_ok=True)
            conf = {
                "id": mid, "master": "127.0.0.1", "master_port": m.ret, "publish_port": m.pub,
                "root_dir": root, "pki_dir": os.path.join(root, "pki"), "cachedir": os.path.join(root, "cache"),
                "keysize": bits, "transport": "zeromq", "user": "root", "file_client": "remote",
                "log_level": "warning", "log_level_logfile": "warning",
            }
            with open(os.path.join(conf_dir, "minion"), "w") as f:
                yaml.safe_dump(conf, f)
            self.conf_dirs.append(conf_dir)

    def start(self):
        for mid, conf_dir in zip(self.ids, self.conf_dirs):
            with open(os.path.join(self.run_dir, "minions", mid, "minion.out"), "ab") as out:
                self.procs.append(subprocess.Popen(
                    [sys.executable, os.path.join(SALT_SRC, "scripts/salt-minion"), "-c", conf_dir,
                     "--disable-keepalive"],
                    stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True))

    def pids(self):
        return [p.pid for p in self.procs]

    def exited(self):
        return [(mid, p.returncode) for mid, p in zip(self.ids, self.procs) if p.poll() is not None]

    def rss_mib(self):
        return sum(proctree.rss_mib(p) for p in self.pids())

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 20
        for p in self.procs:
            try:
                p.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)  # the session: the minion and any job process left
            except ProcessLookupError:
                pass
            p.wait()


class Jobs:
    """A job to '*' as LocalClient.run_job publishes it, timed to the last return.p in the cache."""

    def __init__(self, m):
        self.mopts = salt.config.client_config(os.path.join(m.conf_dir, "master"))
        self.job_dir = os.path.join(self.mopts["cachedir"], "jobs")

    def _returned(self, jid_dir):
        # local_cache writes return.p atomically, after the minion's folder: its presence is a
        # complete return
        try:
            return sum(1 for e in os.scandir(jid_dir) if os.path.exists(os.path.join(e.path, "return.p")))
        except FileNotFoundError:
            return 0

    def run(self, fun, arg, expected, timeout):
        """(seconds to the `expected`-th return or to the timeout, returns stored, jid dir)"""
        client = salt.client.LocalClient(mopts=self.mopts)
        try:
            t0 = time.time()
            pub = client.run_job("*", fun, arg=arg, timeout=timeout)
            jid_dir = salt.utils.jid.jid_dir(pub["jid"], self.job_dir, self.mopts["hash_type"])
            n = 0
            while time.time() - t0 < timeout:
                n = self._returned(jid_dir)
                if n >= expected:
                    break
                time.sleep(0.02)
            return time.time() - t0, n, jid_dir
        finally:
            client.destroy()

    @staticmethod
    def failures(jid_dir):
        """(returns that failed, one of them abbreviated): retcode not 0, or a state not True"""
        failed, first = 0, None
        for e in os.scandir(jid_dir):
            path = os.path.join(e.path, "return.p")
            if not os.path.exists(path):
                continue
            with open(path, "rb") as f:
                data = salt.payload.load(f)
            ret = data.get("return")
            ok = data.get("retcode", 0) == 0 and isinstance(ret, dict) and all(
                isinstance(s, dict) and s.get("result") is True for s in ret.values())
            if not ok:
                failed += 1
                first = first or f"{e.name}: {str(ret)[:400]}"
        return failed, first


def wait_for_all(jobs, minions, n, limit):
    """test.ping until one job has all n returns: every minion started and signed in."""
    t0 = time.time()
    while time.time() - t0 < limit:
        if minions.exited():
            raise RuntimeError(f"salt-minion exited: {minions.exited()[:5]}; see minions/ID/minion.out")
        try:
            dt, got, _ = jobs.run("test.ping", [], n, 15)
        except salt.exceptions.SaltClientError as exc:
            # while N minions start and sign in at once, the master's workers may not answer the
            # publish itself in time; that is start-up, not the measurement
            log(f"ready check: the publish failed ({exc.__class__.__name__}); again")
            time.sleep(3)
            continue
        log(f"ready check: {got} of {n} minions answered test.ping in {dt:.1f} s")
        if got >= n:
            return time.time() - t0
        time.sleep(3)
    raise RuntimeError(f"not all {n} minions answered test.ping within {limit} s")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minions", type=int, required=True)
    ap.add_argument("--keys", required=True, help="made by salt_keys.py")
    ap.add_argument("--sls", required=True, help="copied into the master's file_roots")
    ap.add_argument("--bits", type=int, default=2048)
    ap.add_argument("--pings", type=int, default=5)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=5, help="the master's worker_threads")
    ap.add_argument("--run-dir", default="/var/tmp", help="a short path (see below)")
    ap.add_argument("--start-limit", type=int, default=900, help="seconds for all minions to come up")
    ap.add_argument("--job-timeout", type=int, default=600)
    ap.add_argument("--json")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # Salt puts every minion path under its root_dir, and a minion's event sockets are AF_UNIX,
    # whose paths may not exceed 107 bytes: RUN/minions/ID/var/run/salt/minion/minion_event_*.ipc
    # fits only with a short RUN
    run_dir = os.path.abspath(tempfile.mkdtemp(prefix="ss.", dir=a.run_dir))
    m = Master(os.path.join(run_dir, "master"), "zeromq", a.bits, a.workers)
    sls_name = os.path.basename(a.sls)[: -len(".sls")]
    os.makedirs(os.path.join(m.root, "srv/salt"))
    shutil.copyfile(a.sls, os.path.join(m.root, "srv/salt", sls_name + ".sls"))
    os.makedirs(os.path.join(m.root, "srv/pillar"))
    with open(os.path.join(m.root, "srv/pillar/top.sls"), "w") as f:
        f.write("base: {}\n")
    ids = ["sw%05d" % i for i in range(a.minions)]
    # accept_and_pin puts each minion's pair and the master's key in RUN/minions/ID/pki
    accept_and_pin(m, ids, a.keys, run_dir, a.bits)
    minions = Minions(run_dir, ids, m, a.bits)

    res = {"salt": salt.version.__version__, "minions": a.minions, "bits": a.bits, "sls": sls_name,
           "master_workers": a.workers, "loadavg_before": open("/proc/loadavg").read().split()[:3]}
    try:
        m.start()
        jobs = Jobs(m)
        t0 = time.time()
        minions.start()
        res["minions_up_s"] = wait_for_all(jobs, minions, a.minions, a.start_limit)
        res["minions_up_cpu_s"] = trees_cpu_seconds(minions.pids())
        log(f"all {a.minions} minions up after {time.time() - t0:.1f} s")
        # let the start-up's tail (minion_start events, the minions' first pillar) pass
        time.sleep(10)
        c0, tq = m.cpu(), time.time()
        time.sleep(5)
        res["master_idle_cpu_per_s"] = (m.cpu() - c0) / (time.time() - tq)
        res["master_rss_mib"] = proctree.rss_mib(m.pid)
        res["minions_rss_mib"] = minions.rss_mib()
        log("master idle %.3f cores; RSS master %.0f MiB, minions %.0f MiB" % (
            res["master_idle_cpu_per_s"], res["master_rss_mib"], res["minions_rss_mib"]))

        times, counts, mc0 = [], [], m.cpu()
        for i in range(a.pings):
            dt, n, _ = jobs.run("test.ping", [], a.minions, 60)
            times.append(dt)
            counts.append(n)
            log(f"ping {i + 1}: {dt:.3f} s, {n} returns")
            time.sleep(0.5)
        res["pings"] = {"seconds": times, "returns": counts, "p50": percentile(times, 50),
                        "master_cpu_per_ping_s": (m.cpu() - mc0) / max(1, a.pings)}

        runs = []
        for r in range(a.runs):
            c0, k0 = m.cpu(), trees_cpu_seconds(minions.pids())
            dt, n, jid_dir = jobs.run("state.apply", [sls_name], a.minions, a.job_timeout)
            run = {"seconds": dt, "returns": n, "master_cpu_s": m.cpu() - c0,
                   "minions_cpu_s": trees_cpu_seconds(minions.pids()) - k0}
            run["failed_returns"], run["first_failure"] = Jobs.failures(jid_dir)
            run["missing_returns"] = a.minions - n
            log(f"state.apply {sls_name} run {r + 1}: " + json.dumps(run))
            runs.append(run)
        res["state_apply"] = runs
        res["loadavg_after"] = open("/proc/loadavg").read().split()[:3]
    finally:
        minions.stop()
        m.stop()
        if a.json:
            with open(a.json, "w") as f:
                json.dump(res, f, indent=1)
        print(json.dumps(res, indent=1))
        if not a.keep:
            shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
