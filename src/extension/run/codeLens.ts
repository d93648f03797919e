// Code lenses: "Run" above the scenario, "Run variant" above each variant, "Run sweep" above
// each sweep. Positions come from the parsed file, so they follow edits; a file with errors
// still gets its lenses (running it then says why it cannot run).

import * as vscode from 'vscode';
import { parse } from '../../language/index';
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

/** Where the lenses go, from the syntax tree alone (no vscode: testable). */
export function lensSpots(text: string): LensSpot[] {
  const { file } = parse(text);
  const spots: LensSpot[] = [];
  let sweepIndex = 0;
  let scenarioSeen = false;
  for (const item of file.items) {
    if (item.kind === 'scenario') {
      spots.push({ kind: 'scenario', start: item.start });
      scenarioSeen = true;
    } else if (item.kind === 'variant' && item.name) {
      spots.push({ kind: 'variant', start: item.start, variant: item.name.text });
    } else if (item.kind === 'sweep') {
      spots.push({ kind: 'sweep', start: item.start, sweepIndex: sweepIndex++, knob: item.knob?.text });
    }
  }
  // A file without a `scenario` line still gets a Run lens, on its first item.
  if (!scenarioSeen && file.items.length) spots.unshift({ kind: 'scenario', start: file.items[0].start });
  return spots;
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
