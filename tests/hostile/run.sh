#!/usr/bin/env bash
# Hostile input (issue 6, section 4): no model, snapshot, identifier,
# default or URL can inject SQL (or C into generated files).
#   A. hostile names and defaults in models: refused at file:line, nothing
#      written;
#   B. the same smuggled into generated/schema.json: refused at line:col;
#   C. names that need quoting (reserved words, mixed case) and defaults and
#      comments full of quotes, ';', '--', '*/': generated, compiled and
#      applied on SQLite and PostgreSQL (create, migrate, down, up,
#      verified), and the defaults read back byte for byte;
#   D. hostile URLs: refused, or taken as a plain file name; a canary
#      database next to them is untouched.
#
#   run.sh MODELGEN CC INCLUDE_DIR RUNTIME_LIB PG_URL_FILE [LIBS...]
set -uo pipefail
mg=$(realpath "$1") cc=$2 include=$3 lib=$4 urlfile=$5
shift 5
src=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/mg-hostile.XXXXXX")
pg_dbs=
cleanup() {
	for d in $pg_dbs; do
		psql -XAtq "$(cat "$urlfile")" -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1
	done
	rm -rf "$T"
}
trap cleanup EXIT
failed=0 n=0
bad() { echo "FAIL [$name]: $*" >&2; sed 's/^/    /' "$T/err" >&2; failed=$((failed + 1)); }
ok() { echo "ok  $name"; }

header='#include <stdint.h>
#include <modelgen/model.h>
'
# A. model_case NAME FIELD_OR_STRUCT_TEXT: one struct with the hostile part.
model_case() {
	name=model/$1
	n=$((n + 1))
	rm -rf "$T/p" && mkdir -p "$T/p/models"
	printf '%s%s\n' "$header" "$2" >"$T/p/models/h.h"
	(cd "$T/p" && "$mg" diff -m x) >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc != 3 ]; then bad "exit $rc, expected 3"; return; fi
	grep -q -E '^models/h.h:[0-9]+:[0-9]+: error: ' "$T/err" || { bad "no file:line error"; return; }
	[ ! -e "$T/p/generated" ] || { bad "generated/ was written"; return; }
	ok
}
tbl() { printf 'struct %s x {\n\tint64_t id MG_PRIMARY_KEY;\n%s\n};' "$1" "${2:-}"; }
model_case table_quote "$(tbl 'MG_TABLE("x\"; DROP TABLE canary; --")')"
model_case table_paren "$(tbl 'MG_TABLE("x(id)")')"
model_case table_space "$(tbl 'MG_TABLE("my table")')"
model_case table_unicode "$(tbl 'MG_TABLE("tabl\u00e9")')"
model_case table_long "$(tbl "MG_TABLE(\"$(printf 't%.0s' $(seq 200))\")")"
model_case table_empty "$(tbl 'MG_TABLE("")')"
model_case table_modelgen_prefix "$(tbl 'MG_TABLE("modelgen_migrations")')"
model_case column_quote "$(tbl 'MG_TABLE("x")' '	int32_t a MG_COLUMN("a\"\"; DROP TABLE canary");')"
model_case column_comment "$(tbl 'MG_TABLE("x")' '	int32_t a MG_COLUMN("a--");')"
model_case column_backtick "$(tbl 'MG_TABLE("x")' '	int32_t a MG_COLUMN("`a`");')"
model_case default_close_paren "$(tbl 'MG_TABLE("x")' "	int32_t a MG_DEFAULT(\"0) ; DROP TABLE canary; --\");")"
model_case default_quote_break "$(tbl 'MG_TABLE("x")' "	char *a MG_DEFAULT(\"'') DROP TABLE x; --\");")"
model_case default_semicolon "$(tbl 'MG_TABLE("x")' '	int32_t a MG_DEFAULT("1; DROP TABLE canary");')"
model_case default_line_comment "$(tbl 'MG_TABLE("x")' '	int32_t a MG_DEFAULT("1 -- x");')"
model_case default_block_comment "$(tbl 'MG_TABLE("x")' '	int32_t a MG_DEFAULT("1 /* x */");')"
model_case default_dollar_quote "$(tbl 'MG_TABLE("x")' "	char *a MG_DEFAULT(\"\$\$x\$\$\");")"
model_case default_backslash "$(tbl 'MG_TABLE("x")' "	char *a MG_DEFAULT(\"E'\\\\\\\\'\");")"
model_case default_unbalanced "$(tbl 'MG_TABLE("x")' '	int32_t a MG_DEFAULT("(1");')"
model_case default_empty "$(tbl 'MG_TABLE("x")' '	int32_t a MG_DEFAULT("");')"
model_case type_injection "$(tbl 'MG_TABLE("x")' '	int32_t a MG_TYPE("integer; DROP TABLE canary");')"
model_case references_quote "$(tbl 'MG_TABLE("x")' '	int64_t a MG_REFERENCES("x\"", "id");')"
model_case index_on_injection "$(tbl 'MG_TABLE("x") MG_INDEX_ON("id); DROP TABLE canary; --")')"
model_case renamed_from_quote "$(tbl 'MG_TABLE("x") MG_RENAMED_FROM("y\"; --")')"

