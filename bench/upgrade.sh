#!/usr/bin/env bash
# Issue 15 benchmark: a v1 -> v2 upgrade of N tables, as a user's project
# does it (an installed modelgen, find_package, modelgen_add_dbupdate), on
# SQLite and PostgreSQL, each figure next to its limit in the same run.
#
# Version 1: N tables (models in 10 headers), each with a foreign key and an
# index. Version 2: in every table a new column, a changed default and a new
# index; a column dropped in every tenth table; one new table (see
# bench/upgrade_models.py). Measured, per N:
#   diff      `modelgen diff` from v1 to v2
#   build     rebuilding the project's dbupdate after that diff
#   create    dbupdate (v2) on an empty database, vs its own `--sql` run by
#             `sqlite3` / `psql --single-transaction`
#   upgrade   dbupdate (v2) on a v1 database holding ROWS rows per table
#             (rows checked after), vs its own `--sql` for that database run
#             by the CLI; on PostgreSQL twice: v2 as generated (indexes on
#             existing tables built CONCURRENTLY, each outside a transaction:
#             its SQL run by psql without -1) and v2 made with
#             `modelgen diff --plain-ddl` (one transaction: psql -1); on
#             SQLite also the no-rebuild floor: the same
#             changes as native ALTER TABLE statements (ADD COLUMN, DROP
#             COLUMN, CREATE INDEX; the default change left out, which
#             ALTER TABLE cannot make) run by sqlite3 in one transaction
#   no-op     dbupdate (v2) on the upgraded database
# Times: wall clock, medians of REPEAT runs, each on a fresh copy of its
# database; the load (uptime) is printed with each N.
#
# usage: bench/upgrade.sh [BUILD_DIR] [N...]   (default: build/bench 10 100 1000)
#        REPEAT=n (default 3), ROWS=n rows per table (default 5000/N, at least 1),
#        DIALECTS="sqlite postgresql"
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${1:-build/bench}
shift || true
sizes=${*:-10 100 1000}
repeat=${REPEAT:-3}
dialects=${DIALECTS:-sqlite postgresql}

