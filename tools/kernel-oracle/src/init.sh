#!/bin/busybox sh
# numa-oracle guest /init.  Runs one experiment (from /config.sh, appended by run.sh as a
# second cpio archive), prints "@@ key value" lines on /dev/ttyS1, then powers off.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /tmp /mnt

EXP=info
[ -f /config.sh ] && . /config.sh

# result channel: second serial port (host file); console (ttyS0) keeps kernel log
if [ -c /dev/ttyS1 ]; then
	stty -F /dev/ttyS1 raw -echo 115200 2>/dev/null
	exec 3>/dev/ttyS1
else
	exec 3>&1
fi
o() { echo "@@ $*" >&3; }
up() { cut -d' ' -f1 /proc/uptime; }
qs() { echo "\"$*\""; }   # quote a string value
log() { echo "[oracle $(up)] $*" > /dev/console; }
NW=/bin/numawl
T_INIT=$(up)
o "boot.uptime_at_init_s $T_INIT"

finish() {
	o "run.uptime_at_end_s $(up)"
	o "run.experiment_s $(awk -v a=$T_INIT -v b=$(up) 'BEGIN{printf "%.2f", b-a}')"
	o "run.done 1"
	sync
	exec 3>&-
	sleep 0.2
	poweroff -f
}

# snapshot / diff helpers: snap NAME ; delta PREFIX A B
snap() { $NW snap > /tmp/snap.$1; }
delta() { $NW diff /tmp/snap.$2 /tmp/snap.$3 --prefix "$1" >&3; }
mem() { $NW mem --prefix "$1" >&3; }

# timeline sampler: every TL_INTERVAL s, per-node MemFree/FilePages/AnonPages (kB), a few vmstat
# counters and (with a memcg) memory.current, as "@@ PREFIX.tl.NNN "t n0free n0file n0anon ...""
TL_KEYS="pgscan_kswapd pgscan_direct pgsteal_kswapd pgsteal_direct numa_miss pgdemote_kswapd pgpromote_success thp_split_page pswpout"
tl_start() {
	rm -f /tmp/tl.stop
	o "$1.tl.keys $(qs t per-node:MemFree,FilePages,AnonPages $TL_KEYS memcg_current)"
	(
		t0=$(up); i=0
		while [ ! -e /tmp/tl.stop ]; do
			l=$(awk -v a=$t0 -v b=$(up) 'BEGIN{printf "%.2f", b-a}')
			for d in /sys/devices/system/node/node[0-9]*; do
				l="$l $(awk '$3=="MemFree:"{f=$4} $3=="FilePages:"{c=$4} $3=="AnonPages:"{a=$4} END{print f, c, a}' $d/meminfo)"
			done
			l="$l $(awk -v keys="$TL_KEYS" 'BEGIN{n=split(keys,k," ")} {v[$1]=$2} END{for(i=1;i<=n;i++) printf "%s ", v[k[i]]+0}' /proc/vmstat)"
			[ -n "$MEMCG_MAX_MB" ] && l="$l$(cat /sys/fs/cgroup/w/memory.current 2>/dev/null)"
			o "$1.tl.$(printf %03d $i) $(qs $l)"
			i=$((i+1))
			sleep ${TL_INTERVAL:-0.5}
		done
	) &
	TLP=$!
	taskset -p 2 $TLP >/dev/null 2>&1
}
tl_stop() { touch /tmp/tl.stop; wait $TLP 2>/dev/null; }

