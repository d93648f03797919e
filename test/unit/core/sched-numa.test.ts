// NUMA balancing mode 1 (src/core/sched_numa.ts): task placement, numa groups and the
// last_cpupid two-stage filter, on the scenarios of test/fixtures/sched-numa/.

import * as assert from 'node:assert/strict';
import { runVariant } from '../../../src/core/engine';
import type { VariantResult } from '../../../src/core/result';
import { numaGroupOf } from '../../../src/core/sched_numa';
import type { Sim } from '../../../src/core/sim';
import { compileFile } from './helpers';

const variant = (file: string, name?: string) => {
  const set = compileFile(`test/fixtures/sched-numa/${file}`);
  return name ? set.variants.find((v) => v.variant === name)! : set.variants[0];
};

/** Counters of the live sim at each sample, by second. */
function run(file: string, name?: string): { r: VariantResult; at: Map<number, Record<string, number>>; sims: Sim[] } {
  const at = new Map<number, Record<string, number>>();
  const sims: Sim[] = [];
  const r = runVariant(variant(file, name), {
    inspect: (sim, t) => {
      if (sims.length === 0) sims.push(sim);
      const sec = Math.round(t / 1e8) / 10;
      if (Number.isInteger(sec)) at.set(sec, { ...sim.vmstat.snapshot() });
    },
  });
  return { r, at, sims };
}

function perf(r: VariantResult, wl: string) {
  return r.series.workload_perf.find((w) => w.name === wl)!;
}

describe('NUMA balancing mode 1 (sched_numa)', function () {
  this.timeout(60_000);

  it('moves a task started on the remote node to the node that holds its memory', () => {
    const { r } = run('task-moves.numa', 'moves');
    const nodes = perf(r, 'app').cpu_node!;
    assert.equal(nodes[0], 1, 'app starts on node 1');
    assert.equal(nodes[nodes.length - 1], 0, 'app ends on node 0, where its memory is');
    const moves = r.events.filter((e) => e.kind === 'sched_move_numa' && e.workload === 'app' && e.cause.startsWith('from node 1'));
    assert.equal(moves.length, 1, 'one move, and it stays');
    assert.ok(moves[0].cause.includes('preferred node 0'), moves[0].cause);
    // Once there, its heap (faulted partly on node 1 before hog filled it) comes to node 0 too.
    const app = r.summary.workloads.find((w) => w.name === 'app')!;
    assert.ok(app.resident_kB_by_node['0'] > 0.95 * (app.resident_kB_by_node['0'] + app.resident_kB_by_node['1']), JSON.stringify(app.resident_kB_by_node));
    assert.ok(r.summary.vmstat.numa_pages_migrated > 0);
  });

  it('leaves a task pinned by its affinity mask where it is', () => {
    const { r } = run('task-moves.numa', 'pinned');
    assert.ok(perf(r, 'app').cpu_node!.every((n) => n === 1));
    assert.equal(r.events.filter((e) => e.kind === 'sched_move_numa').length, 0);
  });

  it('two workloads sharing a file form one numa group, stay put and stop migrating its pages', () => {
    const { r, at, sims } = run('shared-group.numa');
    const sim = sims[0];
    assert.deepEqual(numaGroupOf(sim, sim.workloads[0])?.slice().sort(), ['a', 'b']);
    assert.deepEqual(numaGroupOf(sim, sim.workloads[1])?.slice().sort(), ['a', 'b'], 'b is in the same group');
    for (const w of ['a', 'b']) {
      const nodes = perf(r, w).cpu_node!;
      assert.ok(nodes.every((n) => n === nodes[0]), `${w} never moves`);
    }
    // The group spreads the file by where its CPUs fault: about half on each node.
    const file = r.summary.nodes.map((n) => n.FilePages);
    for (const f of file) assert.ok(f > 0.4 * (file[0] + file[1]) && f < 0.6 * (file[0] + file[1]), JSON.stringify(file));
    // No ping-pong: migrations die out (pages bouncing between the nodes would keep the rate).
    const migrated = (t: number) => at.get(t)!.numa_pages_migrated;
    const first = migrated(11) - migrated(1);
    const last = migrated(40) - migrated(30);
    assert.ok(first > 0, 'the file starts on node 0: some pages go to node 1');
    assert.ok(last < first / 3, `last 10 s ${last} pages against the first 10 s ${first}`);
  });

  it('the two-stage filter migrates about a third of remote faults, not every one', () => {
    const { at } = run('two-stage.numa');
    // Past the first passes (first and private faults migrate at once up to scan pass 4).
    const d = (k: string) => at.get(90)![k] - at.get(45)![k];
    const remote = d('numa_hint_faults') - d('numa_hint_faults_local');
    const ratio = d('numa_pages_migrated') / remote;
    assert.ok(remote > 100_000, `remote faults ${remote}`);
    // A page on node 0 faulted from node 1 moves only if its previous fault came from node 1:
    // a Markov chain over (node, last fault) gives 1/3 of remote faults; without the filter, 1.
    assert.ok(ratio > 0.2 && ratio < 0.45, `migrated / remote faults = ${ratio.toFixed(3)}`);
  });

  it('counts hint faults as local by the share of the workload CPUs on the page node', () => {
    const { at } = run('two-stage.numa');
    const s = at.get(90)!;
    const share = s.numa_hint_faults_local / s.numa_hint_faults;
    assert.ok(Math.abs(share - 0.5) < 0.05, `local share ${share}`);
  });
});
