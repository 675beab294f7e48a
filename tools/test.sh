#!/usr/bin/env bash
# Installs what is missing (tools/setup.sh), checks the formatting of the C
# sources (tools/format.sh), then runs every test in two passes, each a build
# and a ctest run:
#
#   1. gcc, -Werror: the whole suite, plus the runtime tests under valgrind
#      (label "valgrind": zero memcheck errors, zero definite leaks);
#   2. clang-14 with AddressSanitizer + UndefinedBehaviorSanitizer
#      (-fno-sanitize-recover=all, leak detection on) and the libFuzzer
#      targets: the suite again (minus tests that only run compilers or
#      install), with 30 other property-test seeds (101-130) instead of
#      pass 1's 100, and each fuzz target for MG_FUZZ_SECONDS (default 30).
#
# Environment:
#   MG_TEST_QUICK=1   pass 1 only, without valgrind (a developer's quick run)
#   MG_TEST_JOBS      ctest's parallelism (default: the number of cores)
#   MG_BUILD_DIR      pass 1's build directory (default build/test; pass 2
#                     uses the same name + "-asan")
#   MG_FUZZ_SECONDS   seconds per fuzz target (default 30)
# Stops at the first failing pass; the output ends with ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh
build=${MG_BUILD_DIR:-build/test}
jobs=${MG_TEST_JOBS:-$(nproc)}
quick=${MG_TEST_QUICK:-0}
valgrind=ON
[ "$quick" = 1 ] && valgrind=OFF
start=$SECONDS

echo "== pass 1: gcc -Werror$([ "$valgrind" = ON ] && echo ", runtime tests also under valgrind")"
bash tools/format.sh
cmake -S . -B "$build" -DMG_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DMG_VALGRIND="$valgrind" >/dev/null
cmake --build "$build" -j"$(nproc)"
if [ "$quick" = 1 ]; then
	exec ctest --test-dir "$build" --output-on-failure -j"$jobs"
fi
ctest --test-dir "$build" --output-on-failure -j"$jobs"
echo "== pass 1 took $((SECONDS - start)) s"

echo "== pass 2: clang-14, ASan + UBSan, fuzz targets ${MG_FUZZ_SECONDS:-30} s each"
asan=$build-asan
cmake -S . -B "$asan" -DCMAKE_C_COMPILER=clang-14 -DMG_WERROR=ON \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo -DMG_SANITIZE=address,undefined -DMG_FUZZ=ON \
	-DMG_PROPERTY_START=101 -DMG_PROPERTY_HISTORIES=30 >/dev/null
cmake --build "$asan" -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# use_tls=0: LeakSanitizer of clang 14 crashes ("Tracer caught signal 11")
# reading the dynamic TLS of a dlopen'ed library (libclang) on Debian 12's
# glibc; our code keeps nothing in thread-local storage.
export LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0:use_tls=0
# Not here: tests that only run compilers on generated or model code
# (nothing of ours executes) and the install test (a sanitized library does
# not link into an unsanitized outside project).
echo "== pass 2 build done at $((SECONDS - start)) s"
ctest --test-dir "$asan" --output-on-failure -j"$jobs" \
	-E '^(generated_compile/|models/compile_|install/)'
