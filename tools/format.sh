#!/usr/bin/env bash
# Checks that the project's own C sources and headers are formatted as
# .clang-format says (clang-format-14): gen/, runtime/, tools/, and the
# tests' programs (unit, runtime, alloc, fuzz, online, install). Generated
# files, golden fixtures and model inputs in tests are data and are left as
# they are.
#
#   tools/format.sh          check; lists the files that are not clean, exit 1
#   tools/format.sh --fix    reformat them in place
set -euo pipefail
cd "$(dirname "$0")/.."
fmt=${CLANG_FORMAT:-clang-format-14}
files=$(find gen runtime tools tests/unit tests/runtime tests/alloc tests/fuzz tests/online tests/install/app \
	-maxdepth 3 -path tests/install/app/models -prune -o \
	-type f \( -name '*.c' -o -name '*.h' \) -print | LC_ALL=C sort)
if [ "${1:-}" = --fix ]; then
	# shellcheck disable=SC2086
	exec "$fmt" -i $files
fi
# shellcheck disable=SC2086
if "$fmt" --dry-run -Werror $files >/dev/null 2>&1; then
	echo "format: $(echo "$files" | wc -l) files clean"
	exit 0
fi
bad=
for f in $files; do
	"$fmt" --dry-run -Werror "$f" >/dev/null 2>&1 || bad="$bad $f"
done
if [ -n "$bad" ]; then
	echo "not formatted (run tools/format.sh --fix, or $fmt -i FILE):" >&2
	printf '  %s\n' $bad >&2
fi
exit 1
