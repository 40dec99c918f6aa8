"""A Salt master config under a root_dir, on free loopback ports.

  salt_conf.py ROOT [--transport zeromq|tcp] [--keysize BITS] [--workers N] [--log-level LEVEL]

Writes ROOT/etc/salt/master and ROOT/ports.env (PUB=..., RET=...), prints the config folder.
auto_accept stays off: the swarm's keys are accepted before the master starts.
"""
import argparse
import os
import socket

import yaml

SALT_DEFAULT_PORTS = (4505, 4506)


def free_ports(count):
    """count distinct free loopback ports, none of them Salt's defaults (a real master may run)."""
    ports = []
    while len(ports) < count:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in ports and port not in SALT_DEFAULT_PORTS:
            ports.append(port)
    return ports


def write(root, transport="zeromq", keysize=2048, workers=5, log_level="info"):
    root = os.path.abspath(root)
    etc = os.path.join(root, "etc/salt")
    os.makedirs(etc, exist_ok=True)
    pub, ret = free_ports(2)
    with open(os.path.join(root, "ports.env"), "w") as f:
        f.write(f"PUB={pub}\nRET={ret}\n")
    master = {
        "root_dir": root, "user": "root", "interface": "127.0.0.1",
        "publish_port": pub, "ret_port": ret, "keysize": keysize,
        "auto_accept": False, "transport": transport, "worker_threads": workers,
        # the log file counts "Authentication request from" lines (info): how many sign-ins the
        # master really handled; the console stays quiet
        "log_level": "warning", "log_level_logfile": log_level,
        "file_roots": {"base": [os.path.join(root, "srv/salt")]},
        "pillar_roots": {"base": [os.path.join(root, "srv/pillar")]},
        # keep the master's own background work small and equal across runs
        "fileserver_backend": ["roots"], "loop_interval": 60, "keep_jobs_seconds": 3600,
    }
    with open(os.path.join(etc, "master"), "w") as f:
        yaml.safe_dump(master, f)
    return etc, pub, ret


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("--transport", default="zeromq")
    ap.add_argument("--keysize", type=int, default=2048)
    ap.add_argument("--workers", type=int, default=5)
    ap.add_argument("--log-level", default="info")
    a = ap.parse_args()
    print(write(a.root, a.transport, a.keysize, a.workers, a.log_level)[0])


if __name__ == "__main__":
    main()
