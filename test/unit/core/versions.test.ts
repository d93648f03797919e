// The version table, row by row: a small scenario runs at versions on either side of each
// change, and the results differ where the table says and nowhere else. "Nowhere else" is
// checked by comparing everything a run produces (placement, costs, events, series) except the
// counter set, which is itself a row of the table and checked on its own.

import * as assert from 'node:assert/strict';
import { runScenarioSet } from '../../../src/core';
import type { VariantResult } from '../../../src/core/result';
import {
  VERSION_TABLE, atLeast, compareKernel, counterNameAt, countersAt, eraAt, kernelBehaviour, modelDefaultHistory,
  parseKernelVersion, versionModelDefaults,
} from '../../../src/core/versions';
import { compile } from '../../../src/language';
import type { Scenario } from '../../../src/language/model';

/** Compiles `text` with one variant per version; returns results and diagnostics by version. */
function atVersions(text: string, versions: string[]) {
  const variants = versions.map((v, i) => `variant v${i} {\n  version = ${v}\n}\n`).join('');
  const c = compile(`${text}\n${variants}`);
  const errors = c.diagnostics.filter((d) => d.severity === 'error');
  assert.ok(c.set && errors.length === 0, errors.map((e) => e.message).join('; '));
  const r = runScenarioSet(c.set!);
  const byVersion = new Map<string, VariantResult>();
  const scenarios = new Map<string, Scenario>();
  versions.forEach((v, i) => {
    byVersion.set(v, r.variants.find((x) => x.name === `v${i}`)!);
    scenarios.set(v, c.set!.variants.find((x) => x.variant === `v${i}`)!);
  });
  return { results: byVersion, scenarios, diagnostics: c.diagnostics, text: c.text };
}

/** Everything a run produced except its kernel label and its counter set; counters are kept
 *  where every compared version has them. */
function behaviour(v: VariantResult, counters: string[]): string {
  const keep = (m: Record<string, unknown>) => Object.fromEntries(counters.map((c) => [c, m[c]]));
  return JSON.stringify({
    summary: { ...v.summary, vmstat: keep(v.summary.vmstat) },
    series: { ...v.series, vmstat: keep(v.series.vmstat) },
    events: v.events,
  });
}

/** Counters every one of the results has. */
function common(results: VariantResult[]): string[] {
  return Object.keys(results[0].summary.vmstat).filter((c) => results.every((r) => c in r.summary.vmstat));
}

/** Asserts that the versions of each group behave identically and that groups differ. */
function groups(results: Map<string, VariantResult>, expected: string[][]): void {
  const all = [...results.values()];
  const counters = common(all);
  const print = (v: string) => behaviour(results.get(v)!, counters);
  for (const g of expected) for (const v of g.slice(1)) assert.equal(print(v), print(g[0]), `${v} should behave as ${g[0]}`);
  for (let i = 0; i + 1 < expected.length; i++) assert.notEqual(print(expected[i][0]), print(expected[i + 1][0]), `${expected[i][0]} and ${expected[i + 1][0]} should differ`);
}

const TWO_NODES = `machine {
  node 0 { memory = 2 GiB  cpus = 0-3 }
  node 1 { memory = 2 GiB  cpus = 4-7 }
  swap { size = 2 GiB  latency = 80 us  bandwidth = 1 GB/s }
}
`;

/** A MADV_HUGEPAGE buffer bigger than what node 0 has free: placement decides everything. */
const THP_PRESSURE = (boost = '') => `scenario "thp"
${TWO_NODES}
kernel {
  transparent_hugepage.enabled = madvise
  transparent_hugepage.defrag = madvise
  ${boost}
}
workload cache { node = 0
  at 0 s  read file logs 1 GiB rate 4 GB/s
  at 1 s  exit
}
workload app { node = 0
  at 2 s  alloc buf 1800 MiB MADV_HUGEPAGE rate 4 GB/s
  at 2 s  access buf uniform rate 5M/s writes 50% for 6 s
}
run { duration = 8 s  sample = 100 ms  seed = 1 }
`;

