// Kernel versions: which behaviours, settings and /proc/vmstat counters a kernel release has.
// `version = X.Y` (or `5.3-rc5`) in a scenario picks one consistent set; each row below cites
// the commit that introduced or changed the behaviour. Ids were checked against the kernel's
// history and the mailing-list archives where the row says "verified"; where a detail could
// not be established the row says so in `certainty` and the tool says it too (hover, docs).

export interface KernelVersion {
  major: number;
  minor: number;
  /** Release candidate number; null for the release itself (which sorts after every rc). */
  rc: number | null;
}

/** The version a scenario without `version =` runs: Debian's linux-image-amd64, which our
 *  real-kernel data (kernel-data/) was measured on. */
export const DEFAULT_KERNEL = '6.1';
/** The oldest version the table describes: THP NUMA placement's history starts at 4.0. */
export const OLDEST_KERNEL = '4.0';

export function parseKernelVersion(text: string): KernelVersion | null {
  const m = /^(\d{1,2})\.(\d{1,3})(?:-rc(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), rc: m[3] === undefined ? null : Number(m[3]) };
}

/** Negative when a is older than b. A release candidate is older than its release. */
export function compareKernel(a: KernelVersion, b: KernelVersion): number {
  if (a.major !== b.major) return a.major - b.major;
  if (a.minor !== b.minor) return a.minor - b.minor;
  if (a.rc === b.rc) return 0;
  return (a.rc ?? Infinity) - (b.rc ?? Infinity);
}

function parsed(text: string): KernelVersion {
  const v = parseKernelVersion(text);
  if (!v) throw new Error(`not a kernel version: ${text}`);
  return v;
}

/** Does `version` have what `since` introduced? */
export function atLeast(version: string, since: string): boolean {
  return compareKernel(parsed(version), parsed(since)) >= 0;
}

export interface Era {
  /** First version with this behaviour. */
  since: string;
  /** The behaviour, in the language's words (a `model.*` value, "yes", a counter set). */
  value: string;
  /** The commit (12 hex digits) that made it so. */
  commit: string;
  note: string;
}

export interface VersionRow {
  id: string;
  title: string;
  /** What it decides in a scenario: a knob, a setting's value, counters. */
  governs: string;
  /** Oldest first; a version takes the last era whose `since` it has reached. */
  eras: Era[];
  /** What was verified and what is unclear. */
  certainty: string;
  /** How the simulation follows the row. */
  modelled: string;
}

export type ThpPlacement = 'thisnode' | 'remote-fallback' | 'local-light-then-any';