# C first (B reuses its snapshot): names that need quoting, tricky literals.
name=quoting/generate
n=$((n + 1))
rm -rf "$T/q" && mkdir -p "$T/q/models"
cp "$src/tests/hostile/quoting.h" "$T/q/models/"
if (cd "$T/q" && "$mg" diff -m init) >"$T/out" 2>"$T/err"; then ok; else bad "diff failed"; fi
# No C outside string literals and comments came from the comment text.
name=quoting/generated_c_compiles
n=$((n + 1))
if grep -q 'int injected' "$T/err" ||
	! "$cc" -std=c11 -Wall -Wextra -Werror -I "$include" -fsyntax-only \
		"$T/q/generated/migrations/0001_init.c" 2>"$T/err"; then
	bad "generated C does not compile"
elif nm_out=$("$cc" -std=c11 -I "$include" -c -o "$T/m.o" "$T/q/generated/migrations/0001_init.c" 2>&1 &&
	nm "$T/m.o") && echo "$nm_out" | grep -q injected; then
	bad "the comment text became C"
else
	ok
fi
for dialect in sqlite postgresql; do
	name=quoting/apply_$dialect
	n=$((n + 1))
	bash "$src/tests/golden/apply_generated.sh" "$dialect" "$cc" "$include" "$lib" \
		"$T/q/generated" "$urlfile" "$@" >"$T/err" 2>&1
	rc=$?
	if [ $rc = 77 ]; then echo "skip $name (no server)"; continue; fi
	[ $rc = 0 ] && ok || bad "apply_generated.sh failed"
done

# Defaults read back byte for byte (SQLite and PostgreSQL).
"$cc" -std=c11 -I "$include" -o "$T/dbupdate" "$src/tools/dbupdate/main.c" "$T/q/generated/registry.c" \
	"$T/q/generated"/migrations/*.c "$lib" "$@" || { echo "cannot build dbupdate" >&2; exit 1; }
want_name="it's; -- not a comment */ ok"
want_note="\"quoted\" 'single' \$1"
name=quoting/defaults_sqlite
n=$((n + 1))
db=$T/q.sqlite
"$T/dbupdate" -q "sqlite:$db" >/dev/null 2>"$T/err" &&
	sqlite3 "$db" 'INSERT INTO "user" (id) VALUES (1); INSERT INTO "order" (user_id) VALUES (1);' 2>"$T/err"
got_name=$(sqlite3 "$db" 'SELECT "UserName" FROM "user"')
got_note=$(sqlite3 "$db" 'SELECT "Note" FROM "order"')
got_group=$(sqlite3 "$db" 'SELECT "group" FROM "order"')
if [ "$got_name" = "$want_name" ] && [ "$got_note" = "$want_note" ] && [ "$got_group" = 3 ]; then
	ok
else
	bad "defaults read back as [$got_name] [$got_note] [$got_group]"
