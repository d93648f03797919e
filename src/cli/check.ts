// `numa-lab check FILE...`: one line per diagnostic, FILE:LINE:COL: severity: message (1-based),
// then a summary line, "4 files, 0 errors, 0 warnings". Exit 1 if any file has an error, 2 if a
// file cannot be read or an option is unknown, else 0.

import { compile, LineMap, Diagnostic } from '../language';
import { readScenarioFile } from './io';
import { unknownOption } from './args';

const USAGE = 'usage: numa-lab check FILE...\n';
const OPTIONS = ['--help', '-h'];

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

export function formatDiagnostic(file: string, text: string, d: Diagnostic, lines = new LineMap(text)): string {
  const p = lines.position(d.start);
  return `${file}:${p.line + 1}:${p.character + 1}: ${d.severity}: ${d.message}`;
}

export async function checkCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const unknown = args.find((a) => a.startsWith('-'));
  if (unknown) {
    process.stderr.write(`numa-lab check: ${unknownOption(unknown, OPTIONS)}\n${USAGE}`);
    return 2;
  }
  const files = args;
  if (files.length === 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  let status = 0;
  let errors = 0;
  let warnings = 0;
  for (const file of files) {
    const read = readScenarioFile(file);
    if (!read.ok) {
      process.stderr.write(`${file}: ${read.message}\n`);
      status = 2;
      errors++;
      continue;
    }
    const c = compile(read.text, file);
    const lines = new LineMap(read.text);
    for (const d of c.diagnostics) process.stdout.write(formatDiagnostic(file, read.text, d, lines) + '\n');
    errors += c.diagnostics.filter((d) => d.severity === 'error').length;
    warnings += c.diagnostics.filter((d) => d.severity === 'warning').length;
    if (status === 0 && c.diagnostics.some((d) => d.severity === 'error')) status = 1;
  }
  // An unreadable file counts as an error: it was not checked.
  process.stdout.write(`${count(files.length, 'file')}, ${count(errors, 'error')}, ${count(warnings, 'warning')}\n`);
  return status;
}
