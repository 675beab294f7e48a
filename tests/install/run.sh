#!/usr/bin/env bash
# Installs modelgen from BUILD_DIR into a scratch prefix, then builds and runs
# the outside application in tests/install/app against it: the installed
# modelgen writes its migrations, find_package(modelgen) +
# modelgen_add_dbupdate build its dbupdate, its own program updates the
# database at start-up, and pkg-config finds the runtime.
#
# usage: run.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/mg-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

cmake --install "$build" --prefix "$prefix" >/dev/null
test -x "$prefix/bin/modelgen"
test -f "$prefix/include/modelgen/model.h"

cp -r "$here/app" "$work/app"
cd "$work/app"
# The installed generator finds its own <modelgen/model.h>.
"$prefix/bin/modelgen" diff -m init >/dev/null
"$prefix/bin/modelgen" check

cmake -S . -B build -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build -j2 >/dev/null

./build/notes_dbupdate "sqlite:$work/a.db"
./build/notes_dbupdate --status "sqlite:$work/a.db"
./build/notes_dbupdate --verify "sqlite:$work/a.db"
# modelgen_add_check_test: `modelgen check` as the project's ctest, passing
# while models and generated/ agree and failing once a model changes alone.
ctest --test-dir build -R notes_models_check --output-on-failure >/dev/null
cp models/note.h "$work/note.h.orig"
sed -i 's|^};|\tint64_t added_later MG_NULLABLE;\n};|' models/note.h
if ctest --test-dir build -R notes_models_check >/dev/null 2>&1; then
	echo "modelgen_add_check_test passed with a model changed and no migration"; exit 1
fi
cp "$work/note.h.orig" models/note.h
# libpq is loaded at run time for PostgreSQL URLs only, never linked: a run
# on SQLite does not load it, and a missing libpq is one clear error line.
if readelf -d build/notes_dbupdate | grep -q 'NEEDED.*libpq'; then
	echo "notes_dbupdate links libpq"; exit 1
fi
if LD_DEBUG=files ./build/notes_dbupdate --status "sqlite:$work/a.db" 2>&1 | grep -q 'libpq'; then
	echo "a run on SQLite loaded libpq"; exit 1
fi
if grep -q '^MG_WITH_POSTGRESQL:BOOL=ON' "$build/CMakeCache.txt"; then
	set +e
	err=$(MODELGEN_LIBPQ=/nonexistent/libpq.so.5 ./build/notes_dbupdate \
		"postgresql://127.0.0.1:1/none" 2>&1 >/dev/null)
	rc=$?
	set -e
	[ "$rc" = 3 ] || { echo "missing libpq: exit $rc, not 3"; exit 1; }
	[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || { echo "missing libpq: not one line: $err"; exit 1; }
	case $err in
	*"needs libpq, which cannot be loaded"*"/nonexistent/libpq.so.5"*) ;;
	*) echo "missing libpq: unexpected message: $err"; exit 1 ;;
	esac
	# With libpq there, the same URL gets as far as connecting.
	set +e
	err=$(./build/notes_dbupdate "postgresql://127.0.0.1:1/none" 2>&1 >/dev/null)
	rc=$?
	set -e
	[ "$rc" = 3 ] || { echo "unreachable server: exit $rc, not 3"; exit 1; }
	case $err in
	*"cannot connect to PostgreSQL"*) ;;
	*) echo "unreachable server: unexpected message: $err"; exit 1 ;;
	esac
fi

out=$(./build/notes "sqlite:$work/b.db")
[ "$out" = "first 5" ] || { echo "notes printed: $out"; exit 1; }
# Second start: already current; the unique title refuses the same note.
if ./build/notes "sqlite:$work/b.db" 2>/dev/null; then
	echo "duplicate title was accepted"; exit 1
fi

# pkg-config: a program compiled and linked with the installed flags only.
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
cat > "$work/pc.c" <<'C'
#include <modelgen/db.h>
#include <stdio.h>
int main(void)
{
	struct mg_db *db = NULL;
	char err[128];
	int rc = mg_db_open(&db, "sqlite::memory:", err, sizeof(err));
	mg_db_close(db);
	puts(rc == 0 ? "ok" : err);
	return rc != 0;
}
C
case " $(pkg-config --libs --static modelgen) $(pkg-config --print-requires modelgen) " in
*pq*) echo "the pkg-config file asks for libpq"; exit 1 ;;
esac
cc -o "$work/pc" "$work/pc.c" $(pkg-config --cflags --libs modelgen)
"$work/pc"
echo "install test passed"