/** A tiered machine: DRAM node 0 with CPUs, CPU-less node 1 in tier 1. */
const TIERED = (kernel: string, node1 = 'tier = 1') => `scenario "tiered"
machine {
  node 0 { memory = 2 GiB  cpus = 0-3  latency = 80 ns }
  node 1 { memory = 4 GiB  cpus = none  ${node1}  latency = 170 ns }
}
kernel {
  transparent_hugepage.enabled = never
${kernel}
}
workload app { node = 0
  at 0 s  alloc data 3 GiB rate 4 GB/s
  at 1 s  access data hotset 512 MiB hot 95% moves every 4 s rate 20M/s writes 20% for 11 s
}
run { duration = 12 s  sample = 250 ms  seed = 7 }
`;

describe('core/versions: the table itself', () => {
  it('parses X.Y and X.Y-rcN, and orders a release candidate before its release', () => {
    assert.deepEqual(parseKernelVersion('5.3-rc5'), { major: 5, minor: 3, rc: 5 });
    assert.equal(parseKernelVersion('5.3.1'), null);
    assert.equal(parseKernelVersion('six'), null);
    const cmp = (a: string, b: string) => Math.sign(compareKernel(parseKernelVersion(a)!, parseKernelVersion(b)!));
    assert.equal(cmp('5.3-rc5', '5.3'), -1);
    assert.equal(cmp('5.3-rc4', '5.3-rc5'), -1);
    assert.equal(cmp('5.10', '5.9'), 1);
    assert.equal(cmp('6.1', '6.1'), 0);
    assert.ok(atLeast('4.5', '4.5') && !atLeast('4.4', '4.5') && atLeast('5.18', '5.18-rc1'));
  });

  it('cites a commit or says it is not established, for every era, oldest first', () => {
    for (const row of VERSION_TABLE) {
      assert.ok(row.certainty.length > 20 && row.modelled.length > 0, row.id);
      for (const e of row.eras) {
        assert.ok(/^[0-9a-f]{12}$/.test(e.commit) || (e.commit === '' && /not established|Before/.test(row.certainty + e.note)), `${row.id} ${e.since}`);
      }
      for (let i = 1; i < row.eras.length; i++) assert.ok(!atLeast(row.eras[i - 1].since, row.eras[i].since), `${row.id} eras out of order`);
    }
  });

  it('gives the THP placement of each episode: 4.19 thisnode, 5.3-rc5 remote, 6.1 light-then-any', () => {
    const p = (v: string) => versionModelDefaults(v)['model.thp_numa_placement'];
    assert.deepEqual(['4.0', '4.1', '4.19', '4.20-rc1', '4.20-rc6', '4.20', '5.2', '5.3-rc4', '5.3-rc5', '5.3', '5.4-rc1', '6.1'].map(p),
      ['remote-fallback', 'thisnode', 'thisnode', 'remote-fallback', 'thisnode', 'thisnode', 'thisnode', 'thisnode', 'remote-fallback', 'remote-fallback', 'local-light-then-any', 'local-light-then-any']);
    assert.equal(modelDefaultHistory('model.thp_numa_placement').length, 6);
  });

  it('names counters as each version does, and drops the ones it lacks', () => {
    const counts = { thp_split_page: 3, thp_deferred_split_page: 2, pgpromote_success: 1, pgpromote_candidate: 4, pgdemote_kswapd: 5, zone_reclaim_success: 6, oom_kill: 0, numa_hit: 7 };
    assert.deepEqual(countersAt(counts, '4.4'), { thp_split: 3, numa_hit: 7 });
    assert.deepEqual(Object.keys(countersAt(counts, '5.15')), ['thp_split_page', 'thp_deferred_split_page', 'pgdemote_kswapd', 'oom_kill', 'numa_hit']);
    assert.deepEqual(Object.keys(countersAt(counts, '5.18')), ['thp_split_page', 'thp_deferred_split_page', 'pgpromote_success', 'pgdemote_kswapd', 'oom_kill', 'numa_hit']);
    assert.ok('pgpromote_candidate' in countersAt(counts, '6.0') && !('zone_reclaim_success' in countersAt(counts, '6.1')));
    assert.ok('zone_reclaim_success' in countersAt(counts, '6.12'));
    assert.equal(counterNameAt('oom_kill', '4.12'), null);
    assert.equal(counterNameAt('oom_kill', '4.13'), 'oom_kill');
  });

  it('vm.zone_reclaim_mode defaults to 0 in every version of the table (3.16 turned it off)', () => {
    const r = atVersions(`scenario "z"\nmachine preset two-socket\nworkload w { node = 0\n  at 0 s alloc a 64 MiB\n}\nrun { duration = 1 s }\n`, ['4.0', '5.8', '6.12']);
    for (const s of r.scenarios.values()) assert.equal(s.knobs['vm.zone_reclaim_mode'], 0);
    assert.equal(eraAt('zone-reclaim-default', '6.12')!.value, '0');
  });
});