export const VERSION_TABLE: readonly VersionRow[] = [
  {
    id: 'thp-numa-placement',
    title: 'THP NUMA placement of MADV_HUGEPAGE faults',
    governs: 'model.thp_numa_placement',
    eras: [
      { since: '4.0', value: 'remote-fallback', commit: '077fcf116c8c', note: 'mm/thp: allocate transparent hugepages on local node. It prefers the local node through alloc_pages_exact_node() but sets no __GFP_THISNODE, so the node\'s whole zonelist is tried (as 5265047ac301 explains).' },
      { since: '4.1', value: 'thisnode', commit: '5265047ac301', note: 'mm, thp: really limit transparent hugepage allocation to local node: __GFP_THISNODE, compaction and reclaim only on the local node. Posted in Feb 2015 as a 4.0 fix; committed in April 2015, after 4.0.' },
      { since: '4.20-rc1', value: 'remote-fallback', commit: 'ac5b2c18911f', note: 'mm: thp: relax __GFP_THISNODE for MADV_HUGEPAGE mappings (Arcangeli; Hocko posted the same change on 2018-08-29). Merged in November 2018.' },
      { since: '4.20-rc6', value: 'thisnode', commit: '2f0799a0ffc0', note: 'mm, thp: restore node-local hugepage allocations (Rientjes), December 2018. No released kernel from 4.1 to 5.2 has the relaxation.' },
      { since: '5.3-rc5', value: 'remote-fallback', commit: 'a8282608c88e', note: 'Revert "mm, thp: restore node-local hugepage allocations": Arcangeli\'s re-post of May 2019 (acked by Hocko on 2019-07-30) applied again. 5.3 shipped with it.' },
      { since: '5.4-rc1', value: 'local-light-then-any', commit: 'ac79f78dab89', note: 'Reverts a8282608c88e together with "mm, page_alloc: allow hugepage fallback to remote nodes when madvised" (Rientjes): first the local node with __GFP_THISNODE|__GFP_NORETRY, then every node. cc638f329ef6 (Babka, in 5.4) makes the local attempt compaction only, with no reclaim.' },
    ],
    certainty: 'Ids 077fcf116c8c, 5265047ac301, a8282608c88e, ac79f78dab89 and cc638f329ef6 verified in the commit messages that cite them. ac5b2c18911f and 2f0799a0ffc0 as docs/domain.md gives them; that the relaxation was reverted before 4.20 was released is verified, but the rc (rc1, rc6) each first appeared in is inferred from commit dates, not checked against tags.',
    modelled: 'yes: the default of model.thp_numa_placement',
  },
  {
    id: 'watermark-boost',
    title: 'Watermark boosting after external fragmentation',
    governs: 'vm.watermark_boost_factor',
    eras: [
      { since: '5.0', value: 'yes', commit: '1c30844d2dfe', note: 'mm: reclaim small amounts of memory when an external fragmentation event occurs: vm.watermark_boost_factor, default 15000.' },
    ],
    certainty: 'Id and release verified (later fixes cite it). The same commit makes boosted kswapd reclaim without swap or writeback (may_swap = may_writepage = !nr_boost_reclaim); in 5.1 the kswapd wake moved from steal_suitable_fallback() to rmqueue() (ZONE_BOOSTED_WATERMARK), which the model does not tell apart. Checked against 6.1-era mm/vmscan.c balance_pgdat() and wakeup_kswapd().',
    modelled: 'yes from 5.0: a migratetype fallback (src/core/page_alloc.ts migratetypeFallback; the simple model is a kernel allocation on a node with no free pageblock left) raises the zone\'s marks by a pageblock up to the factor x high and wakes kswapd, which reclaims the boost from clean page cache while allocations whose zonelist goes on leave the node; before 5.0 nothing boosts',
  },
  {
    id: 'kcompactd',
    title: 'kcompactd: background compaction woken for an order',
    governs: 'compaction after kswapd or a THP fault without direct reclaim; counters compact_daemon_wake, compact_daemon_migrate_scanned, compact_daemon_free_scanned',
    eras: [
      { since: '4.6', value: 'kcompactd', commit: '698b1b30642f', note: 'mm, compaction: introduce kcompactd (Babka). kswapd stops compacting itself (accf62422b3a) and wakes kcompactd when it goes to sleep after reclaiming for a high order; wakeup_kswapd() wakes kcompactd directly when the node is balanced or hopeless and the allocation may not reclaim. compact_daemon_wake counts kcompactd_do_work() runs.' },
      { since: '4.11', value: 'kcompactd with scan counters', commit: '7f354a548d1c', note: 'mm, compaction: add vmstats for kcompactd work (Rientjes): compact_daemon_migrate_scanned and compact_daemon_free_scanned.' },
    ],
    certainty: 'Ids and subjects verified in commit messages that cite them (7f354a548d1c is named in a Fixes: tag and in the 4.11 merge window\'s shortlog next to the defer+madvise option). The loop checked against mainline mm/compaction.c: kcompactd_do_work() compacts each zone at MIGRATE_SYNC_LIGHT for kcompactd_max_order, skipping deferred zones and zones where the order already fits the min mark, and defers after COMPACT_COMPLETE or COMPACT_PARTIAL_SKIPPED.',
    modelled: 'from 4.6: src/core/compaction.ts wakeupKcompactd/kcompactdRun, order 9 only; before 4.6 kswapd\'s own compaction is not modelled (no background compaction). The scan counters are counted from 4.6 (4.6-4.10 lack them)',
  },
  {
    id: 'proactive-compaction',
    title: 'Proactive compaction (vm.compaction_proactiveness)',
    governs: 'vm.compaction_proactiveness',
    eras: [
      { since: '5.9', value: 'proactive', commit: 'facdaa917c4d', note: 'mm: proactive compaction (Nitin Gupta): every HPAGE_FRAG_CHECK_INTERVAL_MSEC (500 ms) kcompactd compacts a node whose fragmentation score is above the high mark (100 - proactiveness + 10) until each zone is at the low mark; default proactiveness 20. A run that leaves the score where it was defers the next by 1 << COMPACT_MAX_DEFER_SHIFT checks (32 s).' },
      { since: '6.3', value: 'proactive, counted as kcompactd work', commit: '1bfb7684db12', note: 'mm: compaction: count the migration scanned pages events for proactive compaction: proactive runs add to compact_daemon_*_scanned too.' },
    ],
    certainty: 'facdaa917c4d verified (subject, author, 2020-08-11; a bisect between v5.8 and v5.9 names it). 40d7e2032007 (5.12) makes __compact_finished() use the unweighted zone score and the node score the zone-size-weighted sum, as the model does. 1bfb7684db12\'s release inferred from the commits around it in mm-stable (the migrate_pages stats series of 6.3), not checked against a tag; the corpus\'s 6.1 guests count proactive scans in compact_migrate_scanned only (thp frag phases: 7800-20100 pages, compact_daemon_* 0).',
    modelled: 'from 5.9: src/core/compaction.ts kcompactdRun (score, marks, kswapd_is_running, the 32 s deferral); the per-zone score is the node\'s (the pageblock model keeps free blocks per node). Before 5.9 vm.compaction_proactiveness is a setting the kernel lacks (warned; if kept, run as a backport)',
  },
  {
    id: 'deferred-split',
    title: 'Deferred THP split on partial unmap (MADV_DONTNEED)',
    governs: 'what MADV_DONTNEED on part of a THP does; counters thp_deferred_split_page, thp_split_pmd, thp_split_page (thp_split before)',
    eras: [
      { since: '4.0', value: 'split at once', commit: '', note: 'Before the THP refcounting rework, zapping part of a PMD-mapped THP splits it with split_huge_page(): the unmapped subpages are freed at once. The counter is thp_split.' },
      { since: '4.5', value: 'deferred', commit: '9a982250f773', note: 'thp: introduce deferred_split_huge_page(): a partially unmapped THP waits on a queue until the shrinker splits it under memory pressure. Counters thp_split_page, thp_split_pmd, thp_deferred_split_page.' },
    ],
    certainty: 'Id of 9a982250f773 verified; its release (4.5, the THP refcounting series of January 2016) and the counter rename (thp_split to thp_split_page) are from the same series and not checked against tags.',
    modelled: 'yes',
  },
  {
    id: 'memcg-deferred-split',
    title: 'Per-memcg deferred split queues',
    governs: 'whether cgroup reclaim (memory.max, memory.high) runs the deferred split shrinker',
    eras: [
      { since: '4.5', value: 'global queue only', commit: '9a982250f773', note: 'One queue per node; the shrinker is not memcg aware, so reclaim inside a cgroup cannot split its deferred THPs (premature memcg OOM).' },
      { since: '5.4-rc1', value: 'per memcg', commit: '87eaceb3faa5', note: 'mm: thp: make deferred split shrinker memcg aware (Yang Shi).' },
    ],
    certainty: 'Id verified; merged in the 5.4 merge window (September 2019).',
    modelled: 'yes',
  },
  {
    id: 'demotion',
    title: 'Demotion to a slower node during reclaim',
    governs: 'numa.demotion_enabled; counters pgdemote_kswapd, pgdemote_direct',
    eras: [
      { since: '5.15-rc1', value: 'yes', commit: '26aa2d199d6f', note: 'mm/migrate: demote pages during reclaim (Dave Hansen, Huang Ying), with /sys/kernel/mm/numa/demotion_enabled (ABI dated June 2021) and the pgdemote_* counters from the same series.' },
    ],
    certainty: 'Id of 26aa2d199d6f verified; the sysfs file and the counters are from the same series (id of the counter commit not verified).',
    modelled: 'yes: before 5.15 numa.demotion_enabled is a setting the kernel lacks (warned; if kept, run as a backport)',
  },
  {
    id: 'migrate-flush-batching',
    title: 'TLB flushes when migrate_pages() unmaps mapped pages',
    governs: 'the unmap cost of demotion by reclaim (cost.demote_page times Ying\'s measured ratio before 6.3)',
    eras: [
      { since: '4.0', value: 'per page', commit: '', note: 'Before the batching, unmap_and_move() migrates one page at a time; its try_to_unmap(TTU_MIGRATION) (later try_to_migrate()) clears each present PTE with ptep_clear_flush(): a TLB flush, an IPI to every other CPU running the mm, waited for before the next page.' },
      { since: '6.3-rc1', value: 'batched', commit: '7e12beb8ca2a', note: '"migrate_pages: batch flushing TLB" (Huang Ying; the series "migrate_pages(): batch TLB flushing", v1 rebased on 6.2-rc1): unmap a batch of up to HPAGE_PMD_NR pages, flush once, then copy and remap. His cover letter: migratepages of a running pmbench on a 2-socket Intel server, -99.1% TLB-flush IPIs, +291.7% pages migrated per second.' },
    ],
    certainty: 'The commit is in jirislaby/linux next_master pushed on 2023-02-22 (the 6.3 merge window; 6.2 was released on 2023-02-19) and LKP reported it from torvalds master ("[linus:master]") on 2023-03-20, before 6.3 (2023-04-23) and after 6.3-rc1 (2023-03-05): merged for 6.3-rc1. The release tag itself was not read. Promotions by hint fault send no IPI in either era: their PTE is PROT_NONE and ptep_clear_flush() flushes only accessible PTEs (4d4b6d66db "mm,unmap: avoid flushing TLB in batch if PTE is inaccessible", April 2023, does the same for the batch).',
    modelled: 'yes: before 6.3 each demoted page with a present PTE costs reclaim 3.917 times cost.demote_page while the owner runs on another CPU than the reclaimer (src/core/vmscan.ts unbatchedFlushNs); the interrupted CPUs\' time is not modelled (no citable per-IPI figure, docs/model.md)',
  },
  {
    id: 'tiering-mode',
    title: 'NUMA balancing memory tiering mode and WMARK_PROMO',
    governs: 'kernel.numa_balancing = 2 or 3; model.wmark_promo; counter pgpromote_success',
    eras: [
      { since: '5.18-rc1', value: 'yes', commit: 'c574bbe91703', note: 'NUMA balancing: optimize page placement for memory tiering system (Huang Ying): kernel.numa_balancing=2 promotes hint-faulted slow-tier pages, pgpromote_success counts them, and kswapd balances a fast node to WMARK_PROMO (high + gap) so promotions find room.' },
    ],
    certainty: 'Id and title verified. That WMARK_PROMO came with the same commit is from the series description and docs/domain.md, not checked in the diff.',
    modelled: 'yes: model.wmark_promo defaults to true from 5.18, false before',
  },
  {
    id: 'hot-page-selection',
    title: 'Hot page selection, promotion rate limit and threshold adjustment',
    governs: 'model.promotion_filter; kernel.numa_balancing_hot_threshold_ms; kernel.numa_balancing_promote_rate_limit_MBps; counter pgpromote_candidate',
    eras: [
      { since: '5.18-rc1', value: 'none', commit: 'c574bbe91703', note: 'Tiering mode promotes every hint-faulted slow-tier page.' },
      { since: '6.0-rc1', value: 'hot-threshold', commit: 'c6833e10008f', note: 'The 6.0 series "memory tiering: hot page selection" (Huang Ying, July 2022): promote only if the hint fault came within hot_threshold_ms of the scan; c6833e10008f "memory tiering: rate limit NUMA migration throughput" adds numa_balancing_promote_rate_limit_MBps and counts pgpromote_candidate; a third patch adjusts the threshold to meet the limit.' },
    ],
    certainty: 'Id of c6833e10008f verified (posting 20220713083954.34196-3-ying.huang@intel.com); the ids of the hot-selection and threshold-adjustment patches of the same series are not verified here.',
    modelled: 'yes: model.promotion_filter defaults to hot-threshold from 6.0, none before',
  },
  {
    id: 'memory-tiers',
    title: 'Explicit memory tiers (mm/memory-tiers.c, abstract distance)',
    governs: 'a node\'s `tier` setting',
    eras: [
      { since: '5.15-rc1', value: 'implicit', commit: '26aa2d199d6f', note: 'Tiers follow from CPUs: nodes with CPUs are the top tier and CPU-less nodes the next, with demotion targets by distance.' },
      { since: '6.1-rc1', value: 'explicit', commit: '', note: '"mm/demotion: Add support for explicit memory tiers" (Aneesh Kumar K.V, v13 posted 2022-08-08): tiers by abstract distance, so a CPU-less node can share the top tier or a third tier can exist.' },
    ],
    certainty: 'Release verified (6.1); the mainline commit id of the series is not established here.',
    modelled: 'yes: before 6.1 a node\'s tier is 0 with CPUs and 1 without, whatever `tier` says (warned)',
  },
  {
    id: 'mglru',
    title: 'Multi-generational LRU',
    governs: 'nothing: the model reclaims from the two-list (active/inactive) LRU',
    eras: [
      { since: '6.1-rc1', value: 'available', commit: '', note: 'MGLRU merged for 6.1 (CONFIG_LRU_GEN; /sys/kernel/mm/lru_gen/enabled).' },
    ],
    certainty: 'Release verified; commit id not established here. Whether a given distribution enables it by default is a configuration question.',
    modelled: 'not simulated: every version reclaims as the classic LRU does (a 6.1+ kernel with lru_gen off)',
  },
  {
    id: 'weighted-interleave',
    title: 'Weighted interleave mempolicy',
    governs: 'mempolicy = weighted-interleave(...)',
    eras: [
      { since: '6.9-rc1', value: 'yes', commit: '', note: 'MPOL_WEIGHTED_INTERLEAVE and /sys/kernel/mm/mempolicy/weighted_interleave/nodeN (ABI dated January 2024), merged with mm-stable-2024-03-13 (merge 902861e34c40) for 6.9.' },
    ],
    certainty: 'Release verified from the merge; the id of the commit adding the policy is not established here.',
    modelled: 'yes: before 6.9 it is a setting the kernel lacks (warned; if kept, run as a backport)',
  },
  {
    id: 'zone-reclaim-default',
    title: 'vm.zone_reclaim_mode default',
    governs: 'the default of vm.zone_reclaim_mode',
    eras: [
      { since: '4.0', value: '0', commit: '4f9b16a64753', note: 'Off by default since 3.16 ("mm: disable zone_reclaim_mode by default"); before, the kernel turned it on at boot when a node distance exceeded RECLAIM_DISTANCE. Every version in this table defaults to 0.' },
    ],
    certainty: 'The 3.16 change is from memory and not verified here. Separately, 648b5cf368e0 renumbered the mode bits and 519983645a9f restored them (verified, Feb 2021, sent to stable); kernels in between read 1 as "write dirty pages" — not modelled.',
    modelled: 'yes: default 0 in every version',
  },
  {
    id: 'zone-reclaim-success',
    title: 'zone_reclaim_success counter',
    governs: 'counter zone_reclaim_success',
    eras: [
      { since: '6.12-rc1', value: 'yes', commit: '', note: '"mm: added node_reclaim successes to VM event counters" (Matthew Cassell), posted 2024-07-22 (20240722171316.7517-1-mcassell411@gmail.com). Not in 6.1: the vmstat measured on 6.1 in kernel-data/ has zone_reclaim_failed only.' },
    ],
    certainty: 'Posting verified and absence from 6.1 verified; the mainline commit id is not established here, and the release it first appeared in (6.12) is inferred from the posting date, not checked against tags.',
    modelled: 'yes: the counter is in results from 6.12 only',
  },
  {
    id: 'thp-swap',
    title: 'THP swap-out as a unit (CONFIG_THP_SWAP on x86_64)',
    governs: 'whether reclaim swaps a THP whole or splits it first; counters thp_swpout, thp_swpout_fallback',
    eras: [
      { since: '4.0', value: 'split first', commit: '', note: 'Before THP swap, shrink_page_list() splits every THP before add_to_swap(): its subpages are swapped one by one.' },
      { since: '4.13-rc1', value: 'split after a swap cluster', commit: '38d8b4e6bdc8', note: '"mm, THP, swap: delay splitting THP during swap out" (Huang Ying; v8 posted 2017-04-06, v10 in May 2017): a THP gets a whole swap cluster (x86_64 selects the option in the same patch) and is split only after entering the swap cache; the I/O is still per page. The same 2017 series splits a THP without a PMD map first, so its unmapped tail pages are freed without I/O.' },
      { since: '4.14-rc1', value: 'whole', commit: 'bd4c82c22c36', note: '"mm, THP, swap: delay splitting THP after swapped out": the THP is written and freed as one unit. fe490cc0fe9e "mm, THP, swap: add THP swapping out fallback counting", in the same series, adds thp_swpout and thp_swpout_fallback (a THP split because no swap cluster was free).' },
    ],
    certainty: 'Ids from the commits\' own Fixes: tags and a bisect log in the lore archives; the releases from the 4.14 merge shortlog that lists bd4c82c22c36 and fe490cc0fe9e with "mm, swap: VMA based swap readahead", and from the 2017 posting dates for 38d8b4e6bdc8. x86_64 has had THP swap since then, not only since 5.8.',
    modelled: 'yes: 4.14+ swaps a reclaimed THP whole while a free cluster (512 free swap slots, taken as packed) remains, else splits it and counts thp_swpout_fallback; earlier versions split first. The counters are in results from 4.14 only',
  },
  {
    id: 'anon-lru',
    title: 'Where new anon pages start on the LRU, and what a referenced one gets',
    governs: 'which list a faulted or swapped-in anon page joins, whether a referenced anon page on the inactive list gets a second trip or is activated at once, and whether swapped-out pages leave workingset shadow entries; counters workingset_*_anon',
    eras: [
      { since: '4.0', value: 'active first', commit: '', note: 'Before 5.9, do_anonymous_page() and do_huge_pmd_anonymous_page() put a new anon page on the active list (lru_cache_add_active_or_unevictable), do_swap_page() activates the page it maps (activate_page), and page_check_references() activates a swap-backed page with a young PTE at once (PageSwapBacked: PAGEREF_ACTIVATE, no PAGEREF_KEEP trip). Workingset detection is for page cache only: an anon eviction leaves no shadow entry.' },
      { since: '5.9', value: 'inactive first', commit: 'b518154e59aa', note: '"mm/vmscan: protect the workingset on anonymous LRU" (Joonsoo Kim): new and swapped-in anon pages go to the inactive list, and a referenced anon page gets the look-twice rule mapped page cache had. aae466b0052e ("mm/swap: implement workingset detection for anonymous LRU", same series) makes a swapped-out page leave a shadow entry and activates a swap-in by its refault distance, with the workingset_*_anon counters.' },
    ],
    certainty: 'The 4.19 page_check_references() (the PageSwapBacked early activation) read in mm/vmscan.c of a 4.19 tree; the do_swap_page()/do_anonymous_page() lines from b518154e59aa\'s own diff (lru_cache_add_active_or_unevictable becomes lru_cache_add_inactive_or_unevictable, activate_page removed). Both commits are in the 5.9 merge (Joonsoo Kim\'s series, August 2020).',
    modelled: 'yes: src/core/lru.ts lruAdd (a fault or swap-in joins the active list before 5.9), src/core/vmscan.ts shrinkInactive (a young anon page is activated at once before 5.9) and evict/refault (no anon shadows before 5.9); the counters are in results from 5.9 only. get_scan_count()\'s pre-5.9 balance (recent_rotated/recent_scanned) is not modelled: every version uses lru_note_cost',
  },
  {
    id: 'reclaim-throttle',
    title: 'How kswapd waits for pages under writeback',
    governs: 'how long kswapd stalls when the pages it scanned were all under writeback and marked for immediate reclaim (nr_immediate)',
    eras: [
      { since: '4.0', value: 'congestion_wait', commit: '', note: 'Before 5.16, shrink_node() (shrink_zone() before 4.8) calls congestion_wait(BLK_RW_ASYNC, HZ/10) for kswapd when sc->nr.immediate: it sleeps until a backing device leaves congestion or 100 ms pass, and a blk-mq queue is never marked congested, so it sleeps the whole 100 ms.' },
      { since: '5.16-rc1', value: 'until writeback progress', commit: '8cd7c588decf', note: '"mm/vmscan: throttle reclaim until some writeback completes if congested" (Mel Gorman, the series that removed congestion_wait from mm/): reclaim_throttle(pgdat, VMSCAN_THROTTLE_WRITEBACK) sleeps until SWAP_CLUSTER_MAX pages per throttled task of the node end writeback (acct_reclaim_writeback from __folio_end_writeback), or HZ/10.' },
    ],
    certainty: 'The commit id and its place in the 5.16 merge (with 69392a403f49 and d818fca1cac3 of the same series) from the kernel history and Mel Gorman\'s own reference to it on linux-mm; the 4.19 code (shrink_node, page_check_dirty_writeback: anon pages never count as dirty or congested, so direct reclaim does not wait_iff_congested for swap) read in mm/vmscan.c of that era.',
    modelled: 'yes: a kswapd pass that frees nothing while pages of its node are under swap writeback stalls kswapd for 100 ms before 5.16, and until 32 of them complete (at most 100 ms) from 5.16; direct reclaim itself is not throttled for swap writeback in either, and an order-0 allocation whose reclaim fell short waits for the writes it needs (at most 100 ms a retry) in both',
  },
  {
    id: 'khugepaged-alloc-nodes',
    title: 'Where khugepaged allocates the huge page it collapses into',
    governs: 'the nodes a khugepaged collapse may allocate on',
    eras: [
      { since: '4.0', value: 'one node, round robin among ties', commit: '', note: 'Before 6.1-rc6, khugepaged_alloc_page() allocates with __GFP_THISNODE on khugepaged_find_target_node()\'s node: the node holding the most of the range\'s pages; among nodes tied for most, the next after the last one chosen ("do some balance if several nodes have the same hit record", last_khugepaged_target_node, Bob Liu\'s patch of 2013).' },
      { since: '6.1-rc6', value: 'nodes tied for most', commit: 'e031ff96b334', note: '"mm: khugepaged: allow page allocation fallback to eligible nodes" (Yang Shi), in the 6.1-rc6 mm hotfixes: the allocation may use every node tied for the most pages (alloc_nmask), without __GFP_THISNODE.' },
    ],
    certainty: 'The commit and its release from the 6.1-rc6 merge log (listed with f53af4285d77 "mm: vmscan: fix extreme overreclaim and swap floods"); the older behaviour from the commit\'s subject and mm/khugepaged.c of later releases.',
    modelled: 'yes: a range whose pages are split evenly between nodes (interleave) may collapse onto any of them from 6.1-rc6; before, onto one of them, taken in turn',
  },
  {
    id: 'oom-kill-counter',
    title: 'oom_kill counter',
    governs: 'counter oom_kill',
    eras: [
      { since: '4.13-rc1', value: 'yes', commit: '8e675f7af507', note: '"mm, oom: count global and memory cgroup oom kills" (Roman Gushchin).' },
    ],
    certainty: 'From memory: neither the id nor the release is verified here.',
    modelled: 'yes: the counter is in results from 4.13 only',
  },
];