# CGW: prefix that runs a command inside the test memcg (empty without MEMCG_MAX_MB)
CGW=
setup_extras() {
	if [ -n "$SWAP_MB" ] && [ -n "$SWAP_DEV" ]; then
		load_mod virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk
		i=0; while [ ! -b /dev/$SWAP_DEV ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
		mkswap /dev/$SWAP_DEV >/dev/null 2>&1 && swapon /dev/$SWAP_DEV && o "swap.on 1" || o "swap.on 0"
		o "swap.total_kB $(awk '/SwapTotal/{print $2}' /proc/meminfo)"
	fi
	if [ -n "$MEMCG_MAX_MB" ]; then
		mkdir -p /sys/fs/cgroup
		mount -t cgroup2 none /sys/fs/cgroup
		echo +memory > /sys/fs/cgroup/cgroup.subtree_control
		mkdir -p /sys/fs/cgroup/w
		echo $((MEMCG_MAX_MB * 1048576)) > /sys/fs/cgroup/w/memory.max
		o "memcg.max_bytes $(cat /sys/fs/cgroup/w/memory.max)"
		printf '#!/bin/sh\necho $$ > /sys/fs/cgroup/w/cgroup.procs && exec "$@"\n' > /bin/cgexec
		chmod +x /bin/cgexec
		CGW=/bin/cgexec
	fi
}
memcg_report() {
	[ -n "$MEMCG_MAX_MB" ] || return 0
	o "$1.memcg.current $(cat /sys/fs/cgroup/w/memory.current)"
	awk -v p="$1" '{print "@@ " p ".memcg.events." $1, $2}' /sys/fs/cgroup/w/memory.events >&3
	awk -v p="$1" '$1=="anon"||$1=="file"||$1=="anon_thp"||$1=="thp_fault_alloc"||$1=="thp_split_page"||$1=="pgscan"||$1=="pgsteal"{print "@@ " p ".memcg.stat." $1, $2}' /sys/fs/cgroup/w/memory.stat >&3
}

load_mod() {  # insmod in given order, ignore "already loaded"
	for m in "$@"; do
		f=$(find /lib/modules -name "$m.ko" | head -1)
		[ -n "$f" ] || { log "module $m not found"; continue; }
		insmod "$f" 2>/dev/null
	done
}

set_sysctl() { # path value (empty value = leave kernel default)
	[ -n "$2" ] || return 0
	if [ -w "$1" ]; then echo "$2" > "$1" 2>/dev/null || log "write $2 > $1 failed"; fi
}

# ------------------------------------------------------------------ kmem tier setup
setup_kmem() {
	# node memory was hidden with memmap=SIZE%START-1+0xefffffff (EFI soft-reserved type)
	load_mod device_dax kmem dax_hmem
	sleep 0.5
	DAX=$(ls /sys/bus/dax/devices/ 2>/dev/null | head -1)
	o "kmem.dax_device $(qs $DAX)"
	if [ -z "$DAX" ]; then o "kmem.ok 0"; return 1; fi
	o "kmem.dax_target_node $(cat /sys/bus/dax/devices/$DAX/target_node 2>/dev/null)"
	o "kmem.dax_size $(cat /sys/bus/dax/devices/$DAX/size 2>/dev/null)"
	echo "$DAX" > /sys/bus/dax/drivers/device_dax/unbind 2>/dev/null
	echo "$DAX" > /sys/bus/dax/drivers/kmem/new_id 2>/dev/null || echo "$DAX" > /sys/bus/dax/drivers/kmem/bind
	sleep 0.5
	n=0
	for b in /sys/devices/system/memory/memory*; do
		if [ "$(cat $b/state)" = offline ]; then
			echo "$KMEM_ONLINE" > $b/state 2>/dev/null && n=$((n+1))
		fi
	done
	o "kmem.blocks_onlined $n"
	o "kmem.online_type $(qs $KMEM_ONLINE)"
	o "kmem.ok 1"
}

# ------------------------------------------------------------------ info
info() {
	o "kernel.release $(qs $(uname -r))"
	o "kernel.version $(qs $(uname -v))"
	o "kernel.cmdline $(qs $(cat /proc/cmdline))"
	for d in /sys/devices/system/node/node[0-9]*; do
		n=${d##*node}
		o "topo.n$n.cpulist $(qs $(cat $d/cpulist))"
		o "topo.n$n.distance $(qs $(cat $d/distance))"
		o "topo.n$n.MemTotal_kB $(awk '/MemTotal/{print $4}' $d/meminfo)"
		o "topo.n$n.MemFree_kB $(awk '/MemFree/{print $4}' $d/meminfo)"
	done
	o "topo.online $(qs $(cat /sys/devices/system/node/online))"
	o "topo.has_cpu $(qs $(cat /sys/devices/system/node/has_cpu))"
	o "topo.has_memory $(qs $(cat /sys/devices/system/node/has_memory))"
	o "topo.has_normal_memory $(qs $(cat /sys/devices/system/node/has_normal_memory))"
	awk '/^Node/{n=$2; sub(",","",n); z=$4; delete v}
	     $1=="pages" && $2=="free" {v["free"]=$3}
	     $1=="min"||$1=="low"||$1=="high"||$1=="spanned"||$1=="present"||$1=="managed" {v[$1]=$2}
	     $1=="protection:" { if (v["managed"]+0 > 0) { for (k in v) print "@@ topo.n" n ".zone_" z "." k "_pages", v[k];
	         s=$0; sub(/.*protection: /,"",s); print "@@ topo.n" n ".zone_" z ".lowmem_reserve \"" s "\"" } }' /proc/zoneinfo >&3
	for t in /sys/devices/virtual/memory_tiering/memory_tier*; do
		[ -d "$t" ] || continue
		o "tiers.$(basename $t).nodelist $(qs $(cat $t/nodelist 2>/dev/null || cat $t/nodes 2>/dev/null))"
	done
	o "sysctl.zone_reclaim_mode $(cat /proc/sys/vm/zone_reclaim_mode)"
	o "sysctl.numa_balancing $(cat /proc/sys/kernel/numa_balancing 2>/dev/null)"
	o "sysctl.min_free_kbytes $(cat /proc/sys/vm/min_free_kbytes)"
	o "sysctl.watermark_scale_factor $(cat /proc/sys/vm/watermark_scale_factor)"
	o "sysctl.watermark_boost_factor $(cat /proc/sys/vm/watermark_boost_factor)"
	o "sysctl.min_unmapped_ratio $(cat /proc/sys/vm/min_unmapped_ratio)"
	o "sysctl.compact_unevictable_allowed $(cat /proc/sys/vm/compact_unevictable_allowed)"
	o "sysctl.demotion_enabled $(qs $(cat /sys/kernel/mm/numa/demotion_enabled 2>/dev/null))"
	o "sysctl.thp_enabled $(qs $(cat /sys/kernel/mm/transparent_hugepage/enabled))"
	o "sysctl.thp_defrag $(qs $(cat /sys/kernel/mm/transparent_hugepage/defrag))"
	o "sysctl.lru_gen_enabled $(qs $(cat /sys/kernel/mm/lru_gen/enabled 2>/dev/null))"
	o "sysctl.swap_total_kB $(awk '/SwapTotal/{print $2}' /proc/meminfo)"
	for f in scan_delay_ms scan_period_min_ms scan_period_max_ms scan_size_mb hot_threshold_ms; do
		[ -f /sys/kernel/debug/sched/numa_balancing/$f ] && o "sysctl.numab_$f $(cat /sys/kernel/debug/sched/numa_balancing/$f)"
	done
	[ -f /proc/sys/kernel/numa_balancing_promote_rate_limit_MBps ] && o "sysctl.numab_promote_rate_limit_MBps $(cat /proc/sys/kernel/numa_balancing_promote_rate_limit_MBps)"
}

common_setup() {
	# kernel knobs shared by all experiments (values from config.sh)
	set_sysctl /proc/sys/kernel/numa_balancing "$NUMAB"
	set_sysctl /sys/kernel/mm/transparent_hugepage/enabled "$THP_ENABLED"
	set_sysctl /sys/kernel/mm/transparent_hugepage/defrag "$THP_DEFRAG"
	set_sysctl /sys/kernel/mm/lru_gen/enabled "$LRU_GEN"
	set_sysctl /sys/kernel/mm/numa/demotion_enabled "$DEMOTION"
	set_sysctl /proc/sys/vm/zone_reclaim_mode 0
	[ -n "$MIN_FREE_KBYTES" ] && set_sysctl /proc/sys/vm/min_free_kbytes "$MIN_FREE_KBYTES"
	[ -n "$WSF" ] && set_sysctl /proc/sys/vm/watermark_scale_factor "$WSF"
	[ -n "$WBF" ] && set_sysctl /proc/sys/vm/watermark_boost_factor "$WBF"
	set_sysctl /proc/sys/vm/max_map_count 1000000
	set_sysctl /proc/sys/kernel/printk "4 4 1 7"
}

mount_disk() {
	load_mod virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk \
		crc16 mbcache jbd2 crc32c_generic ext4
	i=0
	while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
	mount -t ext2 -o noatime /dev/vda /mnt || mount -o noatime /dev/vda /mnt || { o "disk.mounted 0"; return 1; }
	o "disk.mounted 1"
}

wait_ready() { # file pid -> 0 if ready, 1 if process died
	while [ ! -e "$1" ]; do
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.2
	done
	return 0
}

# ------------------------------------------------------------------ experiments
exp_zr() {
	# zone_reclaim_mode / MPOL_BIND vs page cache on node 0
	mount_disk || return
	snap s0
	T=$(up)
	CC=${CACHE_CPU:-$CPU}   # cpu that reads the file (its node gets the page cache)
	o "zr.cache_cpu $CC"
	if [ "$FILL" = write ]; then
		$NW cache --cpu $CC --file /mnt/fill --mb $FILE_MB --write --prefix zr.cache >&3
	else
		$NW cache --cpu $CC --file /mnt/fill --mb $FILE_MB --prefix zr.cache >&3
	fi
	o "zr.cache.phase_s $(awk -v a=$T -v b=$(up) 'BEGIN{print b-a}')"
	snap s1
	mem zr.after_cache
	delta zr.cache.delta s0 s1
	set_sysctl /proc/sys/vm/zone_reclaim_mode "$ZR"
	o "zr.zone_reclaim_mode $(cat /proc/sys/vm/zone_reclaim_mode)"
	o "zr.policy $(qs $POLICY)"
	rm -f /tmp/ready
	T=$(up)
	if [ -n "$ANON_MB" ]; then SZ="--mb $ANON_MB"; else SZ="--extra $ANON_EXTRA_MB --ref-node 0"; fi
	tl_start zr.anon
	$CGW $NW anon --cpu $CPU $SZ --policy "$POLICY" --thp ${ANON_THP:-nohuge} --hold /tmp/ready --prefix zr.anon >&3 &
	P=$!
	if wait_ready /tmp/ready $P; then
		o "zr.anon.phase_s $(awk -v a=$T -v b=$(up) 'BEGIN{print b-a}')"
		sleep ${SETTLE_S:-1}
		memcg_report zr.anon_ready
		snap s2
		mem zr.after_anon
		delta zr.anon.delta s1 s2
		kill $P; wait $P
		o "zr.anon.killed 0"
	else
		wait $P; o "zr.anon.exit_status $?"
		o "zr.anon.killed 1"
		snap s2; mem zr.after_anon; delta zr.anon.delta s1 s2
	fi
	tl_stop
	memcg_report zr.anon
	o "zr.oom_kills $(awk '/^oom_kill /{print $2}' /proc/vmstat)"
}

exp_thp() {
	set_sysctl /proc/sys/vm/zone_reclaim_mode "$ZR"
	[ -n "$PROACTIVE" ] && set_sysctl /proc/sys/vm/compaction_proactiveness "$PROACTIVE"
	o "thp.frag_mode $(qs $FRAG)"
	o "thp.policy $(qs $POLICY)"
	o "thp.compaction_proactiveness $(cat /proc/sys/vm/compaction_proactiveness 2>/dev/null)"
	snap s0
	T=$(up)
	FP=; PP=
	case "$FRAG" in
	anon|mlock)
		# fill node 0 (default policy: overflow goes to node 1), then free every odd-PFN page
		[ "$FRAG" = mlock ] && set_sysctl /proc/sys/vm/compact_unevictable_allowed 0
		rm -f /tmp/fready
		$NW frag --cpu $CPU --leave $FRAG_LEAVE_MB --ref-node 0 --mode $FRAG --policy "$FRAG_POLICY" --hold /tmp/fready --prefix thp.frag >&3 &
		FP=$!
		wait_ready /tmp/fready $FP || o "thp.frag.died 1"
		;;
	cache)
		mount_disk || return
		$NW cache --cpu $CPU --file /mnt/fill --leave $FRAG_LEAVE_MB --ref-node 0 --prefix thp.frag >&3
		;;
	esac
	if [ "$FRAG" != none ] && [ "$PLUG" = 1 ]; then
		# eat the remaining free order>=9 blocks of node 0 (THP faults with defrag=never, bound to node 0)
		rm -f /tmp/pready
		$NW plug --cpu $CPU --extra 0 --ref-node 0 --policy bind:0 --hold /tmp/pready --prefix thp.plug >&3 &
		PP=$!
		wait_ready /tmp/pready $PP || o "thp.plug.died 1"
	fi
	o "thp.frag.phase_s $(awk -v a=$T -v b=$(up) 'BEGIN{print b-a}')"
	o "thp.compact_unevictable_allowed $(cat /proc/sys/vm/compact_unevictable_allowed)"
	snap s1
	mem thp.after_frag
	delta thp.frag.delta s0 s1
	# free-area (buddy) state of each zone right before the THP fault
	awk '{z=$4; printf "@@ thp.after_frag.buddyinfo.n%s_%s \"", substr($2,1,length($2)-1), z; for(i=5;i<=NF;i++) printf "%s%s", $i, (i<NF?" ":""); print "\""}' /proc/buddyinfo >&3
	rm -f /tmp/tready
	T=$(up)
	tl_start thp.fault
	$NW thp --cpu $CPU --mb $THP_MB --policy "$POLICY" --hold /tmp/tready --prefix thp.fault >&3 &
	P=$!
	wait_ready /tmp/tready $P || o "thp.fault.died 1"
	o "thp.fault.phase_s $(awk -v a=$T -v b=$(up) 'BEGIN{print b-a}')"
	tl_stop
	snap s2
	mem thp.after_fault
	delta thp.fault.delta s1 s2
	awk '{z=$4; printf "@@ thp.after_fault.buddyinfo.n%s_%s \"", substr($2,1,length($2)-1), z; for(i=5;i<=NF;i++) printf "%s%s", $i, (i<NF?" ":""); print "\""}' /proc/buddyinfo >&3
	kill $P $PP $FP 2>/dev/null; wait
}

