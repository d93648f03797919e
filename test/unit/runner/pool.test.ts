// The pool of worker threads that runs a set's variants for the CLI and the extension: the same
// bytes whatever the number of threads, progress per variant, one cancel that stops every thread,
// and a failing variant named in the error.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compile } from '../../../src/language/index';
import type { ScenarioSet } from '../../../src/language/model';
import { runScenarioSet, scaleScenario } from '../../../src/core';
import type { Progress } from '../../../src/core/result';
import { fitsMainThread, RunCancelled, runPool, VariantFailed, type Overall } from '../../../src/runner/pool';
import { REPO } from '../panels/exampleResults';

const WORKER = path.join(REPO, 'dist', 'worker.js');

function compileFile(rel: string, scale = 1): ScenarioSet {
  const file = path.join(REPO, rel);
  const c = compile(fs.readFileSync(file, 'utf8'), file);
  assert.ok(c.set, c.diagnostics.map((d) => d.message).join('; '));
  return scale === 1 ? c.set : { ...c.set, variants: c.set.variants.map((v) => scaleScenario(v, scale)) };
}

/** The OS threads of this process now: a worker thread is one of them while it lives. */
function osThreads(): number {
  return fs.readdirSync('/proc/self/task').length;
}

describe('runner/pool', function () {
  this.timeout(120000);
  before(function () {
    if (!fs.existsSync(WORKER)) this.skip();
  });

  it('a run of little estimated work fits the main thread, a long one goes to the threads', () => {
    const small = compileFile('examples/zone-reclaim.numa');
    assert.equal(fitsMainThread(small), true);
    assert.equal(fitsMainThread(compileFile('test/e2e/fixtures/run-long.numa')), false);
    assert.equal(fitsMainThread(compileFile('examples/tiering.numa')), false);
    assert.equal(fitsMainThread(small, [small.variants[0].variant]), true);
  });

  it('gives the same bytes on 1, 2 and 3 threads as the core on this thread', async () => {
    const set = compileFile('examples/thp-numa.numa', 1 / 16);
    assert.equal(set.variants.length, 3);
    const serial = JSON.stringify(runScenarioSet(set));
    for (const jobs of [1, 2, 3]) {
      const run = runPool(set, { jobs, workerPath: WORKER });
      assert.equal(run.threads, jobs);
      assert.equal(JSON.stringify(await run.result), serial, `--jobs ${jobs}`);
      assert.equal(run.liveThreads(), 0, `no thread left after --jobs ${jobs}`);
    }
  });

  it('runs only the chosen variants, in the set\'s order, on no more threads than variants', async () => {
    const set = compileFile('examples/thp-numa.numa', 1 / 16);
    const names = [set.variants[2].variant, set.variants[0].variant];
    const run = runPool(set, { jobs: 8, variants: names, workerPath: WORKER });
    assert.equal(run.threads, 2);
    const r = await run.result;
    assert.deepEqual(r.variants.map((v) => v.name), [set.variants[0].variant, set.variants[2].variant]);
    assert.equal(JSON.stringify(r), JSON.stringify(runScenarioSet(set, { variants: names })));
  });

  it('reports progress per variant, the whole run\'s share, and each variant\'s whole result', async () => {
    const set = compileFile('examples/zone-reclaim.numa', 1 / 16);
    const progress: Progress[] = [];
    const overall: Overall[] = [];
    const finals = new Map<string, number>();
    const r = await runPool(set, {
      jobs: 2, workerPath: WORKER,
      onProgress: (p, all) => {
        progress.push(p);
        overall.push(all);
      },
      onPartial: (v) => finals.set(v.name, v.series.t_ms.length),
    }).result;
    for (const [i, v] of set.variants.entries()) {
      const mine = progress.filter((p) => p.variant === v.variant);
      assert.ok(mine.length >= 2, `${v.variant}: ${mine.length} progress reports`);
      assert.ok(mine.every((p) => p.variantIndex === i && p.variantCount === set.variants.length));
      assert.ok(mine.every((p, k) => k === 0 || p.simulated_ms >= mine[k - 1].simulated_ms), `${v.variant}: simulated time only grows`);
      // The last thing the panel gets of a variant is its whole result.
      assert.equal(finals.get(v.variant), r.variants[i].series.t_ms.length);
    }
    const fractions = overall.map((o) => o.fraction);
    assert.ok(fractions.every((f) => f >= 0 && f <= 1));
    // That variants run side by side is the cancel test's premise (it waits for three at once):
    // asserted here it failed under load, when one worker ran its short variant before the other
    // had loaded the core.
    assert.ok(overall.every((o) => o.running.every((p, k) => k === 0 || o.running[k - 1].variantIndex < p.variantIndex)), 'running variants in the set\'s order');
    // Finished variants only grow, and a report comes from a running variant, so at most all but
    // one are done. Which variant reports last depends on the threads' speed (under load the
    // third variant, on the first free thread, can end before the second): only the third's
    // reports are sure to follow a finished variant, since two threads run three variants.
    const done = overall.map((o) => o.done);
    assert.ok(done.every((d, k) => k === 0 || d >= done[k - 1]), `finished variants only grow: ${done}`);
    assert.ok(done.every((d) => d <= set.variants.length - 1));
    const third = set.variants[2].variant;
    assert.ok(overall.every((o) => !o.running.some((p) => p.variant === third) || o.done >= 1), 'the third variant started once a thread was free');
  });

  it('one cancel stops every thread at once and leaves none', async () => {
    const set = compileFile('test/e2e/fixtures/run-long.numa');
    const before = osThreads();
    let both!: () => void;
    const running = new Promise<void>((res) => (both = res));
    const run = runPool(set, { jobs: 3, workerPath: WORKER, onProgress: (_p, all) => all.running.length === 3 && both() });
    await running;
    assert.equal(run.liveThreads(), 3);
    assert.ok(osThreads() >= before + 3, 'three worker threads run');
    await run.cancel();
    assert.equal(run.liveThreads(), 0);
    assert.equal(osThreads(), before, 'every worker thread has exited');
    await assert.rejects(run.result, RunCancelled);
    // A second cancel is harmless.
    await run.cancel();
  });

  it('a variant that fails is named, and the other threads stop', async () => {
    const set = compileFile('examples/thp-numa.numa', 1 / 16);
    const bad = set.variants[1];
    // A scenario no compiler makes: the core throws on it inside its worker thread.
    const broken = { ...set, variants: set.variants.map((v) => (v === bad ? { ...v, workloads: [{ ...v.workloads[0], phases: null as never }] } : v)) };
    const before = osThreads();
    const run = runPool(broken, { jobs: 3, workerPath: WORKER });
    await assert.rejects(run.result, (e: unknown) => {
      assert.ok(e instanceof VariantFailed);
      assert.equal(e.variant, bad.variant);
      assert.match(e.message, new RegExp(`^variant ${bad.variant}: `));
      return true;
    });
    assert.equal(run.liveThreads(), 0);
    assert.equal(osThreads(), before);
  });

  it('a worker that cannot start fails the run with its path, and no thread is left', async () => {
    const set = compileFile('examples/thp-numa.numa', 1 / 16);
    const missing = path.join(REPO, 'dist', 'no-such-worker.js');
    const run = runPool(set, { jobs: 2, workerPath: missing });
    await assert.rejects(run.result, (e: Error) => e.message.includes(missing));
    assert.equal(run.liveThreads(), 0);
  });

  it('a set with no variants to run gives an empty result without a thread', async () => {
    const set = compileFile('examples/thp-numa.numa', 1 / 16);
    const run = runPool({ ...set, variants: [] }, { workerPath: WORKER });
    assert.equal(run.threads, 0);
    assert.deepEqual((await run.result).variants, []);
  });
});
