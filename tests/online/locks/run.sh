#!/usr/bin/env bash
# The lock-claim proof (issue 13 §4) on a real PostgreSQL server: builds the
# corpus (corpus.sh: a model history of one operation kind per migration,
# safe forms and --plain-ddl forms) with `modelgen diff`, links its
# generated migrations with check_locks.c and the runtime library, and
# runs every PostgreSQL step, up and down, on a scratch database, comparing
# the locks, scans and rewrites it is seen to do with its lock facts
# (check_locks.c says how each is observed). Fails on any disagreement.
#
# usage: run.sh MODELGEN CC INCLUDE_DIR RUNTIME_LIB PG_URL_FILE [CFLAGS/LIBS...]
set -uo pipefail
modelgen=$(realpath "$1") cc=$2 include=$3 lib=$4 urlfile=$5
shift 5
here=$(cd "$(dirname "$0")" && pwd)
[ -s "$urlfile" ] || { echo "no PostgreSQL server: skipped"; exit 77; }
base=$(cat "$urlfile")
T=$(mktemp -d "${TMPDIR:-/tmp}/mg-locks.XXXXXX")
db=mg_locks_$$
cleanup() {
	psql -XAtq "$base" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
mkdir -p "$T/proj/models" "$T/seeds"
n=0
# version NAME [DIFF-ARGS...] <HEADER: the models of the next migration.
version() {
	local name=$1
	shift
	n=$((n + 1))
	{
		printf '#include <stdbool.h>\n#include <stdint.h>\n\n#include <modelgen/model.h>\n\n'
		cat
	} >"$T/proj/models/corpus.h"
	(cd "$T/proj" && "$modelgen" diff -m "$name" "$@" >"$T/diff.out" 2>&1) || {
		echo "modelgen diff of $name failed:"
		cat "$T/diff.out"
		exit 1
	}
	[ "$(ls "$T/proj/generated/migrations"/*.c | wc -l)" = $n ] || {
		echo "$name: no migration $n: $(cat "$T/diff.out")"
		exit 1
	}
}
# seed <SQL: run before the next migration.
seed() { cat >"$T/seeds/$((n + 1)).sql"; }
source "$here/corpus.sh"
echo "corpus: $n migrations ($SECONDS s)"

"$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror -I "$include" -o "$T/check_locks" "$here/check_locks.c" \
	"$T/proj/generated/registry.c" "$T/proj/generated/migrations"/*.c "$lib" "$@" ||
	{ echo "build failed"; exit 1; }
psql -XAtq "$base" -c "CREATE DATABASE $db" >/dev/null || exit 1
url=$(echo "$base" | sed "s|@/postgres?|@/$db?|")
"$T/check_locks" "$url" "$T/seeds"
rc=$?; echo "done in $SECONDS s"; exit $rc
