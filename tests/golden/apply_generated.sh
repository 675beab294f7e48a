#!/usr/bin/env bash
# Builds a dbupdate from a generated/ folder (as modelgen_add_dbupdate does)
# and runs it on one dialect: the create path on an empty database, the
# migrate path one migration at a time from an empty database, both verified
# against the expected schema; then down to 0 (with --force) and up again.
# DIR is that folder, or a golden case: then the folder its command writes
# (materialize.sh end).
#
# usage: apply_generated.sh sqlite|postgresql CC INCLUDE_DIR RUNTIME_LIB
#                           DIR PG_URL_FILE [LIBS...]
# PostgreSQL needs the server of the ctest fixture `pg` (its URL in
# PG_URL_FILE); without it the test is skipped (exit 77).
set -uo pipefail
dialect=$1 cc=$2 include=$3 lib=$4 dir=$5 urlfile=$6
shift 6
if [ "$dialect" = postgresql ] && [ ! -s "$urlfile" ]; then
	echo "no PostgreSQL server (fixture URL file $urlfile missing): skipped"
	exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/mg-apply.XXXXXX")
pg_dbs=
cleanup() {
	for name in $pg_dbs; do
		psql -XAtq "$(cat "$urlfile")" -c "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1
	done
	rm -rf "$work"
}
trap cleanup EXIT
if [ -f "$dir/args" ]; then
	bash "$(dirname "$0")/materialize.sh" end "$dir" "$work/case" || exit 1
	dir=$work/case/generated
fi
# dbupdate's front end, as modelgen_add_dbupdate links it.
main_c=$(cd "$(dirname "$0")/../.." && pwd)/tools/dbupdate/main.c
"$cc" -std=c11 -Wall -Wextra -Werror -I "$include" -o "$work/dbupdate" "$main_c" \
	"$dir/registry.c" "$dir"/migrations/*.c "$lib" "$@" || { echo "build failed"; exit 1; }
db() { "$work/dbupdate" -q "$@"; }
fail() { echo "FAILED ($dialect): $*"; exit 1; }
# new_db NAME: prints the URL of a fresh empty database.
new_db() {
	if [ "$dialect" = sqlite ]; then
		echo "sqlite:$work/$1.db"
	else
		local base name
		base=$(cat "$urlfile")
		name=mg_apply_$$_$1
		psql -XAtq "$base" -c "CREATE DATABASE $name" >/dev/null || exit 1
		echo "$base" | sed "s|@/postgres?|@/$name?|"
	fi
}
[ "$dialect" = postgresql ] && pg_dbs="mg_apply_$$_create mg_apply_$$_migrate"

url=$(new_db create) || fail "create database"
db "$url" || fail "create path"
db --verify "$url" || fail "verify after create"
url=$(new_db migrate) || fail "create database"
n=$(ls "$dir"/migrations/*.c | wc -l)
for ((i = 1; i <= n; i++)); do
	db --to "$i" "$url" || fail "up to $i"
done
db --verify "$url" || fail "verify after migrate"
db --to 0 --force "$url" || fail "down to 0"
db "$url" || fail "up again"
db --verify "$url" || fail "verify after down and up"
exit 0
