#!/bin/sh
# Throw-away PostgreSQL 15 server for tests. initdb refuses to run as root,
# so when run as root the server runs as the postgres user; socket only, no
# TCP.
#
#   tools/pg.sh start DIR [PORT]   start a server under DIR; prints its URL
#   tools/pg.sh stop DIR           stop it (immediate) and remove DIR
#   tools/pg.sh fixture-start FILE start one in a new /tmp/pgtest.* directory;
#                                  write its URL to FILE, its directory to
#                                  FILE.dir (ctest fixture, tests/cmake)
#   tools/pg.sh fixture-stop FILE  stop the server FILE.dir names
#
# DIR must not exist (start) and is created with mktemp-like care by the
# caller; its name should contain "pgtest" so that a stray server can be
# found with `pgrep -u postgres -f pgtest`.
set -eu

usage() {
	echo "usage: tools/pg.sh start DIR [PORT] | tools/pg.sh stop DIR" >&2
	exit 2
}

[ $# -ge 2 ] || usage
case $1 in
fixture-start)
	file=$2
	if [ -f "$file.dir" ]; then "$0" stop "$(cat "$file.dir")"; fi
	rm -f "$file" "$file.dir"
	d=$(mktemp -d /tmp/pgtest.XXXXXX)
	echo "$d" >"$file.dir"
	# Socket-only servers in different directories may share a port.
	"$0" start "$d" "${MG_PG_PORT:-54329}" >"$file.tmp"
	mv "$file.tmp" "$file"
	cat "$file"
	exit 0
	;;
fixture-stop)
	file=$2
	if [ -f "$file.dir" ]; then "$0" stop "$(cat "$file.dir")"; fi
	rm -f "$file" "$file.dir"
	exit 0
	;;
esac
cmd=$1
dir=$2
port=${3:-54329}
bin=$(pg_config --bindir)
# Debian's pg_config may name the client bin dir; the server tools live in
# the versioned directory.
if [ ! -x "$bin/initdb" ]; then
	for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
		if [ -x "$d/initdb" ]; then bin=$d; break; fi
	done
fi
[ -x "$bin/initdb" ] || { echo "pg.sh: initdb not found (install postgresql-15)" >&2; exit 3; }

as_pg() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

case $cmd in
start)
	if [ -e "$dir/data" ]; then
		echo "pg.sh: $dir/data exists" >&2
		exit 3
	fi
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
	as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
		>"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 3; }
	as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
		-o "-k $dir -p $port -c listen_addresses='' -c fsync=off" start >/dev/null ||
		{ cat "$dir/server.log" >&2; exit 3; }
	echo "postgresql://postgres@/postgres?host=$dir&port=$port"
	;;
stop)
	if [ -d "$dir/data" ]; then
		as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
	;;
*)
	usage
	;;
esac
