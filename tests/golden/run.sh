#!/usr/bin/env bash
# Runs one golden case of the generator.
#
# usage: run.sh MODELGEN CASE_DIR [--update]
#
# A case directory holds:
#   models/           the model headers (input)
#   history           optional: the name of a shared starting history,
#                     tests/golden/_histories/NAME/ (a generated/ folder)
#   generated/        optional: a generated/ folder of the case's own
#   setup             optional: a bash script run in the work directory
#                     before the command, to bend the starting state (edit
#                     a migration, delete one...); $HISTORIES names
#                     tests/golden/_histories
#   args              optional: modelgen's arguments, one per line (default: snapshot)
#   expected/stdout   optional: expected standard output
#   expected/stderr   optional: expected standard error (absent: must be empty)
#   expected/exit     optional: expected exit code (default 0)
#   expected/generated/  what the command changed in generated/: each new
#                     file whole, each changed one as FILE.diff (a unified
#                     diff from the starting state)
#   expected/removed  optional: the files of generated/ the command removed
# Without expected/generated/ and expected/removed, generated/ must be as it
# started, or still absent. The command runs in a scratch copy of the case,
# so paths in diagnostics are relative (models/x.h:3:5). NO_COLOR is set.
# With --update the expected files are rewritten from what the command did
# (review the diff before committing).
set -uo pipefail
modelgen=$1 case=$2 update=${3:-}
case=$(cd "$case" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
export HISTORIES=$here/_histories
work=$(mktemp -d "${TMPDIR:-/tmp}/mg-golden.XXXXXX")
trap 'rm -rf "$work"' EXIT

bash "$here/materialize.sh" start "$case" "$work/case" || exit 1
args=(snapshot)
if [ -f "$case/args" ]; then
	mapfile -t args < "$case/args"
fi
[ -d "$work/case/generated" ] && cp -r "$work/case/generated" "$work/start"

(cd "$work/case" && NO_COLOR=1 "$modelgen" "${args[@]}" >"$work/.stdout" 2>"$work/.stderr")
status=$?

# What the command changed in generated/, in the form expected/ keeps it:
# $work/delta/generated (new files whole, changed ones as FILE.diff) and
# $work/delta/removed.
mkdir -p "$work/delta"
list() { [ -d "$1" ] && (cd "$1" && find . -type f | sed 's|^\./||' | LC_ALL=C sort); }
list "$work/start" >"$work/before"
list "$work/case/generated" >"$work/after"
while read -r f; do
	[ -n "$f" ] || continue
	if [ ! -f "$work/start/$f" ]; then
		mkdir -p "$(dirname "$work/delta/generated/$f")"
		cp "$work/case/generated/$f" "$work/delta/generated/$f"
	elif ! cmp -s "$work/start/$f" "$work/case/generated/$f"; then
		mkdir -p "$(dirname "$work/delta/generated/$f")"
		diff -u --label "a/$f" --label "b/$f" "$work/start/$f" "$work/case/generated/$f" \
			>"$work/delta/generated/$f.diff"
	fi
done <"$work/after"
comm -23 "$work/before" "$work/after" >"$work/delta/removed"

if [ "$update" = "--update" ]; then
	mkdir -p "$case/expected"
	cp "$work/.stdout" "$case/expected/stdout"
	if [ -s "$work/.stderr" ]; then cp "$work/.stderr" "$case/expected/stderr"; else rm -f "$case/expected/stderr"; fi
	if [ "$status" -ne 0 ]; then echo "$status" > "$case/expected/exit"; else rm -f "$case/expected/exit"; fi
	rm -rf "$case/expected/generated" "$case/expected/removed"
	[ -d "$work/delta/generated" ] && cp -r "$work/delta/generated" "$case/expected/generated"
	[ -s "$work/delta/removed" ] && cp "$work/delta/removed" "$case/expected/removed"
	exit 0
fi

fail=0
expected_exit=0
[ -f "$case/expected/exit" ] && expected_exit=$(cat "$case/expected/exit")
if [ "$status" -ne "$expected_exit" ]; then
	echo "exit code: expected $expected_exit, got $status"
	fail=1
fi
if [ -f "$case/expected/stdout" ]; then
	diff -u "$case/expected/stdout" "$work/.stdout" || fail=1
fi
if [ -f "$case/expected/stderr" ]; then
	diff -u "$case/expected/stderr" "$work/.stderr" || fail=1
elif [ -s "$work/.stderr" ]; then
	echo "unexpected stderr:"; cat "$work/.stderr"; fail=1
fi
# generated/: exactly the expected changes, and nothing else (also where
# none are expected: a command that must write nothing wrote nothing).
mkdir -p "$work/none"
touch "$work/empty"
exp=$case/expected/generated act=$work/delta/generated
[ -d "$exp" ] || exp=$work/none
[ -d "$act" ] || act=$work/none
diff -ru "$exp" "$act" || { echo "generated/ changed other than expected (above)"; fail=1; }
exp=$case/expected/removed
[ -f "$exp" ] || exp=$work/empty
diff -u "$exp" "$work/delta/removed" || { echo "removed other files than expected"; fail=1; }
exit $fail
