// The numaLab.jobs setting: how many worker threads a run uses, as the CLI's --jobs N
// (0 = the machine's cores).
import * as vscode from 'vscode';
import { defaultJobs } from '../../runner/pool';
import { Settings } from './ids';

export function jobsSetting(): number {
  const v = vscode.workspace.getConfiguration().get<unknown>(Settings.jobs, 0);
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : defaultJobs();
}
