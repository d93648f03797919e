// The kernel overlay's data: pairing a kernel run with the simulation of the same variant, the
// kernel's residency lines on the simulated time axis, counters side by side and the fidelity
// numbers. The kernel side is a real boot (`node dist/cli.js kernel
// test/fixtures/kernel/zone-reclaim-512.numa --variant zrm-on --format json --out ...`), the
// simulated side is the core's run of the same file.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunResult, VariantResult } from '../../../src/core/result';
import { mergeForComparison } from '../../../src/extension/panels/compare';
import { parseRunResult } from '../../../src/protocol/resultSchema';
import { baseVariantName, counterRows, fidelity, kernelPair, matchSamples, overlayLines, PLACEMENT_TOLERANCE, type KernelPair } from '../../../webview/results/transforms/kernelOverlay';
import { REPO, resultOf } from './exampleResults';

const SCENARIO = 'test/fixtures/kernel/zone-reclaim-512.numa';
const KERNEL_FILE = path.join(REPO, 'test/fixtures/kernel/zone-reclaim-512.zrm-on.kernel.json');

function kernelResult(): RunResult {
  const checked = parseRunResult(fs.readFileSync(KERNEL_FILE, 'utf8'));
  assert.ok(checked.ok, 'the kernel fixture passes the result-file schema');
  return checked.value;
}

function merged(): RunResult {
  return mergeForComparison({ label: 'sim', result: resultOf(SCENARIO, ['zrm-on']) }, { label: 'kernel', result: kernelResult() });
}

/** The kernel run paired with a copy of itself posing as the simulation. */
function selfPair(change?: (v: VariantResult) => void): KernelPair {
  const k = kernelResult().variants[0];
  const sim: VariantResult = JSON.parse(JSON.stringify({ ...k, kernel: undefined }));
  change?.(sim);
  return { base: 'zrm-on', simulated: sim, kernel: k };
}

