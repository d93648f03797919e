// What run and check say about an option they do not know: a typo gets "did you mean", so
// `--fromat json` is an error (exit 2) instead of being ignored.

import { closest } from '../language/diagnostics';

/** `--budget FACTOR` of run and check: a positive factor on every limit of the budget. */
export function parseBudget(v: string): number | string {
  const b = Number(v);
  return /^\d+(\.\d+)?$/.test(v) && b > 0 ? b : `--budget needs a positive factor like 4 or 2.5, not '${v}'`;
}

export function unknownOption(arg: string, known: readonly string[]): string {
  const name = arg.replace(/=.*$/, '');
  const guess = closest(name, known.filter((k) => k.startsWith('--')));
  return `unknown option '${arg}'${guess ? `; did you mean '${guess}'?` : `; options: ${known.join(' ')}`}`;
}
