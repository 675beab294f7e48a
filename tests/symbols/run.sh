#!/usr/bin/env bash
# The installed runtime library shows a program that links it the public API
# and nothing else (issue 12): every global symbol libmodelgen.a defines is
# a function declared MG_EXTERN in include/modelgen/*.h, every such function
# is defined, and the library calls nothing that ends the program or writes
# to its standard streams (abort, exit, stdout, stderr, printf, puts...).
# --sql output goes to the caller's FILE (fputs/fprintf stay allowed); asserts
# (__assert_fail) are programming errors and stay too.
#
# usage: run.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/mg-symbols.XXXXXX")
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
lib=$(find "$work/prefix" -name libmodelgen.a | head -n 1)
headers=$work/prefix/include/modelgen
[ -f "$lib" ] || { echo "no libmodelgen.a installed"; exit 1; }

nm -g --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort -u >"$work/defined"
# Declarations: MG_EXTERN <type> name(...
grep -h '^MG_EXTERN' "$headers"/*.h |
	sed -E 's/^.*[^a-z0-9_](mg_[a-z0-9_]+)\(.*$/\1/' | sort -u >"$work/declared"
nm -u "$lib" | awk '{ print $NF }' | sort -u >"$work/undefined"

status=0
extra=$(comm -23 "$work/defined" "$work/declared")
if [ -n "$extra" ]; then
	echo "libmodelgen.a exports symbols that are not public API:"
	echo "$extra" | sed 's/^/  /'
	status=1
fi
missing=$(comm -13 "$work/defined" "$work/declared")
if [ -n "$missing" ]; then
	echo "public functions that libmodelgen.a does not export:"
	echo "$missing" | sed 's/^/  /'
	status=1
fi
forbidden=$(grep -xE 'abort|exit|_exit|_Exit|quick_exit|stdout|stderr|printf|vprintf|puts|putchar|perror' "$work/undefined" || true)
if [ -n "$forbidden" ]; then
	echo "libmodelgen.a calls what a library must not:"
	echo "$forbidden" | sed 's/^/  /'
	status=1
fi
[ "$status" = 0 ] &&
	echo "libmodelgen.a: $(wc -l <"$work/defined") public symbols, nothing else exported"
exit "$status"
