#!/usr/bin/env bash
# Hostile values through the data API (issue 6, section 4), on one dialect:
#   values  a hand-written migration, laid out by `modelgen new` with
#           data_migration.c as its up() and down(), inserts values made to
#           break out of SQL ('); DROP TABLE t; --, $1, ?, quotes,
#           backslashes, newlines, */, 10 kB, non-ASCII UTF-8) as bound
#           parameters and reads them back; afterwards every table is
#           there, the rows read back byte for byte from outside (sqlite3,
#           psql), and the row count is exactly what was inserted; down
#           deletes them one by one, up runs again;
#   params  calls whose parameters do not match the placeholders fail and
#           run nothing (params.c).
#
#   data_api.sh values|params sqlite|postgresql MODELGEN CC INCLUDE_DIR
#               RUNTIME_LIB PG_URL_FILE [LIBS...]
# PostgreSQL without a server: exit 77.
set -uo pipefail
part=$1 dialect=$2 mg=$(realpath "$3") cc=$4 include=$5 lib=$6 urlfile=$7
shift 7
here=$(cd "$(dirname "$0")" && pwd)
if [ "$dialect" = postgresql ] && [ ! -s "$urlfile" ]; then
	echo "no PostgreSQL server (fixture URL file $urlfile missing): skipped"
	exit 77
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/mg-dataapi.XXXXXX")
pg_db=
cleanup() {
	[ -n "$pg_db" ] &&
		psql -XAtq "$(cat "$urlfile")" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
failed=0 n=0
bad() { echo "FAIL [$name]: $*" >&2; [ -s "$T/err" ] && sed 's/^/    /' "$T/err" >&2; failed=$((failed + 1)); }
ok() { echo "ok  $name"; }
die() { echo "data_api.sh: $*" >&2; [ -s "$T/err" ] && cat "$T/err" >&2; exit 1; }

# A fresh empty database of the dialect: sets URL.
if [ "$dialect" = sqlite ]; then
	URL=sqlite:$T/data.db
	q() { sqlite3 -batch "$T/data.db" "$1"; }
	schema() { sqlite3 -batch "$T/data.db" .schema; }
	hex_of_t() { q 'SELECT hex(v) FROM t ORDER BY id'; }
else
	base=$(cat "$urlfile")
	pg_db=mg_dataapi_$$_$part
	psql -XAtq "$base" -c "CREATE DATABASE $pg_db" >/dev/null || die "cannot create $pg_db"
	URL=$(echo "$base" | sed "s|@/postgres?|@/$pg_db?|")
	q() { psql -XAtq -v ON_ERROR_STOP=1 "$URL" -c "$1"; }
	schema() { pg_dump --schema-only --no-owner "$URL" | grep -v -E '^(--|.(un)?restrict )'; }
	hex_of_t() { q "SELECT encode(convert_to(v, 'UTF8'), 'hex') FROM t ORDER BY id"; }
fi

if [ "$part" = params ]; then
	"$cc" -std=c11 -Wall -Wextra -Werror -I "$include" -o "$T/params" "$here/params.c" \
		"$lib" "$@" 2>"$T/err" || die "cannot build params.c"
	"$T/params" "$URL" >"$T/out" 2>"$T/err"
	rc=$?
	sed "s|^ok  |ok  params/$dialect/|; s|^FAIL |FAIL params/$dialect/|" "$T/out"
	[ -s "$T/err" ] && cat "$T/err" >&2
	[ $rc = 0 ] && grep -q '^ok  matching_parameters_run' "$T/out" && ! grep -q '^FAIL' "$T/out"
	exit
fi
[ "$part" = values ] || die "unknown part '$part' (values or params)"

# The migration: the layout `modelgen new` writes, its stub up() and down()
# replaced by data_migration.c; `modelgen check` still passes.
name=values/$dialect/migration_from_modelgen_new
n=$((n + 1))
P=$T/p
mkdir -p "$P/models"
cp "$here/data_models.h" "$P/models/data.h"
(cd "$P" && "$mg" diff -m init && "$mg" new -m "hostile values") >"$T/out" 2>"$T/err" ||
	die "modelgen diff / new failed"
if ! python3 - "$P"/generated/migrations/0002_hostile_values.c "$here/data_migration.c" \
	2>"$T/err" <<'PY'; then
import sys
path, body = sys.argv[1], open(sys.argv[2]).read()
s = open(path).read()
stub = ("static int up(struct mg_db *db)\n{\n\t(void)db;\n\treturn 0;\n}\n\n"
        "static int down(struct mg_db *db)\n{\n\t(void)db;\n\treturn 0;\n}\n")
assert s.count(stub) == 1, "the stub up() and down() of modelgen new are not there"
open(path, "w").write(s.replace(stub, body))
PY
	die "cannot put data_migration.c in place"
fi
(cd "$P" && "$mg" check) >"$T/out" 2>"$T/err" && ok || bad "modelgen check fails on the filled-in migration"
"$cc" -std=c11 -Wall -Wextra -Werror -I "$include" -o "$T/dbupdate" "$here/../../tools/dbupdate/main.c" \
	"$P/generated/registry.c" "$P"/generated/migrations/*.c "$lib" "$@" 2>"$T/err" ||
	die "cannot build dbupdate"

# The values, each followed by a NUL; and the hex of each, one a line, as
# the database must give them back.
python3 - "$T/values" "$T/want_hex" <<'PY'
import sys
long_ascii = ("'\"\\;--*/$1?\n\r\t" + "x" * 19) * 400
values = [
    "'); DROP TABLE t; --",
    "'; DROP TABLE canary; SELECT '",
    "$1", "$2", "?", "?1", ":a", "@a",
    "\\'",
    "it's \"quoted\", 'doubled''', back\\slash \\\\ \\n\nnext line\r\n\ttab */ /* -- ; $$ $q$ E'\\x41'",
    "",
    "NULL",
    "%s%n%x %% %",
    " leading and trailing ",
    long_ascii[:10240],
    "h\u00e9llo w\u00f6rld \u2014 \u65e5\u672c\u8a9e \U0001f389 \u03a9\u2248\u00e7 "
    "\u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u05e2\u05d1\u05e8\u05d9\u05ea e\u0301",
    "\u00e9\u65e5\U0001f389'" * 1000,
]
assert len(set(values)) == len(values) and all("\0" not in v for v in values)
enc = [v.encode() for v in values]
assert len(enc[14]) == 10240 and len(enc[16]) >= 10000
open(sys.argv[1], "wb").write(b"".join(e + b"\0" for e in enc))
open(sys.argv[2], "w").write("".join(e.hex() + "\n" for e in enc))
PY
n_values=$(tr -cd '\0' <"$T/values" | wc -c)
export MG_HOSTILE_VALUES=$T/values

"$T/dbupdate" -q --to 1 "$URL" >/dev/null 2>"$T/err" || die "dbupdate --to 1 failed"
q "INSERT INTO canary (id, state) VALUES (7, 'alive')" >/dev/null || die "canary"
schema >"$T/schema_before"

# after NAME ROWS: every table there as before, the canary alive, and t
# holds exactly ROWS rows (the values, byte for byte, when ROWS is all).
after() {
	name=values/$dialect/$1
	n=$((n + 1))
	schema >"$T/schema_after"
	if ! cmp -s "$T/schema_before" "$T/schema_after"; then
		diff "$T/schema_before" "$T/schema_after" | head -20 >"$T/err"
		bad "the schema changed"
		return
	fi
	: >"$T/err"
	[ "$(q 'SELECT count(*) FROM canary')" = 1 ] &&
		[ "$(q 'SELECT state FROM canary WHERE id = 7')" = alive ] || { bad "the canary row changed"; return; }
	local rows
	rows=$(q 'SELECT count(*) FROM t')
	[ "$rows" = "$2" ] || { bad "t has $rows rows, expected $2"; return; }
	if [ "$2" != 0 ]; then
		hex_of_t | tr A-F a-f >"$T/got_hex"
		if ! cmp -s "$T/want_hex" "$T/got_hex"; then
			diff "$T/want_hex" "$T/got_hex" | cut -c1-120 | head -10 >"$T/err"
			bad "the values did not come back byte for byte"
			return
		fi
		[ "$(q 'SELECT count(*) FROM t WHERE hits = 1')" = "$2" ] ||
			{ bad "not every value was found once by an UPDATE keyed on it"; return; }
	fi
	ok
}

name=values/$dialect/up
n=$((n + 1))
if "$T/dbupdate" -q "$URL" >"$T/out" 2>"$T/err"; then ok; else bad "the data migration failed"; fi
after after_up "$n_values"
name=values/$dialect/down
n=$((n + 1))
if "$T/dbupdate" -q --to 1 "$URL" >"$T/out" 2>"$T/err"; then ok; else bad "down failed"; fi
after after_down 0
name=values/$dialect/up_again
n=$((n + 1))
if "$T/dbupdate" -q "$URL" >"$T/out" 2>"$T/err"; then ok; else bad "up again failed"; fi
after after_up_again "$n_values"

echo "$n cases, $failed failed"
[ $failed = 0 ]
