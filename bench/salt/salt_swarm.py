"""A minion swarm against a real salt-master, built from Salt's own client code.

N simulated minions run in K worker processes (default 2, one per core, as the brine swarm's JVM
uses both cores). Each simulated minion is Salt's client stack, unmodified:
  salt.channel.client.AsyncPubChannel  its connect() runs salt.crypt.AsyncAuth.authenticate(),
                                       the minion's _auth sign-in, then subscribes
  salt.channel.client.AsyncReqChannel  for returns: the '_return' command with the AES session
                                       key, as salt.minion.Minion._return_pub sends it
with its own key (made once by salt_keys.py), pre-accepted on the master, and the master's key
pinned (minion_master.pub): the steady-state sign-in of a known fleet, as in brine's swarm.
Two changes to Salt's client side, neither visible to the master: all sockets of one worker share
one ZeroMQ context (Salt's clients make a zmq.asyncio.Context each; 2,000 contexts would be 4,000
threads here), and the pub channel's minion-local event bus (hosted by a real salt-minion
process, absent here) is switched off.

Phases, timed by the controller; master CPU is the whole master process tree, from /proc:
  storm    all N minions sign in and subscribe at once (fresh master, keys accepted before start)
  pings    P x test.ping to '*' through salt.client.LocalClient.run_job: publish, then poll the
           master's job cache every 20 ms until every return is stored (brine's swarm polls the
           count of returns through the API every 20 ms the same way)
  reauth   (--reauth) every minion drops its session and signs in again at once (warm master)
  restart  (--restart) SIGKILL the master tree, start it again, wait until all N subscribers have
           reconnected, publish test.ping: the minions cannot decrypt it (new AES key), sign in
           again (AsyncPubChannel._decode_payload) and return. Timed to the last return.

Run with Debian's python and PYTHONPATH=<salt source>:<this folder>/pyshim (salt-compare.sh does):
  salt_swarm.py --minions N --keys DIR [--bits 2048] [--procs 2] [--pings 10] [--reauth]
                [--restart] [--cli K] [--transport zeromq|tcp] [--workers 5] [--run-dir DIR]
                [--ping-timeout S] [--json FILE] [--keep]
"""
import argparse
import asyncio
import fnmatch
import json
import math
import multiprocessing
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import proctree  # noqa: E402
import salt_conf  # noqa: E402
import salt_keys  # noqa: E402

import salt  # noqa: E402
import salt.client  # noqa: E402
import salt.config  # noqa: E402
import salt.crypt  # noqa: E402
import salt.utils.jid  # noqa: E402
import salt.version  # noqa: E402
import yaml  # noqa: E402

SALT_SRC = os.path.dirname(os.path.dirname(os.path.abspath(salt.__file__)))


def log(*parts):
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


def established(port):
    """ESTABLISHED TCP connections whose local port is `port` (the server side), from /proc."""
    count, hexport = 0, ":%04X" % port
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                lines = f.readlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[1].endswith(hexport) and fields[3] == "01":
                count += 1
    return count


def self_cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


# ------------------------------------------------------------------------------------------------
# worker process: a share of the minions on one io loop
# ------------------------------------------------------------------------------------------------


