// Comparing two saved runs: one RunResult whose variants are those of both, named by side, so
// the summary table's baseline differences compare them directly.

import type { RunResult } from '../../core/result';

export interface Side {
  label: string;
  result: RunResult;
}

/** Variant `v` of side A becomes `A: v`; sweeps keep pointing at the renamed variants. */
export function mergeForComparison(a: Side, b: Side): RunResult {
  const rename = (tag: string, name: string): string => `${tag}: ${name}`;
  const sides: [string, Side][] = [
    ['A', a],
    ['B', b],
  ];
  return {
    scenario: a.result.scenario === b.result.scenario ? a.result.scenario : `${a.result.scenario} / ${b.result.scenario}`,
    seed: a.result.seed,
    version: a.result.version,
    variants: sides.flatMap(([tag, s]) => s.result.variants.map((v) => ({ ...v, name: rename(tag, v.name) }))),
    sweeps: sides.flatMap(([tag, s]) =>
      (s.result.sweeps ?? []).map((sw) => ({ ...sw, knob: `${tag}: ${sw.knob}`, variants: sw.variants.map((n) => rename(tag, n)) })),
    ),
  };
}
