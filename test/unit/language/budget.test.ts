// The budget: estimated from the scenario alone, close to the real result, admitting every
// example and fixture, refusing the huge scenarios of issue 11 at the run block in check, the
// language service's diagnostics (compile) and run alike, and raised by --budget.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCommand } from '../../../src/cli/run';
import { SAMPLED_COUNTERS } from '../../../src/core/vmstat';
import { DEFAULT_BUDGET, LineMap, compile, estimateBudget } from '../../../src/language/index';
import { exampleResult, EXAMPLES } from '../panels/exampleResults';
import { ROOT } from './helpers';

/** A machine of `nodes` nodes with `workloads` small workloads, `variants` variants, and the
 *  given run block (none when empty). */
function scaled(nodes: number, workloads: number, variants: number, run: string): string {
  const lines = ['scenario "budget"', 'machine {'];
  for (let i = 0; i < nodes; i++) lines.push(`  node ${i} { memory = 4 GiB  cpus = ${2 * i}-${2 * i + 1} }`);
  lines.push('}');
  for (let w = 0; w < workloads; w++) lines.push(`workload w${w} {`, `  node = ${w % nodes}`, '  at 0 s alloc a 16 MiB', '  at 0 s access a uniform', '}');
  if (run) lines.push(run);
  for (let v = 0; v < variants; v++) lines.push(`variant v${v} { vm.swappiness = ${v} }`);
  return lines.join('\n') + '\n';
}

const budgetErrors = (text: string, budget?: number) => compile(text, 'b.numa', { budget }).diagnostics.filter((d) => d.code === 'budget');