exp_tier() {
	set_sysctl /proc/sys/vm/zone_reclaim_mode "$ZR"
	D=/sys/kernel/debug/sched/numa_balancing
	[ -n "$SCAN_DELAY_MS" ] && set_sysctl $D/scan_delay_ms $SCAN_DELAY_MS
	[ -n "$SCAN_PERIOD_MIN_MS" ] && set_sysctl $D/scan_period_min_ms $SCAN_PERIOD_MIN_MS
	[ -n "$SCAN_PERIOD_MAX_MS" ] && set_sysctl $D/scan_period_max_ms $SCAN_PERIOD_MAX_MS
	[ -n "$SCAN_SIZE_MB" ] && set_sysctl $D/scan_size_mb $SCAN_SIZE_MB
	[ -n "$HOT_THRESHOLD_MS" ] && set_sysctl $D/hot_threshold_ms $HOT_THRESHOLD_MS
	[ -n "$PROMOTE_RATE_MBPS" ] && set_sysctl /proc/sys/kernel/numa_balancing_promote_rate_limit_MBps $PROMOTE_RATE_MBPS
	info_knobs tier
	o "tier.policy $(qs $POLICY)"
	snap s0
	if [ -n "$COLD_MB" ]; then CS="--cold-mb $COLD_MB"; else CS="--cold-extra $COLD_EXTRA_MB"; fi
	CP=
	[ -n "$COLD_POLICY" ] && CP="--cold-policy $COLD_POLICY"
	rm -f /tmp/ready
	$NW tier --cpu $CPU --hot-mb $HOT_MB $CS --cold-ref "$COLD_REF" --policy "$POLICY" $CP --secs $SECS --interval $INTERVAL --hold /tmp/ready --prefix tier >&3 &
	P=$!
	wait_ready /tmp/ready $P || o "tier.died 1"
	snap s1
	mem tier.end
	delta tier.delta s0 s1
	kill $P 2>/dev/null; wait
}

