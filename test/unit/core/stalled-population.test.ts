// Slices populated while every thread of the workload is stalled (71ac2ff): a step with no
// access still spreads the phase's last access rate over the slices faulted in since, as the
// accesses between the stalls spread over them like the rest, so reclaim does not find them
// untouched however long after.

import * as assert from 'node:assert/strict';
import { youngChance } from '../../../src/core/lru';
import { stepByHand } from './helpers';

const MS = 1e6;

// Four threads touch a buffer as it is faulted in at 1 GB/s (as thp-numa's app does), back to back.
const SCENARIO = `scenario "a buffer faulted in while its threads stall"
machine {
  node 0 { memory = 4 GiB  cpus = 0-3 }
}
kernel { transparent_hugepage.enabled = never }
workload app {
  node = 0
  threads = 4
  at 0 s  alloc buffer 1 GiB rate 1 GB/s
  at 0 s  access buffer uniform for 1G accesses
}
run { duration = 10 s  sample = 10 ms  seed = 1 }
`;

describe('core/workload: slices populated while the threads are stalled', function () {
  this.timeout(30000);

  it('take the phase\'s last access rate, so a later look may find their pages young', () => {
    const { sim, wl, step } = stepByHand(SCENARIO, 'stalled-population.numa');
    for (let i = 0; i < 20; i++) step();
    const region = wl.regions.get('buffer')!;
    const populated = (s: (typeof region.slices)[number]) => s.mappedTotal() > 0;
    const before = region.slices.map(populated);
    const accessed = region.slices.filter((s, i) => before[i]);
    assert.ok(accessed.length > 0 && accessed.every((s) => s.lru.rate > 0), 'slices faulted before the stall were accessed');
    // Every thread owes three whole steps of stall (a reclaim, say): the next steps issue no access,
    // while the paced fault-in goes on.
    wl.stall('reclaim', 3 * sim.dtNs * wl.threads);
    const accessesBefore = wl.accessCount;
    step();
    assert.equal(wl.accessCount, accessesBefore, 'no access while every thread is stalled');
    const fresh = region.slices.filter((s, i) => !before[i] && populated(s));
    assert.ok(fresh.length > 0, 'slices were populated during the stalled step');
    for (const s of fresh) {
      assert.ok(s.lru.rate > 0, `slice at page ${s.firstPage} has no access rate`);
      // A look a second after the stall: the slice's pages had the phase's rate to be touched.
      const c = s.lru.inactive[0][0];
      const y = youngChance(sim, region, s, c, sim.nowNs + 1000 * MS);
      assert.ok(y.base > 0, `slice at page ${s.firstPage}: young chance ${y.base} a second later`);
    }
  });
});
