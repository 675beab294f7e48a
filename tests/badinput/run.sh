#!/usr/bin/env bash
# The bad-input catalogue (issue 6, section 3): each case feeds modelgen or a
# dbupdate one bad input and checks
#   - the documented exit code (SPEC: 1 a check found something, 2 usage,
#     3 error),
#   - stderr: one line that says what and where (a pattern naming the place:
#     file:line, the migration, the URL, the lock holder ...); `check` may
#     print one line per problem, every line in the same form,
#   - nothing changed: hashes of models/ and generated/, and the database's
#     schema and rows (sqlite3 .dump / pg_dump) before and after.
# Parser validation errors have golden cases (tests/golden/error_*); this
# catalogue runs a few of them here through the same checks, plus the
# generator's history and snapshot cases and the database cases.
#
#   run.sh sqlite|postgresql|generator MODELGEN BINDIR [PG_URL_FILE]
# BINDIR holds test_dbupdate and its _edited, _branch, _short variants
# (tests/runtime/demo_registry.c). PostgreSQL without a server: exit 77.
set -uo pipefail
mode=$1 modelgen=$(realpath "$2") bindir=$(realpath "$3") urlfile=${4:-}
src=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/mg-badinput.XXXXXX")
chmod 755 "$T"
pg_dbs=
mounted=
holder=
pg_ts=
cleanup() {
	[ -n "$holder" ] && kill "$holder" 2>/dev/null
	for d in $pg_dbs; do
		psql -XAtq "$pg_base" -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1
	done
	# The tablespace on the tmpfs goes after the databases that use it,
	# before the unmount.
	[ -n "$pg_ts" ] && psql -XAtq "$pg_base" -c "DROP TABLESPACE IF EXISTS $pg_ts" >/dev/null 2>&1
	[ -n "$mounted" ] && { umount "$mounted" 2>/dev/null || umount -l "$mounted" 2>/dev/null; }
	rm -rf "$T"
}
trap cleanup EXIT
n_cases=0
failed=0

if [ "$mode" = postgresql ]; then
	if [ ! -s "$urlfile" ]; then
		echo "no PostgreSQL server (fixture URL file $urlfile missing): skipped"
		exit 77
	fi
	pg_base=$(cat "$urlfile")
fi

bad() {
	echo "FAIL [$case_name]: $*" >&2
	echo "--- stderr:" >&2
	cat "$T/err" >&2
	failed=$((failed + 1))
}

# state: what must not change (project files, database).
state() {
	if [ -d "$T/proj" ]; then
		(cd "$T/proj" && find models generated -type f -print0 2>/dev/null | sort -z |
			xargs -0 -r md5sum)
	fi
	if [ -n "${DB:-}" ] && [ -f "$DB" ]; then
		sqlite3 -batch "$DB" .dump 2>&1
	elif [ -n "${PGDB:-}" ]; then
		pg_dump --no-owner "$URL" 2>&1 | grep -v -E '^(--|.(un)?restrict )'
	fi
}

# check NAME RC PATTERN [many] -- CMD...: runs CMD (in $T/proj when there is
# one), checks its exit code, its stderr and that state() is unchanged.
check() {
	case_name=$1 want=$2 pattern=$3
	shift 3
	local many=0
	if [ "$1" = many ]; then
		many=1
		shift
	fi
	[ "$1" = -- ] && shift
	n_cases=$((n_cases + 1))
	state >"$T/before"
	(cd "${WORKDIR:-$T}" && "$@") >"$T/out" 2>"$T/err"
	got=$?
	state >"$T/after"
	if [ "$got" != "$want" ]; then
		bad "exit code $got, expected $want"
		return
	fi
	local lines
	lines=$(grep -c . "$T/err")
	if [ "$lines" = 0 ]; then
		bad "nothing on stderr"
		return
	fi
	if [ $many = 0 ] && [ "$lines" != 1 ]; then
		bad "$lines lines on stderr, expected one"
		return
	fi
	# Every line names the program or a place ("file:line:col: error:").
	if grep -v -E '^([a-z_]+: |[^ :]+(:[0-9]+)*: (error|warning|note): )' "$T/err" |
		grep -q .; then
		bad "a line on stderr names neither the program nor a place"
		return
	fi
	if ! grep -q -E -- "$pattern" "$T/err"; then
		bad "stderr does not match /$pattern/"
		return
	fi
	if ! cmp -s "$T/before" "$T/after"; then
		bad "something changed:"
		diff "$T/before" "$T/after" | head -20 >&2
		return
	fi
	echo "ok  $case_name"
}