def worker_main(conn, ids, base_opts, run_dir):
    import tornado.ioloop
    import zmq
    import zmq.asyncio

    import salt.channel.client

    asyncio.set_event_loop(asyncio.new_event_loop())
    loop = asyncio.get_event_loop()
    io_loop = tornado.ioloop.IOLoop.current()

    # One ZeroMQ context for the whole worker (see the module docstring).
    shared = zmq.asyncio.Context()
    shared.set(zmq.MAX_SOCKETS, 65536)
    shared.term = lambda *a, **k: None  # clients term() their context on close; keep the shared one
    zmq.asyncio.Context = lambda *a, **k: shared

    minions = {}
    for mid in ids:
        opts = dict(base_opts)
        opts["id"] = mid
        opts["pki_dir"] = os.path.join(run_dir, "minions", mid, "pki")
        opts["cachedir"] = os.path.join(run_dir, "minions", mid, "cache")
        minions[mid] = {"opts": opts, "pub": None, "req": None, "answered": 0}

    async def on_publish(mid, payload):
        m = minions[mid]
        load = payload.get("load") if isinstance(payload, dict) else None
        if not isinstance(load, dict) or load.get("fun") != "test.ping":
            return
        tgt, tgt_type = load.get("tgt"), load.get("tgt_type", "glob")
        if tgt_type == "glob" and not fnmatch.fnmatch(mid, tgt):
            return
        if tgt_type == "list" and mid not in tgt:
            return
        ret = {
            "cmd": "_return", "id": mid, "success": True, "return": True, "retcode": 0,
            "jid": load["jid"], "fun": load["fun"], "fun_args": load.get("arg", []),
        }
        try:
            await m["req"].send(ret, timeout=60, tries=3)
            m["answered"] += 1
        except Exception as exc:  # noqa: BLE001 -- reported to the controller, counted there
            conn.send(("error", mid, "return: %r" % exc))

    def prepare_one(mid):
        """Untimed, before the storm: what a minion process does before it first calls its master
        (load its key pair, make its channels)."""
        m = minions[mid]
        pub = salt.channel.client.AsyncPubChannel.factory(m["opts"], io_loop=io_loop)
        # The channel fires "__master_connected" on the minion's own local event bus, which a real
        # salt-minion process hosts; a simulated one has none, and the blocking 1 s connect attempt
        # would serialise the swarm. Nothing of this reaches the master.
        if pub.event is not None:
            pub.event.destroy()
            pub.event = None
        pub.auth.get_keys()
        m["pub"] = pub
        m["req"] = salt.channel.client.AsyncReqChannel.factory(m["opts"], io_loop=io_loop)

    async def start_one(mid):
        pub = minions[mid]["pub"]
        await pub.connect()  # AsyncAuth sign-in (_auth), then SUB connect

        async def on_recv(payload, mid=mid):
            await on_publish(mid, payload)

        pub.on_recv(on_recv)
        return time.time()

    async def reauth_one(mid):
        auth = minions[mid]["pub"].auth
        auth.invalidate()
        await auth.authenticate()
        return time.time()

    async def all_at_once(reply, one):
        c0 = self_cpu()
        results = await asyncio.gather(*(one(mid) for mid in ids), return_exceptions=True)
        done = [r for r in results if isinstance(r, float)]
        errors = [repr(r) for r in results if not isinstance(r, float)]
        conn.send((reply, len(done), errors[:5], len(errors), max(done) if done else None, self_cpu() - c0))

    def on_command():
        try:
            msg = conn.recv()
        except EOFError:
            loop.stop()
            return
        cmd = msg[0]
        if cmd == "prepare":
            for mid in ids:
                prepare_one(mid)
            conn.send(("prepared", len(ids)))
        elif cmd == "storm":
            loop.create_task(all_at_once("stormed", start_one))
        elif cmd == "reauth":
            loop.create_task(all_at_once("reauthed", reauth_one))
        elif cmd == "cpu":
            with open("/proc/self/statm") as f:
                rss = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            conn.send(("cpu", self_cpu(), sum(m["answered"] for m in minions.values()), rss))
        elif cmd == "quit":
            conn.send(("bye",))
            loop.stop()

    loop.add_reader(conn.fileno(), on_command)
    conn.send(("ready", len(ids)))
    loop.run_forever()
    os._exit(0)


