// Code lenses: "Run" above the scenario, "Run variant" above each variant, "Run sweep" above
// each sweep. Positions come from the syntax tree, so they follow edits; a file with errors
// still gets its lenses (running it then says why it cannot run).

import * as vscode from 'vscode';
import { compile } from '../../language/index';
import { codeLensTargets } from '../../language/service/index';
import { RunCommands } from './ids';

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

export class RunCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    return lensSpots(document.getText()).map((s) => {
      const range = new vscode.Range(document.positionAt(s.start), document.positionAt(s.start));
      if (s.kind === 'scenario') {
        return new vscode.CodeLens(range, { title: '$(play) Run', tooltip: 'Run every variant of this scenario', command: RunCommands.runScenario, arguments: [document.uri] });
      }
      if (s.kind === 'variant') {
        return new vscode.CodeLens(range, { title: '$(play) Run variant', tooltip: `Run only variant ${s.variant}`, command: RunCommands.runVariant, arguments: [document.uri, s.variant] });
      }
      return new vscode.CodeLens(range, { title: '$(play) Run sweep', tooltip: `Run the points of the sweep over ${s.knob ?? 'this knob'}`, command: RunCommands.runSweep, arguments: [document.uri, s.sweepIndex] });
    });
  }
}
