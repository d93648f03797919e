// One schema of every knob the language accepts. The checker validates against it, hover and
// completion read it, and the README's language reference is generated from it, so the three
// cannot drift apart. Names are the kernel's: sysctl names (`vm.*`, `kernel.*`) and the sysfs
// paths under /sys/kernel/mm (`transparent_hugepage.*`, `numa.*`). Behaviours that are no file
// but that the kernel version selects live under `model.*` (src/core/versions.ts decides their
// defaults), proposals that were never merged under `patch.*`, cost figures under `cost.*`.

export type KnobType =
  | { kind: 'int'; min: number; max: number }
  | { kind: 'number'; min: number; max: number }
  | { kind: 'enum'; values: string[] }
  | { kind: 'bool' }
  /** A quantity; the value is stored in the base unit of its dimension. */
  | { kind: 'quantity'; dimension: Dimension; min: number; max: number };

export type Dimension = 'size' | 'time' | 'rate' | 'bandwidth';

export interface Knob {
  name: string;
  type: KnobType;
  /** Default in the base unit (bytes, ns, per second, bytes per second) or enum/bool value. */
  default: number | string | boolean;
  /** How the value is written and shown: a unit for quantities and plain numbers ("kB", "ms", "%"). */
  unit: string;
  /** One line: what it means. */
  doc: string;
  /** The kernel's own name: the sysctl or sysfs file, or the commit/version for `model.*`. */
  kernelName: string;
}

const NS = 1;
const US = 1_000 * NS;
const MS = 1_000_000 * NS;
const S = 1_000_000_000 * NS;

/** One 4 KiB page migrated between nodes (Shivank Garg's move_pages(2) runs, docs/model.md). Reclaim's
 *  demotion is the same migrate_pages() call, so cost.demote_page starts from the same figure. */
const MIGRATE_PAGE_NS = 1200 * NS;

const int = (min: number, max: number): KnobType => ({ kind: 'int', min, max });
const oneOf = (...values: string[]): KnobType => ({ kind: 'enum', values });
const time = (min: number, max: number): KnobType => ({ kind: 'quantity', dimension: 'time', min, max });

