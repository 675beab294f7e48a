#!/usr/bin/env bash
# Issue 13 on PostgreSQL with the demo's dbupdate (generated/): migration 13
# builds two indexes CONCURRENTLY and adds a foreign key NOT VALID, then
# VALIDATE, so it runs as a recorded sequence of steps.
#
#   1. A session holding an old snapshot (REPEATABLE READ, idle in its
#      transaction) blocks the concurrent build: with a small
#      --max-lock-wait, dbupdate exits 3 at a step boundary, names the
#      holder's pid, leaves the INVALID index of the build it gave up, and
#      --status says the migration is half-done. When the holder ends, a
#      second dbupdate drops the invalid index, builds it again and finishes.
#   2. MG_RESUME_TRIALS (default 4) seeded SIGKILLs during migration 13:
#      each rerun ends at migration 13 with every index valid, every
#      constraint validated, no progress row, --verify clean, no row lost.
#
# usage: resume.sh DBUPDATE PG_URL_FILE
set -uo pipefail
prog=$(realpath "$1") urlfile=$2
[ -s "$urlfile" ] || { echo "no PostgreSQL server: skipped"; exit 77; }
base=$(cat "$urlfile")
T=$(mktemp -d "${TMPDIR:-/tmp}/mg-online.XXXXXX")
dbs= holder=
cleanup() {
	[ -n "$holder" ] && kill "$holder" 2>/dev/null
	exec 7>&- 2>/dev/null
	for d in $dbs; do
		psql -XAtq "$base" -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1
	done
	rm -rf "$T"
}
trap cleanup EXIT
failed=0
fail() { echo "FAIL: $*" >&2; failed=$((failed + 1)); }
n_db=0
new_db() {
	n_db=$((n_db + 1))
	local name=mg_online$$_$n_db
	psql -XAtq "$base" -c "CREATE DATABASE $name" >/dev/null || exit 1
	dbs="$dbs $name"
	URL=$(echo "$base" | sed "s|@/postgres?|@/$name?|")
}
q() { psql -XAtq -v ON_ERROR_STOP=1 "$URL" -c "$1"; }
# at12 N: a database at migration 12 with N users and a comment each.
at12() {
	new_db
	"$prog" -q --to 12 "$URL" >/dev/null || exit 1
	q "INSERT INTO users (username, email, created_at)
	   SELECT 'u' || i, 'u' || i || '@example.org', i FROM generate_series(1, $1) i" >/dev/null
}
# finished TAG N: migration 13 complete and as planned.
finished() {
	local tag=$1 rows=$2
	[ "$(q "SELECT max(number) FROM modelgen_migrations")" = 13 ] || fail "$tag: not at 13"
	[ "$(q "SELECT count(*) FROM modelgen_migrations")" = 13 ] || fail "$tag: bookkeeping rows"
	[ "$(q "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
	        WHERE c.relnamespace = 'public'::regnamespace AND NOT i.indisvalid")" = 0 ] ||
		fail "$tag: an invalid index is left"
	[ "$(q "SELECT count(*) FROM pg_class WHERE relname IN
	        ('ix_comments_entry_id_created_at', 'ix_users_email_created_at')")" = 2 ] ||
		fail "$tag: an index is missing"
	[ "$(q "SELECT count(*) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
	        AND NOT convalidated")" = 0 ] || fail "$tag: a constraint is not validated"
	[ "$(q "SELECT count(*) FROM pg_constraint WHERE conname = 'fk_comments_parent_id'")" = 1 ] ||
		fail "$tag: the foreign key is missing"
	[ "$(q "SELECT to_regclass('modelgen_progress') IS NULL")" = t ] ||
		fail "$tag: modelgen_progress is left (dropped when a migration completes)"
	"$prog" -q --verify "$URL" >"$T/verify" 2>&1 || fail "$tag: verify: $(cat "$T/verify")"
	[ "$(q "SELECT count(*) FROM users")" = "$rows" ] || fail "$tag: users lost"
}

