// The benchmark script runs (for correctness only: no timing is asserted here).

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './helpers';

describe('bench/run-all.mjs', function () {
  this.timeout(120000);
  it('prints the per-variant, scale and RSS numbers', function () {
    if (!existsSync(path.join(ROOT, 'dist/cli.js'))) this.skip();
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bench/run-all.mjs'), '--quick'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    for (const name of ['zrm-off', 'zrm-on', 'membind']) assert.match(r.stdout, new RegExp(`${name} +\\d+\\.\\d ms`));
    assert.match(r.stdout, /16x \/ 1x: \d+\.\d\d/);
  });
});

describe('bench/cancel.mjs', function () {
  this.timeout(120000);
  it('prints the cancel latency of a running simulation', function () {
    if (!existsSync(path.join(ROOT, 'dist/worker.js'))) this.skip();
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bench/cancel.mjs'), '--quick'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /min \d+\.\d ms +median \d+\.\d ms +max \d+\.\d ms/);
  });
});
