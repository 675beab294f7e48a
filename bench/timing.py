"""Timing helpers shared by the generator benchmarks (bench/snapshot.py,
bench/diff.py, bench/check.py): commands started with posix_spawn and
reaped with wait4, runs interleaved, medians of wall time and of CPU time
(user + system), the machine's load average said with the figures."""

import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def clang():
    """The clang the project uses (clang-14), else clang."""
    return shutil.which("clang-14") or shutil.which("clang")


def spawn(argv, cwd):
    """Runs argv in cwd, output to /dev/null; returns (wall s, cpu s, exit)."""
    null = os.open("/dev/null", os.O_WRONLY)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        t = time.monotonic()
        pid = os.posix_spawnp(argv[0], argv, os.environ,
                              file_actions=[(os.POSIX_SPAWN_DUP2, null, 1),
                                            (os.POSIX_SPAWN_DUP2, null, 2)])
        _, status, ru = os.wait4(pid, 0)
        wall = time.monotonic() - t
    finally:
        os.chdir(old)
        os.close(null)
    return wall, ru.ru_utime + ru.ru_stime, os.waitstatus_to_exitcode(status)


def measure(cases, repeat):
    """cases: [(label, prepare or None, argv, cwd)], run interleaved
    `repeat` times. Returns {label: (median wall ms, median cpu ms)}."""
    out = {label: ([], []) for label, _p, _a, _c in cases}
    for _ in range(repeat):
        for label, prepare, argv, cwd in cases:
            if prepare:
                prepare()
            wall, cpu, code = spawn(argv, cwd)
            if code not in (0, 1):
                raise SystemExit("%s: exit %d" % (" ".join(argv), code))
            out[label][0].append(wall)
            out[label][1].append(cpu)
    return {k: (statistics.median(w) * 1000, statistics.median(c) * 1000)
            for k, (w, c) in out.items()}


def load():
    """The 1-minute load average, as text."""
    return "%.1f" % os.getloadavg()[0]


def gen_models(n, folder, variant=0):
    """bench/gen_models.sh: n tables of 10 columns, 100 per header."""
    subprocess.run(["bash", os.path.join(ROOT, "bench", "gen_models.sh"), str(n), folder,
                    str(variant)], check=True)


def one_file(folder, path):
    """Writes `path`, a C file that includes every header of `folder` in
    path order (what modelgen parses, as one file for clang)."""
    headers = sorted(f for f in os.listdir(folder) if f.endswith(".h"))
    with open(path, "w") as f:
        for h in headers:
            f.write('#include "%s"\n' % os.path.join(os.path.abspath(folder), h))


def clang_argv(path):
    return [clang(), "-fsyntax-only", "-std=c11", "-DMODELGEN", "-I",
            os.path.join(ROOT, "runtime", "include"), path]


def header():
    """A line naming the machine and the time, for the results."""
    return "%s, load %s, %d cores" % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                      load(), os.cpu_count())


def instructions(argv, cwd, functions=()):
    """Instructions (callgrind's Ir) that argv executes in cwd, child
    processes included; with `functions`, also the inclusive count of each
    (a name callgrind_annotate shows, e.g. "parse_models"). Returns
    (total, {function: count}). Independent of the machine's load."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cg.%p")
        r = subprocess.run(["valgrind", "--tool=callgrind", "--trace-children=yes",
                            "--callgrind-out-file=" + out] + argv, cwd=cwd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        total = sum(int(n.replace(",", "")) for n in
                    re.findall(r"Collected : ([0-9,]+)", r.stderr))
        found = {}
        for f in os.listdir(tmp):
            if not functions:
                break
            ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100",
                                  os.path.join(tmp, f)], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True).stdout
            for line in ann.splitlines():
                m = re.match(r"\s*([0-9,]+) \([^)]*\)\s+\S*:(\S+) \[", line)
                if m and m.group(2) in functions and m.group(2) not in found:
                    found[m.group(2)] = int(m.group(1).replace(",", ""))
    return total, found


def mega(n):
    """Instructions in millions, as text ("-" when not measured)."""
    return "%.0f M" % (n / 1e6) if n else "-"