# 1. An old snapshot blocks the concurrent build.
at12 200
rm -f "$T/fifo"
mkfifo "$T/fifo"
psql -XAtq "$URL" <"$T/fifo" >"$T/holder.out" 2>&1 &
holder=$!
exec 7>"$T/fifo"
echo "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 'pid', pg_backend_pid(); SELECT count(*) FROM users;" >&7
for _ in $(seq 100); do grep -q '^pid|' "$T/holder.out" && break; sleep 0.1; done
hpid=$(sed -n 's/^pid|//p' "$T/holder.out")
[ -n "$hpid" ] || fail "the holder did not start: $(cat "$T/holder.out")"
"$prog" --ddl-lock-timeout 200 --max-lock-wait 2 "$URL" >"$T/out" 2>"$T/err"
rc=$?
[ $rc = 3 ] || fail "blocked: exit $rc, expected 3: $(cat "$T/err")"
grep -q "blocked by pid $hpid " "$T/err" || fail "the holder (pid $hpid) is not named: $(cat "$T/err")"
grep -q "gave up after waiting" "$T/err" || fail "no give-up message: $(cat "$T/err")"
grep -q "stopped at a step boundary: migration 13 (0013_[a-z_]*) up has [0-9]* of 6 steps done" "$T/err" ||
	fail "the message does not say where it stopped: $(cat "$T/err")"
"$prog" --status "$URL" >"$T/status" 2>&1
grep -q "^half-done: migration 13 (0013_[a-z_]*) up, [0-9] of 6 steps done" "$T/status" ||
	fail "--status: $(cat "$T/status")"
[ "$(q "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE c.relname = 'ix_comments_entry_id_created_at' AND NOT i.indisvalid")" = 1 ] ||
	fail "no invalid index left by the build given up"
[ "$(q "SELECT max(number) FROM modelgen_migrations")" = 12 ] || fail "blocked: not at 12"
echo "COMMIT;" >&7
exec 7>&-
wait "$holder"
holder=
"$prog" "$URL" >"$T/out" 2>"$T/err" || fail "after the holder: $(cat "$T/err")"
grep -q "dropping the invalid index ix_comments_entry_id_created_at" "$T/err" ||
	fail "the invalid index was not dropped first: $(cat "$T/err")"
grep -q "going on after an interruption" "$T/err" || fail "no resume line: $(cat "$T/err")"
finished "after the holder" 200
echo "ok  an old snapshot: exit 3 naming pid $hpid, half-done in --status, resumed (invalid index rebuilt)"

# 2. SIGKILL at seeded moments during migration 13 (from its "applying"
# line on: the window is how long it takes uninterrupted).
trials=${MG_RESUME_TRIALS:-4} rows=20000
RANDOM=${MG_RESUME_SEED:-13}
# start_13: dbupdate in the background ($pid), once it says it applies 13.
start_13() {
	: >"$T/err"
	"$prog" "$URL" >/dev/null 2>"$T/err" &
	pid=$!
	for _ in $(seq 3000); do
		grep -q "applying 0013" "$T/err" && return 0
		kill -0 $pid 2>/dev/null || return 0
		sleep 0.01
	done
}
at12 $rows
start_13
t0=$(date +%s%N)
wait $pid || fail "uninterrupted update: $(cat "$T/err")"
span=$((($(date +%s%N) - t0) / 1000000 + 10))
half=0
for ((t = 1; t <= trials; t++)); do
	at12 $rows
	ms=$((RANDOM % span))
	start_13
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	"$prog" --status "$URL" >"$T/status" 2>&1
	grep -q '^half-done' "$T/status" && half=$((half + 1))
	"$prog" -q --lock-timeout 30 "$URL" >/dev/null 2>"$T/err" ||
		{ fail "trial $t (kill at ${ms}ms): second dbupdate: $(cat "$T/err")"; continue; }
	finished "trial $t (kill at ${ms}ms)" $rows
done
echo "ok  $trials SIGKILL trials during migration 13 (window ${span}ms, $half left half-done), each resumed exactly"
[ $failed = 0 ]
