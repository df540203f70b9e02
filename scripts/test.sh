#!/usr/bin/env bash
# Command 2 of the README: install what is missing, build with AddressSanitizer
# and UndefinedBehaviorSanitizer, and run every test (unit and integration;
# the integration tests need root for network namespaces).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "picket: run the tests as root (they create network namespaces)" >&2; exit 1; }
scripts/deps.sh --test
echo "picket: building the test build (sanitizers on)"
BUILD_DIR=${BUILD_DIR:-build-test} BUILD_TYPE=Debug scripts/build.sh -DPICKET_SANITIZE=ON
cd "${BUILD_DIR:-build-test}"
# Unit tests run side by side, one per core; every test that uses network
# namespaces, wireguard-go, a VM or a browser is RUN_SERIAL and runs alone.
ctest --output-on-failure --timeout 600 -j "$(nproc)" "$@"
