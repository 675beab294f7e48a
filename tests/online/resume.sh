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
#   3. SIGKILL inside a concurrent build (held there by an old snapshot),
#      twice: its server session ended too (an INVALID index is left: the
#      rerun drops it and builds it again), or left to finish the build
#      once the snapshot goes (the rerun finds the index valid and does
#      not build it again).
#   4. SIGKILL inside the batched NULL fill of migration 7: the rows below
#      the recorded cursor are filled and none above it; the rerun goes on
#      from the cursor (its batches set exactly the NULLs above it, not one
#      written meanwhile below it, which the validating transaction sets)
#      and ends as planned.
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
# part_done MESSAGE: "ok  MESSAGE" when this part failed no check, else
# "not ok  MESSAGE" (each failed check has its FAIL line above).
part_failed=0
part_done() {
	if [ $failed = $part_failed ]; then echo "ok  $*"; else echo "not ok  $*"; fi
	part_failed=$failed
}
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

# hold: a session holding an old snapshot (it read users) until release;
# sets hpid.
hold() {
	rm -f "$T/fifo"
	mkfifo "$T/fifo"
	psql -XAtq "$URL" <"$T/fifo" >"$T/holder.out" 2>&1 &
	holder=$!
	exec 7>"$T/fifo"
	echo "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 'pid', pg_backend_pid(); SELECT count(*) FROM users;" >&7
	for _ in $(seq 100); do grep -q '^pid|' "$T/holder.out" && break; sleep 0.1; done
	hpid=$(sed -n 's/^pid|//p' "$T/holder.out")
	[ -n "$hpid" ] || fail "the holder did not start: $(cat "$T/holder.out")"
}
release() {
	echo "COMMIT;" >&7
	exec 7>&-
	wait "$holder"
	holder=
}
# others: the number of other sessions on the database.
others() {
	q "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
	   AND pid <> pg_backend_pid()"
}

# 1. An old snapshot blocks the concurrent build.
at12 200
hold
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
release
"$prog" "$URL" >"$T/out" 2>"$T/err" || fail "after the holder: $(cat "$T/err")"
grep -q "dropping the invalid index ix_comments_entry_id_created_at" "$T/err" ||
	fail "the invalid index was not dropped first: $(cat "$T/err")"
grep -q "going on after an interruption" "$T/err" || fail "no resume line: $(cat "$T/err")"
finished "after the holder" 200
part_done "an old snapshot: exit 3 naming pid $hpid, half-done in --status, resumed (invalid index rebuilt)"

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
part_done "$trials SIGKILL trials during migration 13 (window ${span}ms, $half left half-done), each resumed exactly"

