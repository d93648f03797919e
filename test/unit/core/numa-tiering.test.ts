// NUMA balancing in tiering mode (src/core/numa_balancing.ts): hotness is the hint-fault latency
// from the scan that marked a page, the faults of a burst queue on the workload's threads, and
// the counters keep the kernel's order (numa_hint_faults >= pgpromote_candidate >=
// pgpromote_success). The scenarios are the real-kernel corpus's tier-default, changed one knob
// at a time.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runVariant } from '../../../src/core/engine';
import type { VariantResult } from '../../../src/core/result';
import { compile } from '../../../src/language';
import { ROOT } from './helpers';

const TIER_DEFAULT = readFileSync(path.join(ROOT, 'test/fixtures/kernel-data/tier-default/scenario.numa'), 'utf8');
/** When the hot loop starts in tier-default (s). */
const HOT_LOOP_S = 91.5;

/** tier-default with `knobs` added to its kernel block and `costs` to a costs block. */
function run(knobs: string[] = [], costs: string[] = [], edit: (text: string) => string = (t) => t): VariantResult {
  let text = TIER_DEFAULT.replace('kernel {\n', `kernel {\n${knobs.map((k) => `  ${k}\n`).join('')}`);
  if (costs.length) text = text.replace('costs preset qemu-tcg\n', `costs preset qemu-tcg {\n${costs.map((c) => `  ${c}\n`).join('')}}\n`);
  text = edit(text);
  const c = compile(text, 'tier.numa');
  const errors = c.diagnostics.filter((d) => d.severity === 'error');
  assert.equal(errors.length, 0, errors.map((e) => e.message).join('; '));
  return runVariant(c.set!.variants[0]);
}

const vm = (v: VariantResult, name: string) => v.summary.vmstat[name] ?? 0;
/** A sampled counter at `s` seconds. */
function at(v: VariantResult, name: string, s: number): number {
  const i = v.series.t_ms.findIndex((t) => t >= s * 1000 - 1e-6);
  return v.series.vmstat[name][i];
}

describe('core/numa balancing in tiering mode', function () {
  this.timeout(120000);
  const base = run();

  it('counts numa_hint_faults >= pgpromote_candidate >= pgpromote_success > 0', () => {
    for (const v of [base, run(['kernel.numa_balancing_hot_threshold_ms = 100 ms'])]) {
      assert.ok(vm(v, 'pgpromote_success') > 0, 'something was promoted');
      assert.ok(vm(v, 'numa_hint_faults') >= vm(v, 'pgpromote_candidate'), `${vm(v, 'numa_hint_faults')} hint faults, ${vm(v, 'pgpromote_candidate')} candidates`);
      assert.ok(vm(v, 'pgpromote_candidate') >= vm(v, 'pgpromote_success'), `${vm(v, 'pgpromote_candidate')} candidates, ${vm(v, 'pgpromote_success')} promoted`);
    }
  });

  it('a hot set marked long before the loop touches it faults without being a candidate', () => {
    // The scanner marked the demoted hot set while the cold memory was being faulted, tens of
    // seconds before the loop: the loop's first burst faults every page of it, with a latency far
    // over the 1 s threshold.
    const faults = at(base, 'numa_hint_faults', HOT_LOOP_S + 2.5) - at(base, 'numa_hint_faults', HOT_LOOP_S);
    const cand = at(base, 'pgpromote_candidate', HOT_LOOP_S + 2.5) - at(base, 'pgpromote_candidate', HOT_LOOP_S);
    assert.ok(faults >= 30000, `${faults} hint faults in the first burst`);
    assert.equal(cand, 0);
  });

  it('a lower hot threshold makes fewer candidates of the same faults', () => {
    const low = run(['kernel.numa_balancing_hot_threshold_ms = 100 ms']);
    assert.ok(vm(low, 'pgpromote_candidate') * 3 < vm(base, 'pgpromote_candidate'), `${vm(low, 'pgpromote_candidate')} at 100 ms, ${vm(base, 'pgpromote_candidate')} at 1000 ms`);
  });

  it('faults queue on the thread: a costlier hint fault leaves fewer of a burst under the threshold', () => {
    // Cheaper than the guest's 55 us, the burst fits under the threshold and candidates saturate
    // (88.6k at 5 us and at 2 us); costlier, the queue pushes faults past it.
    const costly = run([], ['cost.hint_fault = 500 us']);
    assert.ok(1.5 * vm(costly, 'pgpromote_candidate') < vm(base, 'pgpromote_candidate'), `${vm(costly, 'pgpromote_candidate')} candidates at 500 us a fault, ${vm(base, 'pgpromote_candidate')} at 55 us`);
  });

  it('with plenty of free fast memory (pgdat_free_space_enough) every fault promotes, no candidate counted', () => {
    // A 4 GiB node 0 and node 1 filled by cold memory, so the hot set allocated after it falls
    // back to the slow tier; the cold memory is freed before the loop: over 1 GiB above
    // WMARK_PROMO is free, so each hint fault of the loop promotes, the threshold is not
    // consulted and no candidate is counted. (Built by allocation order, not by kswapd demoting
    // the hot set: with the LRU's second chance, which pages kswapd demotes depends on when it
    // looked, which is not what this test is about.)
    const bigNode = (t: string) => t
      .replace('machine preset qemu-tiered-3node', 'machine {\n  node 0 { memory = 4 GiB  cpus = 0  latency = 80 ns }\n  node 1 { memory = 1 GiB  cpus = 1  latency = 80 ns }\n  node 2 { memory = 4 GiB  cpus = none  tier = 1  latency = 170 ns }\n  distance {\n    0: 10 20 30\n    1: 20 10 30\n    2: 30 30 10\n  }\n}')
      .replace('  at 0 s  alloc hot 128 MiB\n  at 4.5 s  alloc cold 1962 MiB\n', '  at 0 s  alloc cold 5200 MiB\n  at 40 s  alloc hot 128 MiB\n  at 88 s  free cold\n');
    const v = run([], ['cost.minor_fault = 10 us'], bigNode);
    const inLoop = (name: string) => at(v, name, 131) - at(v, name, HOT_LOOP_S);
    assert.ok(inLoop('pgpromote_success') > 1000, `${inLoop('pgpromote_success')} promoted`);
    assert.equal(inLoop('pgpromote_success'), inLoop('numa_hint_faults'));
    assert.equal(inLoop('pgpromote_candidate'), 0);
  });
});
