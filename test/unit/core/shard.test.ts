// Sharded runs: `numa-lab run FILE --shard K/N` in separate processes, then `numa-lab merge`,
// give the bytes one `numa-lab run FILE --format json` gives; a merge refuses parts that are not
// the N shards of one run, saying which and why.

import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compile } from '../../../src/language/index';
import { parseShard, runPlan, shardVariants } from '../../../src/cli/shard';
import { ROOT } from './helpers';

const CLI = path.join(ROOT, 'dist/cli.js');
const CROSS = path.join(ROOT, 'test/fixtures/sweeps/reclaim-cross.numa');
const ZR = path.join(ROOT, 'test/fixtures/kernel-data/zr.numa');

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const clean = { ...process.env };
    delete clean.SLURM_ARRAY_TASK_ID;
    delete clean.JOB_COMPLETION_INDEX;
    const p = spawn(process.execPath, [CLI, ...args], { env: { ...clean, ...env } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('sharded runs and merge', function () {
  this.timeout(120000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'numa-shard-'));
  const part = (k: number) => path.join(dir, `part-${k}.json`);
  const single = path.join(dir, 'single.json');
  const merged = path.join(dir, 'merged.json');

  before(async () => {
    // The single run and the four shards, each its own process, all at once.
    const runs = await Promise.all([
      cli(['run', CROSS, '--format', 'json', '--out', single]),
      ...[0, 1, 2, 3].map((k) => cli(['run', CROSS, '--shard', `${k}/4`, '--out', part(k)])),
    ]);
    runs.forEach((r, i) => assert.equal(r.code, 0, `run ${i}: ${r.err}`));
  });

  it('merges a 3-knob sweep of 64 points run as 4 shards in 4 processes into the single run, byte for byte', async () => {
    const set = compile(readFileSync(CROSS, 'utf8'), CROSS).set!;
    assert.equal(set.sweeps[0].axes.length, 3);
    assert.ok(set.sweeps[0].variantNames.length >= 60);
    // Each part holds its quarter only.
    const sizes = [0, 1, 2, 3].map((k) => JSON.parse(readFileSync(part(k), 'utf8')).result.variants.length);
    assert.deepEqual(sizes, [17, 16, 16, 16]);
    // In any order on the command line.
    const r = await cli(['merge', part(2), part(0), part(3), part(1), '--out', merged]);
    assert.equal(r.code, 0, r.err);
    const a = readFileSync(single);
    const b = readFileSync(merged);
    assert.ok(a.equals(b), 'the merge differs from the single run');
    assert.equal(JSON.parse(a.toString()).variants.length, 65);
  });

  it('K from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX with --shard auto/N gives the same part as K/N', async () => {
    const slurm = path.join(dir, 'slurm-1.json');
    const k8s = path.join(dir, 'k8s-3.json');
    const [a, b] = await Promise.all([
      cli(['run', CROSS, '--shard', 'auto/4', '--out', slurm], { SLURM_ARRAY_TASK_ID: '1' }),
      cli(['run', CROSS, '--shard', 'auto/4', '--out', k8s], { JOB_COMPLETION_INDEX: '3' }),
    ]);
    assert.equal(a.code, 0, a.err);
    assert.equal(b.code, 0, b.err);
    assert.ok(readFileSync(slurm).equals(readFileSync(part(1))));
    assert.ok(readFileSync(k8s).equals(readFileSync(part(3))));
  });

  it('refuses --shard auto/N with neither variable set, or an index out of range, before running', async () => {
    const none = await cli(['run', CROSS, '--shard', 'auto/4']);
    assert.equal(none.code, 2);
    assert.match(none.err, /neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set/);
    const high = await cli(['run', CROSS, '--shard', 'auto/4'], { SLURM_ARRAY_TASK_ID: '4' });
    assert.equal(high.code, 2);
    assert.match(high.err, /SLURM_ARRAY_TASK_ID is 4, but shards are numbered 0 to 3: submit with --array=0-3/);
    assert.match(String(parseShard('auto/4', { JOB_COMPLETION_INDEX: '9' })), /JOB_COMPLETION_INDEX is 9, but shards are numbered 0 to 3/);
    assert.match(String(parseShard('auto/4', { JOB_COMPLETION_INDEX: 'x' })), /JOB_COMPLETION_INDEX is 'x', not a task index/);
    assert.match(String(parseShard('4/4', {})), /shards are numbered 0 to 3/);
    assert.match(String(parseShard('1-4', {})), /--shard needs K\/N or auto\/N/);
    assert.match(String(parseShard('0/0', {})), /N is the number of shards/);
    assert.deepEqual(parseShard('auto/4', { SLURM_ARRAY_TASK_ID: '2', JOB_COMPLETION_INDEX: '0' }), { k: 2, n: 4 });
    const csv = await cli(['run', CROSS, '--shard', '0/4', '--format', 'csv']);
    assert.equal(csv.code, 2);
    assert.match(csv.err, /--shard writes a JSON part for numa-lab merge, not csv/);
  });

  it('splits the plan into disjoint shards that cover it, every Nth from the Kth', () => {
    const plan = Array.from({ length: 10 }, (_, i) => `v${i}`);
    const shards = [0, 1, 2].map((k) => shardVariants(plan, k, 3));
    assert.deepEqual(shards[0], ['v0', 'v3', 'v6', 'v9']);
    assert.deepEqual(shards.flat().sort(), [...plan].sort());
    const set = compile(readFileSync(ZR, 'utf8'), ZR).set!;
    assert.deepEqual(runPlan(set, ['bind0', 'zr0']), ['zr0', 'bind0']);
  });

  it('refuses a missing shard, a shard given twice, another seed, another scenario, a result and a tampered part, writing nothing', async () => {
    const out = path.join(dir, 'refused.json');
    const refuse = async (args: string[], pattern: RegExp) => {
      const r = await cli(['merge', ...args, '--out', out]);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, pattern);
      assert.ok(!existsSync(out), 'nothing written');
    };
    await refuse([part(0), part(1), part(3)], /missing shard 2 of 4: run numa-lab run .*reclaim-cross\.numa --shard 2\/4/);
    await refuse([part(0), part(1), part(1), part(2), part(3)], /part-1\.json and .*part-1\.json are both shard 1 of 4/);
    const seeded = path.join(dir, 'seed-2.json');
    assert.equal((await cli(['run', CROSS, '--shard', '2/4', '--seed', '5', '--out', seeded])).code, 0);
    await refuse([part(0), part(1), seeded, part(3)], /seed-2\.json ran with --seed 5 and .*part-0\.json with the scenario's seed/);
    const other = path.join(dir, 'other-0.json');
    assert.equal((await cli(['run', ZR, '--shard', '0/4', '--out', other])).code, 0);
    await refuse([other, part(1), part(2), part(3)], /ran the scenario "reclaim knobs crossed \(small\)" .* and .*other-0\.json "/);
    const edited = JSON.parse(readFileSync(part(2), 'utf8'));
    edited.text += '\n# edited\n';
    const changed = path.join(dir, 'changed-2.json');
    writeFileSync(changed, JSON.stringify(edited));
    await refuse([part(0), part(1), changed, part(3)], /ran different texts of "reclaim knobs crossed \(small\)"/);
    await refuse([part(0), part(1), single, part(3)], /single\.json: not a valid part: is a result, not a shard part/);
    // A variant moved from one part to another: names no longer match the shard.
    const p1 = JSON.parse(readFileSync(part(1), 'utf8'));
    const p2 = JSON.parse(readFileSync(part(2), 'utf8'));
    p1.result.variants.push(p2.result.variants.pop());
    writeFileSync(path.join(dir, 'moved-1.json'), JSON.stringify(p1));
    writeFileSync(path.join(dir, 'moved-2.json'), JSON.stringify(p2));
    await refuse([part(0), path.join(dir, 'moved-1.json'), path.join(dir, 'moved-2.json'), part(3)], /moved-1\.json holds 17 variants but shard 1 of 4 is 16/);
    // Validated before use: a bad number in a part is named.
    p2.result.variants[0].summary.avg_access_ns = 'fast';
    writeFileSync(path.join(dir, 'bad-2.json'), JSON.stringify(p2));
    await refuse([part(0), part(1), path.join(dir, 'bad-2.json'), part(3)], /bad-2\.json: not a valid part: result\.variants\[0\]\.summary\.avg_access_ns should be number/);
    const versioned = JSON.parse(readFileSync(part(0), 'utf8'));
    versioned.version = '0.0.9';
    writeFileSync(path.join(dir, 'old-0.json'), JSON.stringify(versioned));
    await refuse([path.join(dir, 'old-0.json'), part(1), part(2), part(3)], /old-0\.json was run by numa-lab 0\.0\.9; this is .*: merge with the version that ran the shards/);
    // And never over a part.
    const over = await cli(['merge', part(0), part(1), part(2), part(3), '--out', part(0)]);
    assert.equal(over.code, 2);
    assert.match(JSON.parse(readFileSync(part(0), 'utf8')).numa_lab_part.toString(), /^1$/);
  });

  it('more shards than variants: the empty shards write empty parts and the merge still equals the single run', async () => {
    const n = 5; // zr.numa has 3 variants
    const runs = await Promise.all([
      cli(['run', ZR, '--format', 'json', '--seed', '7']),
      ...Array.from({ length: n }, (_, k) => cli(['run', ZR, '--seed', '7', '--shard', `${k}/${n}`, '--out', path.join(dir, `zr-${k}.json`)])),
    ]);
    runs.forEach((r) => assert.equal(r.code, 0, r.err));
    assert.equal(JSON.parse(readFileSync(path.join(dir, 'zr-4.json'), 'utf8')).result.variants.length, 0);
    const m = await cli(['merge', ...Array.from({ length: n }, (_, k) => path.join(dir, `zr-${k}.json`))]);
    assert.equal(m.code, 0, m.err);
    assert.equal(m.out, runs[0].out);
    assert.equal(JSON.parse(m.out).seed, 7);
  });
});
