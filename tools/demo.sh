#!/usr/bin/env bash
# The main job on the demo application: installs what is missing, builds,
# and runs modelgen on models/.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh
cmake -S . -B build/demo -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMG_TESTS=OFF >/dev/null
cmake --build build/demo -j"$(nproc)" >/dev/null
./build/demo/gen/modelgen snapshot
