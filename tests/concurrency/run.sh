#!/usr/bin/env bash
# Concurrent deploys (issue 6, section 2) and crash safety (section 1) with
# the demo registry's dbupdate (tests/runtime/demo_registry.c, 6 migrations
# with a SQLite table rebuild and a hand-written data step).
#
#   run.sh concurrent sqlite|postgresql BINDIR [PG_URL_FILE]
#       eight dbupdates at once, on an empty database and on one at
#       migration 1 with rows: all exit 0, each migration applied once,
#       schema verified, rows intact; with a short lock wait, a loser names
#       the lock holder (SQLite: its pid and, on Linux, its program, also
#       when the holder is the sqlite3 shell, on a rollback-journal and on
#       a WAL database).
#   run.sh crash sqlite|postgresql BINDIR [PG_URL_FILE]
#       MG_CRASH_TRIALS times (default 20; MG_SOAK=1: 200): a dbupdate from
#       migration 1 (with rows) killed with SIGKILL at a random moment,
#       then a second dbupdate: exit 0, at migration 6, schema verified, no
#       row lost, no lock left (a third run with --lock-timeout 1 succeeds).
set -uo pipefail
what=$1 dialect=$2 bindir=$(realpath "$3") urlfile=${4:-}
prog=$bindir/test_dbupdate
T=$(mktemp -d "${TMPDIR:-/tmp}/mg-concurrency.XXXXXX")
pg_dbs=
cleanup() {
	for d in $pg_dbs; do
		psql -XAtq "$pg_base" -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1
	done
	rm -rf "$T"
}
trap cleanup EXIT
if [ "$dialect" = postgresql ]; then
	[ -s "$urlfile" ] || { echo "no PostgreSQL server: skipped"; exit 77; }
	pg_base=$(cat "$urlfile")
fi
failed=0
fail() { echo "FAIL: $*" >&2; failed=$((failed + 1)); }
n_db=0
new_db() {
	n_db=$((n_db + 1))
	if [ "$dialect" = sqlite ]; then
		DB=$T/db$n_db.sqlite
		URL=sqlite:$DB
	else
		local name=mg_cc$$_$n_db
		psql -XAtq "$pg_base" -c "CREATE DATABASE $name" >/dev/null || exit 1
		pg_dbs="$pg_dbs $name"
		URL=$(echo "$pg_base" | sed "s|@/postgres?|@/$name?|")
	fi
}
q() {
	if [ "$dialect" = sqlite ]; then
		sqlite3 -batch "$DB" "PRAGMA busy_timeout = 10000; $1" | grep -v '^10000$'
	else
		psql -XAtq -v ON_ERROR_STOP=1 "$URL" -c "$1"
	fi
}
# with_rows N: a database at migration 1 holding N authors with a book each.
with_rows() {
	new_db
	"$prog" -q --to 1 "$URL" >/dev/null || exit 1
	q "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
	   INSERT INTO authors (name) SELECT 'author ' || i FROM n" >/dev/null
	q "INSERT INTO books (author_id, title) SELECT id, 'book of ' || name FROM authors" >/dev/null
}
# names_holder FILE PID PROGRAM: FILE's one line names the SQLite lock
# holder PID and, where /proc gives program names (Linux), PROGRAM.
names_holder() {
	if [ -r /proc/self/comm ]; then
		grep -qF -- "by process $2 ($3)" "$1"
	else
		grep -qE -- "by process $2( |\$)" "$1"
	fi
}
# one_error TAG FILE: FILE holds one error line, without an internal
# statement, and otherwise only the program's progress lines.
one_error() {
	[ "$(grep -c 'error' "$2")" = 1 ] || fail "$1: not one error line: $(cat "$2")"
	[ "$(grep -vc '^test_dbupdate: ' "$2")" = 0 ] || fail "$1: a line that is not the program's: $(cat "$2")"
	grep -q "statement '" "$2" && fail "$1: the error shows an internal statement: $(cat "$2")"
	return 0
}
# finished N: at migration 6, each once, verified, N authors and N books.
finished() {
	local tag=$1 rows=$2
	[ "$(q "SELECT max(number) FROM modelgen_migrations")" = 6 ] || fail "$tag: not at 6"
	[ "$(q "SELECT count(*) FROM modelgen_migrations")" = 6 ] ||
		fail "$tag: bookkeeping rows $(q "SELECT number FROM modelgen_migrations" | tr '\n' ' ')"
	"$prog" -q --verify "$URL" >"$T/verify" 2>&1 || { fail "$tag: verify"; cat "$T/verify" >&2; }
	[ "$(q "SELECT count(*) FROM authors")" = "$rows" ] || fail "$tag: authors lost"
	[ "$(q "SELECT count(*) FROM books")" = "$rows" ] || fail "$tag: books lost"
}