class Workers:
    """The controller's end of the worker processes."""

    def __init__(self, count, ids, base_opts, run_dir):
        # fork before any ZeroMQ context or io loop exists in this process
        ctx = multiprocessing.get_context("fork")
        self.procs, self.errors, self.rss_bytes = [], [], 0
        for k in range(count):
            parent, child = ctx.Pipe()
            p = ctx.Process(target=worker_main, args=(child, ids[k::count], base_opts, run_dir), daemon=True)
            p.start()
            self.procs.append((p, parent))
        for _, conn in self.procs:
            if self.recv(conn)[0] != "ready":
                raise RuntimeError("a swarm worker did not start")

    def recv(self, conn):
        msg = conn.recv()
        while msg[0] == "error":
            if len(self.errors) < 50:
                self.errors.append(msg[1:])
            msg = conn.recv()
        return msg

    def ask_all(self, *msg):
        for _, conn in self.procs:
            conn.send(msg)
        return [self.recv(conn) for _, conn in self.procs]

    def all_at_once(self, cmd, t0):
        """storm or reauth in every worker; the time of the last sign-in and the counts."""
        done, errors, last, swarm_cpu = 0, [], t0, 0.0
        for reply in self.ask_all(cmd):
            done += reply[1]
            errors += reply[2]
            last = max(last, reply[4] or t0)
            swarm_cpu += reply[5]
        return done, errors, last, swarm_cpu

    def cpu(self):
        """(CPU seconds of the workers so far, returns they sent)"""
        replies = self.ask_all("cpu")
        self.rss_bytes = sum(r[3] for r in replies)
        return sum(r[1] for r in replies), sum(r[2] for r in replies)

    def close(self):
        for _, conn in self.procs:
            try:
                conn.send(("quit",))
            except OSError:
                pass
        for p, _ in self.procs:
            p.join(10)
            if p.is_alive():
                p.kill()


# ------------------------------------------------------------------------------------------------
# the master
# ------------------------------------------------------------------------------------------------


class Master:
    """A salt-master process of Salt's own scripts/salt-master, in the foreground (its children
    stay its children, so its tree is its cost)."""

    def __init__(self, root, transport, keysize, workers):
        self.root = root
        self.conf_dir, self.pub, self.ret = salt_conf.write(root, transport, keysize, workers)
        self.log_file = os.path.join(root, "var/log/salt/master")
        self.proc = None

    @property
    def pid(self):
        return self.proc.pid

    def start(self, ready_seconds=60):
        with open(os.path.join(self.root, "master.out"), "ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, os.path.join(SALT_SRC, "scripts/salt-master"), "-c", self.conf_dir],
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + ready_seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"salt-master exited with {self.proc.returncode}; see {self.root}/master.out")
            try:
                socket.create_connection(("127.0.0.1", self.ret), 0.5).close()
                time.sleep(2)  # the port opens before all MWorkers are up
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"salt-master did not open port {self.ret} within {ready_seconds} s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            proctree.stop_tree(self.proc.pid)
            self.proc.wait()

    def kill9(self):
        proctree.kill_tree(self.proc.pid)
        self.proc.wait()

    def cpu(self):
        return proctree.cpu_seconds(self.pid)

    def log_size(self):
        try:
            return os.path.getsize(self.log_file)
        except OSError:
            return 0

    def auth_requests_since(self, offset):
        """sign-ins the master handled since offset of its log (info: "Authentication request from")"""
        with open(self.log_file, "rb") as f:
            f.seek(offset)
            return sum(1 for line in f if b"Authentication request from " in line)


