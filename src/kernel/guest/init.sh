#!/bin/busybox sh
# numa-lab guest /init (busybox sh). The host appends /config.sh and /plan to the initramfs.
# It loads the modules, turns the slow-tier nodes into dax/kmem memory, mounts the page-cache
# disk and the swap disk, then runs the agent, whose JSON lines go to /dev/ttyS1 (the kernel
# log stays on ttyS0), and powers off.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /tmp /mnt
MODULES="" KMEM=0 DISK="" SWAP="" KMEM_ONLINE=online_movable
[ -f /config.sh ] && . /config.sh

CH=/dev/ttyS1
[ -c $CH ] && stty -F $CH raw -echo 115200 2>/dev/null
say() { echo "$*" > $CH; }
log() { echo "[numa-lab init $(cut -d' ' -f1 /proc/uptime)] $*" > /dev/console; }
say "{\"t\":\"init\",\"uptime_s\":$(cut -d' ' -f1 /proc/uptime)}"

for m in $MODULES; do insmod /lib/modules/$m.ko 2>/dev/null || log "insmod $m failed"; done

# Slow tiers: the kernel command line hid their memory as soft-reserved (memmap=...%...-1+0xefffffff);
# dax_hmem made one dax device per range; kmem onlines it as a CPU-less node in a lower memory tier.
if [ "$KMEM" = 1 ]; then
	n=0
	for d in /sys/bus/dax/devices/*; do
		[ -e "$d" ] || continue
		dax=${d##*/}
		echo "$dax" > /sys/bus/dax/drivers/device_dax/unbind 2>/dev/null
		echo "$dax" > /sys/bus/dax/drivers/kmem/new_id 2>/dev/null || echo "$dax" > /sys/bus/dax/drivers/kmem/bind
		say "{\"t\":\"kmem\",\"device\":\"$dax\",\"node\":$(cat $d/target_node 2>/dev/null || echo -1),\"bytes\":$(cat $d/size 2>/dev/null || echo 0)}"
		n=$((n + 1))
	done
	for b in /sys/devices/system/memory/memory*; do
		[ "$(cat $b/state)" = offline ] && echo "$KMEM_ONLINE" > $b/state 2>/dev/null
	done
	[ $n = 0 ] && say "{\"t\":\"error\",\"message\":\"no dax device: the slow tier could not be set up (dax_hmem/kmem modules missing?)\"}"
fi

wait_dev() { i=0; while [ ! -b "$1" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done; [ -b "$1" ]; }
if [ -n "$DISK" ]; then
	if wait_dev "$DISK" && mount -t ext2 -o noatime "$DISK" /mnt; then :; else
		say "{\"t\":\"error\",\"message\":\"cannot mount the page-cache disk $DISK (virtio_blk/ext4 modules missing?)\"}"
	fi
fi
if [ -n "$SWAP" ]; then
	if wait_dev "$SWAP" && mkswap "$SWAP" >/dev/null && swapon "$SWAP"; then :; else
		say "{\"t\":\"error\",\"message\":\"cannot enable swap on $SWAP\"}"
	fi
fi
echo "4 4 1 7" > /proc/sys/kernel/printk
say "{\"t\":\"ready\",\"uptime_s\":$(cut -d' ' -f1 /proc/uptime)}"
/bin/agent /plan $CH
say "{\"t\":\"agent_exit\",\"status\":$?}"
sync
poweroff -f
