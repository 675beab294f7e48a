#!/usr/bin/env python3
"""Issue 11 §4 benchmark: `modelgen check` on a 200-migration history
("reading the history back costs at most as much as parsing the models").

The history: 200 migrations, migration k adding table k (bench/gen_models.sh
with k tables, then `modelgen diff`), as bench/dbupdate.sh builds it. In the
same run, interleaved (bench/timing.py): `modelgen check` and `modelgen
snapshot` on the same models (the parse check does too). Reading the
history back is check less snapshot; the limit is that it costs at most
snapshot. In instructions (callgrind), check is split by its own profile:
the parse is parse_models plus libclang's parsing thread, the rest is the
history (reading, re-emitting, checksums, schemas) and the process.

    bench/check.py MODELGEN [MIGRATIONS]   (default 200; REPEAT=11; INSTR=0: none)
"""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import timing  # noqa: E402

PARSE = ("parse_models", "start_thread")


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    modelgen = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    repeat = int(os.environ.get("REPEAT", "11"))
    instr = os.environ.get("INSTR", "1") != "0"
    with tempfile.TemporaryDirectory() as work:
        models = os.path.join(work, "models")
        for k in range(1, n + 1):
            timing.gen_models(k, models, 0)
            wall, cpu, code = timing.spawn([modelgen, "diff", "-m", "step %d" % k], work)
            if code != 0:
                raise SystemExit("modelgen diff failed at migration %d" % k)
        check, snap = [modelgen, "check"], [modelgen, "snapshot"]
        if timing.spawn(check, work)[2] != 0:
            raise SystemExit("modelgen check fails on the fixture")
        print("%s, REPEAT=%d; %d migrations (migration k adds table k), %d tables in %d "
              "headers" % (timing.header(), repeat, n, n, len(os.listdir(models))))
        print()
        r = timing.measure([("check", None, check, work), ("snapshot", None, snap, work)],
                           repeat)
        (kw, kc), (sw, sc) = r["check"], r["snapshot"]
        print("| what | wall ms | CPU ms |")
        print("|---|---:|---:|")
        print("| `modelgen check` | %.1f | %.1f |" % (kw, kc))
        print("| `modelgen snapshot` (the parse) | %.1f | %.1f |" % (sw, sc))
        print("| check less snapshot (reading the history back) | %.1f | %.1f |" %
              (kw - sw, kc - sc))
        print("| ratio: history / parse | %.2fx | %.2fx |" % ((kw - sw) / sw, (kc - sc) / sc))
        if instr:
            total, f = timing.instructions(check, work, PARSE)
            parse = sum(f.get(k, 0) for k in PARSE)
            print()
            print("Instructions of one `modelgen check` (callgrind): %s in all, the parse "
                  "(parse_models + libclang's thread) %s, the rest %s: %.2fx the parse." %
                  (timing.mega(total), timing.mega(parse), timing.mega(total - parse),
                   (total - parse) / parse))
    print()
    print("load average after: %s" % timing.load())


if __name__ == "__main__":
    main()
