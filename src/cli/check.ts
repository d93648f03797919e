// `numa-lab check FILE...`: one line per diagnostic, FILE:LINE:COL: severity: message (1-based).
// Exit 1 if any file has an error, 2 if a file cannot be read, else 0.

import { compile, LineMap, Diagnostic } from '../language';
import { readScenarioFile } from './io';

export function formatDiagnostic(file: string, text: string, d: Diagnostic, lines = new LineMap(text)): string {
  const p = lines.position(d.start);
  return `${file}:${p.line + 1}:${p.character + 1}: ${d.severity}: ${d.message}`;
}

export async function checkCommand(args: string[]): Promise<number> {
  const files = args.filter((a) => !a.startsWith('-'));
  if (files.length === 0) {
    process.stderr.write('usage: numa-lab check FILE...\n');
    return 2;
  }
  let status = 0;
  for (const file of files) {
    const read = readScenarioFile(file);
    if (!read.ok) {
      process.stderr.write(`${file}: ${read.message}\n`);
      status = 2;
      continue;
    }
    const c = compile(read.text, file);
    const lines = new LineMap(read.text);
    for (const d of c.diagnostics) process.stdout.write(formatDiagnostic(file, read.text, d, lines) + '\n');
    if (status === 0 && c.diagnostics.some((d) => d.severity === 'error')) status = 1;
  }
  return status;
}