describe('core/versions: each row changes the run where the table says, and nowhere else', function () {
  this.timeout(120000);

  it('THP NUMA placement: 4.0 | 4.1 .. 4.19 | 4.20-rc1 | 4.20-rc6 .. 5.3-rc4 | 5.3-rc5, 5.3 | 5.4-rc1 .. 6.9 (anon LRU order changes at 5.9)', () => {
    const vs = ['4.0', '4.1', '4.19', '4.20-rc1', '4.20-rc5', '4.20-rc6', '4.20', '5.2', '5.3-rc4', '5.3-rc5', '5.3', '5.4-rc1', '5.4', '5.8', '5.9', '6.1', '6.9'];
    // Without watermark boosting (5.0), which changes the run on its own (test below).
    const { results } = atVersions(THP_PRESSURE('vm.watermark_boost_factor = 0'), vs);
    // 4.0 and 4.20-rc1 take remote huge pages at once, as 5.3-rc5 does; but 4.0 and 4.20-rc1
    // also lack later rows (deferred split, counters), which this scenario does not touch.
    // 5.9 (anon-lru) puts new anon pages on the inactive list: the placement is 5.4's, the
    // Active/Inactive split is not.
    groups(results, [['4.0', '4.20-rc1', '4.20-rc5', '5.3-rc5', '5.3'], ['4.1', '4.19', '4.20-rc6', '4.20', '5.2', '5.3-rc4'], ['5.4-rc1', '5.4', '5.8'], ['5.9', '6.1', '6.9']]);
    const resident = (v: string) => JSON.stringify(results.get(v)!.summary.workloads.map((w) => w.resident_kB_by_node));
    assert.equal(resident('6.1'), resident('5.4'));
    const vm = (v: string) => results.get(v)!.summary.vmstat;
    // __GFP_THISNODE reclaims node 0's page cache and falls back to base pages; the others
    // leave the cache and take huge pages from node 1.
    assert.ok(vm('4.19').pgsteal_direct > 0 && vm('4.19').thp_fault_fallback > 0);
    for (const v of ['4.0', '5.3-rc5', '6.1']) assert.ok(vm(v).pgsteal_direct === 0 && vm(v).thp_fault_fallback === 0, v);
    const thpOnNode1 = (v: string) => results.get(v)!.summary.nodes[1].AnonHugePages;
    assert.equal(thpOnNode1('4.19'), 0);
    assert.ok(thpOnNode1('5.3-rc5') > 0 && thpOnNode1('6.1') > 0);
  });

  it('watermark boosting (5.0): draining node 0 boosts its watermarks and kswapd reclaims the boost from page cache; factor 0 runs as 4.20', () => {
    const { results } = atVersions(THP_PRESSURE(), ['4.20', '5.0']);
    const off = atVersions(THP_PRESSURE('vm.watermark_boost_factor = 0'), ['5.0']).results.get('5.0')!;
    const counters = common([...results.values(), off]);
    assert.equal(behaviour(results.get('4.20')!, counters), behaviour(off, counters));
    const vm = (v: VariantResult) => v.summary.vmstat;
    const boosted = results.get('5.0')!;
    // 4.20 never wakes kswapd here (node 1 takes what node 0 cannot); 5.0 reclaims node 0's
    // page cache although the allocations succeed on node 1, and neither swaps.
    assert.equal(vm(results.get('4.20')!).pgsteal_kswapd, 0);
    assert.ok(vm(boosted).pgsteal_kswapd >= 512, String(vm(boosted).pgsteal_kswapd));
    assert.equal(vm(boosted).pswpout, 0);
    assert.ok(boosted.events.some((e) => e.kind === 'kswapd_wake' && /watermark boosted/.test(e.cause)));
  });

  // No swap: what memory.max reclaim cannot free, it cannot make room for.
  const DONTNEED = `scenario "d"
machine {
  node 0 { memory = 2 GiB  cpus = 0-3 }
  node 1 { memory = 2 GiB  cpus = 4-7 }
}
kernel { transparent_hugepage.enabled = madvise }
cgroup svc { memory.max = 1200 MiB }
workload app { node = 0
  cgroup = svc
  at 0 s  alloc heap 768 MiB MADV_HUGEPAGE rate 4 GB/s
  at 1 s  dontneed heap 1 MiB per 2 MiB
  at 2 s  alloc more 640 MiB rate 2 GB/s
}
run { duration = 4 s  sample = 50 ms  seed = 3 }
`;

  it('deferred split (4.5): before, a partial MADV_DONTNEED splits and frees at once (counter thp_split)', () => {
    const { results } = atVersions(DONTNEED, ['4.0', '4.4', '4.5', '5.3']);
    groups(results, [['4.0', '4.4'], ['4.5', '5.3']]);
    const old = results.get('4.4')!, now = results.get('4.5')!;
    assert.ok(old.summary.vmstat.thp_split > 0 && !('thp_deferred_split_page' in old.summary.vmstat) && !('thp_split_page' in old.summary.vmstat));
    assert.ok(now.summary.vmstat.thp_deferred_split_page > 0);
    // memory.current drops at the DONTNEED before 4.5, not after.
    const at = (v: VariantResult, ms: number) => v.series.cgroups[0].memory_current[v.series.t_ms.findIndex((t) => t >= ms)];
    assert.ok(at(old, 1500) < at(old, 900) * 0.6);
    assert.equal(at(now, 1500), at(now, 900));
  });

  it('per-memcg deferred split queues (5.4): before, memory.max reclaim cannot split, and the cgroup OOMs', () => {
    const { results } = atVersions(DONTNEED, ['4.5', '5.3', '5.4-rc1', '5.8', '6.1']);
    groups(results, [['4.5', '5.3'], ['5.4-rc1', '5.8']]);
    const vm = (v: string) => results.get(v)!.summary.vmstat;
    assert.ok(vm('5.3').oom_kill > 0, `5.3 oom_kill ${vm('5.3').oom_kill}`);
    assert.equal(vm('5.3').thp_split_page, 0);
    assert.equal(vm('6.1').oom_kill, 0);
    assert.ok(vm('6.1').thp_split_page > 0);
  });

  it('demotion (5.15): before, demotion_enabled is a backport the result lists, and pgdemote_* are absent', () => {
    const { results, diagnostics, text } = atVersions(TIERED('  numa.demotion_enabled = true'), ['5.14', '5.15', '5.17']);
    groups(results, [['5.14', '5.15', '5.17']]);
    assert.deepEqual(results.get('5.14')!.simulated_kernel!.overrides, ['numa.demotion_enabled (backported: needs 5.15)']);
    assert.deepEqual(results.get('5.15')!.simulated_kernel!.overrides, []);
    assert.ok(!('pgdemote_kswapd' in results.get('5.14')!.summary.vmstat));
    assert.ok(results.get('5.15')!.summary.vmstat.pgdemote_kswapd > 0);
    const d = diagnostics.filter((x) => x.code === 'version-lacks');
    assert.equal(d.length, 1);
    assert.equal(text.slice(d[0].start, d[0].end), 'numa.demotion_enabled');
    assert.match(d[0].message, /needs 5\.15 or later; version is 5\.14/);
  });

  it('tiering mode and WMARK_PROMO (5.18): 5.17 backports mode 2 without WMARK_PROMO; 5.18 adds both and pgpromote_success', () => {
    const { results } = atVersions(TIERED('  numa.demotion_enabled = true\n  kernel.numa_balancing = 2'), ['5.17', '5.18', '5.19']);
    groups(results, [['5.17'], ['5.18', '5.19']]);
    assert.deepEqual(results.get('5.17')!.simulated_kernel!.overrides, ['kernel.numa_balancing=2 (backported: needs 5.18)']);
    assert.ok(!('pgpromote_success' in results.get('5.17')!.summary.vmstat) && 'pgpromote_success' in results.get('5.18')!.summary.vmstat);
    const promoWakes = (v: string) => results.get(v)!.events.filter((e) => e.kind === 'kswapd_wake' && e.cause.startsWith('promotion failed')).length;
    assert.ok(results.get('5.18')!.summary.vmstat.pgpromote_success > 0);
    assert.ok(promoWakes('5.17') > 0);
    // With WMARK_PROMO kswapd leaves room, so more promotions succeed.
    assert.ok(results.get('5.18')!.summary.vmstat.numa_pages_migrated > results.get('5.17')!.summary.vmstat.numa_pages_migrated);
  });

  it('hot page selection (6.0): 5.19 promotes every candidate; 6.0 filters by the hot threshold and counts pgpromote_candidate', () => {
    const { results } = atVersions(TIERED('  numa.demotion_enabled = true\n  kernel.numa_balancing = 2'), ['5.18', '5.19', '6.0-rc1', '6.0', '6.1']);
    groups(results, [['5.18', '5.19'], ['6.0-rc1', '6.0', '6.1']]);
    const vm = (v: string) => results.get(v)!.summary.vmstat;
    assert.ok(!('pgpromote_candidate' in vm('5.19')) && vm('6.0').pgpromote_candidate >= vm('6.0').pgpromote_success);
    assert.ok(vm('6.0').pgpromote_success < vm('5.19').pgpromote_success, `${vm('6.0').pgpromote_success} vs ${vm('5.19').pgpromote_success}`);
  });

  it('memory tiers (6.1): a CPU-less node declared tier 0 is the slow tier before 6.1, a top-tier node from 6.1', () => {
    const { results, diagnostics } = atVersions(TIERED('  numa.demotion_enabled = true', 'tier = 0'), ['5.15', '6.0', '6.1-rc1', '6.1']);
    groups(results, [['5.15', '6.0'], ['6.1-rc1', '6.1']]);
    assert.ok(results.get('6.0')!.summary.vmstat.pgdemote_kswapd > 0);
    assert.equal(results.get('6.1')!.summary.vmstat.pgdemote_kswapd, 0);
    assert.ok(diagnostics.some((d) => d.code === 'version-lacks' && /tier = 0 on node 1 needs 6\.1 or later; version is 6\.0/.test(d.message)));
  });

  it('MGLRU (6.1) is not simulated: on a scenario without explicit tiers 6.0 and 6.1 run identically', () => {
    const { results } = atVersions(TIERED('  numa.demotion_enabled = true\n  kernel.numa_balancing = 2'), ['6.0', '6.1']);
    groups(results, [['6.0', '6.1']]);
  });

  it('weighted interleave (6.9): 6.8 warns and lists the backport; placement is the same', () => {
    const text = `scenario "w"\n${TWO_NODES}workload w { node = 0\n  mempolicy = weighted-interleave(0:3, 1:1)\n  at 0 s alloc a 1 GiB\n}\nrun { duration = 1 s }\n`;
    const { results, diagnostics } = atVersions(text, ['6.8', '6.9']);
    groups(results, [['6.8', '6.9']]);
    assert.deepEqual(results.get('6.8')!.simulated_kernel!.overrides, ['weighted-interleave (backported: needs 6.9)']);
    assert.ok(diagnostics.some((d) => d.code === 'version-lacks' && /weighted-interleave needs 6\.9 or later; version is 6\.8/.test(d.message)));
    const res = results.get('6.9')!.summary.workloads[0].resident_kB_by_node;
    assert.ok(res['0'] > 2.5 * res['1'] && res['0'] < 3.5 * res['1']);
  });

  it('zone_reclaim_success (6.12) and oom_kill (4.13): the counter appears, nothing else changes', () => {
    const text = `scenario "zr"\n${TWO_NODES}kernel { vm.zone_reclaim_mode = 1\n  vm.watermark_boost_factor = 0 }\nworkload f { node = 0\n  at 0 s read file f 1800 MiB rate 4 GB/s\n  at 1 s exit\n}\nworkload a { node = 0\n  at 2 s alloc a 1 GiB rate 2 GB/s\n}\nrun { duration = 3 s }\n`;
    const { results } = atVersions(text, ['4.12', '4.13', '6.11', '6.12']);
    // The two pairs differ by the anon LRU order (5.9) only.
    groups(results, [['4.12', '4.13'], ['6.11', '6.12']]);
    const has = (v: string, c: string) => c in results.get(v)!.summary.vmstat;
    assert.ok(!has('4.12', 'oom_kill') && has('4.13', 'oom_kill'));
    assert.ok(!has('6.11', 'zone_reclaim_success') && has('6.12', 'zone_reclaim_success'));
    assert.ok(results.get('6.12')!.summary.vmstat.zone_reclaim_success > 0);
  });

  it('anon LRU order (5.9): before, faulted anon pages start active, a young one is activated at once, and swap-outs leave no shadow', () => {
    // 1300 MiB used uniformly on a 1 GiB node with swap: reclaim swaps the workload's own pages.
    const text = `scenario "lru"
machine {
  node 0 { memory = 1 GiB  cpus = 0-3 }
  swap { size = 2 GiB  latency = 80 us  bandwidth = 1 GB/s }
}
kernel { transparent_hugepage.enabled = never }
workload app { node = 0
  at 0 s  alloc heap 1300 MiB rate 2 GB/s
  at 1 s  access heap uniform rate 2M/s writes 50% for 3 s
}
run { duration = 4 s  sample = 100 ms  seed = 5 }
`;
    const { results } = atVersions(text, ['5.4', '5.8', '5.9', '5.15']);
    groups(results, [['5.4', '5.8'], ['5.9', '5.15']]);
    const old = results.get('5.8')!, now = results.get('5.9')!;
    // Half a second in, node 0 holds only faulted pages: all active before 5.9, all inactive after.
    const at = (v: VariantResult, key: 'Active' | 'Inactive') => v.series.nodes[0][key][v.series.t_ms.findIndex((t) => t >= 400)];
    assert.ok(at(old, 'Active') > 0 && at(old, 'Inactive') === 0, `5.8 Active ${at(old, 'Active')} Inactive ${at(old, 'Inactive')}`);
    assert.ok(at(now, 'Active') === 0 && at(now, 'Inactive') > 0, `5.9 Active ${at(now, 'Active')} Inactive ${at(now, 'Inactive')}`);
    // Both swap; only 5.9 has anon workingset counters, and it counts refaults.
    assert.ok(old.summary.vmstat.pswpout > 0 && now.summary.vmstat.pswpout > 0);
    assert.ok(!('workingset_refault_anon' in old.summary.vmstat));
    assert.ok(now.summary.vmstat.workingset_refault_anon > 0);
    assert.equal(counterNameAt('workingset_activate_anon', '5.8'), null);
  });

  it('the version a result names is the variant\'s, and 6.1 when the file sets none', () => {
    const c = compile(`scenario "x"\n${TWO_NODES}workload w { node = 0\n  at 0 s alloc a 64 MiB\n}\nrun { duration = 1 s }\n`);
    const r = runScenarioSet(c.set!);
    assert.deepEqual(r.variants[0].simulated_kernel, { version: '6.1', overrides: [] });
    assert.equal(kernelBehaviour('6.1').explicitTiers, true);
  });
});