const ROWS = new Map(VERSION_TABLE.map((r) => [r.id, r]));

/** The era of a row that `version` is in, or null before the row's first era. */
export function eraAt(rowId: string, version: string): Era | null {
  const row = ROWS.get(rowId);
  if (!row) throw new Error(`no version row ${rowId}`);
  let found: Era | null = null;
  for (const e of row.eras) if (atLeast(version, e.since)) found = e;
  return found;
}

export function versionRow(rowId: string): VersionRow | undefined {
  return ROWS.get(rowId);
}

/** The behaviours the simulation takes from the version (not from a knob). */
export interface KernelBehaviour {
  version: string;
  /** 4.5+: a partial unmap queues the THP for deferred split; before, it splits at once. */
  deferredSplit: boolean;
  /** 5.4+: cgroup reclaim runs the deferred split shrinker. */
  memcgDeferredSplit: boolean;
  /** 6.1+: a node's tier is what the scenario says; before, CPU-less nodes are tier 1. */
  explicitTiers: boolean;
  /** 5.0+: a migratetype fallback boosts the zone's watermarks and wakes kswapd. */
  watermarkBoost: boolean;
  /** 4.14+: reclaim swaps a THP out whole when a swap cluster is free (THP_SWAP). */
  thpSwap: boolean;
  /** 4.6+: kcompactd compacts for an order kswapd or a THP fault asked for. */
  kcompactd: boolean;
  /** 5.9+: kcompactd compacts a fragmented node on its timer (vm.compaction_proactiveness). */
  proactiveCompaction: boolean;
  /** 6.3+: proactive runs count in compact_daemon_*_scanned too. */
  proactiveDaemonCounters: boolean;
  /** 6.1-rc6+: a khugepaged collapse may allocate on every node tied for the most pages. */
  collapseTiedNodes: boolean;
  /** 6.3+: migrate_pages() flushes the TLB once per batch; before, once per mapped page. */
  batchedMigrateFlush: boolean;
  /** 5.16+: kswapd meeting writeback waits for writeback progress, not a whole HZ/10. */
  writebackThrottle: boolean;
  /** 5.9+: new anon pages start inactive and get a second look; anon evictions leave shadow
   *  entries. Before, they start active and a referenced one is activated at once. */
  anonInactiveFirst: boolean;
}

