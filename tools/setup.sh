#!/usr/bin/env bash
# Installs every build and test dependency of modelgen on Debian 12 (as root).
# Idempotent: when every package is already installed it only checks and exits.
set -euo pipefail

packages=(
    cmake make pkg-config gcc clang-14 libclang-14-dev libjansson-dev
    libsqlite3-dev sqlite3 libpq-dev postgresql-15 postgresql-client-15 libcmocka-dev
    clang-format-14 python3 valgrind patch
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages: ${missing[*]}; run as root or install them" >&2
    exit 3
fi

echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
