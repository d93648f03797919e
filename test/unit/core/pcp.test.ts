// The per-CPU page lists (mm/page_alloc.c of 6.1): pcp->batch and pcp->high per zone, pages a
// task frees kept on its CPU's list and taken first by its next faults, the 4-batch limit while
// kswapd reclaims the node, and drain_all_pages.

import * as assert from 'node:assert/strict';
import { runScenarioSet } from '../../../src/core';
import { zoneBatchsize, zoneHighsize } from '../../../src/core/machine';
import { xaNodes } from '../../../src/core/workload';
import { Sim } from '../../../src/core/sim';
import { compile } from '../../../src/language';

function compiled(text: string) {
  const c = compile(text);
  const errors = c.diagnostics.filter((d) => d.severity === 'error');
  assert.ok(c.set && errors.length === 0, errors.map((e) => e.message).join('; '));
  return c.set!;
}

const CORPUS_KNOBS = 'kernel {\n  transparent_hugepage.enabled = madvise\n}\n';

describe('core: per-CPU page lists', function () {
  this.timeout(60000);

  it('batch and high are zone_batchsize() and zone_highsize() of the corpus guest', () => {
    // ZONE_NORMAL of node 0 (192403 managed pages): 187 / 4 = 46, 46 + 23 = 69 -> 64 - 1.
    assert.equal(zoneBatchsize(192403), 63);
    // ZONE_DMA (3840 pages): 3 / 4 = 0 -> 1 -> 1 - 1 = 0, then at least 1.
    assert.equal(zoneBatchsize(3840), 1);
    assert.equal(zoneBatchsize(1 << 22), 63); // 1 MiB / 4 KiB / 4 = 64 -> 96 -> 64 - 1
    // The low mark over the node's CPUs, over every CPU for a CPU-less node, at least 4 batches.
    assert.equal(zoneHighsize(11103, 63, 1, 2), 11103);
    assert.equal(zoneHighsize(11103, 63, 0, 8), 1387);
    assert.equal(zoneHighsize(100, 63, 1, 2), 252);
    // The guest's node 0 (one CPU, min_free_kbytes 90112 with THP): high is the whole low mark,
    // 43 MiB on ZONE_NORMAL, which is what the corpus's DONTNEED cases leave on CPU 0's lists.
    const sim = new Sim(compiled(`scenario "g"\nmachine preset qemu-2x1g\n${CORPUS_KNOBS}workload w { cpus = 0\n at 0 s alloc a 1 MiB\n}\nrun { duration = 1 s }\n`).variants[0]);
    const normal = sim.nodes[0].zones[2];
    assert.equal(sim.minFreeKbytes, 90112);
    assert.equal(normal.pcp.batch, 63);
    assert.equal(normal.pcp.high, normal.wmark.low);
    assert.ok(normal.wmark.low * 4096 > 43 * 2 ** 20 && normal.wmark.low * 4096 < 44 * 2 ** 20);
  });

  it('pages a task frees stay on its CPU\'s lists, out of MemFree, and its next faults take them first', () => {
    const text = `scenario "p"\nmachine preset qemu-2x1g\n${CORPUS_KNOBS}workload w { cpus = 0\n  at 0 s alloc a 128 MiB\n  at 2 s free a\n  at 3 s alloc b 16 MiB\n}\nrun { duration = 5 s  sample = 100 ms }\n`;
    const v = runScenarioSet(compiled(text)).variants[0];
    const free = v.series.nodes[0].MemFree;
    const at = (ms: number) => free[v.series.t_ms.findIndex((t) => t >= ms)];
    const held = (at(0) - at(2900)) / 4;
    // ZONE_NORMAL's list ends within a batch of its high (11103 pages).
    assert.ok(held > 11103 - 63 && held <= 11103, `held ${held}`);
    // 16 MiB (4096 pages) of faults from the same CPU come off the list: MemFree moves only by
    // the page tables they need (8 PTE pages and a PMD page, unmovable, not from the list).
    assert.equal((at(2900) - at(4900)) / 4, 9);
  });

  it('another CPU\'s faults do not see them', () => {
    const text = `scenario "p"\nmachine preset qemu-2x1g\n${CORPUS_KNOBS}workload w { cpus = 0\n  at 0 s alloc a 128 MiB\n  at 2 s free a\n}\nworkload x { cpus = 1\n  mempolicy = bind(0)\n  at 3 s alloc b 16 MiB\n}\nrun { duration = 5 s  sample = 100 ms }\n`;
    const v = runScenarioSet(compiled(text)).variants[0];
    const free = v.series.nodes[0].MemFree;
    const at = (ms: number) => free[v.series.t_ms.findIndex((t) => t >= ms)];
    // 4096 data pages and 9 page-table pages, all from node 0's free lists.
    assert.equal((at(2900) - at(4900)) / 4, 4096 + 9);
  });

  it('while kswapd reclaims the node a list keeps at most four batches, and drain_all_pages empties every list', () => {
    const sim = new Sim(compiled(`scenario "d"\nmachine preset qemu-2x1g\n${CORPUS_KNOBS}workload w { cpus = 0\n at 0 s alloc a 1 MiB\n}\nrun { duration = 1 s }\n`).variants[0]);
    const node = sim.nodes[0];
    node.takePages(50000, null);
    const normal = node.zones[2];
    node.kswapd.awake = true;
    const before = node.free;
    const toBuddy = node.givePagesPcp(40000, 0);
    assert.equal(node.free - before, toBuddy);
    assert.ok(normal.pcp.count[0] < 4 * normal.pcp.batch, `count ${normal.pcp.count[0]}`);
    node.kswapd.awake = false;
    node.givePagesPcp(9000, 0);
    assert.ok(normal.pcp.count[0] > 4 * normal.pcp.batch);
    const held = node.pcpPages;
    sim.drainAllPages();
    assert.equal(node.pcpPages, 0);
    assert.equal(node.free - before, 49000);
    assert.ok(held > 0);
  });
});

describe('core: the page cache\'s xarray nodes', function () {
  this.timeout(60000);

  it('a file of N pages needs a node per 64 indices and one per 64 nodes above, up to one top node', () => {
    assert.equal(xaNodes(0), 0);
    assert.equal(xaNodes(1), 0);
    assert.equal(xaNodes(64), 1);
    assert.equal(xaNodes(65), 3); // two leaves and a top node
    assert.equal(xaNodes(4096), 65);
    // 600 MiB: 2400 leaves, 38 above them, one top node.
    assert.equal(xaNodes(153600), 2439);
  });

  it('reading a file grows the reader\'s node\'s slab by its xarray, 7 nodes per slab page', () => {
    // pol-default-cache's kernel: nr_slab_reclaimable +382 pages on node 0 for 153748 pages read.
    const text = `scenario "x"\nmachine preset qemu-2x1g\n${CORPUS_KNOBS}workload r { cpus = 0\n  at 0 s read file data 600 MiB\n}\nrun { duration = 12 s  sample = 100 ms }\n`;
    const v = runScenarioSet(compiled(text)).variants[0];
    const { MemFree, FilePages } = v.series.nodes[0];
    const last = MemFree.length - 1;
    assert.equal(FilePages[last] - FilePages[0], 153600 * 4);
    // kB of MemFree gone beyond the page cache itself: the xarray's 349 slab pages.
    assert.equal(MemFree[0] - MemFree[last] - (FilePages[last] - FilePages[0]), Math.ceil(2439 / 7) * 4);
  });
});
