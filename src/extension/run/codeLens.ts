// Code lenses: "Run" above the scenario, "Run variant" above each variant, "Run sweep" above
// each sweep. Positions come from the syntax tree, so they follow edits; a file with errors
// still gets its lenses (running it then says why it cannot run).

import * as vscode from 'vscode';
import { RunCommands } from './ids';
import { lensSpots } from './lensSpots';

export class RunCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    return lensSpots(document.getText()).flatMap((s) => {
      const range = new vscode.Range(document.positionAt(s.start), document.positionAt(s.start));
      if (s.kind === 'scenario') {
        return [
          new vscode.CodeLens(range, { title: '$(play) Run', tooltip: 'Run every variant of this scenario', command: RunCommands.runScenario, arguments: [document.uri] }),
          new vscode.CodeLens(range, { title: '$(vm) Run on Linux (QEMU)', tooltip: 'Run every variant on a real Linux kernel under QEMU and overlay it on the simulation', command: RunCommands.runOnKernel, arguments: [document.uri] }),
        ];
      }
      if (s.kind === 'variant') {
        return new vscode.CodeLens(range, { title: '$(play) Run variant', tooltip: `Run only variant ${s.variant}`, command: RunCommands.runVariant, arguments: [document.uri, s.variant] });
      }
      return new vscode.CodeLens(range, { title: '$(play) Run sweep', tooltip: `Run the points of the sweep over ${s.knob ?? 'this knob'}`, command: RunCommands.runSweep, arguments: [document.uri, s.sweepIndex] });
    });
  }
}
