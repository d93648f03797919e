// Every pooled simulation worker runs under a heap limit: a run that needs more dies with a
// message that names the variant and says what to lower, not an extension host out of memory; a
// run that fits is untouched. A result
// too large for a result file is refused with a message and nothing is written.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compile } from '../../../src/language/index';
import { runPool, VariantFailed } from '../../../src/runner/pool';
import { workerDiedMessage, WORKER_HEAP_MB } from '../../../src/runner/workerLimits';
import { saveResult, loadResult } from '../../../src/extension/run/resultFiles';
import { exampleResult, REPO } from '../panels/exampleResults';

const WORKER = path.join(REPO, 'dist', 'worker.js');

/** Runs the first variant of `text` on the pool (dist/worker.js); resolves with how it ended. */
async function runInWorker(text: string, heapMb?: number): Promise<{ done: boolean; error?: VariantFailed }> {
  const c = compile(text, 'limits.numa');
  assert.ok(c.set, c.diagnostics.map((d) => d.message).join('; '));
  const run = runPool(c.set!, { jobs: 1, variants: [c.set!.variants[0].variant], workerPath: WORKER, heapMb });
  try {
    await run.result;
    return { done: true };
  } catch (e) {
    assert.ok(e instanceof VariantFailed, String(e));
    assert.equal(run.liveThreads(), 0, 'the pool has no thread left');
    return { done: false, error: e };
  }
}

describe('simulation worker limits', function () {
  this.timeout(120000);
  before(function () {
    if (!fs.existsSync(WORKER)) this.skip();
  });

  it('a run past the heap limit stops its worker with a message saying what to lower', async () => {
    // The long cancel fixture's base at a 1 ms sample interval: 40,000 samples a series.
    const text = fs
      .readFileSync(path.join(REPO, 'test/e2e/fixtures/run-long.numa'), 'utf8')
      .replace('duration = 600 s', 'duration = 40 s')
      .replace('sample = 100 ms', 'sample = 1 ms')
      .replace(/^sweep .*$/m, '');
    assert.match(text, /sample = 1 ms/);
    const r = await runInWorker(text, 16);
    assert.equal(r.done, false);
    assert.equal(r.error?.code, 'ERR_WORKER_OUT_OF_MEMORY');
    assert.match(r.error!.message, /^variant base: the simulation needed more than its 16 MB memory limit .* longer sample interval/);
  });

  it('an example runs to the end under the default limit', async () => {
    assert.ok(WORKER_HEAP_MB >= 512 && WORKER_HEAP_MB <= 4096);
    const r = await runInWorker(fs.readFileSync(path.join(REPO, 'examples/zone-reclaim.numa'), 'utf8'));
    assert.equal(r.error, undefined);
    assert.equal(r.done, true);
  });

  it('other worker errors keep their own message', () => {
    assert.equal(workerDiedMessage(new Error('boom')), null);
  });
});

describe('saving a result too large for a result file', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'numa-save-limit-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('is refused with the limit and how to shrink it, and leaves no file', () => {
    const r = exampleResult('zone-reclaim.numa');
    // The file is the JSON and a newline.
    const bytes = Buffer.byteLength(JSON.stringify(r)) + 1;
    const dir = path.join(tmp, 'results');
    assert.throws(() => saveResult(dir, 'z.numa-result.json', r, bytes - 1), /^Error: it is over [\d.]+ MiB; result files are limited to [\d.]+ MiB \(a longer sample interval/);
    assert.deepEqual(fs.readdirSync(dir), ['.gitignore']);
    // At the limit it fits, and opens again.
    const f = saveResult(dir, 'z.numa-result.json', r, bytes);
    assert.deepEqual(loadResult(f), r);
  });
});
