#!/bin/sh
# End-to-end tests of a dbupdate built from a hand-written registry
# (demo_registry.c), on a real database: create and migrate paths with rows,
# rebuilds keeping rows, indexes, triggers, views and cascading children,
# --to down and back up, every refusal, a failing step, the lock.
#
#   dbupdate.sh sqlite BINDIR
#   dbupdate.sh postgresql BINDIR URLFILE   (skips, exit 77, without a server)
set -u
dialect=$1
bin=$2
prog=$bin/test_dbupdate
T=$(mktemp -d /tmp/mg_dbupdate.XXXXXX)
n_db=0
pg_dbs=""

cleanup() {
	for d in $pg_dbs; do
		psql -XAtq "$pg_base" -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1
	done
	rm -rf "$T"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	echo "--- stdout:" >&2
	cat "$T/out" >&2
	echo "--- stderr:" >&2
	cat "$T/err" >&2
	exit 1
}

if [ "$dialect" = postgresql ]; then
	if [ ! -s "${3:-}" ]; then
		echo "no PostgreSQL server (fixture URL file ${3:-} missing): skipped"
		exit 77
	fi
	pg_base=$(cat "$3")
fi

# new_db: a fresh empty database; sets URL.
new_db() {
	n_db=$((n_db + 1))
	if [ "$dialect" = sqlite ]; then
		DB=$T/db$n_db.sqlite
		URL=sqlite:$DB
		: >"$DB" # an empty file is an empty database
	else
		name=mg_t$$_$n_db
		psql -XAtq "$pg_base" -c "CREATE DATABASE $name" >/dev/null || exit 1
		pg_dbs="$pg_dbs $name"
		URL=$(echo "$pg_base" | sed "s|@/postgres?|@/$name?|")
	fi
}

# q SQL: runs SQL on the current database, prints rows (| separated).
q() {
	if [ "$dialect" = sqlite ]; then
		sqlite3 -batch "$DB" "PRAGMA foreign_keys = ON; $1"
	else
		psql -XAtq -v ON_ERROR_STOP=1 "$URL" -c "$1"
	fi
}

# expect RC ARGS...: runs the program, checks its exit code.
expect() {
	want=$1
	shift
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	[ "$got" = "$want" ] || fail "$* exited $got, expected $want"
}

