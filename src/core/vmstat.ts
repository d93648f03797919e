// /proc/vmstat counters, named exactly as the kernel names them (mm/vmstat.c vmstat_text[]).
// Page counters count 4 KiB pages; event counters count events.

export const VMSTAT_COUNTERS = [
  'numa_hit', 'numa_miss', 'numa_foreign', 'numa_local', 'numa_other',
  'numa_pte_updates', 'numa_hint_faults', 'numa_hint_faults_local', 'numa_pages_migrated',
  'pgpromote_success', 'pgpromote_candidate', 'pgdemote_kswapd', 'pgdemote_direct',
  'pgmigrate_success', 'pgmigrate_fail',
  'pgscan_kswapd', 'pgscan_direct', 'pgsteal_kswapd', 'pgsteal_direct',
  'allocstall', 'pswpin', 'pswpout', 'pgmajfault', 'pgfault',
  'compact_stall', 'compact_success', 'compact_fail',
  'compact_migrate_scanned', 'compact_free_scanned', 'compact_isolated',
  'compact_daemon_wake', 'compact_daemon_migrate_scanned', 'compact_daemon_free_scanned',
  'thp_fault_alloc', 'thp_fault_fallback', 'thp_collapse_alloc', 'thp_collapse_alloc_failed', 'thp_split_page', 'thp_split_pmd', 'thp_deferred_split_page', 'thp_swpout', 'thp_swpout_fallback',
  'zone_reclaim_success', 'zone_reclaim_failed',
  'kswapd_low_wmark_hit_quickly', 'kswapd_high_wmark_hit_quickly', 'pageoutrun',
  'slabs_scanned', 'oom_kill',
  'pgactivate', 'pgdeactivate', 'pgrefill',
  'workingset_refault_anon', 'workingset_refault_file', 'workingset_activate_anon', 'workingset_activate_file',
  'workingset_restore_anon', 'workingset_restore_file',
  // Model counters named by the language's metric list: kswapd wakeups (the kernel counts
  // pageoutrun), and pages demoted again after a promotion (ping-pong).
  'kswapd_wakeups', 'numa_promotion_pingpong',
] as const;

export type VmstatCounter = (typeof VMSTAT_COUNTERS)[number];

/** The counters sampled over time into the result's series (the rest only at the end). */
export const SAMPLED_COUNTERS: readonly VmstatCounter[] = [
  'numa_miss', 'pgscan_kswapd', 'pgscan_direct', 'pgsteal_kswapd', 'pgsteal_direct',
  'pswpin', 'pswpout', 'pgpromote_success', 'pgpromote_candidate', 'pgdemote_kswapd', 'pgdemote_direct',
  'numa_hint_faults', 'numa_pages_migrated', 'compact_stall', 'thp_fault_alloc', 'thp_fault_fallback',
  'thp_split_page', 'thp_deferred_split_page', 'zone_reclaim_success', 'oom_kill', 'numa_promotion_pingpong',
  // Sampled so a phase's own stalls and compactions can be told from earlier phases' (the
  // real-kernel corpus compares counters over one phase).
  'allocstall', 'compact_success', 'zone_reclaim_failed', 'thp_split_pmd', 'compact_daemon_wake',
  // Thrashing over time: refaults of evicted pages and those the workingset check activated.
  'workingset_refault_anon', 'workingset_refault_file', 'workingset_activate_anon', 'workingset_activate_file',
];

export class Vmstat {
  readonly counts: Record<VmstatCounter, number>;

  constructor() {
    const c = {} as Record<VmstatCounter, number>;
    for (const name of VMSTAT_COUNTERS) c[name] = 0;
    this.counts = c;
  }

  add(name: VmstatCounter, n: number): void {
    if (n > 0) this.counts[name] += n;
  }

  /** numa_hit/miss/foreign/local/other for `pages` allocated on `node` (zone_statistics()). */
  countNumaAlloc(preferredNode: number, node: number, cpuNode: number, pages: number): void {
    if (node === preferredNode) this.add('numa_hit', pages);
    else {
      this.add('numa_miss', pages);
      this.add('numa_foreign', pages);
    }
    if (node === cpuNode) this.add('numa_local', pages);
    else this.add('numa_other', pages);
  }

  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const name of VMSTAT_COUNTERS) out[name] = Math.round(this.counts[name]);
    return out;
  }
}
