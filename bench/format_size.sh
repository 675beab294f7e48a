#!/usr/bin/env bash
# Issue 11 benchmark: the size of a 1000-table mass change (bench/gen_models.sh
# variant 1 over variant 0: in every table a renamed column, a new column and
# a changed default, so every table is a SQLite rebuild) in migration format 2
# against format 1, the same models, in the same run. Format 1 is built from
# git (OLD_REF, default 376a46f, the last commit before format 2) unless
# OLD_MODELGEN names a binary.
#
# usage: bench/format_size.sh [BUILD_DIR] [N...]   (default: build/bench, 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/bench}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000)
old_ref=${OLD_REF:-376a46f}

if [ ! -x "$build/gen/modelgen" ]; then
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DMG_TESTS=OFF >/dev/null
	cmake --build "$build" -j"$(nproc)" >/dev/null
fi
new=$(cd "$build/gen" && pwd)/modelgen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
old=${OLD_MODELGEN:-}
if [ -z "$old" ]; then
	mkdir -p "$work/old-src"
	git archive "$old_ref" | tar -x -C "$work/old-src"
	cmake -S "$work/old-src" -B "$work/old-build" -DCMAKE_BUILD_TYPE=Release -DMG_TESTS=OFF >/dev/null
	cmake --build "$work/old-build" -j"$(nproc)" --target modelgen >/dev/null
	old=$work/old-build/gen/modelgen
fi

echo "| N tables | format 1 (bytes) | format 2 (bytes) | ratio | lines, format 1 | lines, format 2 |"
echo "|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
	for f in old new; do
		rm -rf "$work/$f"
		mkdir -p "$work/$f"
		bash bench/gen_models.sh "$n" "$work/$f/models" 0
		(cd "$work/$f" && "${!f}" diff -m init >/dev/null)
		bash bench/gen_models.sh "$n" "$work/$f/models" 1
		(cd "$work/$f" && "${!f}" diff -m change >/dev/null)
	done
	ob=$(wc -c <"$work"/old/generated/migrations/0002_change.c)
	nb=$(wc -c <"$work"/new/generated/migrations/0002_change.c)
	ol=$(wc -l <"$work"/old/generated/migrations/0002_change.c)
	nl=$(wc -l <"$work"/new/generated/migrations/0002_change.c)
	awk -v n="$n" -v o="$ob" -v w="$nb" -v ol="$ol" -v nl="$nl" \
		'BEGIN { printf "| %d | %d | %d | %.1f%% | %d | %d |\n", n, o, w, 100 * w / o, ol, nl }'
	(cd "$work/new" && "$new" check >/dev/null) || { echo "format 2: check failed"; exit 1; }
done