export const KNOBS: readonly Knob[] = [
  // --- vm.* sysctls -------------------------------------------------------------------------
  {
    name: 'vm.zone_reclaim_mode', type: int(0, 7), default: 0, unit: 'bitmask',
    doc: 'Reclaim on the local node before falling back to a remote one: 1 reclaim page cache, 2 also write dirty pages, 4 also unmap and swap.',
    kernelName: '/proc/sys/vm/zone_reclaim_mode',
  },
  {
    name: 'vm.min_unmapped_ratio', type: int(0, 100), default: 1, unit: '%',
    doc: 'Node reclaim runs only while the node\'s unmapped page cache exceeds this share of its pages.',
    kernelName: '/proc/sys/vm/min_unmapped_ratio',
  },
  {
    name: 'vm.watermark_scale_factor', type: int(1, 3000), default: 10, unit: '1/10000',
    doc: 'Gap between the min, low, high and promo watermarks as a fraction of the node\'s memory (10 = 0.1%).',
    kernelName: '/proc/sys/vm/watermark_scale_factor',
  },
  {
    name: 'vm.min_free_kbytes', type: int(0, 1 << 30), default: 0, unit: 'kB',
    doc: 'Memory kept free for atomic allocations; sets the min watermark. 0 means computed as the kernel does (sqrt(16 x lowmem kB), raised for THP).',
    kernelName: '/proc/sys/vm/min_free_kbytes',
  },
  {
    name: 'vm.watermark_boost_factor', type: int(0, 1 << 30), default: 15000, unit: '1/10000',
    doc: 'After a fallback steals a pageblock of another migratetype, raise the node\'s watermarks by this share of the high watermark (15000 = 150%) and wake kswapd to reclaim it back; 0 disables boosting.',
    kernelName: '/proc/sys/vm/watermark_boost_factor',
  },
  {
    name: 'vm.extfrag_threshold', type: int(0, 1000), default: 500, unit: '',
    doc: 'Direct compaction for a huge page runs only when the fragmentation index is above this (failure due to fragmentation, not to lack of memory).',
    kernelName: '/proc/sys/vm/extfrag_threshold',
  },
  {
    name: 'vm.compaction_proactiveness', type: int(0, 100), default: 20, unit: '',
    doc: 'Proactive compaction (5.9+): every 500 ms kcompactd compacts a node whose fragmentation score (the share of free memory outside free 2 MiB blocks, weighted by zone size) is above 110 minus this, until each zone is down to 100 minus this; a run that does not lower the score waits 32 s. 0 turns it off.',
    kernelName: '/proc/sys/vm/compaction_proactiveness',
  },
  {
    name: 'vm.swappiness', type: int(0, 200), default: 60, unit: '',
    doc: 'Relative cost of reclaiming anonymous memory (swap) against page cache: 0 avoids swap, 200 treats them alike.',
    kernelName: '/proc/sys/vm/swappiness',
  },
  // --- kernel.numa_balancing* ---------------------------------------------------------------
  {
    name: 'kernel.numa_balancing', type: int(0, 3), default: 0, unit: 'mode',
    doc: 'Automatic NUMA balancing: 0 off, 1 migrate misplaced pages to the accessing CPU\'s node (two-stage cpupid filter, numa groups) and move tasks to their memory within cpus_allowed, 2 memory tiering (promote hot slow-tier pages), 3 both.',
    kernelName: '/proc/sys/kernel/numa_balancing',
  },
  {
    name: 'kernel.numa_balancing_scan_delay_ms', type: time(0, 3600 * S), default: 1000 * MS, unit: 'ms',
    doc: 'Delay after a task starts before its address space is first scanned.',
    kernelName: '/sys/kernel/debug/sched/numa_balancing/scan_delay_ms',
  },
  {
    name: 'kernel.numa_balancing_scan_period_min_ms', type: time(1 * MS, 3600 * S), default: 1000 * MS, unit: 'ms',
    doc: 'Shortest time between two scans of a task\'s address space.',
    kernelName: '/sys/kernel/debug/sched/numa_balancing/scan_period_min_ms',
  },
  {
    name: 'kernel.numa_balancing_scan_period_max_ms', type: time(1 * MS, 3600 * S), default: 60000 * MS, unit: 'ms',
    doc: 'Longest time between two scans of a task\'s address space.',
    kernelName: '/sys/kernel/debug/sched/numa_balancing/scan_period_max_ms',
  },
  {
    name: 'kernel.numa_balancing_scan_size_mb', type: int(1, 1 << 20), default: 256, unit: 'MB',
    doc: 'Address space unmapped (made PROT_NONE) per scan step; the next touch of each page takes a hint fault.',
    kernelName: '/sys/kernel/debug/sched/numa_balancing/scan_size_mb',
  },
  {
    name: 'kernel.numa_balancing_hot_threshold_ms', type: time(1 * MS, 3600 * S), default: 1000 * MS, unit: 'ms',
    doc: 'Tiering mode: a slow-tier page is promoted only if its hint fault comes within this time of the scan that unmapped it.',
    kernelName: '/sys/kernel/debug/sched/numa_balancing/hot_threshold_ms',
  },
  {
    name: 'kernel.numa_balancing_promote_rate_limit_MBps', type: int(1, 1 << 30), default: 65536, unit: 'MB/s',
    doc: 'Tiering mode: cap on promotion throughput per node; the hot threshold adjusts itself to meet it.',
    kernelName: '/proc/sys/kernel/numa_balancing_promote_rate_limit_MBps',
  },
  // --- transparent huge pages ----------------------------------------------------------------
  {
    name: 'transparent_hugepage.enabled', type: oneOf('always', 'madvise', 'never'), default: 'madvise', unit: '',
    doc: 'Where anonymous faults may get a 2 MiB page: everywhere, only in MADV_HUGEPAGE ranges, or nowhere.',
    kernelName: '/sys/kernel/mm/transparent_hugepage/enabled',
  },
  {
    name: 'transparent_hugepage.defrag', type: oneOf('always', 'defer', 'defer+madvise', 'madvise', 'never'), default: 'madvise', unit: '',
    doc: 'Whether a huge-page fault may stall in direct compaction and reclaim (always, or madvise for MADV_HUGEPAGE ranges) or only wakes kswapd/kcompactd (defer).',
    kernelName: '/sys/kernel/mm/transparent_hugepage/defrag',
  },
  {
    name: 'transparent_hugepage.khugepaged_defrag', type: { kind: 'bool' }, default: true, unit: '',
    doc: 'khugepaged may compact and reclaim (GFP_TRANSHUGE) to get the huge page it collapses into, on the node holding most of the range; off, it takes free 2 MiB blocks only (GFP_TRANSHUGE_LIGHT).',
    kernelName: '/sys/kernel/mm/transparent_hugepage/khugepaged/defrag',
  },
  {
    name: 'transparent_hugepage.khugepaged_pages_to_scan', type: int(1, 1 << 30), default: 4096, unit: 'pages',
    doc: 'Progress of one khugepaged scan, in pages: every 2 MiB range the cursor passes counts 512 whatever it holds, so 4096 is 8 ranges per wake-up.',
    kernelName: '/sys/kernel/mm/transparent_hugepage/khugepaged/pages_to_scan',
  },
  {
    name: 'transparent_hugepage.khugepaged_scan_sleep_millisecs', type: time(1 * MS, 3600 * S), default: 10000 * MS, unit: 'ms',
    doc: 'How long khugepaged sleeps after each scan.',
    kernelName: '/sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs',
  },
  {
    name: 'transparent_hugepage.khugepaged_alloc_sleep_millisecs', type: time(1 * MS, 3600 * S), default: 60000 * MS, unit: 'ms',
    doc: 'How long khugepaged sleeps when a scan fails to allocate a huge page; the scan then goes on, and a second failure ends it (thp_collapse_alloc_failed counts each).',
    kernelName: '/sys/kernel/mm/transparent_hugepage/khugepaged/alloc_sleep_millisecs',
  },
  {
    name: 'transparent_hugepage.khugepaged_max_ptes_none', type: int(0, 511), default: 511, unit: 'pages',
    doc: 'Empty PTEs a 2 MiB range may have and still be collapsed (the collapse fills them, raising RSS).',
    kernelName: '/sys/kernel/mm/transparent_hugepage/khugepaged/max_ptes_none',
  },
  {
    name: 'transparent_hugepage.khugepaged_max_ptes_swap', type: int(0, 511), default: 64, unit: 'pages',
    doc: 'Swap entries a 2 MiB range may have and still be collapsed: khugepaged reads them back in first (major faults), and only if at least half the range was referenced.',
    kernelName: '/sys/kernel/mm/transparent_hugepage/khugepaged/max_ptes_swap',
  },
  // --- tiering -------------------------------------------------------------------------------
  {
    name: 'numa.demotion_enabled', type: { kind: 'bool' }, default: false, unit: '',
    doc: 'Reclaim on a fast-tier node migrates cold pages to the next slower tier instead of swapping or dropping them.',
    kernelName: '/sys/kernel/mm/numa/demotion_enabled',
  },
  // --- model.*: behaviours the kernel version decides ----------------------------------------
  {
    name: 'model.thp_numa_placement', type: oneOf('thisnode', 'remote-fallback', 'local-light-then-any'), default: 'local-light-then-any', unit: '',
    doc: 'Where a MADV_HUGEPAGE fault looks for a huge page: only the local node with compaction and reclaim (__GFP_THISNODE), any node at once, or light local compaction then any node. The kernel version decides; setting it overrides the version.',
    kernelName: 'no file: alloc_pages_vma() / vma_alloc_folio() of the version (see the version table)',
  },
  {
    name: 'model.wmark_promo', type: { kind: 'bool' }, default: true, unit: '',
    doc: 'In tiering mode kswapd balances a fast node to WMARK_PROMO (high + gap) instead of high, leaving room for promotions. The kernel version decides (5.18+); setting it overrides the version.',
    kernelName: 'no file: WMARK_PROMO in pgdat_balanced(), c574bbe91703 (5.18)',
  },
  {
    name: 'model.promotion_filter', type: oneOf('none', 'hot-threshold'), default: 'hot-threshold', unit: '',
    doc: 'Which slow-tier hint faults promote: every one (5.18-5.19) or those within the hot threshold, with the rate limit and the threshold adjustment (6.0+). The kernel version decides; setting it overrides the version.',
    kernelName: 'no file: should_numa_migrate_memory() of the version (see the version table)',
  },
  // --- patch.*: proposals that were never merged ----------------------------------------------
  {
    name: 'patch.dontneed_sync_split', type: { kind: 'bool' }, default: false, unit: '',
    doc: 'MADV_DONTNEED on part of a huge page splits it and frees the range at once instead of queueing it for the deferred-split shrinker. A 2021 proposal; never merged.',
    kernelName: 'unmerged: synchronous THP split on MADV_DONTNEED (2021 proposal, docs/domain.md debate 4); the posting itself was not found in the archives searched',
  },
  {
    name: 'patch.tpp_active_lru_filter', type: { kind: 'bool' }, default: false, unit: '',
    doc: 'TPP\'s promotion filter: a demoted page goes to the inactive LRU, a first hint fault only activates it, a second one while active promotes it. Replaces model.promotion_filter when on. Never merged.',
    kernelName: 'unmerged: "[PATCH 0/5] Transparent Page Placement for Tiered-Memory", Hasan Al Maruf, linux-mm 2021-11-24 (cover.1637778851.git.hasanalmaruf@fb.com)',
  },
  // --- costs ---------------------------------------------------------------------------------
  {
    name: 'cost.tlb_miss_4k', type: time(0, 10 * US), default: 27 * NS, unit: 'ns',
    doc: 'Page walk of a random access that misses the TLB on 4 KiB pages, at the local node\'s latency (scaled by the page tables\' node latency over it, times the TLB miss share): the part huge pages save. 27 ns at 80 ns local: between AMD Naples (+43%) and numa-thp-bench (+22%), see docs/model.md.',
    kernelName: 'model cost (no kernel counterpart)',
  },
  {
    name: 'cost.tlb_miss_2m', type: time(0, 10 * US), default: 2 * NS, unit: 'ns',
    doc: 'Average page-walk cost added to an access on 2 MiB pages.',
    kernelName: 'model cost (no kernel counterpart)',
  },
  {
    name: 'cost.minor_fault', type: time(0, 1 * S), default: 2900 * NS, unit: 'us',
    doc: 'First touch of a 4 KiB anonymous page (zeroing included): 2.9 us, will-it-scale page_fault1 (fault, clear, later unmap of one page) at 346,634 per second per process, 16 processes, 2-socket Xeon E5-2650 v4, 5.13-rc1 (Zi Yan, linux-mm, 2021), see docs/model.md.',
    kernelName: 'model cost (handle_mm_fault)',
  },
  {
    name: 'cost.thp_fault', type: time(0, 1 * S), default: 170 * US, unit: 'us',
    doc: 'First touch of a 2 MiB page (zeroing 512 subpages): 170 us, 2 MiB at the 11.76 GB/s demand-fault rate Ankur Arora measured before sequential clearing (AMD Genoa, 2026), see docs/model.md.',
    kernelName: 'model cost (do_huge_pmd_anonymous_page)',
  },
  {
    name: 'cost.hint_fault', type: time(0, 1 * S), default: 1.58 * US, unit: 'us',
    doc: 'A NUMA hint fault that does not migrate: 1.58 us, will-it-scale page_fault3 (a fault on a page already in memory, no allocation or clearing; Zi Yan, Broadwell, 2021), the nearest measured fault, see docs/model.md.',
    kernelName: 'model cost (do_numa_page)',
  },
  {
    name: 'cost.migrate_page', type: time(0, 1 * S), default: MIGRATE_PAGE_NS, unit: 'us',
    doc: 'Migrating one 4 KiB page between nodes (promotion, demotion, NUMA balancing): 1.2 us from move_pages(2) throughput of 4 KiB folios between two DRAM nodes, see docs/model.md.',
    kernelName: 'model cost (migrate_pages)',
  },
  {
    name: 'cost.demote_page', type: time(0, 1 * S), default: MIGRATE_PAGE_NS, unit: 'us',
    doc: 'kswapd or direct reclaim demoting one 4 KiB page to a lower tier: the migrate_pages() call of shrink_folio_list() (unmap, copy, remap), so cost.migrate_page\'s 1.2 us; the LRU looks before it are cost.reclaim_page, see docs/model.md.',
    kernelName: 'model cost (demote_folio_list)',
  },
  {
    name: 'cost.reclaim_page', type: time(0, 1 * S), default: 200 * NS, unit: 'ns',
    doc: 'Reclaim looking at one folio on an LRU list (isolation, folio_check_references()), and freeing it when nothing maps it (clean page cache, swap cache written): 0.2 us, POSIX_FADV_DONTNEED of unmapped clean page cache timed on Linux 6.18 by bench/kernel-costs (our own runs). A mapped folio adds cost.rmap_walk at each look and cost.unmap_page when it is swapped out, see docs/model.md.',
    kernelName: 'model cost (shrink_folio_list)',
  },
  {
    name: 'cost.rmap_walk', type: time(0, 1 * S), default: 700 * NS, unit: 'ns',
    doc: 'What reclaim\'s look at a mapped folio (anonymous memory) adds to cost.reclaim_page: folio_referenced() walks the reverse map to each PTE that maps it and tests and clears its young bit. 0.7 us, the rmap walk of folio_mkclean() (fsync of page cache written through its one mapping, less one written by pwrite) timed on Linux 6.18 by bench/kernel-costs, see docs/model.md.',
    kernelName: 'model cost (folio_referenced)',
  },
  {
    name: 'cost.unmap_page', type: time(0, 1 * S), default: 800 * NS, unit: 'ns',
    doc: 'Unmapping one mapped folio that reclaim swaps out: try_to_unmap() (an rmap walk, the PTE cleared, the rmap and counters updated) and its share of the batched TLB flush. 0.8 us, MADV_PAGEOUT of a clean page mapped once (0.95-1.04 us) less cost.reclaim_page\'s unmapped page, timed on Linux 6.18 by bench/kernel-costs. Demotion\'s unmap is in cost.demote_page. See docs/model.md.',
    kernelName: 'model cost (try_to_unmap)',
  },
  {
    name: 'cost.compact_stall', type: time(0, 10 * S), default: 200 * US, unit: 'us',
    doc: 'One direct-compaction attempt for a huge page (light compaction costs a quarter).',
    kernelName: 'model cost (try_to_compact_pages)',
  },
  {
    name: 'cost.split_thp', type: time(0, 1 * S), default: 100 * US, unit: 'us',
    doc: 'Splitting one huge page into 512 base pages: 100 us, split_folio() of a PMD-mapped anonymous THP holding data, timed on Linux 6.18 by bench/kernel-costs (our own runs), see docs/model.md.',
    kernelName: 'model cost (split_huge_page)',
  },
  {
    name: 'cost.file_read', type: time(0, 1 * S), default: 2 * US, unit: 'us',
    doc: 'Bringing one 4 KiB file page into the page cache from a fast device.',
    kernelName: 'model cost (filemap_read)',
  },
];