info_knobs() {
	o "$1.knobs.numa_balancing $(cat /proc/sys/kernel/numa_balancing)"
	o "$1.knobs.demotion_enabled $(qs $(cat /sys/kernel/mm/numa/demotion_enabled 2>/dev/null))"
	for f in scan_delay_ms scan_period_min_ms scan_period_max_ms scan_size_mb hot_threshold_ms; do
		[ -f /sys/kernel/debug/sched/numa_balancing/$f ] && o "$1.knobs.$f $(cat /sys/kernel/debug/sched/numa_balancing/$f)"
	done
	[ -f /proc/sys/kernel/numa_balancing_promote_rate_limit_MBps ] && o "$1.knobs.promote_rate_limit_MBps $(cat /proc/sys/kernel/numa_balancing_promote_rate_limit_MBps)"
	for t in /sys/devices/virtual/memory_tiering/memory_tier*; do
		[ -d "$t" ] && o "$1.knobs.tiers.$(basename $t) $(qs $(cat $t/nodelist 2>/dev/null))"
	done
}

exp_dontneed() {
	set_sysctl /proc/sys/vm/zone_reclaim_mode "$ZR"
	snap s0
	tl_start dn
	$CGW $NW dontneed --cpu $CPU --mb $DN_MB --policy "$POLICY" --pressure $PRESSURE ${PRESSURE_MB:+--pressure-mb $PRESSURE_MB} --cold-policy "$PRESSURE_POLICY" --prefix dn >&3
	tl_stop
	memcg_report dn.end
	o "dn.oom_kills $(awk '/^oom_kill /{print $2}' /proc/vmstat)"
	snap s1
	delta dn.delta s0 s1
}

