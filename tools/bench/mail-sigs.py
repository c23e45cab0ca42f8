#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
"""mail-sigs: the e-mail scanner benchmark's signatures.

    mail-sigs.py DIR

writes DIR/bench.hdb, an MD5 list of 1000 random sums and EICAR's (the
md5 configuration), and DIR/clamav/, a small ClamAV database (no full one
is to be had offline): EICAR's and ten random sums (bench.hdb), and five
body signatures, one with a wildcard gap (bench.ndb). The same bytes on
every run (seed 5). Used by scripts/bench-guest.sh and scripts/mail-cost.sh.
"""
import os
import random
import sys

d = sys.argv[1]
os.makedirs(d + "/clamav", exist_ok=True)
r = random.Random(5)
eicar = "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n"


def sums(n, tag):
    return "".join("%032x:%d:Sis.Bench.%s-%d\n" % (r.getrandbits(128),
                   r.randint(100, 500000), tag, i) for i in range(n))


with open(d + "/bench.hdb", "w") as f:
    f.write(sums(1000, "Md5") + eicar)
with open(d + "/clamav/bench.hdb", "w") as f:
    f.write(sums(10, "Hdb") + eicar)
ndb = "".join("Sis.Bench.Body-%d:0:*:%s\n" % (i, r.randbytes(16).hex())
              for i in range(4))
ndb += "Sis.Bench.Body-4:0:*:%s{10-40}%s\n" % (r.randbytes(8).hex(),
                                               r.randbytes(8).hex())
with open(d + "/clamav/bench.ndb", "w") as f:
    f.write(ndb)
