// Watermarks and min_free_kbytes as mm/page_alloc.c and mm/khugepaged.c compute them, checked
// against the zones the real kernel reported (kernel-data/info.json).

import * as assert from 'node:assert/strict';
import { buildNodes, computeMinFreeKbytes } from '../../../src/core/machine';
import { defaultKnobs } from '../../../src/language/schema';
import { GiB, machine, measured, MiB } from './helpers';

describe('core/machine: zones and watermarks', () => {
  const info = measured('info.json').runs.info;

  it('computes the 3-node QEMU guest watermarks exactly as the 6.1 kernel did (THP madvise)', () => {
    const m = machine([GiB, GiB, GiB], { preset: 'qemu-tiered-3node', cpuless: 2, reserved: [126 * MiB, 17 * MiB, 17 * MiB] });
    const { nodes, minFreeKbytes } = buildNodes(m, { ...defaultKnobs(), 'transparent_hugepage.enabled': 'madvise' });
    assert.equal(minFreeKbytes, info.sysctl.min_free_kbytes);
    const checks: [number, string, string][] = [[0, 'Normal', 'zone_Normal'], [0, 'DMA32', 'zone_DMA32'], [1, 'Normal', 'zone_Normal'], [2, 'Normal', 'zone_Normal']];
    for (const [n, zone, key] of checks) {
      const z = nodes[n].zones.find((x) => x.name === zone)!;
      const real = info.topo[`n${n}`][key];
      // Managed pages differ a little between boots; within 1% of each watermark.
      for (const [mark, field] of [['min', 'min_pages'], ['low', 'low_pages'], ['high', 'high_pages']] as const) {
        assert.ok(Math.abs(z.wmark[mark] - real[field]) <= Math.max(2, real[field] * 0.01), `node ${n} ${zone} ${mark}: ${z.wmark[mark]} vs ${real[field]}`);
      }
    }
  });

  it('raises min_free_kbytes for THP (set_recommended_min_free_kbytes): 90112 kB on 2 x 1 GiB', () => {
    const managed = [3840, 33706, 192403, 257942];
    assert.equal(computeMinFreeKbytes(managed, true), 90112);
    // Without THP, int_sqrt(lowmem_kbytes * 16): the kernel data says 5389 kB with slightly
    // fewer managed pages at that point of boot.
    const plain = computeMinFreeKbytes(managed, false);
    assert.ok(plain > 5389 * 0.95 && plain < 5389 * 1.1, `min_free_kbytes without THP: ${plain}`);
  });

  it('puts WMARK_PROMO one gap above high and gives lower zones a lowmem reserve', () => {
    const { nodes } = buildNodes(machine([64 * GiB, 64 * GiB]), defaultKnobs());
    for (const z of nodes[0].zones) {
      const gap = z.wmark.low - z.wmark.min;
      assert.equal(z.wmark.high - z.wmark.low, gap);
      assert.equal(z.wmark.promo - z.wmark.high, gap);
    }
    assert.deepEqual(nodes[0].zones.map((z) => z.name), ['DMA', 'DMA32', 'Normal']);
    assert.ok(nodes[0].zones[0].reserve > 0 && nodes[0].zones[1].reserve > 0 && nodes[0].zones[2].reserve === 0);
    assert.deepEqual(nodes[1].zones.map((z) => z.name), ['Normal']);
  });

  it('scales the watermark gap with watermark_scale_factor', () => {
    const gapOf = (f: number) => {
      const z = buildNodes(machine([64 * GiB]), { ...defaultKnobs(), 'vm.watermark_scale_factor': f }).nodes[0].zones.at(-1)!;
      return z.wmark.low - z.wmark.min;
    };
    assert.ok(gapOf(100) > 5 * gapOf(10));
  });
});
