// Bandwidth load (docs/model.md): page copies load both nodes, and a written byte on a node that
// writes slower than it reads (Optane PMEM) takes that node's write bandwidth.

import * as assert from 'node:assert/strict';
import { Sim } from '../../../src/core/sim';
import { GiB, machine, scenario } from './helpers';

function pmemSim(): Sim {
  const m = machine([GiB, GiB], { cpuless: 1 });
  m.nodes[1] = { ...m.nodes[1], bandwidthBytesPerSec: 6.6e9, writeBandwidthBytesPerSec: 2.3e9 };
  return new Sim(scenario(m, []));
}

describe('core/bandwidth load: accesses and page copies', () => {
  it('a migrated page is 4 KiB moved on both nodes and 4 KiB written on the target', () => {
    const sim = pmemSim();
    const r = sim.newRegion('data', 'anon', 4 * 1024 * 1024, false, 'app', null);
    const s = r.slices[0];
    assert.equal(sim.takeFromNode(1, 1024, false, null), 1024);
    sim.place(r, s, 1, 1024, false);
    const moved = sim.migrateSlice(s, 1, 0, 256, 'min', 0);
    assert.equal(moved, 256);
    assert.deepEqual([...sim.trafficBytes], [256 * 4096, 256 * 4096]);
    assert.deepEqual([...sim.writtenBytes], [256 * 4096, 0]);
  });

  it('writes take the write bandwidth where it is lower, and cost no more than reads on DRAM', () => {
    const sim = pmemSim();
    const bytes = 1e9;
    for (const n of [0, 1]) {
      sim.trafficBytes[n] = bytes;
      sim.writtenBytes[n] = bytes;
    }
    // One second of pure writes: 1 GB at 2.3 GB/s on PMEM, at 90 GB/s on DRAM.
    assert.ok(Math.abs(sim.bandwidthLoad(1, 1e9) - bytes / 2.3e9) < 1e-9, String(sim.bandwidthLoad(1, 1e9)));
    assert.ok(Math.abs(sim.bandwidthLoad(0, 1e9) - bytes / 90e9) < 1e-9);
    // Pure reads at the read bandwidth.
    sim.writtenBytes[1] = 0;
    assert.ok(Math.abs(sim.bandwidthLoad(1, 1e9) - bytes / 6.6e9) < 1e-9);
    // A loaded node answers slower than an idle one.
    assert.ok(sim.accessLatency(0, 1, sim.bandwidthLoad(1, 0.25e9)) > sim.accessLatency(0, 1, 0));
  });
});
