#!/usr/bin/env bash
# Runs the libFuzzer targets (built with -DMG_FUZZ=ON, see
# tests/cmake/fuzz.cmake) for a bounded time each.
#
#   tests/fuzz/run.sh BINDIR [TARGET...]   TARGET: snapshot annotation url
#                                          (default: all); BINDIR holds fuzz_*
#
# For each target: first every seed (tests/fuzz/TARGET/corpus/) and every
# regression case (tests/regression/*/fuzz_TARGET/*) runs once; then the
# fuzzer runs for MG_FUZZ_SECONDS (default 30) on a scratch copy of the
# corpus. A crash leaves its input in BINDIR/fuzz-artifacts/TARGET/ and fails;
# make it a regression case (tests/regression/NAME/fuzz_TARGET/input) with
# the fix. MG_FUZZ_UPDATE_CORPUS=1 merges new interesting inputs into the
# repository's corpus (for a developer's long run, to commit).
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: tests/fuzz/run.sh BINDIR [TARGET...]" >&2; exit 2; }
bindir=$(cd "$1" && pwd)
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(snapshot annotation url)
secs=${MG_FUZZ_SECONDS:-30}
work=$(mktemp -d "${TMPDIR:-/tmp}/mg-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

status=0
for t in "${targets[@]}"; do
	exe=$bindir/fuzz_$t
	seeds=$src/tests/fuzz/$t/corpus
	[ -x "$exe" ] || { echo "fuzz: $exe missing (configure with -DMG_FUZZ=ON)" >&2; exit 2; }
	[ -d "$seeds" ] || { echo "fuzz: no seed corpus $seeds" >&2; exit 2; }
	art=$bindir/fuzz-artifacts/$t
	mkdir -p "$art" "$work/$t"
	# Seeds and regression cases, each once.
	replay=("$seeds")
	for d in "$src"/tests/regression/*/fuzz_"$t"; do
		[ -d "$d" ] && replay+=("$d")
	done
	echo "fuzz/$t: replaying ${replay[*]#"$src/"}"
	if ! "$exe" -runs=0 -artifact_prefix="$art/" "${replay[@]}" >"$work/$t.replay.log" 2>&1; then
		tail -n 60 "$work/$t.replay.log" >&2
		echo "fuzz/$t: FAILED on a seed or regression input" >&2
		status=1
		continue
	fi
	cp -r "$seeds/." "$work/$t/"
	echo "fuzz/$t: fuzzing for ${secs}s"
	if ! "$exe" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
		-print_final_stats=1 -artifact_prefix="$art/" "$work/$t" \
		>"$work/$t.log" 2>&1; then
		grep -v -E "^#[0-9]+" "$work/$t.log" | tail -n 60 >&2
		echo "fuzz/$t: FAILED; input(s) in $art/:" >&2
		ls -1 "$art" >&2
		status=1
		continue
	fi
	grep -E "^stat::number_of_executed_units|^stat::new_units_added" "$work/$t.log" |
		sed "s|^|fuzz/$t: |"
	if [ "${MG_FUZZ_UPDATE_CORPUS:-0}" = 1 ]; then
		"$exe" -merge=1 "$seeds" "$work/$t" >"$work/$t.merge.log" 2>&1 ||
			{ tail -n 20 "$work/$t.merge.log" >&2; status=1; }
		echo "fuzz/$t: corpus $seeds now has $(ls "$seeds" | wc -l) inputs"
	fi
done
exit $status
