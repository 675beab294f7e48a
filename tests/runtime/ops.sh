#!/bin/sh
# Each operation kind of ops_registry.c on tables holding rows, one
# migration at a time with --verify after each, then down to 1 and up again:
# rows survive, constraints (unique, foreign key, NOT NULL, default, the
# changed ON DELETE) are enforced afterwards.
#
#   ops.sh sqlite BINDIR | ops.sh postgresql BINDIR URLFILE (77: skipped)
set -u
dialect=$1
prog=$2/test_dbupdate_ops
T=$(mktemp -d /tmp/mg_ops.XXXXXX)
name=mg_ops_$$
trap 'rm -rf "$T"; [ "$dialect" = postgresql ] && psql -XAtq "$base" -c "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1' EXIT
fail() { echo "FAIL: $*" >&2; cat "$T/err" >&2 2>/dev/null; exit 1; }
if [ "$dialect" = sqlite ]; then
	DB=$T/ops.db
	URL=sqlite:$DB
	q() { sqlite3 -batch "$DB" "PRAGMA foreign_keys = ON; $1"; }
else
	[ -s "${3:-}" ] || { echo "no PostgreSQL server: skipped"; exit 77; }
	base=$(cat "$3")
	psql -XAtq "$base" -c "CREATE DATABASE $name" >/dev/null || exit 1
	URL=$(echo "$base" | sed "s|@/postgres?|@/$name?|")
	q() { psql -XAtq -v ON_ERROR_STOP=1 "$URL" -c "$1"; }
fi
db() { "$prog" -q "$@" >"$T/out" 2>"$T/err"; }
is() { [ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"; }
refused() { q "$1" >/dev/null 2>&1 && fail "not enforced: $1"; return 0; }

db --to 1 "$URL" || fail "to 1"
q "INSERT INTO tags (label, weight) VALUES ('a', NULL), ('b', 5);
   INSERT INTO notes (body, tag_id) VALUES ('n1', 1), ('n2', 2), ('n3', NULL);
   INSERT INTO scratch (x) VALUES ('s');" >/dev/null || fail "rows"
# A foreign key added over rows that break it: refused on both dialects
# with the migration, the step and where the database stays; SQLite (whose
# check runs after a rebuild) also names the column and counts the rows.
db --to 2 "$URL" || fail "to 2"
if [ "$dialect" = sqlite ]; then
	sqlite3 -batch "$DB" "INSERT INTO notes (body, tag_id) VALUES ('d1', 99), ('d2', 98), ('d3', 99)"
else
	q "INSERT INTO notes (body, tag_id) VALUES ('d1', 99), ('d2', 98), ('d3', 99)" >/dev/null
fi
db "$URL" && fail "a foreign key over dangling rows was added"
grep -q "error: migration 3 (0003_add_fk), up step 1 (" "$T/err" ||
	fail "the message does not name the migration and its step"
grep -q "; rolled back: the database stays at migration 2 (0002_add_indexes)$" "$T/err" ||
	fail "the message does not say where the database stays"
if [ "$dialect" = sqlite ]; then
	grep -q "foreign key check failed: 3 rows of table notes hold a value of column tag_id that is missing from tags.id (for example the row with rowid [0-9]*)" "$T/err" ||
		fail "the SQLite message does not name the column and count the rows"
fi
q "DELETE FROM notes WHERE body IN ('d1', 'd2', 'd3')" >/dev/null
for i in 2 3 4 5 6 7 8; do
	db --to $i "$URL" || fail "up to $i"
	db --verify "$URL" || fail "verify at $i: $(cat "$T/out")"
done
check_latest() {
	is "$(q "SELECT count(*) FROM tags")" 2 "tags rows"
	is "$(q "SELECT count(*) FROM memos")" 3 "memos rows"
	is "$(q "SELECT weight FROM tags WHERE label = 'a'")" 1 "NULL filled from the default"
	is "$(q "SELECT tag_id FROM memos WHERE body = 'n2'")" 2 "child keeps its key through the parent's rebuild"
	refused "INSERT INTO tags (label, weight) VALUES ('a', 2)"
	refused "INSERT INTO tags (label, weight) VALUES ('c', NULL)"
	refused "INSERT INTO memos (body, tag_id) VALUES ('x', 99)"
	refused "SELECT count(*) FROM scratch"
}
check_latest
db --to 1 "$URL" && fail "down across an irreversible migration without --force"
db --to 2 --force "$URL" || fail "down to 2"
db --verify "$URL" || fail "verify at 2"
is "$(q "SELECT count(*) FROM notes")" 3 "notes rows after going down"
is "$(q "SELECT count(*) FROM scratch")" 0 "recreated table is empty"
q "INSERT INTO notes (body, tag_id) VALUES ('free', 99)" >/dev/null || fail "no fk at 2"
q "DELETE FROM notes WHERE body = 'free'" >/dev/null
db "$URL" || fail "up again"
db --verify "$URL" || fail "verify at 8"
check_latest
q "DELETE FROM tags WHERE label = 'a'" >/dev/null || fail "delete parent"
is "$(q "SELECT count(*) FROM memos")" 2 "ON DELETE CASCADE after the change"
q "INSERT INTO tags (label) VALUES ('d')" >/dev/null || fail "default"
is "$(q "SELECT weight FROM tags WHERE label = 'd'")" 1 "default applies"
echo ok