// --- Ranges of the numbers that are not knobs ----------------------------------------------

/** The allowed range of a number written in a machine, swap, cgroup, run or workload block or
 *  in a phase: a physical bound with the reason for it, so `1e300 ns` of latency or an access
 *  rate of `1e-300/s` is an error at the value, never a run that overflows. Quantities are in
 *  the base unit of their dimension; `number` ranges are plain numbers. */
export interface NumberRange {
  /** Where the number is written, as the reference lists it. */
  where: string;
  dimension: Dimension | 'number';
  min: number;
  max: number;
  /** One line: why these bounds. */
  why: string;
}

const KIB = 1024;
const MIB = 1024 ** 2;
const TIB = 1024 ** 4;
const MINUTE = 60 * S;
/** The most memory a scenario can describe: 64 nodes of 64 TiB. */
const MACHINE_MAX = 64 * 64 * TIB;
const DAY = 1440 * MINUTE;

const range = (where: string, dimension: NumberRange['dimension'], min: number, max: number, why: string): NumberRange =>
  ({ where, dimension, min, max, why });

export const RANGES = {
  nodeMemory: range('`memory` of a node', 'size', 16 * MIB, 64 * TIB,
    'below 16 MiB the watermarks and per-node kernel memory leave nothing to allocate; no shipped machine has 64 TiB on one node'),
  nodeReserved: range('`reserved` of a node', 'size', 0, 64 * TIB, 'part of the node\'s memory, so at most its upper bound (and less than the node\'s memory)'),
  nodeLatency: range('`latency` of a node, and each entry of `access_latency_ns`', 'time', 1 * NS, 1 * MS,
    'an L1 cache hit takes about 1 ns; memory even behind a fabric switch answers within microseconds'),
  nodeBandwidth: range('`bandwidth` and `write_bandwidth` of a node', 'bandwidth', 100 * 1000 ** 2, 10 * 1000 ** 4,
    'a PCIe 1.0 x1 link carries 250 MB/s, slower than any memory device; a whole HBM3e GPU has about 8 TB/s'),
  nodeTier: range('`tier` of a node', 'number', 0, 16, 'more tiers than any machine has (DRAM, CXL, PMEM, far memory)'),
  distance: range('each entry of `distance`', 'number', 10, 254, 'the ACPI SLIT range: 10 is local, 255 means unreachable'),
  swapSize: range('`size` of `swap`', 'size', 0, MACHINE_MAX, 'up to the largest machine the language describes (64 nodes of 64 TiB)'),
  swapLatency: range('`latency` of `swap`', 'time', 100 * NS, 1 * S,
    'zram decompresses a page in about a microsecond; a hard disk under load seeks in tens of milliseconds'),
  swapBandwidth: range('`bandwidth` of `swap`', 'bandwidth', 1000 ** 2, 100 * 1000 ** 3,
    'from a hard disk doing random writes to a striped NVMe array'),
  cgroupLimit: range('`memory.max`, `memory.high`, `memory.low` of a cgroup', 'size', 0, MACHINE_MAX,
    'up to all memory of the largest machine the language describes'),
  duration: range('`duration` of `run`', 'time', 1 * MS, DAY, 'the simulation step is at least 1 ms; a day of simulated time is beyond any experiment'),
  sample: range('`sample` of `run`', 'time', 1 * MS, DAY, 'one sample per simulation step at most'),
  seed: range('`seed` of `run`', 'number', 0, 2 ** 32 - 1, 'the core\'s random generator takes a 32-bit seed'),
  phaseTime: range('`at TIME` of a phase', 'time', 0, DAY, 'within the longest run'),
  regionSize: range('the size of `alloc`, `read file`/`write file`, a `hotset` and `dontneed`', 'size', 1, MACHINE_MAX,
    'at least a byte, rounded up to a page; at most the largest machine, and the checker also compares it with this machine\'s memory'),
  offset: range('`from` of `dontneed`', 'size', 0, MACHINE_MAX, 'inside the largest region there can be'),
  byteRate: range('`rate` of `alloc` and of `read file`/`write file`', 'bandwidth', 1000, 10 * 1000 ** 4,
    'from a page every four seconds (slower shows nothing in a run) to the fastest memory\'s bandwidth'),
  accessRate: range('`rate` of `access`', 'rate', 1, 1e12,
    'at least one access a second; at most 4096 CPUs each doing a quarter of a billion accesses a second'),
  phaseDuration: range('`for TIME` of `access` and `moves every TIME` of a hot set', 'time', 1 * MS, DAY,
    'at least one simulation step, at most the longest run'),
  accessWork: range('`for N accesses` / `for N passes` of a closed-loop `access` and `moves every N accesses` / `moves every N passes` of a hot set', 'number', 1e-3, 1e15,
    'a thousandth of a pass at least; a million billion accesses is days of a 4096-CPU machine'),
  threads: range('`threads` of a workload', 'number', 1, 4096, 'at least one thread; as many as the CPUs the language allows'),
  computePerAccess: range('`compute_per_access` of a workload', 'time', 0, 1 * MS,
    'none (a bare pointer chase) up to a millisecond, beyond which memory no longer matters'),
  mlp: range('`mlp` of a workload', 'number', 1, 64, 'one dependent miss at a time up to more misses in flight than a core\'s miss buffers hold (10 to 48 on current cores)'),
  zipfExponent: range('the exponent of `zipf`', 'number', 0.01, 5, 'measured memory-access skews lie around 0.5 to 1.5; 0.01 is all but uniform, 5 all but one page'),
  weight: range('a weight of `weighted-interleave`', 'number', 1, 255, 'the kernel keeps each node\'s weight in one byte and refuses 0'),
} as const satisfies Record<string, NumberRange>;

