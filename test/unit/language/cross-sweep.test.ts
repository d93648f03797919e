// Sweeps over several knobs: `sweep a = ... x b = ... x c = ...` crosses them into one variant
// per point of their product; the checker refuses a knob swept twice and a product over the
// limit or the budget at the sweep's line.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { format } from '../../../src/language/format';
import { compile } from '../../../src/language/index';
import * as S from '../../../src/language/service';
import { KNOBS } from '../../../src/language/schema';
import { MAX_SWEEP_POINTS } from '../../../src/language/model';
import { MAX_VARIANTS } from '../../../src/protocol/resultSchema';
import { compiled, errors, ROOT, scenario, show } from './helpers';

const CROSS = path.join(ROOT, 'test/fixtures/sweeps/reclaim-cross.numa');

describe('language: sweeps over several knobs', () => {
  it('crosses three knobs into 4 x 4 x 4 points, the last knob fastest, each point setting all three', () => {
    const c = compiled(readFileSync(CROSS, 'utf8'));
    assert.deepEqual(c.diagnostics, [], show(c));
    const set = c.set!;
    assert.equal(set.sweeps.length, 1);
    const sw = set.sweeps[0];
    assert.equal(sw.knob, 'vm.zone_reclaim_mode x vm.min_unmapped_ratio x vm.watermark_scale_factor');
    assert.deepEqual(sw.axes.map((a) => a.values), [[0, 1, 3, 4], [1, 5, 20, 50], [10, 340, 670, 1000]]);
    assert.equal(sw.variantNames.length, 64);
    assert.equal(sw.variantNames[0], 'vm.zone_reclaim_mode=0 vm.min_unmapped_ratio=1 vm.watermark_scale_factor=10');
    assert.equal(sw.variantNames[1], 'vm.zone_reclaim_mode=0 vm.min_unmapped_ratio=1 vm.watermark_scale_factor=340');
    assert.equal(sw.variantNames[63], 'vm.zone_reclaim_mode=4 vm.min_unmapped_ratio=50 vm.watermark_scale_factor=1000');
    // base first (no declared variant), then the 64 points.
    assert.equal(set.variants.length, 65);
    const p = set.variants.find((v) => v.variant === sw.variantNames[22])!;
    assert.deepEqual(sw.points[22], [1, 5, 670]);
    assert.equal(p.knobs['vm.zone_reclaim_mode'], 1);
    assert.equal(p.knobs['vm.min_unmapped_ratio'], 5);
    assert.equal(p.knobs['vm.watermark_scale_factor'], 670);
  });

  it('takes x on one line and × as well, and keeps a one-knob sweep as it was', () => {
    const c = compiled(scenario('sweep vm.swappiness = [0, 60] × vm.watermark_scale_factor = [10, 100] x transparent_hugepage.enabled = [never, always]'));
    assert.deepEqual(errors(c), [], show(c));
    assert.equal(c.set!.sweeps[0].variantNames.length, 8);
    assert.equal(c.set!.sweeps[0].variantNames[7], 'vm.swappiness=60 vm.watermark_scale_factor=100 transparent_hugepage.enabled=always');
    const one = compiled(scenario('sweep vm.swappiness = [0, 60]\nsweep vm.watermark_scale_factor = [10, 100]')).set!;
    assert.deepEqual(one.sweeps.map((s) => [s.knob, s.values, s.variantNames]), [
      ['vm.swappiness', [0, 60], ['vm.swappiness=0', 'vm.swappiness=60']],
      ['vm.watermark_scale_factor', [10, 100], ['vm.watermark_scale_factor=10', 'vm.watermark_scale_factor=100']],
    ]);
  });

  it('refuses a knob swept twice, in one product or in two sweeps, at the second knob', () => {
    for (const [text, where] of [
      ['sweep vm.swappiness = [0, 60]\n  x vm.swappiness = [100]', 'this product'],
      ['sweep vm.swappiness = [0, 60]\nsweep vm.watermark_scale_factor = [10] x vm.swappiness = [100]', 'another sweep'],
      ['sweep vm.swappiness = [0, 60]\nsweep vm.swappiness = [100]', 'another sweep'],
    ]) {
      const src = scenario(text);
      const c = compiled(src);
      const dups = c.diagnostics.filter((d) => d.code === 'duplicate' && d.severity === 'error');
      assert.equal(dups.length, 1, show(c));
      assert.equal(dups[0].start, src.lastIndexOf('vm.swappiness'));
      assert.match(dups[0].message, new RegExp(`'vm.swappiness' is swept twice \\(again in ${where}\\)`));
    }
  });

  it('says where a product factor is malformed', () => {
    const src = scenario('sweep vm.swappiness = [0, 60]\n  x vm.watermark_scale_factor [10]');
    const c = compiled(src);
    assert.equal(errors(c).length, 1, show(c));
    assert.match(errors(c)[0].message, /expected '=' after 'x vm.watermark_scale_factor'/);
  });

  it('refuses a product of more points than a result holds, at its sweep line', () => {
    assert.equal(MAX_SWEEP_POINTS, MAX_VARIANTS);
    const src = scenario('sweep vm.swappiness = 0 to 199 step 1\n  x vm.watermark_scale_factor = 10 to 200 step 10\n  x vm.zone_reclaim_mode = [0, 1]');
    const c = compiled(src);
    const e = errors(c);
    assert.equal(e.length, 1, show(c));
    assert.equal(e[0].start, src.indexOf('sweep'));
    assert.match(e[0].message, /200 x 20 x 2 = 8,000 points; at most 4,096/);
  });

  it('reports a product over the budget at its sweep line as well as at the run block, with file:line:col in check', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'numa-cross-'));
    const src = readFileSync(CROSS, 'utf8').replace('duration = 3 s', 'duration = 600 s').replace('sample = 100 ms', 'sample = 10 ms');
    const file = path.join(dir, 'big.numa');
    writeFileSync(file, src);
    const c = compiled(src);
    const budget = c.diagnostics.filter((d) => d.code === 'budget');
    const sweepAt = src.search(/^sweep /m);
    const atSweep = budget.filter((d) => d.start === sweepAt);
    assert.ok(atSweep.length >= 1, show(c));
    assert.match(atSweep[0].message, /this sweep over 3 knobs \(4 x 4 x 4 = 64 points\) is over budget on its own/);
    assert.ok(budget.some((d) => d.start === src.search(/^run \{/m)), 'and at the run block');
    const line = src.slice(0, sweepAt).split('\n').length;
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'check', file], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stdout + r.stderr, new RegExp(`big\\.numa:${line}:1: error: this sweep over 3 knobs`));
    // --budget raises it for the product too.
    const raised = compile(src, 'big.numa', { budget: 1000 });
    assert.deepEqual(raised.diagnostics.filter((d) => d.code === 'budget'), []);
  });

  it('formats a product with each factor on its own indented line, and leaves it stable', () => {
    const messy = scenario('sweep vm.swappiness = [0,60]\nx vm.watermark_scale_factor = 10 to 100 step 90\n        ×   vm.zone_reclaim_mode=[0,1]');
    const once = format(messy);
    assert.match(once, /\nsweep vm\.swappiness = \[0, 60\]\n {4}x vm\.watermark_scale_factor = 10 to 100 step 90\n {4}× vm\.zone_reclaim_mode = \[0, 1\]\n/);
    assert.equal(format(once), once);
    assert.equal(compiled(once).set!.sweeps[0].variantNames.length, 8);
  });

  it('completes knobs after x and a knob values after x KNOB =, and explains x on hover only in a sweep', () => {

    const labels = (text: string) => S.complete(compile(text.replace('|', '')), text.indexOf('|')).map((i) => i.label);
    assert.deepEqual(labels(scenario('sweep vm.swappiness = [0, 60]\n    x |')), KNOBS.map((k) => k.name));
    assert.deepEqual(labels(scenario('sweep vm.swappiness = [0, 60] × transparent_hugepage.enabled = [|')), ['always', 'madvise', 'never']);
    const text = scenario('sweep vm.swappiness = [0, 60]\n    x vm.watermark_scale_factor = [10, 100]') + 'workload x {\n  at 0 s exit\n}\n';
    const c = compile(text);
    const h = S.hover(c, text.indexOf('    x ') + 4)!;
    assert.match(h.markdown, /^\*\*x\*\*: crosses the next knob/);
    const w = S.hover(c, text.indexOf('workload x') + 9);
    assert.doesNotMatch(w?.markdown ?? '', /crosses/);
    assert.match(S.hover(c, text.indexOf('sweep'))!.markdown, /`x KNOB = \.\.\.` after it crosses more knobs/);
  });

  it('outlines a product as one sweep over its knobs, and puts one Run sweep lens on it', () => {
    const c = compile(readFileSync(CROSS, 'utf8'));
    const sweeps = S.documentSymbols(c).filter((x) => x.kind === 'sweep');
    assert.deepEqual(sweeps.map((x) => [x.name, x.detail]), [[
      'sweep vm.zone_reclaim_mode x vm.min_unmapped_ratio x vm.watermark_scale_factor',
      '[0, 1, 3, 4] x [1, 5, 20, 50] x 10 to 1000 step 330',
    ]]);
    const lenses = S.codeLensTargets(c).filter((t) => t.kind === 'sweep');
    assert.deepEqual(lenses.map((t) => t.name), ['vm.zone_reclaim_mode x vm.min_unmapped_ratio x vm.watermark_scale_factor']);
  });
});
