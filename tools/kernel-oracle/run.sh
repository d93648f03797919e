#!/bin/bash
# numa-oracle: boot a real Linux kernel under QEMU with an emulated NUMA topology,
# run one memory experiment inside, print per-node residency + reclaim counters as JSON.
#
#   ./run.sh EXPERIMENT [KEY=VALUE ...]
#
# EXPERIMENT: info | zr | thp | tier | dontneed | shell
# Every KEY=VALUE overrides a default below (env vars work too).  Examples:
#   ./run.sh zr                                  # zone_reclaim 0 / 1 / bind, 3 boots
#   ./run.sh zr MODES=1 FILE_MB=800 ANON_EXTRA_MB=100 NODE_MB=1024,1024
#   ./run.sh thp FRAGS="none anon mlock cache" THP_MB=256
#   ./run.sh tier TIER=kmem SECS=40 HOT_MB=128
#   ./run.sh dontneed DN_MB=256 PRESSURE=both
#   ./run.sh info NODES=3 TIER=plain ACCEL=tcg
# Output: results/<exp>-<stamp>/<mode>/{console.log,result.txt,result.json} + summary.json,
# and a summary JSON on stdout.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"

EXP=${1:-info}
shift || true
for kv in "$@"; do
	case "$kv" in
	*=*) export "${kv%%=*}=${kv#*=}" ;;
	*) echo "bad argument $kv (want KEY=VALUE)" >&2; exit 2 ;;
	esac
done

# ---------------------------------------------------------------- defaults
: "${KERNEL:=$(ls /boot/vmlinuz-* | sort -V | tail -1)}"
KVER=${KERNEL##*/vmlinuz-}
: "${MODDIR:=/lib/modules/$KVER}"
: "${ACCEL:=tcg}"              # tcg | kvm | auto  (kvm here is PVM-only: a stock kernel hangs, so tcg)
: "${SMP:=2}"
: "${LOWMEM:=256M}"            # RAM below 4G (pc max-ram-below-4g); rest of RAM is ZONE_NORMAL above 4G
: "${TIMEOUT:=900}"
: "${EXTRA_APPEND:=no_timer_check}"   # TCG under host load: the 8254 timer check can panic the boot
: "${VERBOSE:=0}"             # 1: console on stdout
: "${CPU:=0}"                 # cpu the workload is pinned to
case "$EXP" in
tier)
	: "${NODES:=3}" "${TIER:=kmem}" "${NUMAB:=2}" "${DEMOTION:=1}" "${THP_ENABLED:=never}"
	: "${HOT_MB:=128}" "${COLD_EXTRA_MB:=256}" "${SECS:=60}" "${INTERVAL:=3}" "${COLD_REF:=0,1}"
	;;
zr)
	: "${NODES:=2}" "${THP_ENABLED:=never}" "${FILE_MB:=600}" "${ANON_EXTRA_MB:=200}" "${FILL:=read}"
	: "${MODES:=zr0 zr1 bind0}"
	;;
thp)
	: "${NODES:=2}" "${THP_ENABLED:=madvise}" "${THP_MB:=256}" "${FRAG_LEAVE_MB:=0}" "${PLUG:=1}" "${FRAG_POLICY:=default}"
	: "${FRAGS:=none anon mlock cache}"
	;;
dontneed)
	: "${NODES:=2}" "${THP_ENABLED:=madvise}" "${DN_MB:=256}" "${PRESSURE:=both}" "${PRESSURE_POLICY:=bind:0}"
	;;
esac
: "${NODES:=2}"
: "${TIER:=plain}"             # plain: last node is ordinary RAM; kmem: last node hidden + onlined via dax/kmem (slow tier)
: "${ZR:=0}"                  # vm.zone_reclaim_mode during the experiment
: "${POLICY:=default}"        # default | bind:0 | bind:0,1+nb | preferred:1 | interleave:0,1
: "${NUMAB:=0}"               # kernel.numa_balancing (0/1/2/3)
: "${THP_ENABLED:=madvise}"
: "${THP_DEFRAG:=madvise}"
: "${LRU_GEN:=}"              # empty = kernel default (Debian 6.1: off)
: "${DEMOTION:=}"             # /sys/kernel/mm/numa/demotion_enabled (empty = kernel default 0)
: "${KMEM_ONLINE:=online_movable}"   # how kmem blocks are onlined: online (ZONE_NORMAL) | online_movable
if [ "$NODES" = 3 ]; then : "${NODE_MB:=1024,1024,1024}"; else : "${NODE_MB:=1024,1024}"; fi
# cpus per node, ';'-separated (empty = cpu-less node). default: node i gets cpu i (i < SMP)
if [ -z "${NODE_CPUS:-}" ]; then
	parts=()
	for ((i = 0; i < NODES; i++)); do if [ $i -lt $SMP ]; then parts+=("$i"); else parts+=(""); fi; done
	NODE_CPUS=$(IFS=';'; echo "${parts[*]}")