concurrent() {
	local start i
	for start in empty rows; do
		if [ $start = empty ]; then new_db; else with_rows 500; fi
		for i in 1 2 3 4 5 6 7 8; do
			"$prog" --lock-timeout 60 "$URL" >"$T/out$i" 2>"$T/err$i" &
			eval "p$i=\$!"
		done
		for i in 1 2 3 4 5 6 7 8; do
			eval "wait \$p$i" || { fail "eight at once ($start): process $i exited $?"; cat "$T/err$i" >&2; }
		done
		finished "eight at once ($start)" "$([ $start = empty ] && echo 0 || echo 500)"
		echo "ok  eight dbupdates at once on $dialect ($start database)"
	done
	# A short lock wait: the losers say who holds the lock.
	with_rows 10
	MG_TEST_SLOW=4 "$prog" "$URL" >"$T/holder.out" 2>"$T/holder.err" &
	local holder=$!
	sleep 1.5
	for i in 1 2 3; do
		"$prog" --lock-timeout 1 "$URL" >"$T/out$i" 2>"$T/err$i" &
		eval "p$i=\$!"
	done
	for i in 1 2 3; do
		eval "wait \$p$i"
		rc=$?
		[ $rc = 3 ] || fail "short lock wait: exit $rc, expected 3"
		# Two lines: that it waits, at once, and the error.
		one_error "short lock wait" "$T/err$i"
		if [ "$dialect" = sqlite ]; then
			names_holder "$T/err$i" $holder test_dbupdate ||
				fail "lock holder $holder not named: $(cat "$T/err$i")"
			grep -q "waiting for the lock held by process $holder" "$T/err$i" ||
				fail "short lock wait: no 'waiting for': $(cat "$T/err$i")"
		else
			grep -q "holds the migration lock (server process [0-9]" "$T/err$i" ||
				fail "no lock holder named: $(cat "$T/err$i")"
			grep -q "waiting for another dbupdate's lock (server process [0-9]" "$T/err$i" ||
				fail "short lock wait: no 'waiting for': $(cat "$T/err$i")"
		fi
	done
	wait $holder || fail "the lock holder failed: $(cat "$T/holder.err")"
	finished "short lock wait" 10
	echo "ok  short lock wait names the holder ($dialect)"
	if [ "$dialect" = sqlite ]; then cli_holder; fi
}

