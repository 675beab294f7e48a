#!/usr/bin/env bash
# Issue 3 benchmark: `modelgen diff` on N tables that all changed (a renamed
# column, a new column, a changed default in every table; bench/gen_models.sh
# variant 1 over variant 0) against `clang -fsyntax-only -DMODELGEN` on the
# same headers, in the same run. "diff+emit" is diff's time less snapshot's
# time on the same models (the parse they share), to show that the stages
# after parsing grow linearly.
#
# usage: bench/diff.sh [BUILD_DIR] [N...]     (default: build/bench, 100 1000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/bench}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000 10000)
repeat=${REPEAT:-5}

if [ ! -x "$build/gen/modelgen" ]; then
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DMG_TESTS=OFF >/dev/null
	cmake --build "$build" -j"$(nproc)" >/dev/null
fi
modelgen=$(cd "$build/gen" && pwd)/modelgen
clang=$(command -v clang-14 || command -v clang)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ms() { echo $((($(date +%s%N) - $1) / 1000)); }
median() { sort -n | awk -v n="$1" 'NR == int((n + 1) / 2) { printf "%.1f", $1 / 1000 }'; }

echo "| N tables | clang -fsyntax-only (ms) | modelgen diff (ms) | ratio | snapshot (ms) | diff+emit (ms) | diff peak RSS (MiB) |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
	rm -rf "$work/base" "$work/run"
	mkdir -p "$work/base"
	bash bench/gen_models.sh "$n" "$work/base/models" 0
	(cd "$work/base" && "$modelgen" diff -m init >/dev/null)
	bash bench/gen_models.sh "$n" "$work/base/models" 1
	headers=("$work"/base/models/*.h)
	c=() d=() s=()
	for ((i = 0; i < repeat; i++)); do
		t=$(date +%s%N); "$clang" -fsyntax-only -std=c11 -DMODELGEN -I runtime/include "${headers[@]}"; c+=($(ms "$t"))
		rm -rf "$work/run"; cp -r "$work/base" "$work/run"
		t=$(date +%s%N); (cd "$work/run" && "$modelgen" diff -m change >/dev/null); d+=($(ms "$t"))
		t=$(date +%s%N); (cd "$work/run" && "$modelgen" snapshot >/dev/null); s+=($(ms "$t"))
	done
	rm -rf "$work/run"; cp -r "$work/base" "$work/run"
	rss=$(cd "$work/run" && /usr/bin/time -f %M "$modelgen" diff -m change 2>&1 >/dev/null | tail -1)
	cm=$(printf '%s\n' "${c[@]}" | median "$repeat")
	dm=$(printf '%s\n' "${d[@]}" | median "$repeat")
	sm=$(printf '%s\n' "${s[@]}" | median "$repeat")
	awk -v n="$n" -v c="$cm" -v d="$dm" -v s="$sm" -v r="$((rss / 1024))" \
		'BEGIN { printf "| %d | %.1f | %.1f | %.2fx | %.1f | %.1f | %d |\n", n, c, d, d / c, s, d - s, r }'
done
