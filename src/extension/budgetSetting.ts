// The numaLab.budget setting: the factor the CLI takes as --budget, so a scenario the editor
// marks over budget can be admitted without leaving VS Code (1 = the default budget).
import * as vscode from 'vscode';
import { Settings } from './run/ids';

export function budgetSetting(): number {
  const v = vscode.workspace.getConfiguration().get<unknown>(Settings.budget, 1);
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 1;
}