if [ ! -f "$build/CMakeCache.txt" ]; then
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DMG_TESTS=OFF >/dev/null
fi
cmake --build "$build" -j"$(nproc)" >/dev/null
work=$(mktemp -d /tmp/mg-upgrade.XXXXXX)
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
modelgen=$prefix/bin/modelgen
pgdir=
cleanup() {
	[ -n "$pgdir" ] && sh "$root/tools/pg.sh" stop "$pgdir" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

if [[ " $dialects " == *" postgresql "* ]]; then
	pgdir=$(mktemp -d /tmp/pgtest.upgrade.XXXXXX)
	rmdir "$pgdir"
	url=$(sh tools/pg.sh start "$pgdir" 54378)
	psql -q -X "$url" -c "ALTER SYSTEM SET log_min_messages = warning" -c "SELECT pg_reload_conf()" >/dev/null
fi
pgdb() { printf '%s' "$url" | sed "s|/postgres?|/$1?|"; }
psqlq() { PGOPTIONS='-c client_min_messages=warning' psql -q -X -v ON_ERROR_STOP=1 "$@"; }

median() { sort -n | awk -v n="$1" 'NR == int((n + 1) / 2) { printf "%.1f", $1 / 1000 }'; }
now() { echo "${EPOCHREALTIME/[.,]/}"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
load() { uptime | sed 's/.*load average: /load /'; }

# sqlite_timed PREPARE CMD...: median ms of CMD, each run after PREPARE
# (which makes the fresh database copy); CMD runs with its stdin from
# $stdin when set.
run_timed() {
	local prepare=$1 i t0 t1 v=()
	shift
	for ((i = 0; i < repeat; i++)); do
		$prepare
		t0=$(now)
		if [ -n "${stdin:-}" ]; then "$@" <"$stdin" >/dev/null; else "$@" >/dev/null; fi ||
			{ echo "failed: $*" >&2; exit 1; }
		t1=$(now)
		v+=($((t1 - t0)))
	done
	printf '%s\n' "${v[@]}" | median "$repeat"
}

for n in $sizes; do
	rows=${ROWS:-$((5000 / n > 0 ? 5000 / n : 1))}
	p=$work/app$n
	mkdir -p "$p"
	cat >"$p/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.20)
project(bench_app C)
find_package(modelgen REQUIRED)
modelgen_add_dbupdate(app_dbupdate GENERATED ${CMAKE_CURRENT_SOURCE_DIR}/generated)
EOF
	(
		cd "$p"
		python3 "$root/bench/upgrade_models.py" models models "$n" 1
		"$modelgen" diff -m v1 >/dev/null
		cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
		cmake --build build -j"$(nproc)" >/dev/null 2>&1
		cp build/app_dbupdate dbupdate_v1
		python3 "$root/bench/upgrade_models.py" models models "$n" 2
		t0=$(now)
		"$modelgen" diff -m v2 --allow-drop >/dev/null
		t1=$(now)
		echo $(((t1 - t0) / 1000)) >diff_ms
		t0=$(now)
		cmake --build build -j"$(nproc)" >/dev/null 2>&1
		t1=$(now)
		echo $(((t1 - t0) / 1000)) >build_ms
		cp build/app_dbupdate dbupdate_v2
		# The same v2 with the PostgreSQL opt-out of the online forms
		# (one transaction, plain DDL): what psql -1 can run too.
		"$modelgen" diff --amend -m v2 --allow-drop --plain-ddl >/dev/null
		cmake --build build -j"$(nproc)" >/dev/null 2>&1
		cp build/app_dbupdate dbupdate_v2_plain
	)
	echo "== N = $n tables, $rows rows per table ($(load))"
	echo "   modelgen diff v1 -> v2: $(cat "$p/diff_ms") ms; rebuilding dbupdate: $(cat "$p/build_ms") ms"
	v1=$p/dbupdate_v1 v2=$p/dbupdate_v2 v2plain=$p/dbupdate_v2_plain

	for d in $dialects; do
		if [ "$d" = sqlite ]; then
			python3 bench/upgrade_models.py rows sqlite "$n" "$rows" >"$p/rows.sql"
			python3 bench/upgrade_models.py check sqlite "$n" "$rows" >"$p/check.sql"
			python3 bench/upgrade_models.py floor "$n" >"$p/floor.sql"
			rm -f "$p/v1.db"
			"$v1" -q "sqlite:$p/v1.db" >/dev/null
			sqlite3 "$p/v1.db" <"$p/rows.sql"
			cp "$p/v1.db" "$p/sql.db"
			"$v2" --sql "sqlite:$p/sql.db" >"$p/upgrade_sqlite.sql"
			rm -f "$p/empty.db"
			"$v2" --sql "sqlite:$p/empty.db" >"$p/create_sqlite.sql"
			fresh_empty() { rm -f "$p/t.db"; }
			fresh_v1() { cp "$p/v1.db" "$p/t.db"; }
			stdin= a=$(run_timed fresh_empty "$v2" -q "sqlite:$p/t.db")
			stdin=$p/create_sqlite.sql b=$(run_timed fresh_empty sqlite3 "$p/t.db")
			echo "   sqlite create:  dbupdate $a ms, sqlite3 on its --sql $b ms ($(ratio "$a" "$b"))"
			stdin= a=$(run_timed fresh_v1 "$v2" -q "sqlite:$p/t.db")
			[ "$(sqlite3 "$p/t.db" <"$p/check.sql")" = ok ] || { echo "sqlite: rows lost by dbupdate"; exit 1; }
			noop=$(stdin= run_timed true "$v2" -q "sqlite:$p/t.db")
			stdin=$p/upgrade_sqlite.sql b=$(run_timed fresh_v1 sqlite3 "$p/t.db")
			stdin=$p/floor.sql c=$(run_timed fresh_v1 sqlite3 "$p/t.db")
			echo "   sqlite upgrade: dbupdate $a ms, sqlite3 on its --sql $b ms ($(ratio "$a" "$b")), no-rebuild floor $c ms ($(ratio "$a" "$c"))"
			echo "   sqlite no-op:   dbupdate $noop ms"
		else
			python3 bench/upgrade_models.py rows postgresql "$n" "$rows" >"$p/rows_pg.sql"
			python3 bench/upgrade_models.py check postgresql "$n" "$rows" >"$p/check_pg.sql"
			psqlq "$url" -c "DROP DATABASE IF EXISTS v1_$n" -c "CREATE DATABASE v1_$n" >/dev/null
			"$v1" -q "$(pgdb "v1_$n")" >/dev/null
			psqlq "$(pgdb "v1_$n")" -f "$p/rows_pg.sql" >/dev/null
			psqlq "$url" -c "DROP DATABASE IF EXISTS t" -c "CREATE DATABASE t" >/dev/null
			"$v2" --sql "$(pgdb t)" >"$p/create_pg.sql"
			psqlq "$url" -c "DROP DATABASE t" -c "CREATE DATABASE t TEMPLATE v1_$n" >/dev/null
			"$v2" --sql "$(pgdb t)" >"$p/upgrade_pg.sql"
			"$v2plain" --sql "$(pgdb t)" >"$p/upgrade_pg_plain.sql"
			fresh_empty() { psqlq "$url" -c "DROP DATABASE IF EXISTS t" -c "CREATE DATABASE t" >/dev/null; }
			fresh_v1() { psqlq "$url" -c "DROP DATABASE IF EXISTS t" -c "CREATE DATABASE t TEMPLATE v1_$n" >/dev/null; }
			stdin= a=$(run_timed fresh_empty "$v2" -q "$(pgdb t)")
			stdin= b=$(run_timed fresh_empty psqlq --single-transaction "$(pgdb t)" -f "$p/create_pg.sql")
			echo "   postgresql create:  dbupdate $a ms, psql -1 on its --sql $b ms ($(ratio "$a" "$b"))"
			stdin= a=$(run_timed fresh_v1 "$v2" -q "$(pgdb t)")
			[ "$(psqlq -At "$(pgdb t)" -f "$p/check_pg.sql")" = ok ] || { echo "postgresql: rows lost by dbupdate"; exit 1; }
			noop=$(stdin= run_timed true "$v2" -q "$(pgdb t)")
			stdin= b=$(run_timed fresh_v1 psqlq "$(pgdb t)" -f "$p/upgrade_pg.sql")
			echo "   postgresql upgrade (online forms, the default): dbupdate $a ms, psql on its --sql $b ms ($(ratio "$a" "$b"))"
			stdin= a=$(run_timed fresh_v1 "$v2plain" -q "$(pgdb t)")
			[ "$(psqlq -At "$(pgdb t)" -f "$p/check_pg.sql")" = ok ] || { echo "postgresql: rows lost by dbupdate"; exit 1; }
			stdin= b=$(run_timed fresh_v1 psqlq --single-transaction "$(pgdb t)" -f "$p/upgrade_pg_plain.sql")
			echo "   postgresql upgrade (--plain-ddl): dbupdate $a ms, psql -1 on its --sql $b ms ($(ratio "$a" "$b"))"
			echo "   postgresql no-op:   dbupdate $noop ms"
		fi
	done
done