/** A quantity in the largest unit of its dimension that writes it exactly (`100 MB/s`,
 *  `4 KiB/s`, `1440 min`), so a range message gives values the user can type. */
export function formatQuantity(dimension: NumberRange['dimension'], value: number): string {
  if (dimension === 'number') return String(value);
  const units = dimension === 'rate'
    ? Object.entries(COUNT_SUFFIXES).map(([k, m]) => [`${k}/s`, m] as const).concat([['/s', 1]])
    : Object.entries(UNITS[dimension]);
  const sorted = [...units].sort((a, b) => b[1] - a[1]);
  const exact = sorted.find(([, m]) => value >= m && Number.isInteger(+(value / m).toPrecision(9)));
  const [unit, mult] = exact ?? sorted.find(([, m]) => value >= m) ?? sorted[sorted.length - 1];
  const n = +(value / mult).toPrecision(6);
  return dimension === 'rate' ? `${n}${unit}` : `${n} ${unit}`;
}

/** "1 ns to 1 ms": a range as the reference and the checker's messages write it. */
export function formatRange(r: NumberRange): string {
  return `${formatQuantity(r.dimension, r.min)} to ${formatQuantity(r.dimension, r.max)}`;
}

const BY_NAME = new Map(KNOBS.map((k) => [k.name, k]));

