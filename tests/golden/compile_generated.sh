#!/usr/bin/env bash
# Compiles a generated/ folder (registry.c, migrations/*.c) as an application
# would, with every warning an error. DIR is that folder, or a golden case:
# then the folder its command writes (materialize.sh end).
#
# usage: compile_generated.sh CC INCLUDE_DIR DIR
set -uo pipefail
cc=$1 include=$2 dir=$3
flags=(-std=c11 -Wall -Wextra -Werror -Wpedantic -I "$include")
case "$($cc --version 2>/dev/null | head -1)" in
*clang*) flags+=(-Wmissing-variable-declarations) ;;
*) flags+=(-Wmissing-declarations) ;;
esac
out=$(mktemp -d "${TMPDIR:-/tmp}/mg-compile.XXXXXX")
trap 'rm -rf "$out"' EXIT
if [ -f "$dir/args" ]; then
	bash "$(dirname "$0")/materialize.sh" end "$dir" "$out/case" || exit 1
	dir=$out/case/generated
fi
fail=0 n=0
for f in "$dir"/registry.c "$dir"/migrations/*.c; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	"$cc" "${flags[@]}" -c "$f" -o "$out/$n.o" || { echo "FAILED: $f"; fail=1; }
done
[ "$n" -gt 0 ] || { echo "no generated C in $dir"; exit 1; }
exit $fail
