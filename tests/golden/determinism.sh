#!/usr/bin/env bash
# `modelgen diff` writes the same bytes on every run and in every checkout:
# the same models in two directories of different depth and name give
# byte-identical generated/ folders, a second run changes nothing, and no
# absolute path ends up in a generated file even with -M given absolute.
#
# usage: determinism.sh MODELGEN MODELS_DIR
set -uo pipefail
modelgen=$1 models=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/mg-determinism.XXXXXX")
trap 'rm -rf "$work"' EXIT
a=$work/a b=$work/checkout-two/nested/b c=$work/c
mkdir -p "$a" "$b" "$c"
for d in "$a" "$b" "$c"; do cp -r "$models" "$d/models"; done
export NO_COLOR=1
(cd "$a" && "$modelgen" diff >/dev/null) || { echo "diff failed in $a"; exit 1; }
(cd "$b" && "$modelgen" diff >/dev/null) || { echo "diff failed in $b"; exit 1; }
diff -r "$a/generated" "$b/generated" || { echo "output differs between checkouts"; exit 1; }
cp -r "$a/generated" "$work/first"
(cd "$a" && "$modelgen" diff >"$work/second.out") || { echo "second diff failed"; exit 1; }
diff -r "$work/first" "$a/generated" || { echo "second run changed generated/"; exit 1; }
grep -q "No changes" "$work/second.out" || { echo "second run did not say 'No changes'"; exit 1; }
(cd "$c" && "$modelgen" -M "$c/models" diff >/dev/null) || { echo "diff -M ABS failed"; exit 1; }
if grep -r -l -F "$work" "$c/generated"; then
	echo "an absolute path leaked into the files above"
	exit 1
fi
if LC_ALL=C grep -r -l -P '[^\x00-\x7F]|\r| $|\t$' "$a/generated"; then
	echo "non-ASCII, CR or trailing whitespace in the files above"
	exit 1
fi
exit 0