# ---------------------------------------------------------------------------
generator_cases() {
	local mg="$modelgen" P=$T/proj
	fresh() {
		rm -rf "$P"
		mkdir -p "$P"
		cp -r "$src/models" "$src/generated" "$P/"
	}
	WORKDIR=$P
	mig() { ls "$P"/generated/migrations/"$1"_*.c; }

	fresh
	check gen/usage_unknown_option 2 "unknown option '--bogus'" -- "$mg" --bogus
	check gen/usage_unknown_command 2 "frobnicate" -- "$mg" frobnicate
	check gen/usage_new_without_message 2 "needs -m MESSAGE" -- "$mg" new
	check gen/usage_diff_argument 2 "diff takes no arguments" -- "$mg" diff extra
	check gen/usage_sql_bad_range 2 "sql takes one argument" -- "$mg" sql 3..x
	check gen/sql_no_such_migration 3 "no migration 99" -- "$mg" sql 99
	check gen/models_dir_missing 3 "cannot open models directory 'nope'" -- \
		"$mg" -M nope snapshot

	# Snapshot: truncated, corrupted by hand, wrong types, unknown keys. It
	# is derived from the migrations: check reports it (with the place and
	# why), diff says it rebuilds it (here --dry-run: nothing written).
	fresh
	head -c 300 "$src/generated/schema.json" >"$P/generated/schema.json"
	check gen/snapshot_truncated 0 "^generated/schema.json:[0-9]+:[0-9]+: note: .*premature end.*rebuilt" \
		-- "$mg" diff --dry-run
	check gen/snapshot_truncated_check 1 "^generated/schema.json:[0-9]+:[0-9]+: error:.*modelgen diff" \
		-- "$mg" check
	fresh
	sed -i '0,/"nullable": false/s//"nullable": "no"/' "$P/generated/schema.json"
	check gen/snapshot_wrong_type 0 "^generated/schema.json:[0-9]+:[0-9]+: note: .*nullable" \
		-- "$mg" diff --dry-run
	fresh
	sed -i '0,/"format": 1/s//"format": 1, "extra": 1/' "$P/generated/schema.json"
	check gen/snapshot_unknown_key 0 "^generated/schema.json:[0-9]+:[0-9]+: note: .*extra" \
		-- "$mg" diff --dry-run
	fresh
	sed -i '0,/"type": "bigint"/s//"type": "bigint; DROP TABLE users"/' "$P/generated/schema.json"
	check gen/snapshot_unknown_type 0 "^generated/schema.json:[0-9]+:[0-9]+: note:" -- "$mg" diff --dry-run
	fresh
	printf '\x00\xff\xfe garbage' >"$P/generated/schema.json"
	check gen/snapshot_binary_garbage 0 "^generated/schema.json: note: .*NUL byte" -- "$mg" diff --dry-run
	fresh
	: >"$P/generated/schema.json"
	check gen/snapshot_empty_file 0 "^generated/schema.json:1: note:" -- "$mg" diff --dry-run

	# History: deleted from the middle, renumbered, edited, one number twice.
	fresh
	rm "$(mig 0002)"
	check gen/history_deleted_middle_check 1 "migration 0002 is missing" many -- "$mg" check
	check gen/history_deleted_middle_diff 3 "0003_.*does not start from the schema" -- "$mg" diff
	check gen/history_deleted_middle_new 3 "does not start from the schema" -- "$mg" new -m x
	fresh
	mv "$(mig 0005)" "$P/generated/migrations/0015_renumbered.c"
	check gen/history_renumbered_check 1 "0015_renumbered.c" many -- "$mg" check
	check gen/history_renumbered_diff 3 "does not start from the schema|migration" -- "$mg" diff
	fresh
	sed -i '0,/CREATE TABLE/s//CREATE  TABLE/' "$(mig 0004)"
	check gen/history_edited_check 1 "0004_tags.c" many -- "$mg" check
	fresh
	cp "$(mig 0003)" "$P/generated/migrations/0003_copy.c"
	check gen/history_two_with_one_number_check 1 "0003" many -- "$mg" check
	check gen/history_two_with_one_number_diff 3 "both migration 3" -- "$mg" diff
	fresh
	rm "$P/generated/registry.c"
	check gen/registry_missing_check 1 "registry.c" many -- "$mg" check

	# Models: a few parser validation errors (all of them: tests/golden/error_*).
	fresh
	printf '#include <stdint.h>\n#include <modelgen/model.h>\nstruct MG_TABLE("x") x {\n\tint64_t id MG_PRIMARY_KEY;\n\tint64_t a MG_DEFAULT("1); DROP TABLE users; --");\n};\n' \
		>"$P/models/zz_bad.h"
	check gen/model_default_injection 3 "^models/zz_bad.h:5:[0-9]+: error:" many -- "$mg" diff
	printf '#include <stdint.h>\n#include <modelgen/model.h>\nstruct MG_TABLE("x y") x {\n\tint64_t id MG_PRIMARY_KEY;\n};\n' \
		>"$P/models/zz_bad.h"
	check gen/model_table_name_invalid 3 "^models/zz_bad.h:3:[0-9]+: error:" many -- "$mg" diff
	printf '#include <stdint.h>\n#include <modelgen/model.h>\nstruct MG_TABLE("x") x {\n\tint64_t id MG_PRIMARY_KEY;\n\tno_such_type x;\n};\n' \
		>"$P/models/zz_bad.h"
	check gen/model_syntax_error 3 "^models/zz_bad.h:[0-9]+:[0-9]+: error:" many -- "$mg" diff
	printf '#include <stdint.h>\n#include <modelgen/model.h>\nstruct MG_TABLE("x") x {\n\tint64_t id MG_PRIMARY_KEY;\n\tuint64_t big;\n};\n' \
		>"$P/models/zz_bad.h"
	check gen/model_unsigned64 3 "^models/zz_bad.h:5:[0-9]+: error:.*big" many -- "$mg" check
	for g in "$src"/tests/golden/error_*; do
		[ -d "$g/models" ] || continue
		n=$(basename "$g")
		rm -rf "$P"
		mkdir -p "$P"
		cp -r "$g/models" "$P/"
		[ -d "$g/generated" ] && cp -r "$g/generated" "$P/"
		want=$(cat "$g/expected/exit_code" 2>/dev/null || echo 3)
		args=(snapshot)
		[ -f "$g/args" ] && mapfile -t args <"$g/args"
		check "gen/golden_$n" "$want" "error" many -- "$mg" "${args[@]}"
	done
	WORKDIR=
}

