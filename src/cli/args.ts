// What run and check say about an option they do not know: a typo gets "did you mean", so
// `--fromat json` is an error (exit 2) instead of being ignored.

import { closest } from '../language/diagnostics';

export function unknownOption(arg: string, known: readonly string[]): string {
  const name = arg.replace(/=.*$/, '');
  const guess = closest(name, known.filter((k) => k.startsWith('--')));
  return `unknown option '${arg}'${guess ? `; did you mean '${guess}'?` : `; options: ${known.join(' ')}`}`;
}
