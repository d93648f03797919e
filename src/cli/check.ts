// `numa-lab check FILE...`: one line per diagnostic, FILE:LINE:COL: severity: message (1-based),
// then a summary line, "4 files, 0 errors, 0 warnings". Exit 1 if any file has an error, 2 if a
// file cannot be read or an option is unknown, else 0.

import { compile, LineMap, Diagnostic } from '../language';
import { readScenarioFile } from './io';
import { parseBudget, unknownOption } from './args';

const USAGE = `usage: numa-lab check FILE... [--budget FACTOR]
  --budget FACTOR  multiply the budget a scenario must fit (as numa-lab run --budget does)
`;
const OPTIONS = ['--budget', '--help', '-h'];

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
  const files: string[] = [];
  let budget = 1;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    let problem: string | null = null;
    if (a === '--budget') {
      const b = i + 1 < args.length ? parseBudget(args[++i]) : '--budget needs a value';
      if (typeof b === 'string') problem = b;
      else budget = b;
    } else if (a.startsWith('-')) problem = unknownOption(a, OPTIONS);
    else files.push(a);
    if (problem) {
      process.stderr.write(`numa-lab check: ${problem}\n${USAGE}`);
      return 2;
    }
  }
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
    const c = compile(read.text, file, { budget });
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