has_out() { grep -q -- "$1" "$T/out" || fail "stdout lacks '$1'"; }
has_err() { grep -q -- "$1" "$T/err" || fail "stderr lacks '$1'"; }
one_line_err() {
	[ "$(grep -c 'error' "$T/err" | tr -d ' ')" = 1 ] || fail "not exactly one error line"
	[ "$(grep -vc "^test_dbupdate[a-z_]*: " "$T/err" | tr -d ' ')" = 0 ] ||
		fail "stderr has lines that are not the program's"
}
current() { q "SELECT coalesce(max(number), 0) FROM modelgen_migrations"; }
is() { [ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"; }

echo "== usage"
expect 0 "$prog" --help
has_out "usage:"
expect 0 "$prog" --version
expect 2 "$prog" --bogus
one_line_err
expect 2 "$prog" --to x
expect 2 "$prog" "mysql://x/y"
has_err "unknown scheme"
expect 2 "$prog" --to 7 sqlite:"$T/x.db"
expect 2 "$prog" --status --verify sqlite:"$T/x.db"

echo "== empty database: --status, --sql change nothing; create path"
new_db
expect 1 "$prog" --status "$URL"
has_out "database: empty"
has_out "pending:  all 6"
expect 0 "$prog" --sql "$URL"
has_out "CREATE TABLE"
has_out "stamp migrations 1..6"
if [ "$dialect" = sqlite ]; then
	objects="SELECT count(*) FROM sqlite_schema"
else
	objects="SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
fi
[ "$(q "$objects")" = 0 ] || fail "--sql changed the database"
expect 1 "$prog" --verify "$URL"
has_err "the database is empty (no tables, no modelgen bookkeeping): nothing to verify"
one_line_err
expect 0 "$prog" "$URL"
has_out "at migration 6 (0006_drop_books_pages)"
is "$(current)" 6 "create path stamps every migration"
is "$(q "SELECT applied_by FROM modelgen_migrations WHERE number = 3")" create "applied_by"
expect 0 "$prog" --status "$URL"
has_out "pending:  none"
expect 0 "$prog" --verify "$URL"
has_out "schema matches migration 6 (0006_drop_books_pages), the latest"
expect 0 "$prog" "$URL"
has_out "up to date at migration 6"
CREATED_URL=$URL
CREATED_DB=${DB:-}

if [ "$dialect" = sqlite ]; then
	echo "== read-only commands on a missing SQLite file create nothing"
	missing=$T/missing.db
	expect 1 "$prog" --status "sqlite:$missing"
	has_out "database: none (SQLite database file '$missing' does not exist"
	has_out "pending:  all 6"
	expect 0 "$prog" --sql "sqlite:$missing"
	has_out "CREATE TABLE authors"
	expect 1 "$prog" --verify "sqlite:$missing"
	has_err "does not exist (not created): nothing to verify"
	one_line_err
	[ ! -e "$missing" ] || fail "a read-only command created $missing"
	mkdir "$T/cwd"
	(cd "$T/cwd" && DATABASE_URL= "$prog" --status >/dev/null 2>&1)
	[ ! -e "$T/cwd/app.db" ] || fail "--status created the default app.db"
fi

echo "== migrate path with rows"
new_db
expect 0 "$prog" --to 1 "$URL"
is "$(current)" 1 "--to 1 on an empty database replays migration 1"
expect 0 "$prog" --verify "$URL"
has_out "schema matches migration 1 (0001_init); 5 migrations pending (latest: 6)"
q "INSERT INTO authors (name) VALUES ('ann'), ('bob');
   INSERT INTO books (author_id, title) VALUES (1, 'a1'), (1, 'a2'), (2, 'b1');" >/dev/null ||
	fail "insert rows"
if [ "$dialect" = sqlite ]; then
	q "CREATE VIEW v_books AS SELECT b.title, a.name FROM books b JOIN authors a ON a.id = b.author_id;
	   CREATE TRIGGER trg_authors_name BEFORE INSERT ON authors WHEN NEW.name = ''
	   BEGIN SELECT RAISE(ABORT, 'empty name'); END;" || fail "view and trigger"
fi
expect 0 "$prog" "$URL"
has_err "applying 0003_widen_authors_name"
is "$(current)" 6 "migrate path"
is "$(q "SELECT applied_by FROM modelgen_migrations WHERE number = 3")" migrate "applied_by"
is "$(q "SELECT count(*) FROM authors")" 2 "authors rows survive"
is "$(q "SELECT count(*) FROM books")" 3 "books rows survive the parent's rebuild"
is "$(q "SELECT full_name FROM authors WHERE id = 2")" bob "renamed column keeps values"
expect 0 "$prog" --verify "$URL"
if [ "$dialect" = sqlite ]; then
	is "$(q "SELECT count(*) FROM v_books")" 3 "view kept"
	q "INSERT INTO authors (full_name) VALUES ('')" 2>&1 | grep -q "empty name" ||
		fail "trigger kept"
	is "$(q "SELECT count(*) FROM sqlite_schema WHERE name IN ('uq_authors_name', 'ix_books_title')")" 2 "indexes kept"
fi
q "INSERT INTO books (author_id, title) VALUES (99, 'x')" >/dev/null 2>&1 &&
	fail "foreign key not enforced after the migrations"
q "INSERT INTO authors (full_name) VALUES ('ann')" >/dev/null 2>&1 &&
	fail "unique index not enforced after the migrations"
q "DELETE FROM authors WHERE id = 1" || fail "delete parent"
is "$(q "SELECT count(*) FROM books")" 1 "ON DELETE CASCADE after the rebuild"

echo "== create path and migrate path end in the same schema"
expect 0 "$prog" --verify "$CREATED_URL"

echo "== --to down and back up"
expect 1 "$prog" --to 4 "$URL"
has_err "irreversible"
has_err "the values of column books.pages"
one_line_err
is "$(current)" 6 "refused --to changes nothing"
expect 0 "$prog" --sql --to 2 --force "$URL"
has_out "migration 6 (0006_drop_books_pages), down"
is "$(current)" 6 "--sql --to changes nothing"
expect 0 "$prog" --to 2 --force "$URL"
is "$(current)" 2 "--to 2"
is "$(q "SELECT count(*) FROM books")" 1 "rows survive going down"
is "$(q "SELECT name FROM authors WHERE id = 2")" bob "rename undone"
expect 0 "$prog" --verify "$URL"
q "INSERT INTO books (author_id, title) VALUES (99, 'x')" >/dev/null 2>&1 &&
	fail "foreign key not enforced after going down"
expect 0 "$prog" "$URL"
is "$(current)" 6 "back up"
is "$(q "SELECT count(*) FROM books")" 1 "rows after going back up"
expect 0 "$prog" --verify "$URL"

echo "== refusals"
expect 1 "$bin/test_dbupdate_edited" "$URL"
has_err "migration 2 (0002_add_books_pages) was edited after it was applied"
one_line_err
expect 1 "$bin/test_dbupdate_branch" "$URL"
has_err "another branch's migration with the same number"
one_line_err
expect 1 "$bin/test_dbupdate_short" "$URL"
has_err "ahead of this program"
one_line_err
expect 1 "$bin/test_dbupdate_short" --status "$URL"
is "$(current)" 6 "refusals change nothing"

echo "== going down without the old build: the stored copies"
edited=$bin/test_dbupdate_edited
branch=$bin/test_dbupdate_branch
short=$bin/test_dbupdate_short
# Amended: migration 2 changed after it was applied; 3-6 sit on top of it.
new_db
expect 0 "$prog" "$URL"
q "INSERT INTO authors (full_name) VALUES ('ann')" >/dev/null
expect 1 "$edited" "$URL"
has_err "migration 2 (0002_add_books_pages) was edited after it was applied (amended?"
has_err "undo them with \`dbupdate --to 1 --force\` (this program can"
one_line_err
expect 0 "$edited" --sql --to 1 --force "$URL"
has_out "migration 2 (0002_add_books_pages), down"
is "$(current)" 6 "--sql from the copies changes nothing"
expect 0 "$edited" --to 1 --force "$URL"
has_err "reverting 0003_widen_authors_name (as applied, from the copy the database keeps)"
has_err "reverting 0002_add_books_pages (as applied, from the copy the database keeps)"
is "$(current)" 1 "the amended migration and the ones above it undone by the new build"
is "$(q "SELECT name FROM authors")" ann "rows kept going down by the copies"
q "INSERT INTO books (author_id, title) VALUES (1, 'a1')" >/dev/null
expect 0 "$edited" --to 2 "$URL"
is "$(q "SELECT pages FROM books")" 1 "the amended migration 2 applied"
expect 0 "$edited" --verify "$URL"
# And back: the old program undoes the amended version from its copy.
expect 1 "$prog" "$URL"
has_err "undo it with \`dbupdate --to 1\`"
expect 0 "$prog" --to 1 "$URL"
expect 0 "$prog" "$URL"
is "$(current)" 6 "the original applied again"
expect 0 "$prog" --verify "$URL"
# Generated again (other steps, the same schema before and after): it is
# the migration the database applied; nothing to undo.
"$bin/test_dbupdate_regenerated" "$URL" >"$T/out" 2>"$T/err" || fail "a regenerated migration refused"
has_out "up to date at migration 6"
expect 0 "$bin/test_dbupdate_regenerated" --verify "$URL"
# Another branch's migration 2.
new_db
expect 0 "$prog" --to 2 "$URL"
expect 1 "$branch" "$URL"
has_err "migration 2 applied to the database is 0002_add_books_pages, but this program's migration 2 is 0002_add_authors_email (another branch's migration with the same number): undo it with \`dbupdate --to 1\`"
one_line_err
expect 1 "$branch" --to 2 "$URL"
has_err "undo it with \`dbupdate --to 1\`"
expect 0 "$branch" --to 1 "$URL"
expect 0 "$branch" --to 2 "$URL"
is "$(q "SELECT name FROM modelgen_migrations WHERE number = 2")" 0002_add_authors_email "the branch's migration 2"
# A program older than the database (or one whose newest migration was
# discarded): --to its latest undoes the newer ones, a rebuild among them.
new_db
expect 0 "$prog" --to 4 "$URL"
q "INSERT INTO authors (full_name) VALUES ('bob')" >/dev/null
expect 1 "$short" "$URL"
has_err "ahead of this program (latest 2): deploy the newer program's dbupdate, or go back to this program's latest with \`dbupdate --to 2\`"
one_line_err
is "$(current)" 4 "plain dbupdate never goes down"
expect 0 "$short" --to 2 "$URL"
is "$(current)" 2 "newer migrations undone from their copies"
is "$(q "SELECT name FROM authors")" bob "rows kept"
expect 0 "$short" --verify "$URL"
# A down in hand-written code cannot be stored: say what to do instead.
expect 0 "$prog" "$URL"
expect 1 "$short" --to 2 --force "$URL"
has_err "this program cannot undo migration 5 (0005_fill_pages): its down is hand-written code, which only a build that has it can run; undo it with the build that applied it"
one_line_err
is "$(current)" 6 "refused, nothing changed"
# Bookkeeping of an older dbupdate (no undo_copy column): read-only
# commands leave it so; the next change adds the column and the copies.
new_db
expect 0 "$prog" --to 4 "$URL"
q "ALTER TABLE modelgen_migrations DROP COLUMN undo_copy" >/dev/null
expect 1 "$prog" --status "$URL"
has_out "pending:  2"
expect 0 "$prog" --verify "$URL"
expect 1 "$short" --to 2 "$URL"
has_err "this program cannot undo migration 3 (0003_widen_authors_name): the database keeps no copy of it (it was applied by an older dbupdate)"
one_line_err
q "SELECT undo_copy FROM modelgen_migrations" >/dev/null 2>&1 && fail "a read-only command added the column"
expect 0 "$prog" "$URL"
is "$(q "SELECT count(*) FROM modelgen_migrations WHERE undo_copy LIKE 'modelgen-undo 1 $dialect %'")" 6 "copies stored for old rows and new ones"
expect 1 "$short" --to 2 --force "$URL"
has_err "cannot undo migration 5 (0005_fill_pages)"
expect 0 "$prog" --to 4 --force "$URL"
expect 0 "$short" --to 2 "$URL"
is "$(current)" 2 "old rows undone from their backfilled copies"

new_db
q "CREATE TABLE legacy (id integer PRIMARY KEY)" >/dev/null
expect 1 "$prog" "$URL"
has_err "--baseline N"
one_line_err
expect 1 "$prog" --status "$URL"
has_out "not managed"

echo "== drift"
new_db
expect 0 "$prog" --to 2 "$URL"
q "ALTER TABLE authors ADD COLUMN extra integer" >/dev/null
expect 1 "$prog" "$URL"
has_err "migration 3 (0003_widen_authors_name): the live tables are not what it expects"
has_err "unexpected column extra (integer NULL); nothing changed: the database stays at migration 2 (0002_add_books_pages)$"
one_line_err
is "$(current)" 2 "drift changes nothing"
expect 1 "$prog" --verify "$URL"
has_out "unexpected column extra"

echo "== baseline"
q "DROP TABLE modelgen_migrations" >/dev/null 2>&1 || true
new_db
expect 0 "$prog" "$URL"
q "DROP TABLE modelgen_migrations" >/dev/null
expect 1 "$prog" "$URL"
has_err "baseline"
expect 1 "$prog" --baseline 2 "$URL"
has_out "varchar"
expect 2 "$prog" --baseline 9 "$URL"
# 0 is for a database of foreign tables only (MG_FOREIGN_TABLE): not this one.
expect 1 "$prog" --baseline 0 "$URL"
has_err "not the schema after migration 0; nothing changed"
has_out "unexpected table authors"
expect 0 "$prog" --baseline 6 "$URL"
is "$(current)" 6 "baseline stamps"
is "$(q "SELECT applied_by FROM modelgen_migrations WHERE number = 6")" baseline "applied_by"
expect 0 "$prog" --verify "$URL"
expect 1 "$prog" --baseline 6 "$URL"
has_err "already has modelgen bookkeeping"

echo "== a failing hand-written step rolls its migration back"
new_db
expect 0 "$prog" --to 4 "$URL"
MG_TEST_FAIL_STEP=1 expect 3 "$prog" "$URL"
has_err "migration 5 (0005_fill_pages), hand-written up step: asked to fail by MG_TEST_FAIL_STEP; rolled back: the database stays at migration 4 (0004_rename_authors_name)$"
one_line_err
is "$(current)" 4 "failed migration not recorded"
# A parameter count that does not match the placeholders is the same error,
# with the same exit code, on both dialects: the migration's fault, not the
# command line's.
MG_TEST_BAD_PARAMS=1 expect 3 "$prog" "$URL"
has_err "migration 5 (0005_fill_pages), hand-written up step: statement 'UPDATE books SET pages = \$1 WHERE id = \$2'"
one_line_err
is "$(current)" 4 "failed migration not recorded"
expect 0 "$prog" "$URL"

if [ "$dialect" = postgresql ]; then
	echo "== database errors carry SQLSTATE"
	q "INSERT INTO authors (full_name) VALUES ('$(printf '%080d' 0)')" >/dev/null
	expect 3 "$prog" --to 2 --force "$URL"
	has_err "SQLSTATE 22001"
	has_err "migration 3 (0003_widen_authors_name), down step 1"
	one_line_err
	is "$(current)" 3 "the migrations reverted before the failing one stay reverted"
fi

echo "== two dbupdates at once"
new_db
expect 0 "$prog" --to 1 "$URL"
MG_TEST_SLOW=2 "$prog" "$URL" >"$T/a.out" 2>"$T/a.err" &
pa=$!
MG_TEST_SLOW=2 "$prog" "$URL" >"$T/b.out" 2>"$T/b.err" &
pb=$!
wait $pa || { cat "$T/a.err" >&2; fail "first dbupdate failed"; }
wait $pb || { cat "$T/b.err" >&2; fail "second dbupdate failed"; }
is "$(current)" 6 "both end at the latest"
is "$(q "SELECT count(*) FROM modelgen_migrations")" 6 "each migration applied once"
grep -q "up to date" "$T/a.out" "$T/b.out" || [ "$dialect" = sqlite ] ||
	fail "neither reports 'up to date'"
grep -q "waiting for" "$T/a.err" "$T/b.err" || fail "neither says that it waits for the other"

echo "== lock wait is bounded and says who holds it"
new_db
expect 0 "$prog" --to 4 "$URL"
MG_TEST_SLOW=3 "$prog" "$URL" >"$T/a.out" 2>"$T/a.err" &
pa=$!
sleep 1
# The holder's program name as the kernel has it (under valgrind that is
# valgrind's, not test_dbupdate); none where there is no /proc.
pa_name=$(cat "/proc/$pa/comm" 2>/dev/null)
expect 3 "$prog" --lock-timeout 1 "$URL"
if [ "$dialect" = sqlite ]; then
	has_err "^test_dbupdate: waiting for the lock held by process $pa "
	has_err "locked by process $pa "
	if [ -n "$pa_name" ]; then has_err "locked by process $pa ($pa_name) (waited"; fi
else
	has_err "^test_dbupdate: waiting for another dbupdate's lock (server process [0-9]"
	has_err "holds the migration lock (server process [0-9]"
fi
one_line_err
grep -q "statement '" "$T/err" && fail "the lock error shows an internal statement"
wait $pa || fail "the lock holder failed"
is "$(current)" 6 "holder finished"

echo "== a killed dbupdate leaves no lock and no half-applied migration"
new_db
expect 0 "$prog" --to 4 "$URL"
MG_TEST_SLOW=30 "$prog" "$URL" >"$T/a.out" 2>"$T/a.err" &
pa=$!
sleep 1
kill -9 $pa
wait $pa 2>/dev/null
is "$(current)" 4 "the killed migration is not recorded"
expect 0 "$prog" --lock-timeout 10 "$URL"
is "$(current)" 6 "the next run applies it"
expect 0 "$prog" --verify "$URL"

echo "ok"
