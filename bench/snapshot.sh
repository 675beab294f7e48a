#!/usr/bin/env bash
# Issue 2 benchmark: `modelgen snapshot` against `clang -fsyntax-only
# -DMODELGEN` on the same generated headers (bench/gen_models.sh), in the same
# run. Prints one Markdown table row per N: median wall time of each over
# REPEAT runs, the ratio, and modelgen's peak RSS.
#
# usage: bench/snapshot.sh [BUILD_DIR] [N...]     (default: build/bench, 100 1000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/bench}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000 10000)
repeat=${REPEAT:-7}

if [ ! -x "$build/gen/modelgen" ]; then
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DMG_TESTS=OFF >/dev/null
	cmake --build "$build" -j"$(nproc)" >/dev/null
fi
modelgen=$(cd "$build/gen" && pwd)/modelgen
clang=$(command -v clang-14 || command -v clang)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Median wall time in milliseconds of REPEAT runs of "$@".
median_ms() {
	local times=() t0 t1 i
	for ((i = 0; i < repeat; i++)); do
		t0=$(date +%s%N)
		"$@" >/dev/null
		t1=$(date +%s%N)
		times+=($(((t1 - t0) / 1000)))
	done
	printf '%s\n' "${times[@]}" | sort -n | awk -v n="$repeat" 'NR == int((n + 1) / 2) { printf "%.1f", $1 / 1000 }'
}

echo "| N tables | clang -fsyntax-only (ms) | modelgen snapshot (ms) | ratio | modelgen peak RSS (MiB) |"
echo "|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
	rm -rf "$work/models"
	bash bench/gen_models.sh "$n" "$work/models"
	headers=("$work"/models/*.h)
	clang_ms=$(median_ms "$clang" -fsyntax-only -std=c11 -DMODELGEN -I runtime/include "${headers[@]}")
	mg_ms=$(cd "$work" && median_ms "$modelgen" snapshot)
	rss_kb=$(cd "$work" && /usr/bin/time -f %M "$modelgen" snapshot 2>&1 >/dev/null | tail -1)
	ratio=$(awk -v a="$mg_ms" -v b="$clang_ms" 'BEGIN { printf "%.2f", a / b }')
	echo "| $n | $clang_ms | $mg_ms | ${ratio}x | $((rss_kb / 1024)) |"
done
