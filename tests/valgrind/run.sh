#!/usr/bin/env bash
# Runs one test under valgrind: every program of BINDIR that the test starts
# runs under memcheck (zero errors, zero definite leaks), the shell and the
# system's tools (sqlite3, psql) natively.
#
#   run.sh BINDIR COMMAND ARGS...
#
# The test gets a directory of wrappers instead of BINDIR (an argument equal
# to BINDIR, or naming a program in it, is replaced), and each wrapper execs
# valgrind on the real program.
# A program with a memcheck error exits 99 (so the test sees a wrong exit
# code); all logs are checked again at the end, which catches errors in
# programs whose exit code the test does not look at.
set -euo pipefail
given=$1
bindir=$(cd "$1" && pwd)
shift
work=$(mktemp -d "${TMPDIR:-/tmp}/mg-valgrind.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin" "$work/logs"

for exe in "$bindir"/*; do
	[ -f "$exe" ] && [ -x "$exe" ] || continue
	name=$(basename "$exe")
	cat >"$work/bin/$name" <<WRAP
#!/bin/sh
exec valgrind --quiet --error-exitcode=99 --leak-check=full \\
	--errors-for-leak-kinds=definite --show-leak-kinds=definite \\
	--track-fds=no --num-callers=30 --log-file="$work/logs/$name.%p.log" \\
	"$exe" "\$@"
WRAP
	chmod +x "$work/bin/$name"
done

args=()
for a in "$@"; do
	if [ "$a" = "$given" ] || [ "$a" = "$bindir" ] || [ "$a" = "$bindir/" ]; then
		args+=("$work/bin")
	elif [ "${a#"$bindir"/}" != "$a" ] && [ -x "$work/bin/${a#"$bindir"/}" ]; then
		args+=("$work/bin/${a#"$bindir"/}")
	else
		args+=("$a")
	fi
done

rc=0
"${args[@]}" || rc=$?

# --quiet logs are empty unless something was reported.
bad=0
for log in "$work"/logs/*.log; do
	[ -e "$log" ] || continue
	if [ -s "$log" ]; then
		echo "valgrind: $(basename "$log"):" >&2
		cat "$log" >&2
		bad=1
	fi
done
n=$(find "$work/logs" -name '*.log' | wc -l)
echo "valgrind: $n program runs checked"
if [ "$rc" -ne 0 ]; then
	exit "$rc"
fi
if [ "$n" -eq 0 ]; then
	echo "valgrind: the test ran none of the programs in $bindir" >&2
	exit 1
fi
exit "$bad"
