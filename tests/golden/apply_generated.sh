#!/usr/bin/env bash
# Builds a dbupdate from a generated/ folder (as modelgen_add_dbupdate does)
# and runs it on SQLite: the create path on an empty database, the migrate
# path one migration at a time from an empty database, both verified against
# the expected schema; then down to 0 (with --force) and up again.
#
# usage: apply_generated.sh CC INCLUDE_DIR RUNTIME_LIB GENERATED_DIR [LIBS...]
set -uo pipefail
cc=$1 include=$2 lib=$3 dir=$4
shift 4
work=$(mktemp -d "${TMPDIR:-/tmp}/mg-apply.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat >"$work/main.c" <<'C'
#include <modelgen/dbupdate.h>

extern const struct mg_registry modelgen_registry;

int main(int argc, char **argv)
{
	return mg_cli_main(argc, argv, &modelgen_registry);
}
C
"$cc" -std=c11 -Wall -Wextra -Werror -I "$include" -o "$work/dbupdate" "$work/main.c" \
	"$dir/registry.c" "$dir"/migrations/*.c "$lib" "$@" || { echo "build failed"; exit 1; }
db() { "$work/dbupdate" -q "$@"; }
fail() { echo "FAILED: $*"; exit 1; }

db "sqlite:$work/create.db" || fail "create path"
db --verify "sqlite:$work/create.db" || fail "verify after create"
n=$(ls "$dir"/migrations/*.c | wc -l)
for ((i = 1; i <= n; i++)); do
	db --to "$i" "sqlite:$work/migrate.db" || fail "up to $i"
done
db --verify "sqlite:$work/migrate.db" || fail "verify after migrate"
db --to 0 --force "sqlite:$work/migrate.db" || fail "down to 0"
db "sqlite:$work/migrate.db" || fail "up again"
db --verify "sqlite:$work/migrate.db" || fail "verify after down and up"
exit 0
