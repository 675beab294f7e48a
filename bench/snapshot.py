#!/usr/bin/env python3
"""Issue 11 §4 benchmark: `modelgen snapshot` on N tables x 10 columns
(bench/gen_models.sh, 100 tables per header) against `clang -fsyntax-only
-DMODELGEN` on ONE file that includes the same headers, in the same run,
runs interleaved (bench/timing.py). Limit: at most 1.3x at N = 1000.

    bench/snapshot.py MODELGEN [N ...]     (default N: 1000; REPEAT=11;
                                            INSTR=MAX: instructions up to N = MAX,
                                            default 1000, 0 for none)

Prints a Markdown table: medians of wall and CPU time, instructions
(callgrind, the same for any load), their ratios, the load average.
"""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import timing  # noqa: E402


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    modelgen = os.path.abspath(sys.argv[1])
    sizes = [int(a) for a in sys.argv[2:]] or [1000]
    repeat = int(os.environ.get("REPEAT", "11"))
    instr_max = int(os.environ.get("INSTR", "1000"))
    print("%s, REPEAT=%d" % (timing.header(), repeat))
    print()
    print("| N tables | headers | clang -fsyntax-only, one file: wall / CPU ms, M instr "
          "| modelgen snapshot: wall / CPU ms, M instr | ratio wall | ratio CPU "
          "| ratio instr |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as work:
        for n in sizes:
            models = os.path.join(work, "models")
            timing.gen_models(n, models)
            one = os.path.join(work, "all.c")
            timing.one_file(models, one)
            clang = timing.clang_argv(one)
            snap = [modelgen, "snapshot"]
            r = timing.measure([
                ("clang", None, clang, work),
                ("snapshot", None, snap, work),
            ], repeat)
            (cw, cc), (mw, mc) = r["clang"], r["snapshot"]
            ci = mi = 0
            if n <= instr_max:
                ci = timing.instructions(clang, work)[0]
                mi = timing.instructions(snap, work)[0]
            print("| %d | %d | %.1f / %.1f, %s | %.1f / %.1f, %s | %.2fx | %.2fx | %s |" %
                  (n, len(os.listdir(models)), cw, cc, timing.mega(ci), mw, mc,
                   timing.mega(mi), mw / cw, mc / cc,
                   "%.3fx" % (mi / ci) if ci else "-"))
            sys.stdout.flush()
    print()
    print("load average after: %s" % timing.load())


if __name__ == "__main__":
    main()
