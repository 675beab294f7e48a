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
cc -o "$work/pc" "$work/pc.c" $(pkg-config --cflags --libs modelgen)
"$work/pc"
echo "install test passed"