fi
# SLIT entries "a-b:val,..." (applied symmetrically). default: QEMU 10/20; 3 nodes: cpu-less node at 30
if [ -z "${DIST:-}" ] && [ "$NODES" = 3 ]; then DIST="0-1:20,0-2:30,1-2:30"; fi
: "${DIST:=}"

OUTROOT=${OUTROOT:-$HERE/results}
STAMP=$(date +%Y%m%d-%H%M%S)
OUT=$OUTROOT/$EXP-$STAMP
mkdir -p "$OUT"
BUILD=$HERE/build

log() { echo "[run.sh] $*" >&2; }

# ---------------------------------------------------------------- accel
if [ "$ACCEL" = auto ]; then
	ACCEL=tcg
	if [ -w /dev/kvm ]; then
		timeout 20 qemu-system-x86_64 -accel kvm -machine pc -m 64 -nodefaults -display none \
			-S -monitor none </dev/null >/dev/null 2>&1 &
		p=$!; sleep 2
		if kill -0 $p 2>/dev/null; then ACCEL=kvm; kill $p; fi
		wait $p 2>/dev/null
	fi
fi

# ---------------------------------------------------------------- build initramfs
MODS="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk crc16 mbcache jbd2 crc32c_generic ext4 device_dax kmem dax_hmem"
build_initramfs() {
	local st=$BUILD/root
	log "building initramfs ($KVER)"
	mkdir -p "$BUILD"
	gcc -O2 -Wall -static -o "$BUILD/numawl" "$HERE/src/numawl.c" || exit 1
	rm -rf "$st"
	mkdir -p "$st"/{bin,sbin,proc,sys,dev,tmp,mnt,etc,lib/modules/$KVER}
	cp /bin/busybox "$st/bin/busybox"
	cp "$BUILD/numawl" "$st/bin/numawl"
	cp "$HERE/src/init.sh" "$st/init"
	chmod +x "$st/init"
	for m in $MODS; do
		f=$(modinfo -k "$KVER" -F filename "$m" 2>/dev/null) || { log "no module $m"; continue; }
		case "$f" in /*) cp "$f" "$st/lib/modules/$KVER/" ;; esac
	done
	# compressed modules (newer kernels): decompress so busybox insmod can load them
	for f in "$st"/lib/modules/$KVER/*.ko.xz; do [ -e "$f" ] && xz -d "$f"; done
	for f in "$st"/lib/modules/$KVER/*.ko.zst; do [ -e "$f" ] && zstd -q -d --rm "$f"; done
	(cd "$st" && find . | cpio -o -H newc --quiet | gzip -1) > "$BUILD/base-$KVER.cpio.gz"
	echo "$KVER" > "$BUILD/base-$KVER.stamp"
}
: "${PVH:=1}"   # 1: boot the extracted ELF vmlinux via PVH (skips in-guest decompression: ~10 s faster under TCG)
BOOTK=$KERNEL
if [ "$PVH" = 1 ]; then
	if [ ! -s "$BUILD/vmlinux-$KVER" ]; then
		mkdir -p "$BUILD"
		/usr/bin/python3 "$HERE/src/extract_vmlinux.py" "$KERNEL" "$BUILD/vmlinux-$KVER.tmp" && mv "$BUILD/vmlinux-$KVER.tmp" "$BUILD/vmlinux-$KVER"
	fi
	[ -s "$BUILD/vmlinux-$KVER" ] && BOOTK=$BUILD/vmlinux-$KVER
fi
BASE=$BUILD/base-$KVER.cpio.gz
if [ ! -f "$BASE" ] || [ "$HERE/src/numawl.c" -nt "$BASE" ] || [ "$HERE/src/init.sh" -nt "$BASE" ] || [ "$0" -nt "$BASE" ]; then
	build_initramfs
fi

# ---------------------------------------------------------------- disk (page cache source)
make_disk() { # size_mb of file
	local mb=$1 img=$BUILD/disk-$1.img
	if [ ! -f "$img" ]; then
		log "creating ext2 disk image with a ${mb} MiB file"
		rm -rf "$BUILD/diskroot"; mkdir -p "$BUILD/diskroot"
		yes "numa-oracle page cache fill data" | head -c "$((mb * 1024 * 1024))" > "$BUILD/diskroot/fill"
		truncate -s "$((mb + mb / 10 + 64))M" "$img.tmp"
		mke2fs -q -t ext2 -b 4096 -F -d "$BUILD/diskroot" "$img.tmp" && mv "$img.tmp" "$img"
		rm -rf "$BUILD/diskroot"
	fi
	echo "$img"
}

# ---------------------------------------------------------------- qemu
IFS=',' read -r -a NMB <<< "$NODE_MB"
IFS=';' read -r -a NCPU <<< "$NODE_CPUS"
TOTAL=0; for m in "${NMB[@]}"; do TOTAL=$((TOTAL + m)); done
LOWMB=$(( $(numfmt --from=iec "$LOWMEM") / 1048576 ))

run_one() { # name ; uses globals + per-run vars exported in CFG
	local name=$1 dir=$OUT/$1 disk=${2:-}
	mkdir -p "$dir"
	# config archive appended to the base initramfs
	# swap: a blank virtio disk after the data disk (vdb), or the only one (vda)
	SWAP_DEV=
	if [ -n "${SWAP_MB:-}" ]; then
		if [ -n "$disk" ]; then SWAP_DEV=vdb; else SWAP_DEV=vda; fi
		truncate -s "${SWAP_MB}M" "$dir/swap.img"
	fi
	local cfgd=$dir/cfgroot
	mkdir -p "$cfgd"
	{
		echo "# generated by run.sh"
		for v in EXP CPU CACHE_CPU ZR POLICY NUMAB THP_ENABLED THP_DEFRAG LRU_GEN DEMOTION TIER KMEM_ONLINE \
			FILE_MB ANON_MB ANON_EXTRA_MB FILL FRAG FRAG_LEAVE_MB THP_MB HOT_MB COLD_MB COLD_EXTRA_MB \
			COLD_POLICY COLD_REF SECS INTERVAL PLUG FRAG_POLICY PROACTIVE DN_MB PRESSURE PRESSURE_MB PRESSURE_POLICY SETTLE_S MIN_FREE_KBYTES WSF WBF \
			SCAN_DELAY_MS SCAN_PERIOD_MIN_MS SCAN_PERIOD_MAX_MS SCAN_SIZE_MB HOT_THRESHOLD_MS \
			PROMOTE_RATE_MBPS MEMCG_MAX_MB SWAP_MB SWAP_DEV TL_INTERVAL ANON_THP COST_MB; do
			printf '%s=%q\n' "$v" "${!v:-}"
		done
	} > "$cfgd/config.sh"
	(cd "$cfgd" && echo config.sh | cpio -o -H newc --quiet | gzip -1) > "$dir/config.cpio.gz"
	cat "$BASE" "$dir/config.cpio.gz" > "$dir/initrd.img"
	rm -rf "$cfgd"

	local args=(-machine "pc,max-ram-below-4g=$LOWMEM" -accel "$ACCEL" -smp "$SMP,sockets=$SMP,cores=1,threads=1" -m "${TOTAL}M"
		-nodefaults -no-reboot -display none -monitor none -net none)
	if [ "$ACCEL" = kvm ]; then args+=(-cpu host); fi
	local i off=0 memmap=""
	for ((i = 0; i < ${#NMB[@]}; i++)); do
		args+=(-object "memory-backend-ram,size=${NMB[$i]}M,id=m$i")
		local c=${NCPU[$i]:-}
		if [ -n "$c" ]; then args+=(-numa "node,nodeid=$i,cpus=$c,memdev=m$i")
		else args+=(-numa "node,nodeid=$i,memdev=m$i"); fi
		if [ "$TIER" = kmem ] && [ $i -eq $((${#NMB[@]} - 1)) ] && [ "${#NMB[@]}" -ge 3 ]; then
			# guest-physical start of the last node: RAM above LOWMEM is mapped at 4G+
			local gpa
			if [ $off -ge $LOWMB ]; then gpa=$((4096 + off - LOWMB)); else gpa=$off; fi
			memmap="memmap=${NMB[$i]}M%${gpa}M-1+0xefffffff"
		fi
		off=$((off + NMB[i]))
	done
	if [ -n "$DIST" ]; then
		local e
		for e in ${DIST//,/ }; do
			local a=${e%%-*} rest=${e#*-}; local b=${rest%%:*} v=${rest#*:}
			args+=(-numa "dist,src=$a,dst=$b,val=$v" -numa "dist,src=$b,dst=$a,val=$v")
		done
	fi
	local append="console=ttyS0 loglevel=${LOGLEVEL:-5} panic=-1 mitigations=off nokaslr $memmap ${EXTRA_APPEND:-}"
	args+=(-kernel "$BOOTK" -initrd "$dir/initrd.img" -append "$append")
	if [ -n "$disk" ]; then args+=(-drive "file=$disk,format=raw,if=virtio,cache=unsafe,snapshot=on"); fi
	if [ -n "$SWAP_DEV" ]; then args+=(-drive "file=$dir/swap.img,format=raw,if=virtio,cache=unsafe"); fi
	if [ "$VERBOSE" = 1 ]; then args+=(-serial stdio); else args+=(-serial "file:$dir/console.log"); fi
	args+=(-serial "file:$dir/result.txt")
	printf '%q ' qemu-system-x86_64 "${args[@]}" > "$dir/qemu.cmd"; echo >> "$dir/qemu.cmd"
	log "boot $name: accel=$ACCEL nodes=$NODE_MB cpus='$NODE_CPUS' tier=$TIER $memmap"
	local t0=$(date +%s.%N)
	if [ "$VERBOSE" = 1 ]; then
		qemu-system-x86_64 "${args[@]}" &
	else
		qemu-system-x86_64 "${args[@]}" </dev/null >"$dir/qemu.stderr" 2>&1 &
	fi
	local qpid=$!
	echo $qpid > "$dir/qemu.pid"
	local waited=0 timed_out=0 t_init="" t_ready=""
	while kill -0 $qpid 2>/dev/null; do
		sleep 0.2; waited=$((waited + 1))
		if [ -z "$t_init" ] && grep -q "boot.uptime_at_init_s" "$dir/result.txt" 2>/dev/null; then t_init=$(date +%s.%N); fi
		if [ -z "$t_ready" ] && grep -q "boot.uptime_ready_s" "$dir/result.txt" 2>/dev/null; then t_ready=$(date +%s.%N); fi
		if [ $waited -ge $((TIMEOUT * 5)) ]; then
			log "timeout after ${TIMEOUT}s, killing qemu pid $qpid"; kill $qpid; timed_out=1; break
		fi
	done
	wait $qpid 2>/dev/null
	local t1=$(date +%s.%N)
	rm -f "$dir/qemu.pid" "$dir/swap.img" "$dir/initrd.img"
	{
		echo "@@ host.wall_s $(echo "$t1 - $t0" | bc)"
		[ -n "$t_init" ] && echo "@@ host.time_to_init_s $(echo "$t_init - $t0" | bc)"
		[ -n "$t_ready" ] && echo "@@ host.time_to_ready_s $(echo "$t_ready - $t0" | bc)"
		echo "@@ host.accel \"$ACCEL\""
		echo "@@ host.timed_out $timed_out"
		echo "@@ host.mode \"$name\""
		echo "@@ host.node_mb \"$NODE_MB\""
		echo "@@ host.node_cpus \"$NODE_CPUS\""
		echo "@@ host.lowmem \"$LOWMEM\""
		echo "@@ host.dist \"$DIST\""
		echo "@@ host.append \"$append\""
		echo "@@ host.boot_image \"$BOOTK\""
	} >> "$dir/result.txt"
	/usr/bin/python3 "$HERE/src/summarize.py" parse "$dir/result.txt" > "$dir/result.json"
}

: "${REPEAT:=1}"
rep() { # name disk : run REPEAT times
	local k
	if [ "$REPEAT" -le 1 ]; then run_one "$1" "${2:-}"; return; fi
	for ((k = 1; k <= REPEAT; k++)); do run_one "$1-r$k" "${2:-}"; done
}
DISK=""
case "$EXP" in
zr)
	DISK=$(make_disk "$FILE_MB")
	ZR_POLICY=$POLICY   # the caller's POLICY (default: default) applies to the anon workload of zr0/zr1
	for mode in $MODES; do
		case "$mode" in
		zr0) ZR=0 POLICY=$ZR_POLICY ;;
		zr1) ZR=1 POLICY=$ZR_POLICY ;;
		bind0) ZR=0 POLICY=bind:0 ;;
		zr1bind0) ZR=1 POLICY=bind:0 ;;
		zr[0-9]) ZR=${mode#zr} POLICY=$ZR_POLICY ;;
		*) log "unknown zr mode $mode (zr0|zr1|bind0|zr1bind0)"; continue ;;
		esac
		rep "$mode" "$DISK"
	done
	;;
thp)
	for FRAG in $FRAGS; do
		d=""
		if [ "$FRAG" = cache ]; then d=$(make_disk "${FILE_MB:-${NMB[0]}}"); fi
		rep "frag-$FRAG" "$d"
	done
	;;
costs)
	: "${FILE_MB:=600}"
	rep costs "$(make_disk "$FILE_MB")"
	;;
*)
	rep "$EXP"
	;;
esac

/usr/bin/python3 "$HERE/src/summarize.py" summary "$EXP" "$OUT" | tee "$OUT/summary.json"
log "results in $OUT"
