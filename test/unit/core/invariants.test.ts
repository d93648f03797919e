// Invariants on every sample of every example and of a corpus of valid mutated scenarios: per
// node, free and used pages add up to MemTotal; no count below zero; migrations conserve pages;
// the same seed gives the same bytes.

import * as assert from 'node:assert/strict';
import { runScenarioSet, scaleScenario } from '../../../src/core';
import { nodeAccounting, runVariant } from '../../../src/core/engine';
import { MAX_EVENTS } from '../../../src/core/events';
import type { Sim } from '../../../src/core/sim';
import { compile } from '../../../src/language';
import type { Scenario } from '../../../src/language/model';
import { exampleTexts, generateMutants } from '../language/mutants';
import { compileFile } from './helpers';

function checkSim(sim: Sim, where: string): void {
  for (const [n, a] of nodeAccounting(sim).entries()) {
    assert.equal(a.free + a.used, a.total, `${where}: node ${n} free ${a.free} + used ${a.used} != MemTotal ${a.total}`);
    assert.ok(a.free >= 0, `${where}: node ${n} free < 0`);
    for (const z of sim.nodes[n].zones) assert.ok(z.free >= 0 && z.free <= z.managed, `${where}: zone ${z.name} free ${z.free}`);
    assert.ok(sim.nodes[n].freeBlocks >= 0 && sim.nodes[n].freeBlocks * 512 <= sim.nodes[n].free, `${where}: free blocks`);
  }
  for (const r of sim.regions) {
    let swapped = 0;
    for (const s of r.slices) {
      swapped += s.swapped;
      for (const arr of [s.base, s.huge, s.deferred, s.deferredMapped, s.active, s.protnone]) {
        for (const x of arr) assert.ok(x >= 0 && Number.isInteger(x), `${where}: ${r.name} slice ${s.index} has a count ${x}`);
      }
      for (let n = 0; n < sim.nodes.length; n++) {
        assert.ok(s.active[n] <= s.mapped(n), `${where}: more active than mapped`);
        assert.equal(s.huge[n] % 512, 0, `${where}: partial THP`);
      }
      // Pages never exceed the address space (migration moves, never copies).
      if (r.kind === 'anon') assert.ok(s.residentTotal() + s.swapped <= s.pages, `${where}: ${r.name} slice ${s.index} holds ${s.residentTotal() + s.swapped} > ${s.pages}`);
    }
    assert.ok(swapped >= 0);
  }
  assert.ok(sim.swapUsedPages >= 0 && sim.swapUsedPages <= sim.swapTotalPages);
  for (const cg of sim.cgroups.values()) assert.ok(cg.charged >= 0);
}

/** Migrations move pages, they never make or lose them: every migrated page is a demotion or a
 *  NUMA-balancing migration (promotions among them), and the demotion and promotion events add
 *  up to their counters, so pages that left a node by demotion arrived on a slow node and pages
 *  promoted arrived on a fast one. */
function checkMigrations(sim: Sim, where: string): void {
  const c = sim.vmstat.counts;
  // Compaction isolates each page it migrates and the free page it goes to (compact_isolated).
  assert.equal(c.pgmigrate_success, c.pgdemote_kswapd + c.pgdemote_direct + c.numa_pages_migrated + c.compact_isolated / 2, `${where}: pgmigrate_success`);
  assert.ok(c.pgpromote_success <= c.numa_pages_migrated && c.pgpromote_success <= c.pgpromote_candidate, `${where}: pgpromote_success`);
  const evSum = (kind: string, toSlow: boolean) => sim.events.events.filter((e) => e.kind === kind).reduce((t, e) => {
    const n = sim.nodes.findIndex((x) => x.id === e.node);
    assert.ok(toSlow ? sim.nodes[n].demotionTargets.length > 0 : sim.isTopTier(n), `${where}: ${kind} on node ${e.node}`);
    return t + e.pages;
  }, 0);
  if (sim.events.events.length >= MAX_EVENTS) return; // the log stopped recording
  assert.equal(evSum('demotion', true), c.pgdemote_kswapd + c.pgdemote_direct, `${where}: demoted pages`);
  assert.equal(evSum('promotion', false), c.pgpromote_success, `${where}: promoted pages`);
}

function checkScenario(s: Scenario, where: string): void {
  runVariant(s, { inspect: (sim, t) => { checkSim(sim, `${where} @${t / 1e6} ms`); checkMigrations(sim, `${where} @${t / 1e6} ms`); } });
}

describe('core/invariants', function () {
  this.timeout(300000);

  for (const { name } of exampleTexts()) {
    it(`${name}: every sample of every variant keeps the books`, () => {
      for (const v of compileFile(`examples/${name}`).variants) checkScenario(v, `${name}/${v.variant}`);
    });
  }

  it('a corpus of valid mutated scenarios keeps the books too', () => {
    let checked = 0;
    for (const m of generateMutants(400, 7)) {
      const c = compile(m.text, m.source);
      if (!c.set || c.diagnostics.some((d) => d.severity === 'error')) continue;
      // Small and short, so dozens of them run in seconds; the mechanisms do not change.
      const s = scaleScenario(c.set.variants[0], 1 / 64);
      checkScenario({ ...s, run: { ...s.run, durationNs: Math.min(s.run.durationNs, 20e9) } }, `mutant of ${m.source}`);
      if (++checked >= 40) break;
    }
    assert.ok(checked >= 10, `only ${checked} valid mutants`);
  });

  it('the same scenario and seed give byte-identical results; another seed may differ', () => {
    const set = compileFile('examples/tiering.numa');
    const a = JSON.stringify(runScenarioSet(set, { variants: ['hot-threshold'] }));
    const b = JSON.stringify(runScenarioSet(set, { variants: ['hot-threshold'] }));
    assert.equal(a, b);
    const other = { ...set, variants: set.variants.map((v) => ({ ...v, run: { ...v.run, seed: 99 } })) };
    assert.notEqual(JSON.stringify(runScenarioSet(other, { variants: ['hot-threshold'] })), a);
  });

  it('keeps the number of events bounded', () => {
    for (const v of runScenarioSet(compileFile('examples/thp-numa.numa')).variants) assert.ok(v.events.length <= 4000, `${v.name}: ${v.events.length} events`);
  });
});
