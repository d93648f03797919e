// `npm run fidelity`: runs the model on every case of the real-kernel corpus and prints one table
// of every case and quantity with model, kernel and error, per-category totals and "K of N within
// tolerance". Arguments: case names to run only those; --corpus DIR for another corpus.

import * as path from 'node:path';
import { corpusCases, formatTable, runCase } from './fidelity';

const args = process.argv.slice(2);
const at = args.indexOf('--corpus');
const dir = at >= 0 ? path.resolve(args[at + 1]) : path.resolve(__dirname, '../../../test/fixtures/kernel-data');
const names = args.filter((a, i) => !a.startsWith('--') && (at < 0 || i !== at + 1));
const cases = names.length ? names : corpusCases(dir);
const results = cases.map((name) => runCase(dir, name));
for (const r of results) if (r.error) process.stderr.write(`${r.name}: not run: ${r.error}\n`);
process.stdout.write(formatTable(results));
