#!/usr/bin/env bash
# Our own real-kernel cost figures (docs/model.md, cost table): builds kernel-costs.c with gcc
# (scripts/setup-kernel.sh installs it) into a temp folder and runs it on this machine's kernel.
#   bash bench/kernel-costs/run.sh [--runs N] [--mib M] [--dir DIR]
# Defaults: 9 runs of 256 MiB. Uses at most about 2 x M MiB of memory and an M MiB temp file
# (in $TMPDIR or /tmp, or DIR; removed at the end), which the rmap-walk test writes back to disk
# 2 x (N + 1) times. Changes no sysctl, cgroup or mount.
# Prints the machine, the load before and after, and one `result` line per figure.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v gcc >/dev/null || { echo "kernel-costs: gcc not found; run scripts/setup-kernel.sh" >&2; exit 2; }
build=$(mktemp -d "${TMPDIR:-/tmp}/kernel-costs-build.XXXXXX")
trap 'rm -rf "$build"' EXIT
gcc -O2 -Wall -Wextra -Werror -o "$build/kernel-costs" "$here/kernel-costs.c"
echo "machine: $(uname -sr), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "transparent_hugepage: enabled $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo '?'), defrag $(cat /sys/kernel/mm/transparent_hugepage/defrag 2>/dev/null || echo '?')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/kernel-costs" "$@"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