describe('panels: kernel overlay', () => {
  it('the fixture is a real kernel run of zone-reclaim-512, zrm-on', () => {
    const r = kernelResult();
    assert.equal(r.source?.kind, 'kernel');
    assert.match(r.source?.kind === 'kernel' ? r.source.release : '', /^\d+\.\d+/);
    assert.deepEqual(r.variants.map((v) => v.name), ['zrm-on']);
    assert.equal(r.variants[0].kernel?.status, 'ok');
  });

  it('pairs the kernel variant with the simulated one of the same name, from either side', () => {
    const r = merged();
    for (const selected of ['A: zrm-on', 'B: zrm-on']) {
      const p = kernelPair(r, selected)!;
      assert.ok(p, `a pair from ${selected}`);
      assert.equal(p.simulated.name, 'A: zrm-on');
      assert.equal(p.kernel.name, 'B: zrm-on');
      assert.equal(p.base, 'zrm-on');
    }
    assert.equal(baseVariantName('B: zrm-on#2'), 'zrm-on');
  });

  it('finds no pair in a simulation alone, in a kernel run alone, or across different variants', () => {
    assert.equal(kernelPair(resultOf(SCENARIO, ['zrm-on']), 'zrm-on'), undefined);
    assert.equal(kernelPair(kernelResult(), 'zrm-on'), undefined);
    const other = mergeForComparison({ label: 'sim', result: resultOf(SCENARIO, ['zrm-off']) }, { label: 'kernel', result: kernelResult() });
    assert.equal(kernelPair(other, 'B: zrm-on'), undefined);
  });

  it('matches each guest sample with the simulated sample nearest in time (the guest drifts a few ms)', () => {
    const p = kernelPair(merged(), 'B: zrm-on')!;
    const kt = p.kernel.series.t_ms;
    const st = p.simulated.series.t_ms;
    const idx = matchSamples(kt, st);
    const step = st[1] - st[0];
    kt.forEach((t, i) => {
      if (idx[i] < 0) assert.ok(t > st[st.length - 1] + step / 2, `sample at ${t} ms is past the simulation`);
      else assert.ok(Math.abs(st[idx[i]] - t) <= step / 2, `sample at ${t} ms matched ${st[idx[i]]} ms`);
    });
    assert.ok(idx.filter((i) => i >= 0).length >= kt.length - 1);
  });

  it('draws the kernel layer tops (anon = AnonPages, page cache above it) on the simulated axis', () => {
    const p = kernelPair(merged(), 'B: zrm-on')!;
    const idx = matchSamples(p.simulated.series.t_ms, p.kernel.series.t_ms);
    for (const ns of p.kernel.series.nodes) {
      const lines = overlayLines(p, ns.node);
      assert.ok(!lines.some((l) => l.kind === 'free'), 'no free line');
      const anon = lines.find((l) => l.kind === 'anon')!;
      const file = lines.find((l) => l.kind === 'file')!;
      assert.equal(anon.top.length, p.simulated.series.t_ms.length);
      idx.forEach((k, i) => {
        if (k < 0) return assert.equal(anon.top[i], null);
        assert.equal(anon.top[i], ns.AnonPages[k]);
        assert.equal(file.top[i], ns.AnonPages[k] + ns.FilePages[k]);
      });
    }
  });

  it('puts counters both report side by side with kernel - simulated, leaving out model-only ones', () => {
    const p = kernelPair(merged(), 'B: zrm-on')!;
    const rows = counterRows(p);
    assert.ok(rows.length > 0);
    for (const r of rows) {
      assert.ok(r.name in p.kernel.summary.vmstat && r.name in p.simulated.summary.vmstat);
      assert.equal(r.simulated, p.simulated.summary.vmstat[r.name]);
      assert.equal(r.kernel, p.kernel.summary.vmstat[r.name]);
      assert.equal(r.difference, r.kernel - r.simulated);
      assert.ok(r.kernel !== 0 || r.simulated !== 0);
    }
    const modelOnly = Object.keys(p.simulated.summary.vmstat).filter((k) => !(k in p.kernel.summary.vmstat));
    for (const k of modelOnly) assert.ok(!rows.some((r) => r.name === k), `${k} only the model has is left out`);
    // The kernel's direct reclaim stole pages (zrm-on drops node 0's cache): a counter both have.
    assert.ok(rows.some((r) => r.name === 'pgsteal_direct' && r.kernel > 0));
  });

  it('counts placements per kernel sample, node, anon and page cache, within 5% of the node size', () => {
    const p = kernelPair(merged(), 'B: zrm-on')!;
    const f = fidelity(p);
    const matched = matchSamples(p.kernel.series.t_ms, p.simulated.series.t_ms).filter((i) => i >= 0).length;
    assert.equal(f.placements, matched * p.kernel.series.nodes.length * 2);
    assert.ok(f.placementsWithin > 0 && f.placementsWithin < f.placements, `${f.placementsWithin}/${f.placements}: neither all nor none`);
    assert.equal(f.counters, counterRows(p).length);
  });

  it('is 100% against itself, and loses exactly the anon placements when anon moves by 10% of the node', () => {
    const same = fidelity(selfPair());
    assert.equal(same.placementsWithin, same.placements);
    assert.equal(same.countersWithin, same.counters);
    const shifted = fidelity(
      selfPair((v) => {
        for (const ns of v.series.nodes) {
          const size = v.summary.nodes.find((n) => n.node === ns.node)!.MemTotal;
          ns.AnonPages = ns.AnonPages.map((a) => a + 2 * PLACEMENT_TOLERANCE * size);
        }
      }),
    );
    assert.equal(shifted.placementsWithin, shifted.placements / 2);
  });

  it('counts a counter within 25% of the larger side, and not beyond', () => {
    const base = selfPair();
    const name = counterRows(base).find((r) => r.kernel > 100)!.name;
    const near = selfPair((v) => (v.summary.vmstat[name] = Math.round(v.summary.vmstat[name] * 0.8)));
    assert.ok(counterRows(near).find((r) => r.name === name)!.within);
    const far = selfPair((v) => (v.summary.vmstat[name] = Math.round(v.summary.vmstat[name] * 0.5)));
    assert.equal(counterRows(far).find((r) => r.name === name)!.within, false);
  });
});
