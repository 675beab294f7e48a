#!/usr/bin/env python3
"""Issue 14 benchmark: `modelgen pull` of an N-table database against
`sqlite3 DB .schema` (SQLite) and `pg_dump --schema-only` (PostgreSQL) on
the same database, in the same run, runs interleaved.
"pull --header schema.h" writes every table into one header instead of
one header per table.

The schema (bench/pull_schema.py): N tables of ten columns each (integer
key, varchar, text with UNIQUE, real with a default, a time with a
default, a boolean, text, numeric(10,2), bigint, a key to the previous
table with ON DELETE CASCADE) and one index each; on PostgreSQL serial keys,
timestamptz, a table comment. pull writes all N headers into a fresh
models folder on every run (what a user pays); "pull --dry-run" prints them
to /dev/null instead, like the two tools it is measured against. "floor"
is a small C program that makes as many new files of the headers' average
size the way pull does (open O_EXCL, write, close): what writing the
headers costs on this file system, whoever writes them.

Each command runs REPEAT times (default 11), the three interleaved, each
started with posix_spawn and reaped with wait4: the medians of wall time
and of CPU time (user + system from wait4) are reported. CPU time is the
steadier figure on a machine shared with other work; the limit (2x) is
checked on both.

    bench/pull.py MODELGEN [N] [--postgresql PG_URL] [--sqlite-only]

N defaults to 1000. Without --postgresql a throw-away server is started
with tools/pg.sh (and stopped). Prints a Markdown table.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import pull_schema  # noqa: E402


def spawn(argv, cwd, stdout_path="/dev/null"):
    """Runs argv; returns (wall s, cpu s, exit status)."""
    fd = os.open(stdout_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    null = os.open("/dev/null", os.O_WRONLY)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        t = time.monotonic()
        pid = os.posix_spawnp(argv[0], argv, os.environ,
                              file_actions=[(os.POSIX_SPAWN_DUP2, fd, 1),
                                            (os.POSIX_SPAWN_DUP2, null, 2)])
        _, status, ru = os.wait4(pid, 0)
        wall = time.monotonic() - t
    finally:
        os.chdir(old)
        os.close(fd)
        os.close(null)
    return wall, ru.ru_utime + ru.ru_stime, os.waitstatus_to_exitcode(status)


def measure(cases, repeat):
    """cases: [(label, prepare(), argv, cwd)]; interleaved runs."""
    out = {label: ([], []) for label, _p, _a, _c in cases}
    for _ in range(repeat):
        for label, prepare, argv, cwd in cases:
            prepare()
            wall, cpu, code = spawn(argv, cwd)
            if code not in (0, 1):
                raise SystemExit("%s: exit %d" % (" ".join(argv), code))
            out[label][0].append(wall)
            out[label][1].append(cpu)
    return {k: (statistics.median(w) * 1000, statistics.median(c) * 1000)
            for k, (w, c) in out.items()}


FLOOR_C = r"""
/* The floor of writing headers: N new files of SIZE bytes in an empty
 * folder, each open(O_CREAT|O_EXCL) + write + close, as pull makes them. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	int n = atoi(argv[2]), size = atoi(argv[3]), i;
	char *buf = malloc((size_t)size), path[4096];

	memset(buf, 'x', (size_t)size);
	mkdir(argv[1], 0777);
	for (i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/t%05d.h", argv[1], i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
		if (fd < 0 || write(fd, buf, (size_t)size) != size || close(fd) != 0)
			return 1;
	}
	return 0;
}
"""


def floor_program(work):
    src = os.path.join(work, "floor.c")
    exe = os.path.join(work, "floor")
    with open(src, "w") as f:
        f.write(FLOOR_C)
    subprocess.run(["cc", "-O2", "-o", exe, src], check=True)
    return exe


def run_dialect(dialect, modelgen, n, url, work, repeat, tool_argv, floor):
    models = os.path.join(work, "models")
    files = os.path.join(work, "floor_files")

    def fresh_models():
        shutil.rmtree(models, ignore_errors=True)

    def fresh_files():
        shutil.rmtree(files, ignore_errors=True)

    # The headers' average size, for the floor.
    fresh_models()
    spawn([modelgen, "pull", url], work)
    sizes = [os.path.getsize(os.path.join(models, f)) for f in os.listdir(models)]
    avg = sum(sizes) // max(len(sizes), 1)
    cases = [
        ("pull", fresh_models, [modelgen, "pull", url], work),
        ("pull --header schema.h", fresh_models,
         [modelgen, "pull", url, "--header", "schema.h"], work),
        ("pull --dry-run", lambda: None, [modelgen, "pull", url, "--dry-run"], work),
        (tool_argv[0], lambda: None, tool_argv[1], work),
        ("floor", fresh_files, [floor, files, str(len(sizes)), str(avg)], work),
    ]
    r = measure(cases, repeat)
    tool = r[tool_argv[0]]
    rows = []
    for label in ("pull", "pull --header schema.h", "pull --dry-run"):
        wall, cpu = r[label]
        rows.append("| %s | %d | `modelgen %s` | %.1f | %.1f | `%s` | %.1f | %.1f | %.2fx | %.2fx |"
                    % (dialect, n, label, wall, cpu, tool_argv[0], tool[0], tool[1],
                       wall / tool[0], cpu / tool[1]))
    rows.append("| %s | %d | floor: %d new files of %d bytes (C, O_EXCL) | %.1f | %.1f | | | | | |"
                % (dialect, n, len(sizes), avg, r["floor"][0], r["floor"][1]))
    return rows


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    if not args:
        sys.stderr.write(__doc__)
        return 2
    modelgen = os.path.abspath(args[0])
    n = int(args[1]) if len(args) > 1 else 1000
    repeat = int(os.environ.get("REPEAT", "11"))
    pg_url = None
    if "--postgresql" in argv:
        pg_url = argv[argv.index("--postgresql") + 1]
    work = tempfile.mkdtemp(prefix="mg-bench-pull.")
    pg_dir = None
    rows = []
    try:
        floor = floor_program(work)
        db = os.path.join(work, "bench.db")
        subprocess.run(["sqlite3", db], input=pull_schema.sql(n, "sqlite"), check=True,
                       universal_newlines=True)
        rows += run_dialect("SQLite", modelgen, n, "sqlite:" + db, work, repeat,
                            ("sqlite3 DB .schema", ["sqlite3", db, ".schema"]), floor)
        if "--sqlite-only" not in argv:
            if not pg_url:
                pg_dir = os.path.join(tempfile.gettempdir(), "pgtest.bench-pull.%d" % os.getpid())
                pg_url = subprocess.run(["sh", os.path.join(ROOT, "tools", "pg.sh"), "start",
                                         pg_dir, "54339"], check=True, stdout=subprocess.PIPE,
                                        universal_newlines=True).stdout.strip()
            name = "bench_pull_%d" % os.getpid()
            subprocess.run(["psql", "-XAtq", pg_url, "-c", "CREATE DATABASE %s" % name],
                           check=True)
            url = pg_url.replace("@/postgres?", "@/%s?" % name)
            subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", url],
                           input=pull_schema.sql(n, "postgresql"), check=True,
                           universal_newlines=True, stdout=subprocess.DEVNULL)
            rows += run_dialect("PostgreSQL", modelgen, n, url, work, repeat,
                                ("pg_dump --schema-only",
                                 ["pg_dump", "--schema-only", "-d", url]), floor)
            subprocess.run(["psql", "-XAtq", pg_url, "-c", "DROP DATABASE %s" % name])
    finally:
        if pg_dir:
            subprocess.run(["sh", os.path.join(ROOT, "tools", "pg.sh"), "stop", pg_dir])
        shutil.rmtree(work, ignore_errors=True)
    load = os.getloadavg()[0]
    print("| dialect | tables | command | wall ms | CPU ms | against | wall ms | CPU ms "
          "| ratio wall | ratio CPU |")
    print("|---|---:|---|---:|---:|---|---:|---:|---:|---:|")
    for r in rows:
        print(r)
    print()
    print("medians of %d interleaved runs; load average %.1f at the end" % (repeat, load))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