def python_rsa_op_seconds(bits):
    """CPU seconds of one RSA private op in Python's cryptography (OpenSSL underneath): PKCS1v15-SHA1
    sign, what the master's _clear_signed does, and OAEP-SHA1 decrypt, what it does with a token."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None)
    ciphertext = key.public_key().encrypt(b"x" * 32, oaep)
    out = {}
    for name, op in (
        ("py_sign_pkcs1v15_sha1", lambda: key.sign(b"salt", padding.PKCS1v15(), hashes.SHA1())),
        ("py_decrypt_oaep_sha1", lambda: key.decrypt(ciphertext, oaep)),
    ):
        for _ in range(50):
            op()
        best = math.inf
        for _ in range(5):
            c0 = time.process_time()
            for _ in range(100):
                op()
            best = min(best, (time.process_time() - c0) / 100)
        out[name] = best
    return out


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(p / 100 * len(s)) - 1))]


# ------------------------------------------------------------------------------------------------
# setup and phases
# ------------------------------------------------------------------------------------------------


def accept_and_pin(m, ids, keys, run_dir, bits):
    """The master's key made before it starts, so every minion can pin it; the minions' public keys
    in minions/ (accepted); each minion's pki_dir with its pair and minion_master.pub."""
    pki = os.path.join(m.root, "etc/salt/pki/master")
    os.makedirs(os.path.join(pki, "minions"), exist_ok=True)
    salt.crypt.gen_keys(pki, "master", bits)
    for index, mid in enumerate(ids):
        src = salt_keys.key_dir(keys, index)
        if not os.path.exists(os.path.join(src, "minion.pub")):
            sys.exit(f"salt_swarm.py: no key in {src}; run salt_keys.py {keys} {len(ids)} first")
        shutil.copyfile(os.path.join(src, "minion.pub"), os.path.join(pki, "minions", mid))
        own = os.path.join(run_dir, "minions", mid, "pki")
        os.makedirs(own)
        os.makedirs(os.path.join(run_dir, "minions", mid, "cache"))
        for f in ("minion.pem", "minion.pub"):
            shutil.copyfile(os.path.join(src, f), os.path.join(own, f))
        os.chmod(os.path.join(own, "minion.pem"), 0o400)
        shutil.copyfile(os.path.join(pki, "master.pub"), os.path.join(own, "minion_master.pub"))


def base_minion_opts(m, run_dir, transport, bits):
    """Salt's defaults for a minion, read from a real minion config file."""
    conf_dir = os.path.join(run_dir, "minion-conf")
    os.makedirs(conf_dir)
    conf = {
        "id": "template", "master": "127.0.0.1", "master_port": m.ret, "publish_port": m.pub,
        "keysize": bits, "transport": transport, "user": "root", "log_level": "warning",
        "root_dir": os.path.join(run_dir, "minion-root"), "file_client": "remote",
    }
    with open(os.path.join(conf_dir, "minion"), "w") as f:
        yaml.safe_dump(conf, f)
    base = salt.config.minion_config(os.path.join(conf_dir, "minion"))
    base["master_ip"] = "127.0.0.1"
    base["master_uri"] = f"tcp://127.0.0.1:{m.ret}"
    for k in ("sock_dir", "cachedir", "pki_dir"):
        os.makedirs(base[k], exist_ok=True)
    return base


class Pinger:
    """test.ping to '*' as LocalClient.run_job publishes it, timed to the last stored return."""

    def __init__(self, m):
        self.m = m
        self.mopts = salt.config.client_config(os.path.join(m.conf_dir, "master"))
        self.job_dir = os.path.join(self.mopts["cachedir"], "jobs")

    def _returned(self, jid_dir):
        try:
            return sum(1 for e in os.scandir(jid_dir) if e.is_dir())
        except FileNotFoundError:
            return 0

    def once(self, timeout):
        client = salt.client.LocalClient(mopts=self.mopts)
        try:
            t0 = time.time()
            pub = client.run_job("*", "test.ping", timeout=timeout)
            expected = len(pub["minions"])
            jid_dir = salt.utils.jid.jid_dir(pub["jid"], self.job_dir, self.mopts["hash_type"])
            n = 0
            while time.time() - t0 < timeout:
                n = self._returned(jid_dir)
                if n >= expected:
                    break
                time.sleep(0.02)
            return time.time() - t0, n
        finally:
            client.destroy()

    def cli(self, timeout):
        """the operator's view: `salt '*' test.ping` as a command (its own Python start-up)"""
        t0 = time.time()
        out = subprocess.run(
            [sys.executable, os.path.join(SALT_SRC, "scripts/salt"), "-c", self.m.conf_dir, "*", "test.ping",
             "--timeout", str(timeout), "--out", "txt"], capture_output=True, text=True)
        return time.time() - t0, out.stdout.count(": True")