# ---------------------------------------------------------------------------
db_cases() {
	local dialect=$1 prog=$bindir/test_dbupdate n_db=0
	WORKDIR=$T
	new_db() {
		n_db=$((n_db + 1))
		if [ "$dialect" = sqlite ]; then
			DB=$T/db$n_db.sqlite
			URL=sqlite:$DB
			PGDB=
		else
			PGDB=mg_bad$$_$n_db
			psql -XAtq "$pg_base" -c "CREATE DATABASE $PGDB" >/dev/null || exit 1
			pg_dbs="$pg_dbs $PGDB"
			URL=$(echo "$pg_base" | sed "s|@/postgres?|@/$PGDB?|")
			DB=
		fi
	}
	q() {
		if [ "$dialect" = sqlite ]; then
			sqlite3 -batch "$DB" "$1"
		else
			psql -XAtq -v ON_ERROR_STOP=1 "$URL" -c "$1"
		fi
	}
	local d=$dialect

	new_db
	"$prog" -q "$URL" >/dev/null || exit 1
	q "INSERT INTO authors (full_name) VALUES ('Ada')" >/dev/null
	check "$d/database_ahead_of_program" 1 "ahead of this program" -- \
		"$bindir/test_dbupdate_short" "$URL"
	check "$d/database_stamped_by_other_branch" 1 "another branch's migration" -- \
		"$bindir/test_dbupdate_branch" "$URL"
	check "$d/migration_edited_after_apply" 1 "migration 2 .* was edited after it was applied" -- \
		"$bindir/test_dbupdate_edited" "$URL"
	check "$d/usage_to_beyond_latest" 2 "--to 99" -- "$prog" --to 99 "$URL"
	check "$d/usage_baseline_on_managed" 1 "already has modelgen bookkeeping" -- \
		"$prog" --baseline 6 "$URL"

	new_db
	"$prog" -q --to 2 "$URL" >/dev/null || exit 1
	q "ALTER TABLE authors ADD COLUMN extra integer" >/dev/null
	check "$d/live_table_drifted" 1 "migration 3 .*not what it expects.*extra" -- "$prog" -q "$URL"

	new_db
	q "CREATE TABLE legacy (id integer primary key, name text)" >/dev/null
	q "INSERT INTO legacy VALUES (1, 'kept')" >/dev/null
	check "$d/non_empty_without_bookkeeping" 1 "no modelgen bookkeeping.*--baseline.*nothing changed$" -- "$prog" "$URL"
	check "$d/baseline_schema_differs" 1 "not the schema after migration 2" -- \
		"$prog" --baseline 2 "$URL"

	# Quoting-sensitive names in the live database do not confuse it.
	new_db
	q 'CREATE TABLE "order" ("user" integer, "MixedCase" text)' >/dev/null
	check "$d/reserved_word_table_without_bookkeeping" 1 "no modelgen bookkeeping" -- "$prog" "$URL"

	DB= PGDB=
	check "$d/url_unknown_scheme" 2 "database URL 'mysql://x/y': unknown scheme" -- "$prog" mysql://x/y
	check "$d/url_password_masked" 2 "database URL 'mysq://u:\*\*\*@h/d'" -- "$prog" mysq://u:secret@h/d
	if grep -q secret "$T/err"; then bad "the password is on stderr"; fi
	check "$d/url_sqlite_host" 2 "a SQLite URL has no host" -- "$prog" sqlite://host/x.db
	check "$d/url_sqlite_empty" 2 "no file path" -- "$prog" sqlite:
	check "$d/url_sqlite_directory" 2 "names a directory" -- "$prog" "sqlite:$T/"
	check "$d/url_sqlite_options" 2 "take no '\?' options" -- "$prog" "sqlite:x.db?mode=ro"
	check "$d/url_not_a_url" 2 "not a database URL" -- "$prog" "just words"
	check "$d/url_newline_one_line" 2 "database URL 'sqlite:a\?b/'" -- "$prog" "$(printf 'sqlite:a\nb/')"
	DATABASE_URL=mysql://env/x check "$d/url_from_environment" 2 "mysql://env/x" -- "$prog" --status

	if [ "$dialect" = postgresql ]; then
		check pg/unreachable_server 3 "cannot connect to PostgreSQL.*nonexistent" -- \
			"$prog" "host=$T/nonexistent dbname=x connect_timeout=2"
		check pg/unreachable_tcp 3 "cannot connect to PostgreSQL" -- \
			"$prog" "postgresql://postgres@127.0.0.1:1/x?connect_timeout=2"
		check pg/no_such_database 3 "cannot connect to PostgreSQL.*does not exist" -- \
			"$prog" "$(echo "$pg_base" | sed "s|@/postgres?|@/mg_no_such_db_$$?|")"
		pg_disk_full
		return
	fi

	# SQLite only: a file this user cannot write, a file another process
	# holds locked, a full disk.
	new_db
	"$prog" -q --to 2 "$URL" >/dev/null || exit 1
	q "INSERT INTO authors (name) VALUES ('Ada')" >/dev/null
	if [ "$(id -u)" = 0 ]; then
		chmod 755 "$T"
		chmod 644 "$DB"
		check sqlite/read_only_file 3 "readonly|read-only|read only" -- \
			runuser -u nobody -- "$prog" -q "$URL"
	else
		chmod 444 "$DB"
		check sqlite/read_only_file 3 "readonly|read-only|read only" -- "$prog" -q "$URL"
		chmod 644 "$DB"
	fi
	python3 - "$DB" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
open(sys.argv[1] + ".held", "w").close()
time.sleep(30)
PY
	holder=$!
	for _ in $(seq 100); do [ -e "$DB.held" ] && break; sleep 0.1; done
	# The message names the holder: its pid and, on Linux, its program.
	local who="locked.* by process $holder"
	[ -r /proc/self/comm ] && who="$who \\(python3\\)"
	# Two lines: that it waits (at once, naming the holder), then the error,
	# which shows no internal statement.
	check sqlite/file_locked_by_other_process 3 "$who" many -- "$prog" --lock-timeout 1 "$URL"
	grep -q "waiting for the lock held by process $holder" "$T/err" ||
		bad "no 'waiting for' line naming the holder"
	grep -q "statement '" "$T/err" && bad "the lock error shows an internal statement"
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	holder=
	rm -f "$DB.held"

	# Full disk: a small tmpfs (or, where mount is not allowed, a file size
	# limit), filled up.
	local fs=$T/full
	mkdir -p "$fs"
	if mount -t tmpfs -o size=4m tmpfs "$fs" 2>/dev/null; then
		mounted=$fs
		DB=$fs/full.sqlite
		URL=sqlite:$DB
		"$prog" -q --to 2 "$URL" >/dev/null || exit 1
		q "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
		   INSERT INTO authors (name) SELECT 'author ' || i FROM n" >/dev/null
		q "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
		   INSERT INTO books (author_id, title) SELECT i, printf('%.80c', 'x') FROM n" >/dev/null
		dd if=/dev/zero of="$fs/filler" bs=4k 2>/dev/null
		rm -f "$fs/filler.small"
		check sqlite/disk_full 3 "migration 3 .*(full|disk|I/O)" -- "$prog" -q "$URL"
		rm -f "$fs/filler"
		[ "$(q 'SELECT count(*) FROM books')" = 2000 ] || bad "rows lost after a full disk"
		"$prog" -q "$URL" >/dev/null 2>&1 || bad "dbupdate after freeing space failed"
		umount "$fs"
		mounted=
	else
		echo "skip sqlite/disk_full: cannot mount a tmpfs here"
	fi
	DB= PGDB=
}

