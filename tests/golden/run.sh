#!/usr/bin/env bash
# Runs one golden case of the generator.
#
# usage: run.sh MODELGEN CASE_DIR [--update]
#
# A case directory holds:
#   models/           the model headers (input)
#   generated/        optional: the generated/ folder before the command
#   args              optional: modelgen's arguments, one per line (default: snapshot)
#   expected/stdout   optional: expected standard output
#   expected/stderr   optional: expected standard error (absent: must be empty)
#   expected/exit     optional: expected exit code (default 0)
#   expected/generated/  optional: the whole generated/ folder after the command
# The command runs in a scratch copy of the case, so paths in diagnostics are
# relative (models/x.h:3:5). NO_COLOR is set. With --update the expected files
# are rewritten from what the command did (review the diff before committing).
set -uo pipefail
modelgen=$1 case=$2 update=${3:-}
case=$(cd "$case" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/mg-golden.XXXXXX")
trap 'rm -rf "$work"' EXIT

cp -r "$case/models" "$work/models"
[ -d "$case/generated" ] && cp -r "$case/generated" "$work/generated"
args=(snapshot)
if [ -f "$case/args" ]; then
	mapfile -t args < "$case/args"
fi

(cd "$work" && NO_COLOR=1 "$modelgen" "${args[@]}" >"$work/.stdout" 2>"$work/.stderr")
status=$?

if [ "$update" = "--update" ]; then
	mkdir -p "$case/expected"
	cp "$work/.stdout" "$case/expected/stdout"
	if [ -s "$work/.stderr" ]; then cp "$work/.stderr" "$case/expected/stderr"; else rm -f "$case/expected/stderr"; fi
	if [ "$status" -ne 0 ]; then echo "$status" > "$case/expected/exit"; else rm -f "$case/expected/exit"; fi
	if [ -d "$case/expected/generated" ] || { [ -d "$work/generated" ] && ! diff -r -q "$case/generated" "$work/generated" >/dev/null 2>&1; }; then
		rm -rf "$case/expected/generated"
		[ -d "$work/generated" ] && cp -r "$work/generated" "$case/expected/generated"
	fi
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
if [ -d "$case/expected/generated" ]; then
	diff -ru "$case/expected/generated" "$work/generated" || fail=1
elif [ -d "$case/generated" ]; then
	# Nothing expected to change: the command must leave generated/ as it was.
	diff -ru "$case/generated" "$work/generated" || fail=1
fi
exit $fail