# 3. SIGKILL inside a concurrent build, held there by an old snapshot. The
# killed client's server session goes on with the statement until it
# notices the client is gone: ended at once (an INVALID index is left) or
# left to finish the build after the snapshot goes (a valid index).
for how in ended finished; do
	at12 200
	hold
	"$prog" --ddl-lock-timeout 60000 "$URL" >/dev/null 2>"$T/err" &
	pid=$!
	bpid=
	for _ in $(seq 300); do
		bpid=$(q "SELECT pid FROM pg_stat_activity WHERE datname = current_database()
		          AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'")
		[ -n "$bpid" ] && break
		sleep 0.1
	done
	[ -n "$bpid" ] || fail "kill in a build ($how): no build waiting: $(cat "$T/err")"
	kill -9 $pid
	wait $pid 2>/dev/null
	"$prog" --status "$URL" >"$T/status" 2>&1
	grep -q "^half-done: migration 13 (0013_[a-z_]*) up, 1 of 6 steps done" "$T/status" ||
		fail "kill in a build ($how): --status: $(cat "$T/status")"
	[ "$how" = ended ] && q "SELECT pg_terminate_backend($bpid)" >/dev/null
	release
	"$prog" --lock-timeout 30 "$URL" >"$T/out" 2>"$T/err" ||
		fail "kill in a build ($how): rerun: $(cat "$T/err")"
	if [ "$how" = ended ]; then
		grep -q "dropping the invalid index ix_comments_entry_id_created_at" "$T/err" ||
			fail "kill in a build (ended): the invalid index was not dropped: $(cat "$T/err")"
	else
		grep -q "dropping the invalid index" "$T/err" &&
			fail "kill in a build (finished): a valid index was dropped: $(cat "$T/err")"
	fi
	finished "kill in a build ($how)" 200
done
part_done "SIGKILL inside a concurrent build: resumed exactly with its session ended (invalid index rebuilt) and left to finish (valid index kept)"

# 4. SIGKILL inside the batched fill of migration 7 (media_entries.hidden,
# NULL in every row), 10 rows a batch.
n=5000
new_db
"$prog" -q --to 6 "$URL" >/dev/null || exit 1
q "INSERT INTO users (username, created_at) VALUES ('u', 1);
   INSERT INTO media_files (mime_type, byte_size, sha256, storage_path)
   VALUES ('image/png', 1, '\\x00', 'p');
   INSERT INTO media_entries (owner_id, file_id, title, kind, hidden, created_at)
   SELECT 1, 1, 't' || i, 0, NULL, i FROM generate_series(1, $n) i" >/dev/null ||
	fail "fill: the rows could not be inserted"
"$prog" --to 7 --batch-size 10 "$URL" >/dev/null 2>"$T/err" &
pid=$!
cursor=
for _ in $(seq 3000); do
	cursor=$(q "SELECT cursor FROM modelgen_progress" 2>/dev/null)
	[ -n "$cursor" ] && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.01
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
[ -n "$cursor" ] || fail "fill: no cursor seen before the end: $(cat "$T/err")"
# The killed client's session ends on its own (its batch rolled back).
for _ in $(seq 100); do [ "$(others)" = 0 ] && break; sleep 0.1; done
cursor=$(q "SELECT cursor FROM modelgen_progress")
key=${cursor#*:} # the cursor of a one-column key: LENGTH:TEXT
left=$(q "SELECT count(*) FROM media_entries WHERE hidden IS NULL")
"$prog" --status "$URL" >"$T/status" 2>&1
grep -q "^half-done: migration 7 (0007_[a-z_]*) up, 3 of 7 steps done" "$T/status" ||
	fail "fill: --status: $(cat "$T/status")"
[ "$left" -gt 0 ] && [ "$left" -lt $n ] || fail "fill: $left of $n NULLs left (not killed mid-fill)"
[ "$(q "SELECT count(*) FROM media_entries WHERE (hidden IS NULL) <> (id > ${key:-0})")" = 0 ] ||
	fail "fill: the filled rows are not exactly those up to the cursor ($cursor)"
# A NULL written meanwhile below the cursor: the batches do not go back for
# it (they go on from the cursor), the transaction that validates the check
# sets it.
q "UPDATE media_entries SET hidden = NULL WHERE id = 1" >/dev/null
"$prog" --to 7 --batch-size 10 "$URL" >"$T/out" 2>"$T/err" || fail "fill: rerun: $(cat "$T/err")"
grep -q "going on after an interruption, 3 of 7 steps done" "$T/err" ||
	fail "fill: no resume line: $(cat "$T/err")"
grep -q "filled media_entries.hidden: $left rows set" "$T/err" ||
	fail "fill: the rerun did not set exactly the $left NULLs left: $(cat "$T/err")"
[ "$(q "SELECT max(number) FROM modelgen_migrations")" = 7 ] || fail "fill: not at 7"
[ "$(q "SELECT count(*) FROM media_entries WHERE hidden IS NOT DISTINCT FROM false")" = $n ] ||
	fail "fill: not every row is false"
[ "$(q "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'media_entries'::regclass
        AND attname = 'hidden'")" = t ] || fail "fill: hidden is not NOT NULL"
[ "$(q "SELECT count(*) FROM pg_constraint WHERE conname LIKE 'modelgen_nn_%'")" = 0 ] ||
	fail "fill: the helper check is left"
[ "$(q "SELECT to_regclass('modelgen_progress') IS NULL")" = t ] || fail "fill: modelgen_progress is left"
"$prog" -q --verify "$URL" >"$T/verify" 2>&1 || fail "fill: verify: $(cat "$T/verify")"
part_done "SIGKILL inside a batched fill (stopped after key $key, $left of $n NULLs left): the rerun set exactly those, ended as planned"
[ $failed = 0 ]