def storm_phase(m, workers, n):
    workers.ask_all("prepare")
    time.sleep(2)
    log_off = m.log_size()
    c0, t0 = m.cpu(), time.time()
    ok, errors, last, swarm_cpu = workers.all_at_once("storm", t0)
    t1 = time.time()
    storm = {"authenticated": ok, "errors": errors, "seconds": last - t0, "wall_all_reported": t1 - t0,
             "master_cpu_s": m.cpu() - c0, "swarm_cpu_s": swarm_cpu,
             "auth_requests_handled": m.auth_requests_since(log_off)}
    storm["master_cpu_per_auth_ms"] = 1000 * storm["master_cpu_s"] / n
    log("storm", json.dumps(storm))
    # every subscriber connected before the first publish
    t_sub = time.time()
    while established(m.pub) < ok and time.time() - t_sub < 60:
        time.sleep(0.1)
    return storm


def pings_phase(m, workers, pinger, a):
    mc0 = m.cpu()
    sc0, _ = workers.cpu()
    times, counts = [], []
    for i in range(a.pings):
        dt, n = pinger.once(a.ping_timeout)
        times.append(dt)
        counts.append(n)
        log(f"ping {i + 1}: {dt:.3f} s, {n} returns")
        time.sleep(0.5)
    master_cpu = m.cpu() - mc0
    sc1, _ = workers.cpu()
    pings = {"seconds": times, "returns": counts, "p50": percentile(times, 50), "p99": percentile(times, 99),
             "complete": sum(1 for n in counts if n == a.minions),
             # the 0.5 s pauses between jobs are in the master's CPU too: idle, a few ms
             "master_cpu_per_ping_s": master_cpu / a.pings, "swarm_cpu_per_ping_s": (sc1 - sc0) / a.pings}
    log("pings p50 %.3f p99 %.3f" % (pings["p50"], pings["p99"]))
    if a.cli:
        pings["salt_cli_seconds_returns"] = [pinger.cli(a.ping_timeout) for _ in range(a.cli)]
        log("salt CLI", pings["salt_cli_seconds_returns"])
    return pings


def reauth_phase(m, workers, n):
    log_off = m.log_size()
    c0, t0 = m.cpu(), time.time()
    ok, errors, last, swarm_cpu = workers.all_at_once("reauth", t0)
    reauth = {"authenticated": ok, "errors": errors, "seconds": last - t0, "master_cpu_s": m.cpu() - c0,
              "swarm_cpu_s": swarm_cpu, "auth_requests_handled": m.auth_requests_since(log_off)}
    reauth["master_cpu_per_auth_ms"] = 1000 * reauth["master_cpu_s"] / n
    log("reauth", json.dumps(reauth))
    return reauth


