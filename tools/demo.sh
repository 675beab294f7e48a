#!/usr/bin/env bash
# README command 1, the main job on the demo application: installs what is
# missing (tools/setup.sh), builds modelgen and the demo's dbupdate
# (build/demo, tests off), checks that generated/ matches models/, brings the
# embedded default database (sqlite:app.db, in .work/demo/) to the latest
# migration and prints its status. Run it again: nothing changes.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=$root/build/demo
work=$root/.work/demo
log=$root/.work/demo-build.log

bash tools/setup.sh
mkdir -p "$work"
if ! { cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMG_TESTS=OFF &&
	cmake --build "$build" -j"$(nproc)"; } >"$log" 2>&1; then
	cat "$log" >&2
	echo "demo: the build failed (log above, also in ${log#"$root"/})" >&2
	exit 3
fi

echo "\$ modelgen check"
"$build/gen/modelgen" check

# The embedded default: no URL and no DATABASE_URL means sqlite:app.db in
# the current directory.
cd "$work"
unset DATABASE_URL
echo
echo "\$ dbupdate        (in ${work#"$root"/})"
"$build/dbupdate"
echo
echo "\$ dbupdate --status"
"$build/dbupdate" --status
