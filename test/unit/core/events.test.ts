// Events against counters: every THP split that thp_split_page counts is also a thp_split event,
// so the panel's THP split lane and the counter in its table agree.

import * as assert from 'node:assert/strict';
import { runScenarioSet } from '../../../src/core';
import { MAX_EVENTS } from '../../../src/core/events';
import { HPAGE_NR } from '../../../src/core/machine';
import { compileFile } from './helpers';

describe('core/events against /proc/vmstat', function () {
  this.timeout(120000);

  for (const example of ['thp-numa.numa', 'deferred-split.numa']) {
    it(`${example}: the thp_split events add up to thp_split_page`, () => {
      const r = runScenarioSet(compileFile(`examples/${example}`));
      let splits = 0;
      for (const v of r.variants) {
        assert.ok(v.events.length < MAX_EVENTS, `${v.name}: the event log is complete`);
        const pages = v.events.filter((e) => e.kind === 'thp_split').reduce((s, e) => s + e.pages, 0);
        assert.equal(pages / HPAGE_NR, v.summary.vmstat.thp_split_page, `${v.name}: split THPs in events vs thp_split_page`);
        splits += v.summary.vmstat.thp_split_page;
      }
      // thp-numa's variants (4.19, 5.3, 6.1) swap THPs whole: only deferred-split splits.
      if (example === 'deferred-split.numa') assert.ok(splits > 0, 'the example splits THPs');
    });
  }

  it('thp-numa.numa: thisnode (4.19, THP_SWAP) swaps THPs out whole, and says so', () => {
    const v = runScenarioSet(compileFile('examples/thp-numa.numa')).variants.find((x) => x.name === 'thisnode')!;
    const vm = v.summary.vmstat;
    assert.ok(vm.thp_swpout > 0 && vm.pswpout >= vm.thp_swpout * HPAGE_NR, `thp_swpout ${vm.thp_swpout}, pswpout ${vm.pswpout}`);
    assert.equal(vm.thp_split_page, 0);
    assert.equal(v.events.filter((e) => e.kind === 'thp_split').length, 0);
    const whole = v.events.filter((e) => e.kind === 'swap_out' && /THPs whole/.test(e.cause));
    assert.ok(whole.length > 0, 'a swap-out event says THPs went whole');
  });
});
