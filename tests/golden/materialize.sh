#!/usr/bin/env bash
# Builds a golden case's working copy (see run.sh for the case layout):
#   start: its models and the generated/ folder it starts from (its shared
#          history or its own, then its setup script);
#   end:   the same, then the changes the case expects applied (new files,
#          FILE.diff patches, removed files): the generated/ folder its
#          command writes, for the tests that compile and apply it.
#
# usage: materialize.sh start|end CASE_DIR OUT_DIR
set -euo pipefail
mode=$1 case=$(cd "$2" && pwd) out=$3
here=$(cd "$(dirname "$0")" && pwd)
export HISTORIES=$here/_histories
rm -rf "$out"
mkdir -p "$out"
cp -r "$case/models" "$out/models"
if [ -f "$case/history" ]; then
	name=$(cat "$case/history")
	[ -d "$HISTORIES/$name" ] || { echo "no history $name in $HISTORIES"; exit 1; }
	cp -r "$HISTORIES/$name" "$out/generated"
fi
[ -d "$case/generated" ] && cp -r "$case/generated" "$out/generated"
if [ -f "$case/setup" ]; then
	(cd "$out" && bash "$case/setup") || { echo "setup of $case failed"; exit 1; }
fi
[ "$mode" = end ] || exit 0
if [ -d "$case/expected/generated" ]; then
	(cd "$case/expected/generated" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) |
		while read -r f; do
			case "$f" in
			*.diff) patch -s -p1 -d "$out/generated" <"$case/expected/generated/$f" ;;
			*) mkdir -p "$(dirname "$out/generated/$f")"
			   cp "$case/expected/generated/$f" "$out/generated/$f" ;;
			esac
		done
fi
if [ -f "$case/expected/removed" ]; then
	while read -r f; do rm -f "$out/generated/$f"; done <"$case/expected/removed"
fi
