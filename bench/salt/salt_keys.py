"""salt_keys.py DIR N [--keysize BITS] [--procs 2]: N minion key pairs, made once and untimed with
Salt's own salt.crypt.gen_keys, as DIR/sw00000/minion.pem and minion.pub, ... Existing pairs are
kept, so later runs at the same or a smaller N reuse them."""
import argparse
import multiprocessing
import os

import salt.crypt


def key_dir(keys, index):
    return os.path.join(keys, "sw%05d" % index)


def make(job):
    keys, index, bits = job
    kd = key_dir(keys, index)
    if not os.path.exists(os.path.join(kd, "minion.pub")):
        os.makedirs(kd, exist_ok=True)
        salt.crypt.gen_keys(kd, "minion", bits)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("n", type=int)
    ap.add_argument("--keysize", type=int, default=2048)
    ap.add_argument("--procs", type=int, default=2)
    a = ap.parse_args()
    with multiprocessing.Pool(a.procs) as pool:
        for _ in pool.imap_unordered(make, [(a.dir, i, a.keysize) for i in range(a.n)], chunksize=16):
            pass
    print(a.n, "Salt minion keys in", a.dir)


if __name__ == "__main__":
    main()