def restart_phase(m, pinger, a):
    t0 = time.time()
    m.kill9()
    t_killed = time.time()
    m.start()
    t_up = time.time()
    c_up = m.cpu()
    log_off = m.log_size()
    # Salt minions sign in again lazily: only a publish they cannot decrypt (the new master has a
    # new AES key) makes them. Publish once every subscriber has been back for 1 s (ZeroMQ's
    # reconnect interval is random, 1-11 s by default).
    stable_since = None
    while time.time() - t_up < 90:
        if established(m.pub) >= a.minions:
            stable_since = stable_since or time.time()
            if time.time() - stable_since >= 1.0:
                break
        else:
            stable_since = None
        time.sleep(0.1)
    t_subs = stable_since or time.time()
    n_subs = established(m.pub)
    c_pub = m.cpu()
    dt, n = pinger.once(a.ping_timeout)
    t_done = time.time()
    restart = {"kill_s": t_killed - t0, "start_s": t_up - t_killed, "subscribers": n_subs,
               "subscribers_back_s": t_subs - t_up, "first_ping_s": dt, "first_ping_returns": n,
               "all_back_s": t_done - t0, "all_back_minus_stable_wait_s": t_done - t0 - 1.0,
               "master_cpu_start_to_publish_s": c_pub - c_up, "master_cpu_s": m.cpu() - c_pub,
               "auth_requests_handled": m.auth_requests_since(log_off)}
    restart["master_cpu_per_minion_ms"] = 1000 * restart["master_cpu_s"] / a.minions
    restart["second_ping_s"], restart["second_ping_returns"] = pinger.once(a.ping_timeout)
    log("restart", json.dumps(restart))
    return restart


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minions", type=int, required=True)
    ap.add_argument("--keys", required=True, help="made by salt_keys.py")
    ap.add_argument("--bits", type=int, default=2048, help="the master's key (the minions' are in --keys)")
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--pings", type=int, default=10)
    ap.add_argument("--reauth", action="store_true")
    ap.add_argument("--restart", action="store_true")
    ap.add_argument("--transport", default="zeromq")
    ap.add_argument("--workers", type=int, default=5, help="the master's worker_threads")
    ap.add_argument("--run-dir", default=None, help="where the run's temporary folder goes")
    ap.add_argument("--json")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--ping-timeout", type=int, default=120)
    ap.add_argument("--cli", type=int, default=0, help="also time `salt '*' test.ping` this many times")
    a = ap.parse_args()

    # a timeout's SIGTERM runs the finally below, so no master outlives the run
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    run_dir = tempfile.mkdtemp(prefix="salt-swarm.", dir=a.run_dir)
    m = Master(os.path.join(run_dir, "master"), a.transport, a.bits, a.workers)
    ids = ["sw%05d" % i for i in range(a.minions)]
    accept_and_pin(m, ids, a.keys, run_dir, a.bits)
    workers = Workers(a.procs, ids, base_minion_opts(m, run_dir, a.transport, a.bits), run_dir)
    log(f"{a.procs} swarm workers ready, {a.minions} minions; master in {m.root}")

    res = {"salt": salt.version.__version__, "transport": a.transport, "minions": a.minions, "bits": a.bits,
           "procs": a.procs, "master_workers": a.workers, "loadavg_before": open("/proc/loadavg").read().split()[:3]}
    try:
        res["yardstick"] = python_rsa_op_seconds(a.bits)
        m.start()
        time.sleep(3)
        c_idle0, t_idle0 = m.cpu(), time.time()
        time.sleep(10)
        res["master_idle_cpu_per_s"] = (m.cpu() - c_idle0) / (time.time() - t_idle0)
        res["master_rss_mib_before"] = proctree.rss_mib(m.pid)
        res["storm"] = storm_phase(m, workers, a.minions)
        res["subscribers_after_storm"] = established(m.pub)
        res["master_rss_mib_idle"] = proctree.rss_mib(m.pid)
        time.sleep(2)
        pinger = Pinger(m)
        if a.pings:
            res["pings"] = pings_phase(m, workers, pinger, a)
        if a.reauth:
            res["reauth"] = reauth_phase(m, workers, a.minions)
        if a.restart:
            res["restart"] = restart_phase(m, pinger, a)
        res["loadavg_after"] = open("/proc/loadavg").read().split()[:3]
        workers.cpu()
        res["swarm_rss_mib"] = workers.rss_bytes / 2**20
    finally:
        res["worker_errors"] = workers.errors
        workers.close()
        m.stop()
        if a.json:
            with open(a.json, "w") as f:
                json.dump(res, f, indent=1)
        print(json.dumps(res, indent=1))
        if not a.keep:
            shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
