#!/bin/bash
# Runs bench/kernel_apply_bench.cpp inside Debian's kernel under qemu.
#   usage: bench/kernel_vm_bench.sh [BUILD_DIR]   (default: build-kernel; a
#          non-sanitized build, or the figures measure AddressSanitizer)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-kernel}
[ -x "$build/tests/vm/picket_kernel_bench" ] ||
  { echo "build $build first: cmake --build $build --target picket_kernel_bench" >&2; exit 2; }
PICKET_VM_TIMEOUT=${PICKET_VM_TIMEOUT:-1200} exec tests/vm/run_vm.sh bench "$build/tests/vm/picket_kernel_bench"