/** What kind of thing a knob name is: a file the kernel has, or a choice of the model. */
export type KnobKind = 'sysctl' | 'sysfs' | 'debugfs' | 'model' | 'patch' | 'cost';

export const KNOB_KIND_TEXT: Record<KnobKind, string> = {
  sysctl: 'sysctl file',
  sysfs: 'sysfs file',
  debugfs: 'debugfs file',
  model: 'model choice: a behaviour the kernel version selects, not a file',
  patch: 'unmerged patch: a proposal no released kernel has',
  cost: 'model cost: what an event costs in the simulation',
};

export function knobKind(k: Knob): KnobKind {
  if (k.name.startsWith('cost.')) return 'cost';
  if (k.name.startsWith('model.')) return 'model';
  if (k.name.startsWith('patch.')) return 'patch';
  if (k.kernelName.startsWith('/proc/sys/')) return 'sysctl';
  if (k.kernelName.startsWith('/sys/kernel/debug/')) return 'debugfs';
  return 'sysfs';
}

/** Names that were renamed because they were not kernel files: old name, new name, and how a
 *  value carries over (undefined when it is the same). */
export interface RenamedKnob { old: string; name: string; value?: (old: string) => string }

export const RENAMED_KNOBS: readonly RenamedKnob[] = [
  { old: 'transparent_hugepage.numa_fallback', name: 'model.thp_numa_placement' },
  { old: 'transparent_hugepage.split_on_dontneed', name: 'patch.dontneed_sync_split', value: (v) => (v === 'sync' ? 'true' : 'false') },
  { old: 'numa.wmark_promo', name: 'model.wmark_promo' },
  { old: 'numa.promotion_filter', name: 'model.promotion_filter' },
];

