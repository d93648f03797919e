// kswapd's runs as balance_pgdat() makes them (docs/model.md, "kswapd's runs"): passes at one
// falling priority, each scanning lru_size >> priority, pgdat_balanced() after every pass, and
// kswapd's frees landing on its CPU's pcp lists first. Checked against the real-kernel corpus
// (test/fixtures/kernel-data/<case>/kernel.json): pages a run frees, and what a run scans.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runScenarioSet } from '../../../src/core';
import type { VariantResult } from '../../../src/core/result';
import { compileFile } from './helpers';

const ROOT = path.resolve(__dirname, '../../../..');
const corpus = (name: string): VariantResult => runScenarioSet(compileFile(`test/fixtures/kernel-data/${name}/scenario.numa`)).variants[0];
const kernel = (name: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/kernel-data', name, 'kernel.json'), 'utf8'));

describe('core/vmscan: kswapd runs (balance_pgdat)', function () {
  this.timeout(60000);

  it('a run frees more than its deficit: doubling passes, its frees filling its CPU\'s pcp list first (pol-bind0-cache: the kernel\'s 510 to 575 pages a run)', () => {
    const v = corpus('pol-bind0-cache');
    const vm = v.summary.vmstat;
    const perRun = vm.pgsteal_kswapd / vm.pageoutrun;
    // A run that freed only the high - low gap (about 230 pages) restarted at DEF_PRIORITY for
    // every chunk: 256 a run. The passes at priorities 12 to 9 over the 600 MiB of page cache
    // scan 37 + 74 + 149 + 299 pages.
    const k = kernel('pol-bind0-cache').counters;
    assert.ok(perRun > 400 && perRun <= 37 + 74 + 149 + 299, `${perRun.toFixed(0)} pages a run (kernel ${k.pgsteal_kswapd[0]} over its runs)`);
    assert.equal(vm.pgscan_kswapd, vm.pgsteal_kswapd, 'clean page cache: every page scanned is freed');
  });

  it('the priority falls once per pass over a run, not again for every chunk: swap-bind0-nocache scans within the kernel\'s range', () => {
    const v = corpus('swap-bind0-nocache');
    const [lo, hi] = [...kernel('swap-bind0-nocache').counters.pgscan_kswapd].sort((a: number, b: number) => a - b);
    assert.ok(v.summary.vmstat.pgscan_kswapd >= lo * 0.75 && v.summary.vmstat.pgscan_kswapd <= hi * 1.25, `pgscan_kswapd ${v.summary.vmstat.pgscan_kswapd}, kernel ${lo}..${hi}`);
  });

  it('a boosted run\'s priority stops falling at DEF_PRIORITY - 2: it frees in passes of 37, 74, then 149 pages (pol-preferred1-cache)', () => {
    const v = corpus('pol-preferred1-cache');
    const freed = v.summary.vmstat.pgsteal_kswapd;
    // The cap of node 0's boost (1372) in passes of 37 + 74 + about 149 each (the list shrinks
    // as it goes): past the cap by less than one pass. Falling on, the passes would double
    // (37 + 74 + 149 + 299 + 598 + 1196: 2353).
    assert.ok(freed >= 1372 && freed < 1372 + 150, `${freed} pages`);
  });
});
