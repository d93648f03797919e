// The two pieces of syntax the real-kernel corpus needed: `costs preset NAME` (the qemu-tcg cost
// profile) and the `drop_caches` action.

import * as assert from 'node:assert/strict';
import { COST_PRESETS } from '../../../src/language/presets';
import { compiled, errors, scenario, show } from './helpers';

describe('language: costs preset and drop_caches', () => {
  it('costs preset qemu-tcg starts cost.* from the profile; the block overrides it; kernel knobs keep defaults', () => {
    const c = compiled(scenario('costs preset qemu-tcg {\n  cost.migrate_page = 10 us\n}'));
    assert.equal(errors(c).length, 0, show(c));
    const k = c.set!.variants[0].knobs;
    assert.equal(k['cost.minor_fault'], COST_PRESETS['qemu-tcg'].costs['cost.minor_fault']);
    assert.equal(k['cost.migrate_page'], 10_000);
    assert.equal(k['vm.zone_reclaim_mode'], 0);
    const plain = compiled(scenario()).set!.variants[0].knobs;
    assert.notEqual(plain['cost.minor_fault'], k['cost.minor_fault'], 'the default profile stays real hardware');
  });

  it('an unknown cost profile is an error with a suggestion', () => {
    const c = compiled(scenario('costs preset qemu-tgc'));
    const e = errors(c);
    assert.equal(e.length, 1, show(c));
    assert.match(e[0].message, /unknown cost profile 'qemu-tgc'.*did you mean 'qemu-tcg'/);
    assert.equal(c.text.slice(e[0].start, e[0].end), 'qemu-tgc');
  });

  it('drop_caches lowers to a phase with its mode (default 3) and rejects other modes', () => {
    const c = compiled(scenario('workload admin {\n  node = 0\n  at 2 s drop_caches 1\n  at 3 s drop_caches\n}'));
    assert.equal(errors(c).length, 0, show(c));
    const admin = c.set!.variants[0].workloads.find((w) => w.name === 'admin')!;
    assert.deepEqual(admin.phases, [{ kind: 'drop_caches', atNs: 2e9, after: null, label: 'drop_caches', mode: 1 }, { kind: 'drop_caches', atNs: 3e9, after: null, label: 'drop_caches', mode: 3 }]);
    const bad = compiled(scenario('workload admin {\n  node = 0\n  at 2 s drop_caches 4\n}'));
    assert.match(errors(bad)[0]?.message ?? '', /drop_caches takes 1 \(page cache\), 2 \(slab\) or 3 \(both\)/);
  });
});
