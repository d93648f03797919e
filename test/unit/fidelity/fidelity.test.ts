// The real-kernel corpus (test/fixtures/kernel-data/<case>/) through `npm run fidelity`'s code:
// every case's scenario compiles and runs, the table has every quantity, and the share within
// tolerance does not fall below the recorded baseline. Raise BASELINE when a mechanism improves
// it; lowering it needs a reason in the commit that does.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { CATEGORIES, corpusCases, formatTable, runCase, totals, type CaseResult } from '../../../src/fidelity/fidelity';
import { ROOT } from '../core/helpers';

/** K / N of the whole corpus (869 of 960 over 50 cases). Lowered from 870 once: an exact LRU
 *  head (a page put at the head is reached after every page already there) replaced a cohort
 *  merge that pulled kept pages toward the tail; that artifact scored one more quantity
 *  (tier-hot256's hint faults) while 35 errors grew and 24 shrank, and no merge rule that only
 *  delays pages keeps it. Raise it again when a mechanism earns it. */
const BASELINE = 0.905;

describe('fidelity: the model against the real-kernel corpus', function () {
  this.timeout(600000);
  const dir = path.join(ROOT, 'test/fixtures/kernel-data');
  let results: CaseResult[] = [];

  before(() => {
    results = corpusCases(dir).map((name) => runCase(dir, name));
  });

  it('has a corpus of at least 30 cases, each one run by the model', () => {
    assert.ok(results.length >= 30, `${results.length} cases`);
    for (const r of results) assert.equal(r.error, undefined, `${r.name}: ${r.error}`);
  });

  it('compares placement, timeline, counters, reclaim path and OOM', () => {
    const t = totals(results.flatMap((r) => r.rows));
    for (const c of CATEGORIES) assert.ok(t.byCategory[c].total > 0, `no ${c} quantity`);
    const table = formatTable(results);
    assert.match(table, new RegExp(`total +${t.pass} of ${t.total} within tolerance`));
  });

  it(`keeps K of N within tolerance at or above the baseline (${BASELINE})`, () => {
    const t = totals(results.flatMap((r) => r.rows));
    assert.ok(t.pass / t.total >= BASELINE, `${t.pass} of ${t.total} = ${(t.pass / t.total).toFixed(3)} < baseline ${BASELINE}\n${formatTable(results)}`);
  });
});