# The holder may be any program: the sqlite3 shell inside BEGIN IMMEDIATE,
# on a rollback-journal database (the lock is on the database file) and on
# one an application switched to WAL (the lock is in the -shm file).
cli_holder() {
	local mode rc
	for mode in delete wal; do
		with_rows 10
		[ "$(q "PRAGMA journal_mode = $mode")" = $mode ] || fail "journal_mode $mode"
		rm -f "$T/fifo" "$T/held"
		mkfifo "$T/fifo"
		sqlite3 -batch "$DB" <"$T/fifo" >"$T/cli.out" 2>&1 &
		local holder=$!
		exec 7>"$T/fifo"
		echo "BEGIN IMMEDIATE;" >&7
		echo ".system touch '$T/held'" >&7
		for _ in $(seq 100); do [ -e "$T/held" ] && break; sleep 0.1; done
		[ -e "$T/held" ] || fail "sqlite3 shell ($mode): never took the lock"
		"$prog" --lock-timeout 1 "$URL" >"$T/out1" 2>"$T/err1"
		rc=$?
		[ $rc = 3 ] || fail "sqlite3 shell holds the lock ($mode): exit $rc, expected 3"
		one_error "sqlite3 shell ($mode)" "$T/err1"
		grep -q "waiting for the lock held by process $holder" "$T/err1" ||
			fail "sqlite3 shell ($mode): no 'waiting for': $(cat "$T/err1")"
		names_holder "$T/err1" $holder sqlite3 ||
			fail "sqlite3 shell ($mode): holder $holder not named: $(cat "$T/err1")"
		echo "COMMIT;" >&7
		exec 7>&-
		wait $holder || fail "sqlite3 shell ($mode) failed: $(cat "$T/cli.out")"
		"$prog" -q --lock-timeout 10 "$URL" >/dev/null 2>"$T/err1" ||
			fail "after the sqlite3 shell ($mode): $(cat "$T/err1")"
		finished "after the sqlite3 shell ($mode)" 10
		[ "$(q "PRAGMA journal_mode")" = $mode ] || fail "journal mode $mode not kept"
		echo "ok  sqlite3 shell holding the lock is named ($mode journal)"
	done
}

crash() {
	local trials=${MG_CRASH_TRIALS:-20} t ms rows=3000
	[ "${MG_SOAK:-0}" = 1 ] && trials=${MG_CRASH_TRIALS:-200}
	# How long an uninterrupted update takes: kill within that window.
	with_rows $rows
	local t0 t1
	t0=$(date +%s%N)
	"$prog" -q "$URL" >/dev/null 2>&1 || fail "uninterrupted update"
	t1=$(date +%s%N)
	local span=$(((t1 - t0) / 1000000 + 20))
	local killed=0 seen=" "
	for ((t = 1; t <= trials; t++)); do
		with_rows $rows
		ms=$((RANDOM % span))
		"$prog" -q "$URL" >/dev/null 2>"$T/err" &
		local pid=$!
		sleep "$(printf '0.%03d' "$ms")" 2>/dev/null || sleep "$((ms / 1000))"
		if kill -9 $pid 2>/dev/null; then killed=$((killed + 1)); fi
		wait $pid 2>/dev/null
		local at
		at=$(q "SELECT coalesce(max(number), 0) FROM modelgen_migrations" 2>/dev/null || echo none)
		case $at in [1-6]) ;; *) fail "trial $t (kill at ${ms}ms): at migration '$at'" ;; esac
		case $seen in *" $at "*) ;; *) seen="$seen$at " ;; esac
		"$prog" -q --lock-timeout 10 "$URL" >/dev/null 2>"$T/err" ||
			{ fail "trial $t (kill at ${ms}ms, was at $at): second dbupdate: $(cat "$T/err")"; continue; }
		"$prog" -q --lock-timeout 1 "$URL" >/dev/null 2>"$T/err" ||
			fail "trial $t: a lock was left: $(cat "$T/err")"
		finished "trial $t (kill at ${ms}ms, was at $at)" $rows
		[ "$dialect" = sqlite ] && rm -f "$DB"*
		if [ "$dialect" = postgresql ]; then
			psql -XAtq "$pg_base" -c "DROP DATABASE IF EXISTS mg_cc$$_$n_db WITH (FORCE)" >/dev/null
		fi
	done
	echo "ok  $trials SIGKILL trials on $dialect ($killed killed mid-run, window ${span}ms; killed at migrations:${seen% })"
}

case $what in
concurrent) concurrent ;;
crash) crash ;;
*) echo "usage: run.sh concurrent|crash sqlite|postgresql BINDIR [PG_URL_FILE]" >&2; exit 2 ;;
esac
[ $failed = 0 ]
