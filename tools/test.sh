#!/usr/bin/env bash
# Installs what is missing (tools/setup.sh), builds with -Werror and runs
# every test with ctest. PostgreSQL tests start their own throw-away server.
# MG_TEST_JOBS sets ctest's parallelism (default: the number of cores).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh
build=${MG_BUILD_DIR:-build/test}
cmake -S . -B "$build" -DMG_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j"${MG_TEST_JOBS:-$(nproc)}"
