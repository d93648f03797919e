// Where the Run code lenses go, from the language service alone (no vscode: unit-testable).

import { compile } from '../../language/index';
import { codeLensTargets } from '../../language/service/index';

export interface LensSpot {
  kind: 'scenario' | 'variant' | 'sweep';
  /** Offset of the item's first character. */
  start: number;
  /** Variant name, or the sweep's index among the file's sweeps. */
  variant?: string;
  sweepIndex?: number;
  knob?: string;
}

/** Where the lenses go: the language service's Run-lens targets, with sweeps numbered in file
 *  order (the order of ScenarioSet.sweeps). No vscode here, so it is testable. */
export function lensSpots(text: string): LensSpot[] {
  let sweepIndex = 0;
  return codeLensTargets(compile(text)).map((t): LensSpot => {
    if (t.kind === 'variant') return { kind: 'variant', start: t.span.start, variant: t.name };
    if (t.kind === 'sweep') return { kind: 'sweep', start: t.span.start, sweepIndex: sweepIndex++, knob: t.name };
    return { kind: 'scenario', start: t.span.start };
  });
}