export function kernelBehaviour(version: string): KernelBehaviour {
  return {
    version,
    deferredSplit: eraAt('deferred-split', version)?.value === 'deferred',
    memcgDeferredSplit: eraAt('memcg-deferred-split', version)?.value === 'per memcg',
    explicitTiers: eraAt('memory-tiers', version)?.value === 'explicit',
    watermarkBoost: eraAt('watermark-boost', version)?.value === 'yes',
    thpSwap: eraAt('thp-swap', version)?.value === 'whole',
    kcompactd: eraAt('kcompactd', version) !== null,
    proactiveCompaction: eraAt('proactive-compaction', version) !== null,
    proactiveDaemonCounters: eraAt('proactive-compaction', version)?.value === 'proactive, counted as kcompactd work',
    collapseTiedNodes: eraAt('khugepaged-alloc-nodes', version)?.value === 'nodes tied for most',
    batchedMigrateFlush: eraAt('migrate-flush-batching', version)?.value === 'batched',
    writebackThrottle: eraAt('reclaim-throttle', version)?.value === 'until writeback progress',
    anonInactiveFirst: eraAt('anon-lru', version)?.value === 'inactive first',
  };
}

/** Defaults of the `model.*` knobs that a version decides. */
export function versionModelDefaults(version: string): Record<string, string | boolean> {
  return {
    'model.thp_numa_placement': eraAt('thp-numa-placement', version)!.value,
    'model.wmark_promo': eraAt('tiering-mode', version) !== null,
    'model.promotion_filter': eraAt('hot-page-selection', version)?.value ?? 'none',
  };
}