/** `numa.promotion_filter = tpp` becomes TPP's unmerged filter, not a value of the model knob. */
export function renamedSetting(old: string, value: string): { name: string; value: string } | undefined {
  const r = RENAMED_KNOBS.find((x) => x.old === old);
  if (!r) return undefined;
  if (old === 'numa.promotion_filter' && value === 'tpp') return { name: 'patch.tpp_active_lru_filter', value: 'true' };
  return { name: r.name, value: r.value ? r.value(value) : value };
}

export function knob(name: string): Knob | undefined {
  return BY_NAME.get(name);
}

export function defaultKnobs(): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  for (const k of KNOBS) out[k.name] = k.default;
  return out;
}

// --- Units ------------------------------------------------------------------------------------

/** Multipliers to the base unit of each dimension. Binary and decimal sizes both, as the kernel
 *  mixes them (meminfo says kB and means KiB; we follow the user's spelling exactly). */
export const UNITS: Record<Dimension, Record<string, number>> = {
  size: {
    B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4,
    kB: 1000, MB: 1000 ** 2, GB: 1000 ** 3, TB: 1000 ** 4,
  },
  time: { ns: NS, us: US, ms: MS, s: S, min: 60 * S },
  /** Events per second: `/s` after a count, with an optional k/M/G multiplier on the number. */
  rate: { '/s': 1 },
  bandwidth: {
    'B/s': 1, 'KiB/s': 1024, 'MiB/s': 1024 ** 2, 'GiB/s': 1024 ** 3,
    'kB/s': 1000, 'MB/s': 1000 ** 2, 'GB/s': 1000 ** 3, 'TB/s': 1000 ** 4,
  },
};

/** The dimension a unit belongs to, or undefined. */
export function unitDimension(unit: string): Dimension | undefined {
  for (const dim of Object.keys(UNITS) as Dimension[]) if (unit in UNITS[dim]) return dim;
  return undefined;
}

/** Count multipliers allowed on a bare number: `50M/s`, `2k`. */
export const COUNT_SUFFIXES: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9 };

/** Formats a knob's value in the unit it is written in, for hover and the reference. */
export function formatKnobValue(k: Knob, value: number | string | boolean): string {
  if (typeof value !== 'number') return String(value);
  if (k.type.kind === 'quantity') {
    const mult = UNITS[k.type.dimension][k.unit] ?? 1;
    return `${+(value / mult).toPrecision(6)} ${k.unit}`;
  }
  return k.unit && !['bitmask', 'mode', '1/10000'].includes(k.unit) ? `${value} ${k.unit}` : String(value);
}
