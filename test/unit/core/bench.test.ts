// The benchmark script runs (for correctness only: no timing is asserted here).

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './helpers';

describe('bench/run-all.mjs', function () {
  this.timeout(120000);
  it('prints the per-variant, scale, fresh-process and RSS numbers', function () {
    if (!existsSync(path.join(ROOT, 'dist/cli.js'))) this.skip();
    const devNull = () => { const st = lstatSync('/dev/null'); return `${st.ino} ${st.isCharacterDevice()}`; };
    const before = devNull();
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bench/run-all.mjs'), '--quick'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    for (const name of ['zrm-off', 'zrm-on', 'membind']) assert.match(r.stdout, new RegExp(`${name} +\\d+\\.\\d ms`));
    assert.match(r.stdout, /16x \/ 1x: \d+\.\d\d/);
    assert.match(r.stdout, /in a fresh process, best of \d+: \d+\.\d\d s wall, \d+\.\d\d s CPU; median \d+\.\d\d s wall, \d+\.\d\d s CPU; load average \d+\.\d\d/);
    assert.equal(devNull(), before, '/dev/null is the same inode and type after the benchmark');
  });

  it('no benchmark sends the CLI\'s --out to /dev/null: results go to a temp folder', () => {
    // An older --out renamed a temp file over its target, and as root that replaced /dev/null.
    for (const f of readdirSync(path.join(ROOT, 'bench')).filter((n) => n.endsWith('.mjs'))) {
      const text = readFileSync(path.join(ROOT, 'bench', f), 'utf8');
      assert.doesNotMatch(text, /'--out',\s*'\/dev\//, `bench/${f}`);
    }
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

describe('bench/jobs.mjs', function () {
  this.timeout(120000);
  it('prints --jobs 1 and --jobs 2 times, and the same bytes from both', function () {
    if (!existsSync(path.join(ROOT, 'dist/cli.js'))) this.skip();
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bench/jobs.mjs'), '--quick'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /two threads of arithmetic do \d+\.\d\dx the work of one/);
    for (const file of ['examples/tiering.numa', 'bench/fixtures/sweep-64.numa']) {
      assert.match(r.stdout, new RegExp(`${file.replace('.', '\\.')} .*\\n +--jobs 1 +\\d+\\.\\d\\d s +--jobs 2 +\\d+\\.\\d\\d s +speedup \\d+\\.\\d\\dx \\(goal >= 1\\.7x\\) +output byte-identical \\(\\d+ bytes\\)`));
    }
  });
});

describe('bench/result-files.mjs', function () {
  this.timeout(120000);
  it('prints the time to open a real and a large result and to refuse crafted ones', function () {
    if (!existsSync(path.join(ROOT, 'out/src/extension/run/resultFiles.js'))) this.skip();
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bench/result-files.mjs'), '--quick'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /tiering\.numa +[\d.]+ MiB +loadResult +\d+ ms +\(JSON\.parse \d+ ms, validation \d+ ms\)/);
    assert.match(r.stdout, /refused: the 200-byte 2e8-length file in [\d.]+ ms/);
    assert.match(r.stdout, /refused: a file 1 byte over the limit in [\d.]+ ms/);
  });
});
