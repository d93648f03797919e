// A closed-loop phase is done when its work is done and its threads have sat out every stall
// they took (issue 7, docs/model.md "Closed-loop time"): its run time holds its stalls, so a
// phase that follows it (`after PHASE`) starts later, and a workload's time split adds up to no
// more than its run time.

import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { runScenarioSet } from '../../../src/core';
import { runVariant } from '../../../src/core/engine';
import type { WorkloadSummary } from '../../../src/core/result';
import type { ScenarioSet } from '../../../src/language/model';
import { compileFile, compileText, ROOT } from './helpers';

const MS = 1e6;

/** 1300 MiB allocated back to back by 4 threads on a 1 GiB node: the overflow goes to a
 *  100 MB/s device. */
const OVERFLOW = `scenario "closed-loop alloc overflowing onto slow swap"
machine {
  node 0 { memory = 1 GiB  cpus = 0-3 }
  swap { size = 16 GiB  latency = 80 us  bandwidth = 100 MB/s }
}
kernel { transparent_hugepage.enabled = never }
workload app {
  node = 0
  threads = 4
  at 0 s  alloc data 1300 MiB
  after alloc data  access data uniform for 1000 accesses
}
run { duration = 300 s  sample = 100 ms  seed = 1 }
`;

/** Whether the workload's phase i is closed loop (an alloc without a rate, an access with work). */
function closedPhase(set: ScenarioSet, wl: string, i: number): boolean {
  const p = set.variants[0].workloads.find((w) => w.name === wl)!.phases[i];
  return (p.kind === 'alloc' && !p.rateBytesPerSec) || (p.kind === 'access' && p.work !== null);
}

const splitMs = (w: WorkloadSummary) => Object.values(w.time_ms).reduce((a, b) => a + b, 0);

describe('core/closed-loop stalls: a phase ends once its stalls are paid', function () {
  this.timeout(300000);

  it('an alloc overflowing onto slow swap ends after its threads sat out its reclaim stalls; the phase after it starts then', () => {
    const set = compileText(OVERFLOW, 'overflow.numa');
    // Stall time per thread (ms) up to the sample at which the alloc phase is first seen ended.
    let stalledByAllocEnd = NaN, allocEndSeenAt = NaN;
    const r = runVariant(set.variants[0], {
      inspect: (s, t) => {
        const wl = s.workloads[0];
        if (!Number.isNaN(allocEndSeenAt) || Number.isNaN(wl.phaseEndNs[0])) return;
        allocEndSeenAt = t;
        stalledByAllocEnd = wl.totalStallNs() / wl.threads / MS;
      },
    });
    const app = r.summary.workloads[0];
    // The run may end in the step the alloc ends (the access after it is 1000 accesses), before
    // a sample sees it: then the stalls by its end are all the workload's stalls.
    if (Number.isNaN(allocEndSeenAt)) {
      allocEndSeenAt = r.summary.end_ms * MS;
      stalledByAllocEnd = Object.values(app.stall_ms).reduce((a, b) => a + b, 0) / app.threads;
    }
    assert.deepEqual(r.summary.unfinished, []);
    assert.ok(r.summary.vmstat.pswpout * 4096 > 250 * 2 ** 20, `pswpout ${r.summary.vmstat.pswpout}: the overflow went to swap`);
    // The 276 MiB or more written at 100 MB/s hold the faulting threads for seconds.
    assert.ok(app.time_ms.reclaim > 2000, `reclaim ${app.time_ms.reclaim} ms`);
    const allocEnd = app.phases[0].end_ms!;
    // The stalls seen by the sample after the alloc ended may include one sample of the access
    // phase's: the alloc took at least the rest.
    assert.ok(allocEnd >= stalledByAllocEnd - 100 - 1, `alloc ended at ${allocEnd} ms with ${stalledByAllocEnd} ms of stalls per thread by ${allocEndSeenAt / MS} ms`);
    assert.equal(app.phases[1].start_ms, allocEnd, 'the access phase starts when the alloc (stalls paid) ends');
    assert.ok(app.runtime_ms! >= app.time_ms.reclaim + app.time_ms.swapin, `run time ${app.runtime_ms} ms < reclaim ${app.time_ms.reclaim} + swap-in ${app.time_ms.swapin} ms`);
    assert.ok(splitMs(app) <= app.runtime_ms! + 100, `split ${splitMs(app)} ms over run time ${app.runtime_ms} ms`);
  });

  it('slower swap makes the alloc, and the phase after it, end later', () => {
    const at = (bw: string) => {
      const set = compileText(OVERFLOW.replace('100 MB/s', bw), 'overflow.numa');
      return runVariant(set.variants[0]).summary.workloads[0].phases[1].start_ms!;
    };
    const fast = at('2 GB/s'), slow = at('100 MB/s');
    // 276 MiB more to write at a twentieth of the speed: seconds later, not the same step.
    assert.ok(slow > fast + 2000, `access started at ${slow} ms on 100 MB/s swap, ${fast} ms on 2 GB/s`);
  });

  // Every closed-loop workload of the examples and the closed-loop fixture: its threads' time,
  // split by cause, fits in its run time (a step of slack: kswapd's share of the step a phase
  // ends in is settled after it), and fills the time its closed-loop phases ran (a paced phase
  // may leave threads idle); the CPU time kswapd took from the threads counts as reclaim.
  const files = [...readdirSync(`${ROOT}/examples`).filter((f) => f.endsWith('.numa')).map((f) => `examples/${f}`), 'test/fixtures/closed-loop/bound.numa'];
  for (const file of files) {
    it(`${file}: each closed-loop workload's time split fits its run time and fills its closed-loop phases`, () => {
      const set = compileFile(file);
      const r = runScenarioSet(set);
      let checked = 0;
      for (const v of r.variants) {
        for (const w of v.summary.workloads) {
          const closed = w.phases.map((_, i) => i).filter((i) => closedPhase(set, w.name, i));
          if (closed.length === 0 || w.runtime_ms === null) continue;
          checked++;
          const split = splitMs(w);
          const step = v.summary.end_ms > 0 ? 100 : 0;
          assert.ok(split <= w.runtime_ms * 1.001 + step, `${v.name} ${w.name}: split ${split} ms > run time ${w.runtime_ms} ms`);
          const closedMs = closed.reduce((t, i) => t + (w.phases[i].end_ms! - w.phases[i].start_ms!), 0);
          assert.ok(split >= 0.99 * Math.min(closedMs, w.runtime_ms) - step, `${v.name} ${w.name}: split ${split} ms for ${closedMs} ms of closed-loop phases`);
        }
      }
      if (file !== 'examples/deferred-split.numa') assert.ok(checked > 0, `${file} has closed-loop workloads`);
    });
  }
});
