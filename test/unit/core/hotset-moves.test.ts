// A hot set in a closed-loop phase moves after an amount of work, not on a clock: a kernel that
// slows the workload down moves it later, after the same work.

import * as assert from 'node:assert/strict';
import { runVariant } from '../../../src/core/engine';
import { compile } from '../../../src/language';
import type { Scenario } from '../../../src/language/model';

/** Two nodes; the workload runs on node 0 and binds its data to node `dataNode` (node 1 is
 *  remote: 2.5 x the latency). */
function scenario(moves: string, dataNode: number, work = 'for 400M accesses'): Scenario {
  const text = `scenario "moves"
machine {
  node 0 { memory = 16 GiB  cpus = 0-3  latency = 80 ns }
  node 1 { memory = 16 GiB  cpus = 4-7  latency = 80 ns }
  distance {
    0: 10 25
    1: 25 10
  }
}
workload app {
  cpus = 0-3
  mempolicy = bind(${dataNode})
  at 0 s  alloc data 4 GiB rate 40 GB/s
  after alloc data  access data hotset 512 MiB hot 95% ${moves} ${work}
}
run {
  duration = 300 s
  sample = 100 ms
  seed = 5
}
`;
  const c = compile(text, 'moves.numa');
  assert.ok(c.set, c.diagnostics.map((d) => d.message).join('; '));
  return c.set!.variants[0];
}

/** Times (s) at which the hot set moved, and when the access phase started and ended. */
function moveTimes(s: Scenario): { moves: number[]; start: number; end: number } {
  const moves: number[] = [];
  let last = 0;
  const r = runVariant(s, {
    inspect: (sim, t) => {
      const a = sim.workloads[0].accesses[0];
      if (a && a.hotStart !== last) {
        moves.push(t / 1e9);
        last = a.hotStart;
      }
    },
  });
  const phase = r.summary.workloads[0].phases[1];
  return { moves, start: phase.start_ms! / 1e3, end: phase.end_ms! / 1e3 };
}

describe('core/hot set moves in closed-loop phases', function () {
  this.timeout(60000);

  it('`moves every N accesses` moves after the same work on a fast and a slow kernel, so later on the slow one', () => {
    const local = moveTimes(scenario('moves every 100M accesses', 0));
    const remote = moveTimes(scenario('moves every 100M accesses', 1));
    // 400M accesses, a move after every 100M: three moves (the fourth would come at the end).
    assert.equal(local.moves.length, 3, `local moves at ${local.moves}`);
    assert.equal(remote.moves.length, 3, `remote moves at ${remote.moves}`);
    // Each move comes at the same share of the phase's run time, which is longer on remote memory.
    assert.ok(remote.end - remote.start > 1.5 * (local.end - local.start), `run time ${local.end - local.start} s local, ${remote.end - remote.start} s remote`);
    for (let i = 0; i < 3; i++) {
      const at = (x: typeof local) => (x.moves[i] - x.start) / (x.end - x.start);
      assert.ok(Math.abs(at(local) - (i + 1) / 4) < 0.05, `local move ${i} at ${at(local)} of the phase`);
      assert.ok(Math.abs(at(remote) - (i + 1) / 4) < 0.05, `remote move ${i} at ${at(remote)} of the phase`);
      assert.ok(remote.moves[i] > local.moves[i]);
    }
  });

  it('`moves every TIME` in a closed-loop phase is the work of that time at local, unloaded latency', () => {
    // 4 threads at 80 ns + the page walk: about 1.5 s per 100M accesses locally.
    const local = moveTimes(scenario('moves every 1 s', 0));
    const remote = moveTimes(scenario('moves every 1 s', 1));
    // The same number of moves (the same work between them) on both, more than one per second of
    // the slower run's time would give if it were on a clock.
    assert.equal(remote.moves.length, local.moves.length);
    assert.ok(local.moves.length >= 3, `${local.moves.length} moves`);
    const gap = (x: typeof local) => (x.moves[x.moves.length - 1] - x.moves[0]) / (x.moves.length - 1);
    assert.ok(gap(local) >= 1, `local: a move every ${gap(local)} s`);
    assert.ok(gap(remote) > 1.5 * gap(local), `a move every ${gap(local)} s local, ${gap(remote)} s remote`);
  });

  it('a paced phase moves on a clock, `moves every N accesses` at its rate', () => {
    const paced = moveTimes(scenario('moves every 50M accesses', 1, 'rate 10M/s for 22 s'));
    // 10M/s: a move every 5 s from the phase's start, whatever the memory costs.
    assert.equal(paced.moves.length, 4, `moves at ${paced.moves}`);
    paced.moves.forEach((t, i) => assert.ok(Math.abs(t - paced.start - 5 * (i + 1)) <= 0.1 + 1e-9, `move ${i} at ${t} s`));
  });

  it('the checker takes `moves every N accesses|passes` and bounds it like an amount of work', () => {
    const pat = scenario('moves every 2.5 passes', 0).workloads[0].phases[1];
    assert.ok(pat.kind === 'access' && pat.pattern.kind === 'hotset');
    assert.deepEqual(pat.pattern.moveEveryWork, { kind: 'passes', count: 2.5 });
    assert.equal(pat.pattern.moveEveryNs, null);
    const badText = `scenario "x"
machine {
  node 0 { memory = 4 GiB  cpus = 0-3 }
}
workload app {
  node = 0
  at 0 s  alloc data 1 GiB
  after alloc data  access data hotset 64 MiB moves every 0 accesses for 1M accesses
}
`;
    const bad = compile(badText, 'bad.numa');
    const d = bad.diagnostics.find((x) => x.severity === 'error');
    assert.ok(d && /work between two moves must be from/.test(d.message), JSON.stringify(bad.diagnostics.map((x) => x.message)));
    assert.equal(badText.slice(d!.start, d!.end), '0');
  });
});