describe('budget', function () {
  this.timeout(120_000);

  it('estimates each example\'s samples and result size: exactly and within 2x when it runs to its bound, an upper bound when its work ends it sooner', () => {
    for (const name of EXAMPLES) {
      const c = compile(readFileSync(path.join(ROOT, 'examples', name), 'utf8'), name);
      const e = estimateBudget(c.set!);
      const real = exampleResult(name);
      const bytes = Buffer.byteLength(JSON.stringify(real));
      const ratio = e.resultBytes / bytes;
      const toBound = real.variants.every((v, i) => v.summary.end_ms * 1e6 === c.set!.variants[i].run.durationNs);
      const samples = Math.max(...real.variants.map((v) => v.series.t_ms.length));
      if (toBound) {
        assert.ok(ratio > 0.5 && ratio < 2, `${name}: estimated ${e.resultBytes} bytes, real ${bytes} (x${ratio.toFixed(2)})`);
        assert.equal(e.samples, samples, name);
      } else {
        assert.ok(ratio > 0.5, `${name}: estimated ${e.resultBytes} bytes, real ${bytes} (x${ratio.toFixed(2)})`);
        assert.ok(e.samples >= samples, name);
      }
      assert.equal(e.variants, real.variants.length, name);
      const v = real.variants[0].series;
      // Every sampled counter is counted; a kernel version without some of them samples fewer.
      assert.equal(e.series, 1 + 6 * v.nodes.length + v.cgroups.length + v.workloads.length + 3 * v.workload_perf.length + SAMPLED_COUNTERS.length, name);
      assert.ok(Object.keys(v.vmstat).length <= SAMPLED_COUNTERS.length, name);
    }
  });

  it('admits every example and fixture with room to spare (at most a third of each limit)', () => {
    const files = execFileSync('git', ['ls-files', '*.numa'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    assert.ok(files.length >= 15, files.join(' '));
    let checked = 0;
    for (const f of files) {
      const c = compile(readFileSync(path.join(ROOT, f), 'utf8'), f);
      assert.deepEqual(c.diagnostics.filter((d) => d.code === 'budget'), [], f);
      if (!c.set) continue;
      const e = estimateBudget(c.set);
      // The live-panel fixture is slow on purpose (a test watches its variants run one after
      // another): it need only fit the limits (its check above is clean).
      const share = f === 'test/e2e/fixtures/run-variants.numa' ? 1 : 1 / 3;
      assert.ok(e.resultBytes < DEFAULT_BUDGET.resultBytes * share && e.work < DEFAULT_BUDGET.work * share && e.workloads < DEFAULT_BUDGET.workloads * share, `${f}: ${JSON.stringify(e)}`);
      checked++;
    }
    assert.ok(checked >= 12, `${checked} files resolved`);
  });

  it('refuses 12 nodes x 14 variants x 100k samples at the run block, with the estimate and how to lower it', () => {
    const text = scaled(12, 2, 14, 'run {\n  duration = 100 s\n  sample = 1 ms\n}');
    const ds = budgetErrors(text);
    // Its work is over the limit too: a 1 ms sample makes 1 ms steps, however long the run.
    assert.equal(ds.length, 2, ds.map((d) => d.message).join('\n'));
    assert.match(ds[1].message, /units of work \(1,400,000 steps of 14 variants/);
    const d = ds[0];
    assert.equal(d.severity, 'error');
    assert.equal(text.slice(d.start, d.end), 'run');
    assert.equal(new LineMap(text).position(d.start).line + 1, text.split('\n').indexOf('run {') + 1);
    const series = 1 + 6 * 12 + 2 * 12 + 3 * 2 + SAMPLED_COUNTERS.length;
    assert.match(d.message, new RegExp(`^the result would be about \\d+ MiB \\(100,001 samples x ${series} series x 14 variants\\); the limit is 128 MiB`));
    assert.match(d.message, /longer 'sample' interval/);
    assert.match(d.message, /fewer variants/);
    assert.match(d.message, /--budget \d+(\.\d)?$/);
    assert.equal(compile(text).set, null);
  });

  it('refuses 64 nodes x 14 variants x 100k samples for its size and its work', () => {
    const ds = budgetErrors(scaled(64, 2, 14, 'run {\n  duration = 100 s\n  sample = 1 ms\n}'));
    assert.equal(ds.length, 2);
    assert.match(ds[0].message, /the result would be about [\d.]+ GiB/);
    assert.match(ds[1].message, /the run would simulate about [\d,]+ units of work .*the limit is 5,000,000/);
  });

  it('refuses 25,000 workloads, and a run with too much work, at the scenario start when there is no run block', () => {
    const many = scaled(2, 25_000, 0, '');
    const ds = budgetErrors(many);
    assert.ok(ds.some((d) => /the scenario has 25,000 workloads; the limit is 1,000/.test(d.message)), ds.map((d) => d.message).join('\n'));
    for (const d of ds) assert.equal(many.slice(d.start, d.end), 'scenario');
    // 400 workloads for a simulated hour: under the workload limit, over the work limit.
    const long = budgetErrors(scaled(2, 400, 0, 'run { duration = 60 min }'));
    assert.equal(long.length, 1);
    assert.match(long[0].message, /units of work \(72,000 steps of 1 variant x \(400 workloads \+ 2 nodes\)\)/);
  });

  it('is raised by a factor: the one the message suggests admits the scenario', () => {
    const text = scaled(12, 2, 14, 'run {\n  duration = 100 s\n  sample = 1 ms\n}');
    const factor = Number(/--budget ([\d.]+)$/.exec(budgetErrors(text)[0].message)![1]);
    assert.deepEqual(budgetErrors(text, factor), []);
    assert.equal(budgetErrors(text, factor * 0.9).length, 1);
  });

  it('numa-lab run refuses over budget with the diagnostic, and runs with --budget', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'numa-budget-'));
    const file = path.join(dir, 'many.numa');
    // 1,001 workloads that only exit: over the workload limit, quick to simulate.
    const lines = ['machine preset two-socket'];
    for (let w = 0; w <= 1000; w++) lines.push(`workload w${w} { at 0 s exit }`);
    lines.push('run { duration = 10 ms }');
    writeFileSync(file, lines.join('\n') + '\n');
    const out: string[] = [];
    const ow = process.stdout.write.bind(process.stdout), ew = process.stderr.write.bind(process.stderr);
    (process.stdout as any).write = (s: string) => { out.push(String(s)); return true; };
    (process.stderr as any).write = (s: string) => { out.push(String(s)); return true; };
    let refused: number, raised: number, bad: number;
    try {
      refused = await runCommand([file]);
      const refusal = out.join('');
      out.length = 0;
      raised = await runCommand([file, '--budget', '1.1', '--format', 'csv']);
      const csv = out.join('');
      out.length = 0;
      bad = await runCommand([file, '--budget', '0']);
      (process.stdout as any).write = ow;
      (process.stderr as any).write = ew;
      assert.match(refusal, new RegExp(`${file.replace(/[.\\/]/g, '\\$&')}:1003:1: error: the scenario has 1,001 workloads; the limit is 1,000\\. .*--budget 1\\.1`));
      assert.match(csv, /^variant,avg_access_ns/);
      assert.match(out.join(''), /--budget needs a positive factor/);
    } finally {
      (process.stdout as any).write = ow;
      (process.stderr as any).write = ew;
    }
    assert.equal(refused, 1);
    assert.equal(raised, 0);
    assert.equal(bad, 2);
  });
});
