// THP swap-out as a unit (THP_SWAP, 4.14+) and reclaim splitting THPs that wait on the deferred
// split queue (shrink_folio_list: a folio without a PMD map is split before add_to_swap).

import * as assert from 'node:assert/strict';
import { runScenarioSet } from '../../../src/core';
import { compile } from '../../../src/language';
import { compileFile } from './helpers';

/** 600 MiB of THPs on a 1 GiB node, left idle; at 2 s a filler needs 500 MiB more. Reclaim
 *  keeps the filler's young 4 KiB pages at their first look and puts them at the inactive head,
 *  behind the idle THPs, so the THPs are reached first and swapped. (Until a kept page got a
 *  cohort of its own, src/core/lru.ts pushInactive merged it into the slice's newest cohort at
 *  their mean list position when the list was full, and at the default fault cost the model
 *  swapped only the filler.) */
function swapVariant(version: string, swap: string, fillerAdvice = '') {
  const text = `machine {
  node 0 { memory = 1 GiB  cpus = 0 }
  swap { size = ${swap} }
}
kernel { transparent_hugepage.enabled = madvise }
workload app {
  cpus = 0
  at 0 s  alloc heap 600 MiB MADV_HUGEPAGE
}
workload filler {
  cpus = 0
  at 2 s  alloc fill 500 MiB ${fillerAdvice}
}
run { duration = 6 s }
variant v { version = ${version} }
`;
  const c = compile(text);
  assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error'), []);
  return runScenarioSet(c.set!).variants[0];
}

function swapRun(version: string, swap: string, fillerAdvice = '') {
  return swapVariant(version, swap, fillerAdvice).summary.vmstat;
}

/** The same run's swap-outs before its first OOM kill. */
function swapOutsBeforeOom(version: string, swap: string, fillerAdvice = '') {
  const events = swapVariant(version, swap, fillerAdvice).events;
  const oom = events.findIndex((e) => e.kind === 'oom_kill');
  return events.slice(0, oom < 0 ? events.length : oom).filter((e) => e.kind === 'swap_out').map((e) => e.pages);
}

describe('core/thp-swap', function () {
  this.timeout(60000);

  it('6.1 swaps reclaimed THPs whole: 512 pages each, no split', () => {
    const v = swapRun('6.1', '1 GiB');
    assert.ok(v.thp_swpout > 10, `thp_swpout ${v.thp_swpout}`);
    assert.equal(v.thp_swpout_fallback, 0);
    assert.equal(v.thp_split_page, 0);
    assert.ok(v.pswpout >= v.thp_swpout * 512, `pswpout ${v.pswpout}`);
  });

  it('4.13 splits them first, and has no thp_swpout counters', () => {
    const v = swapRun('4.13', '1 GiB');
    assert.ok(v.thp_split_page > 10, `thp_split_page ${v.thp_split_page}`);
    assert.ok(v.pswpout > 10 * 512);
    assert.equal(v.thp_swpout, undefined);
    assert.equal(v.thp_swpout_fallback, undefined);
  });

  it('falls back to a split when no swap cluster is free (thp_swpout_fallback)', () => {
    // 3 MiB of swap and nothing but THPs: one cluster of 512 slots, then 256 slots left.
    const v = swapRun('6.1', '3 MiB', 'MADV_HUGEPAGE');
    assert.ok(v.thp_swpout >= 1);
    assert.ok(v.thp_swpout_fallback >= 1 && v.thp_split_page >= 1, JSON.stringify(v));
    // Until the filler's OOM kill the device fills: one THP whole, then 256 subpages of a split
    // one. (The kill frees the victim's swap slots; its pages still under writeback stay in
    // memory until their writes end, so kswapd may swap the filler's pages afterwards.)
    assert.deepEqual(swapOutsBeforeOom('6.1', '3 MiB', 'MADV_HUGEPAGE'), [512, 256]);
  });

  it('reclaim splits half-unmapped THPs and frees their unmapped halves without swap (corpus dn-swap-bind0)', () => {
    // Linux 6.1: thp_split_page 120 in both boots, pswpout 1 and 3004, pgsteal_kswapd 1 and 2434.
    const v = runScenarioSet(compileFile('test/fixtures/kernel-data/dn-swap-bind0/scenario.numa')).variants[0].summary.vmstat;
    assert.ok(v.thp_split_page >= 100 && v.thp_split_page <= 128, `thp_split_page ${v.thp_split_page}`);
    assert.ok(v.pswpout < 4000, `pswpout ${v.pswpout} (the model swapped 29,219 when the lists did not hold queued THPs)`);
  });
});
