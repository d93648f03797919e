// The simulation core's public API: run a compiled scenario set, evaluate its expectations,
// scale a scenario. Synchronous and free of any editor dependency; src/runner runs its variants on
// a pool of worker threads for the CLI and the extension.

import type { Scenario, ScenarioSet } from '../language/model';
import { CancelledError, runVariant } from './engine';
import { evaluateExpectations } from './expectations';
import type { Progress, ResultSweep, RunResult, VariantResult } from './result';

export { CancelledError } from './engine';
export { evaluateExpectations, metricValue } from './expectations';
export type { ExpectationResult } from './expectations';
export { scaleScenario, scaleWarnings, parseScale } from './scale';
export type * from './result';

export const CORE_VERSION = '0.1.0';

export interface RunOptions {
  /** Run only these variants (by name), in the set's order. */
  variants?: string[];
  onProgress?: (p: Progress) => void;
  onPartial?: (partial: VariantResult) => void;
  isCancelled?: () => boolean;
  /** Record each variant's wall-clock time in summary.wall_ms (off by default: results are
   *  then byte-identical for the same scenario and seed). */
  measureWallTime?: boolean;
}

/** The variants a run covers: those named (in the set's order), or all. */
export function chooseVariants(set: ScenarioSet, names?: string[]): Scenario[] {
  return names && names.length > 0 ? set.variants.filter((v) => names.includes(v.variant)) : set.variants;
}

/** One variant of a run, the `index`th of `count`: what a pooled worker thread runs. The result
 *  depends only on the scenario, so the variants may run in any order on any thread. */
export function runOneVariant(scenario: Scenario, index: number, count: number, opts: Omit<RunOptions, 'variants'> = {}): VariantResult {
  const started = opts.measureWallTime ? performance.now() : 0;
  const v = runVariant(scenario, {
    isCancelled: opts.isCancelled,
    onTick: (simulatedNs, partial) => {
      opts.onProgress?.({
        variant: scenario.variant, variantIndex: index, variantCount: count,
        simulated_ms: Math.round(simulatedNs / 1e6), duration_ms: Math.round(scenario.run.durationNs / 1e6),
      });
      if (opts.onPartial) opts.onPartial(partial());
    },
  });
  if (opts.measureWallTime) v.summary.wall_ms = Math.round((performance.now() - started) * 10) / 10;
  return v;
}

/** Every chosen variant, one after the other on this thread (src/runner runs them on a pool). */
export function runScenarioSet(set: ScenarioSet, opts: RunOptions = {}): RunResult {
  const chosen = chooseVariants(set, opts.variants);
  const variants: VariantResult[] = [];
  chosen.forEach((scenario, i) => {
    if (opts.isCancelled?.()) throw new CancelledError();
    variants.push(runOneVariant(scenario, i, chosen.length, opts));
  });
  return assembleResult(set, chosen, variants);
}

/** The run's result from its variants' results, in the order of `chosen`: one place for the
 *  shape, so a run on one machine and a merge of shards write the same bytes. */
export function assembleResult(set: ScenarioSet, chosen: readonly Scenario[], variants: VariantResult[]): RunResult {
  const result: RunResult = {
    scenario: set.title,
    seed: chosen[0]?.run.seed ?? 0,
    version: CORE_VERSION,
    variants,
    sweeps: resultSweeps(set),
    source: { kind: 'simulation', version: CORE_VERSION },
  };
  result.expectations = evaluateExpectations(set, result);
  return result;
}

/** The set's sweeps as a result lists them: a product keeps its axes, a one-knob sweep the
 *  shape results had before products (so its files stay byte-identical). */
export function resultSweeps(set: ScenarioSet): ResultSweep[] {
  return set.sweeps.map((s) => (s.axes.length > 1
    ? { knob: s.knob, values: s.values, variants: s.variantNames, axes: s.axes.map((a) => ({ knob: a.knob, values: a.values })) }
    : { knob: s.knob, values: s.values, variants: s.variantNames }));
}
