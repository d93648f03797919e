#!/usr/bin/env bash
# `npm run setup:kernel`: what `numa-lab kernel` needs to boot a real Linux kernel under QEMU.
#   Debian packages  qemu-system-x86 (qemu-system-x86_64), linux-image-amd64 (bzImage in /boot,
#                    modules in /lib/modules: dax/kmem for slow tiers, virtio-blk and ext4 for the
#                    page-cache disk), busybox-static (the guest's shell), cpio (initramfs),
#                    xz-utils (PVH: the vmlinux inside the bzImage), e2fsprogs (the disk image),
#                    gcc + libc6-dev (the static guest agent)
#   guest agent      src/kernel/agent/*.c built statically into $NUMA_LAB_CACHE/kernel/agent-<hash>
# Idempotent: installs only what is missing and rebuilds the agent only when its source changed.
# A lock serialises concurrent runs (npm test beside npm start, or several clones).
# Prints the agent's path on the last line of stdout.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$PWD
NUMA_LAB_CACHE=${NUMA_LAB_CACHE:-$HOME/.cache/numa-lab}
KCACHE=$NUMA_LAB_CACHE/kernel
mkdir -p "$KCACHE"

log() { echo "[setup:kernel] $*" >&2; }

exec {lock}>"$KCACHE/.setup.lock"
flock "$lock"

need=()
command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)
compgen -G '/boot/vmlinuz-*-amd64' >/dev/null || need+=(linux-image-amd64)
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx insmod || need+=(busybox-static)
command -v cpio >/dev/null 2>&1 || need+=(cpio)
command -v xz >/dev/null 2>&1 || need+=(xz-utils)
command -v mke2fs >/dev/null 2>&1 || need+=(e2fsprogs)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
[ -f /usr/include/stdio.h ] || need+=(libc6-dev)
if ((${#need[@]})); then
  log "apt-get install ${need[*]}"
  # shellcheck source=lib/apt.sh
  source scripts/lib/apt.sh
  apt_install "${need[@]}"
fi

# The agent, keyed by its source: a changed agent.c builds a new binary, old clones keep theirs.
shopt -s nullglob
sources=(src/kernel/agent/*.c src/kernel/agent/*.h)
hash=$(cat "${sources[@]}" | sha256sum | cut -c1-16)
agent=$KCACHE/agent-$hash
if [ ! -x "$agent" ]; then
  log "building the guest agent ($agent)"
  gcc -O2 -Wall -Wextra -static -o "$agent.tmp.$$" src/kernel/agent/*.c -lm
  mv "$agent.tmp.$$" "$agent"
fi
flock -u "$lock"
echo "$agent"