const MODEL_ROWS: Record<string, string> = {
  'model.thp_numa_placement': 'thp-numa-placement',
  'model.wmark_promo': 'tiering-mode',
  'model.promotion_filter': 'hot-page-selection',
};

/** How a `model.*` knob's default changes with the version: from OLDEST_KERNEL, then at each
 *  era of its row, with the commit of that era. */
export function modelDefaultHistory(name: string): { since: string; value: string; commit: string }[] {
  const rowId = MODEL_ROWS[name];
  if (!rowId) return [];
  const out = [{ since: OLDEST_KERNEL, value: String(versionModelDefaults(OLDEST_KERNEL)[name]), commit: '' }];
  for (const e of ROWS.get(rowId)!.eras) {
    const value = String(versionModelDefaults(e.since)[name]);
    if (e.since === OLDEST_KERNEL) out[0] = { since: e.since, value, commit: e.commit };
    else if (value !== out[out.length - 1].value) out.push({ since: e.since, value, commit: e.commit });
  }
  return out;
}

/** Settings, and setting values, that a version must have reached. */
export interface Requirement {
  /** Knob name, `kernel.numa_balancing=2`-style value, `mempolicy=weighted-interleave` or `node.tier`. */
  what: string;
  rowId: string;
}

export const SETTING_REQUIREMENTS: Record<string, string> = {
  'vm.watermark_boost_factor': 'watermark-boost',
  'vm.compaction_proactiveness': 'proactive-compaction',
  'numa.demotion_enabled': 'demotion',
  'kernel.numa_balancing=2': 'tiering-mode',
  'kernel.numa_balancing=3': 'tiering-mode',
  'kernel.numa_balancing_hot_threshold_ms': 'hot-page-selection',
  'kernel.numa_balancing_promote_rate_limit_MBps': 'hot-page-selection',
  'mempolicy=weighted-interleave': 'weighted-interleave',
  'node.tier': 'memory-tiers',
};