# PostgreSQL: a full disk. The server PANICs when it cannot write WAL, and
# it is shared with other tests, so WAL stays on the normal disk: only the
# table that migration 5 grows (an UPDATE of every row writes a new version
# of each) lives in a tablespace on a small tmpfs, filled up. The migration
# must fail whole with SQLSTATE 53100 (disk_full), leave every row and no
# lock, and a second dbupdate must finish once space is freed.
pg_disk_full() {
	local prog=$bindir/test_dbupdate fs=$T/pgfull failed_before=$failed
	mkdir -p "$fs"
	if ! id -u postgres >/dev/null 2>&1 ||
		! mount -t tmpfs -o "size=4m,mode=700,uid=$(id -u postgres),gid=$(id -g postgres)" \
			tmpfs "$fs" 2>/dev/null; then
		echo "skip pg/disk_full: cannot mount a tmpfs for the postgres user here"
		return
	fi
	mounted=$fs
	pg_ts=mg_full_ts_$$
	if ! psql -XAtq "$pg_base" -c "CREATE TABLESPACE $pg_ts LOCATION '$fs'" >/dev/null 2>"$T/err"; then
		# A server that is not on this machine (or not run by postgres)
		# cannot use the directory.
		echo "skip pg/disk_full: no tablespace on the tmpfs: $(head -1 "$T/err")"
		pg_ts=
		return
	fi
	new_db
	"$prog" -q --to 4 "$URL" >/dev/null || exit 1
	q "ALTER TABLE books SET TABLESPACE $pg_ts" >/dev/null
	q "INSERT INTO authors (full_name) SELECT 'author ' || i FROM generate_series(1, 100) i" >/dev/null
	q "INSERT INTO books (author_id, title)
	   SELECT (SELECT min(id) FROM authors) + i % 100, repeat('x', 80) || i
	   FROM generate_series(1, 10000) i" >/dev/null
	# Every page of books on the tmpfs before the rest is filled.
	q CHECKPOINT >/dev/null
	dd if=/dev/zero of="$fs/filler" bs=4k 2>/dev/null
	check pg/disk_full 3 \
		"migration 5 \(0005_fill_pages\).*No space left on device \(SQLSTATE 53100\)" -- \
		"$prog" -q "$URL"
	case_name=pg/disk_full_after
	[ "$(q 'SELECT max(number) FROM modelgen_migrations')" = 4 ] ||
		bad "not at migration 4 after a full disk"
	[ "$(q 'SELECT count(*) FROM books WHERE pages = 0')" = 10000 ] ||
		bad "rows lost or changed after a full disk"
	[ "$(q "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
		WHERE l.locktype = 'advisory' AND d.datname = current_database()")" = 0 ] ||
		bad "a lock is left after a full disk"
	rm -f "$fs/filler"
	"$prog" -q "$URL" >/dev/null 2>"$T/err" || bad "dbupdate after freeing space failed"
	[ "$(q 'SELECT max(number) FROM modelgen_migrations')" = 6 ] ||
		bad "not at migration 6 after freeing space"
	[ "$(q 'SELECT count(*) FROM books')" = 10000 ] || bad "rows lost after freeing space"
	[ "$failed" = "$failed_before" ] && echo "ok  pg/disk_full_then_freed"
	psql -XAtq "$pg_base" -c "DROP DATABASE $PGDB WITH (FORCE)" \
		-c "DROP TABLESPACE $pg_ts" >/dev/null || exit 1
	pg_dbs=${pg_dbs% $PGDB}
	pg_ts=
	umount "$fs" || exit 1
	mounted=
	DB= PGDB=
}

case $mode in
generator) generator_cases ;;
sqlite | postgresql) db_cases "$mode" ;;
*) echo "usage: run.sh sqlite|postgresql|generator MODELGEN BINDIR [PG_URL_FILE]" >&2; exit 2 ;;
esac
echo "$n_cases cases, $failed failed"
[ "$failed" = 0 ]
