#!/usr/bin/env python3
"""Issue 11 §4 benchmark: `modelgen diff` on N tables that all changed (a
renamed column, a new column, a changed default in every table:
bench/gen_models.sh variant 1 over variant 0, so each one is a SQLite
rebuild), in the same run, runs interleaved (bench/timing.py), against:

  - the limit "1.0x clang -fsyntax-only on the same headers plus the parse":
    `clang -fsyntax-only` on ONE file that includes the headers, plus
    `modelgen snapshot` on the same models (the parse; its JSON dump is a
    few percent of it). diff at most clang + snapshot, i.e. what diff does
    beyond parsing at most one clang -fsyntax-only;
  - linear growth: "diff + emit" (diff less snapshot; in instructions, diff
    less its parse: parse_models and libclang's parsing thread) at the
    largest N at most 11x that at N = 1000 (the sizes must include 1000).

    bench/diff.py MODELGEN [N ...]    (default N: 1000 10000; REPEAT=5;
                                       INSTR=MAX: instructions up to N = MAX,
                                       default 1000, 0 for none)
"""

import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import timing  # noqa: E402

PARSE = ("parse_models", "start_thread")


def prepare(base, run):
    def fresh():
        shutil.rmtree(run, ignore_errors=True)
        shutil.copytree(base, run)
    return fresh


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    modelgen = os.path.abspath(sys.argv[1])
    sizes = [int(a) for a in sys.argv[2:]] or [1000, 10000]
    repeat = int(os.environ.get("REPEAT", "5"))
    instr_max = int(os.environ.get("INSTR", "1000"))
    print("%s, REPEAT=%d" % (timing.header(), repeat))
    print()
    print("| N tables | clang -fsyntax-only, one file: wall / CPU ms | modelgen snapshot "
          "(the parse): wall / CPU ms | modelgen diff: wall / CPU ms | diff / (clang + "
          "snapshot), wall / CPU | diff + emit (diff - snapshot): wall / CPU ms "
          "| (diff - snapshot) / clang, wall / CPU |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    rows, instr = {}, {}
    with tempfile.TemporaryDirectory() as work:
        for n in sizes:
            base, run = os.path.join(work, "base"), os.path.join(work, "run")
            shutil.rmtree(base, ignore_errors=True)
            models = os.path.join(base, "models")
            timing.gen_models(n, models, 0)
            timing.spawn([modelgen, "diff", "-m", "init"], base)
            timing.gen_models(n, models, 1)
            one = os.path.join(work, "all.c")
            timing.one_file(models, one)
            clang = timing.clang_argv(one)
            snap, diff = [modelgen, "snapshot"], [modelgen, "diff", "-m", "change"]
            fresh = prepare(base, run)
            r = timing.measure([
                ("clang", None, clang, work),
                ("snapshot", None, snap, base),
                ("diff", fresh, diff, run),
            ], repeat)
            (cw, cc), (sw, sc), (dw, dc) = r["clang"], r["snapshot"], r["diff"]
            rows[n] = (dw - sw, dc - sc)
            print("| %d | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f | %.2fx / %.2fx "
                  "| %.1f / %.1f | %.2fx / %.2fx |" %
                  (n, cw, cc, sw, sc, dw, dc, dw / (cw + sw), dc / (cc + sc),
                   dw - sw, dc - sc, (dw - sw) / cw, (dc - sc) / cc))
            sys.stdout.flush()
            if n <= instr_max:
                ci = timing.instructions(clang, work)[0]
                si = timing.instructions(snap, base)[0]
                fresh()
                di, f = timing.instructions(diff, run, PARSE)
                instr[n] = (ci, si, di, di - sum(f.get(k, 0) for k in PARSE))
    if instr:
        print()
        print("Instructions (callgrind; \"diff beyond its parse\" is diff less "
              "parse_models and libclang's parsing thread, as profiled in the same diff):")
        print()
        print("| N tables | clang -fsyntax-only | snapshot | diff | diff / (clang + snapshot) "
              "| diff beyond its parse | that / clang |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for n, (ci, si, di, beyond) in sorted(instr.items()):
            print("| %d | %s | %s | %s | %.3fx | %s | %.3fx |" %
                  (n, timing.mega(ci), timing.mega(si), timing.mega(di), di / (ci + si),
                   timing.mega(beyond), beyond / ci))
    if 1000 in rows and max(rows) > 1000:
        big = max(rows)
        print()
        print("diff + emit, %d over 1000 tables: %.1fx wall, %.1fx CPU (limit 11x at 10000)" %
              (big, rows[big][0] / rows[1000][0], rows[big][1] / rows[1000][1]))
    print()
    print("load average after: %s" % timing.load())


if __name__ == "__main__":
    main()