/** First version that has `what` (a SETTING_REQUIREMENTS key), or null when every version has it. */
export function requiredVersion(what: string): string | null {
  const rowId = SETTING_REQUIREMENTS[what];
  if (!rowId) return null;
  const row = ROWS.get(rowId)!;
  // For the rows with an "absent" first era, the requirement is the era that brings it.
  const era = rowId === 'hot-page-selection' ? row.eras[1] : rowId === 'memory-tiers' ? row.eras[1] : row.eras[0];
  return era.since;
}

/** /proc/vmstat counters that appeared in a version: the row that brings each. */
const COUNTER_ROWS: Record<string, string> = {
  pgdemote_kswapd: 'demotion',
  pgdemote_direct: 'demotion',
  pgpromote_success: 'tiering-mode',
  pgpromote_candidate: 'hot-page-selection',
  thp_split_pmd: 'deferred-split',
  thp_deferred_split_page: 'deferred-split',
  zone_reclaim_success: 'zone-reclaim-success',
  oom_kill: 'oom-kill-counter',
  thp_swpout: 'thp-swap',
  thp_swpout_fallback: 'thp-swap',
  compact_daemon_wake: 'kcompactd',
  compact_daemon_migrate_scanned: 'kcompactd',
  compact_daemon_free_scanned: 'kcompactd',
  workingset_refault_anon: 'anon-lru',
  workingset_activate_anon: 'anon-lru',
  workingset_restore_anon: 'anon-lru',
};

/** The first version with a counter (null: every version in the table has it). */
export function counterSince(counter: string): string | null {
  const rowId = COUNTER_ROWS[counter];
  if (!rowId) return null;
  const row = ROWS.get(rowId)!;
  if (rowId === 'hot-page-selection') return row.eras[1].since;
  if (rowId === 'deferred-split') return row.eras[1].since;
  if (rowId === 'thp-swap') return row.eras[2].since;
  if (rowId === 'anon-lru') return row.eras[1].since;
  return row.eras[0].since;
}

/** The name a counter has in a version (thp_split_page was thp_split before 4.5), or null
 *  when the version has no such counter. */
export function counterNameAt(counter: string, version: string): string | null {
  const since = counterSince(counter);
  if (since && !atLeast(version, since)) return null;
  if (counter === 'thp_split_page' && !kernelBehaviour(version).deferredSplit) return 'thp_split';
  return counter;
}

/** Counters as a version prints them: absent ones dropped, renamed ones renamed, order kept. */
export function countersAt<T>(counts: Record<string, T>, version: string): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [name, value] of Object.entries(counts)) {
    const at = counterNameAt(name, version);
    if (at !== null) out[at] = value;
  }
  return out;
}
