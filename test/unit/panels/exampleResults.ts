// Real results of the examples for the panel tests: each example compiled by the language
// library and run by the core once per test process.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { compile } from '../../../src/language/index';
import { runScenarioSet } from '../../../src/core/index';
import type { RunResult } from '../../../src/core/result';

export const REPO = path.resolve(__dirname, '..', '..', '..', '..');
export const EXAMPLES = fs.readdirSync(path.join(REPO, 'examples')).filter((f) => f.endsWith('.numa')).sort();

const cache = new Map<string, RunResult>();

/** Runs a scenario file (relative to the repo) and caches its result. */
export function resultOf(relPath: string, variants?: string[]): RunResult {
  const key = `${relPath}#${variants?.join(',') ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const file = path.join(REPO, relPath);
  const c = compile(fs.readFileSync(file, 'utf8'), file);
  const errors = c.diagnostics.filter((d) => d.severity === 'error');
  if (!c.set || errors.length) throw new Error(`${relPath} does not check clean: ${errors.map((e) => e.message).join('; ')}`);
  const result = runScenarioSet(c.set, { variants });
  cache.set(key, result);
  return result;
}

export function exampleResult(name: string): RunResult {
  return resultOf(path.join('examples', name));
}