fi
if [ -s "$urlfile" ]; then
	name=quoting/defaults_postgresql
	n=$((n + 1))
	base=$(cat "$urlfile")
	pgdb=mg_hostile_$$
	psql -XAtq "$base" -c "CREATE DATABASE $pgdb" >/dev/null && pg_dbs=$pgdb
	url=$(echo "$base" | sed "s|@/postgres?|@/$pgdb?|")
	"$T/dbupdate" -q "$url" >/dev/null 2>"$T/err" &&
		psql -XAtq "$url" -c 'INSERT INTO "user" DEFAULT VALUES' \
			-c 'INSERT INTO "order" (user_id) SELECT id FROM "user"' >/dev/null 2>>"$T/err"
	got_name=$(psql -XAtq "$url" -c 'SELECT "UserName" FROM "user"')
	got_note=$(psql -XAtq "$url" -c 'SELECT "Note" FROM "order"')
	got_comment=$(psql -XAtq "$url" -c "SELECT obj_description('\"user\"'::regclass, 'pg_class')")
	if [ "$got_name" = "$want_name" ] && [ "$got_note" = "$want_note" ] &&
		[ "$got_comment" = "A user; the comment tries to end itself */ int injected; /*" ]; then
		ok
	else
		bad "read back as [$got_name] [$got_note] [$got_comment]"
	fi
fi

# B. hostile values smuggled into the snapshot: never used.
snap_case() {
	name=snapshot/$1
	n=$((n + 1))
	rm -rf "$T/s" && mkdir -p "$T/s" && cp -r "$T/q/models" "$T/q/generated" "$T/s/"
	python3 - "$T/s/generated/schema.json" "$2" "$3" <<'PY'
import sys
p, old, new = sys.argv[1:]
s = open(p).read()
assert old in s, old
open(p, "w").write(s.replace(old, new, 1))
PY
	(cd "$T/s" && find generated models -type f -exec md5sum {} + | sort) >"$T/before"
	# The snapshot is derived from the migrations: a hostile one is never
	# used, only reported and rebuilt (here --dry-run: nothing written).
	(cd "$T/s" && "$mg" diff --dry-run -m x) >"$T/out" 2>"$T/err"
	rc=$?
	(cd "$T/s" && find generated models -type f -exec md5sum {} + | sort) >"$T/after"
	if [ $rc != 0 ]; then bad "exit $rc, expected 0"; return; fi
	grep -q -E '^generated/schema.json:[0-9]+:[0-9]+: note: .*rebuilt' "$T/err" || { bad "no line:col note"; return; }
	! grep -q -i 'canary\|DROP TABLE x' "$T/out" || { bad "the hostile text reached the output"; return; }
	cmp -s "$T/before" "$T/after" || { bad "files changed"; return; }
	ok
}
snap_case table_name '"name": "order"' '"name": "order\"; DROP TABLE canary; --"'
snap_case column_name '"name": "UserName"' '"name": "User Name"'
snap_case default_injection '"default": "0"' '"default": "0); DROP TABLE canary; --"'
snap_case default_quote_break '"default": "(1 + 2)"' "\"default\": \"'') DROP TABLE x; --\""
snap_case default_unicode_escape '"default": "0"' '"default": "0\u0000; DROP TABLE canary"'
snap_case index_name '"name": "ix_order_group_user_id"' '"name": "ix\"; DROP TABLE canary"'
snap_case fk_ref_table '"ref_table": "user"' '"ref_table": "user\" CASCADE; --"'
snap_case type_name '"type": "integer"' '"type": "integer; DROP TABLE canary"'
snap_case long_name '"name": "order"' "\"name\": \"$(printf 'o%.0s' $(seq 300))\""

# D. hostile URLs next to a canary database.
canary=$T/canary.sqlite
sqlite3 "$canary" "CREATE TABLE canary (v text); INSERT INTO canary VALUES ('alive');"
before=$(sqlite3 "$canary" .dump)
for u in "sqlite:$canary'; DROP TABLE canary; --" "sqlite:$canary\"; ATTACH 'x' AS y; --" \
	"postgresql://x/y?options=-c%20search_path%3Devil&host=$T/none&connect_timeout=1" \
	"sqlite:$canary?mode=memory" "sqlite:file:$canary?mode=rw" "sqlite:$(printf 'a%.0s' $(seq 5000))"; do
	name="url/$(echo "$u" | cut -c1-50 | tr -c 'A-Za-z0-9' _)"
	n=$((n + 1))
	(cd "$T" && "$T/dbupdate" -q "$u") >"$T/out" 2>"$T/err"
	rc=$?
	[ "$(sqlite3 "$canary" .dump)" = "$before" ] || { bad "canary changed (exit $rc)"; continue; }
	[ $rc = 0 ] || [ "$(grep -c . "$T/err")" = 1 ] || { bad "exit $rc without one error line"; continue; }
	ok
done

echo "$n cases, $failed failed"
[ $failed = 0 ]