exp_costs() {
	# the guest's own cost per page: faults, migration (numawl costs), a page cache read, and
	# reclaim of clean page cache (memory.reclaim of a memcg that read a file), all on cpu $CPU
	mount_disk || return
	$NW costs --cpu $CPU --mb ${COST_MB:-256} --prefix costs >&3
	$NW cache --cpu $CPU --file /mnt/fill --mb $FILE_MB --prefix costs.cache >&3
	echo 3 > /proc/sys/vm/drop_caches
	mkdir -p /sys/fs/cgroup
	mount -t cgroup2 none /sys/fs/cgroup
	echo +memory > /sys/fs/cgroup/cgroup.subtree_control
	mkdir -p /sys/fs/cgroup/r
	sh -c 'echo $$ > /sys/fs/cgroup/r/cgroup.procs && exec "$@"' sh $NW cache --cpu $CPU --file /mnt/fill --mb $FILE_MB --prefix costs.cache2 >&3
	o "costs.reclaim.file_before_kB $(awk '$1=="file"{print $2/1024}' /sys/fs/cgroup/r/memory.stat)"
	S0=$(awk '$1=="pgsteal"{print $2}' /sys/fs/cgroup/r/memory.stat)
	T0=$(up)
	taskset -c $CPU sh -c "echo $((FILE_MB * 1048576 * 3 / 4)) > /sys/fs/cgroup/r/memory.reclaim"
	T1=$(up)
	S1=$(awk '$1=="pgsteal"{print $2}' /sys/fs/cgroup/r/memory.stat)
	o "costs.reclaim.s $(awk -v a=$T0 -v b=$T1 'BEGIN{print b-a}')"
	o "costs.reclaim.pages $((S1 - S0))"
}

# ------------------------------------------------------------------ main
log "experiment=$EXP"
[ "$TIER" = kmem ] && setup_kmem
common_setup
setup_extras
info
o "boot.uptime_ready_s $(up)"
case "$EXP" in
zr) exp_zr ;;
thp) exp_thp ;;
tier) exp_tier ;;
dontneed) exp_dontneed ;;
costs) exp_costs ;;
info) ;;
shell) exec 3>&-; setsid cttyhack sh; ;;
*) o "error $(qs unknown experiment $EXP)" ;;
esac
log "done"
finish
