// Shared bits of the language tests: fixture paths and finding offsets by text.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { compile, type Compilation, type Diagnostic } from '../../../src/language/index';

export const ROOT = path.resolve(__dirname, '../../../..');
export const fixture = (name: string) => readFileSync(path.join(ROOT, 'test/fixtures/language', name), 'utf8');
export const example = (name: string) => readFileSync(path.join(ROOT, 'examples', name), 'utf8');

/** Offset of the n-th occurrence of `needle` in `text`, plus `delta`. */
export function at(text: string, needle: string, delta = 0, nth = 0): number {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    assert.ok(i >= 0, `'${needle}' (occurrence ${k}) not in the text`);
  }
  return i + delta;
}

export const errors = (c: Compilation): Diagnostic[] => c.diagnostics.filter((d) => d.severity === 'error');
export const show = (c: Compilation) => c.diagnostics.map((d) => `${d.severity} ${d.code} '${c.text.slice(d.start, d.end)}': ${d.message}`).join('\n');

/** The two-node machine most checker tests extend: node 1 is CPU-less and in tier 1. */
export function scenario(extra = '', kernel = ''): string {
  return `scenario "t"
machine {
  node 0 { memory = 8 GiB  cpus = 0-3 }
  node 1 { memory = 8 GiB  cpus = none  tier = 1 }
}
kernel {
${kernel}
}
cgroup svc { memory.max = 2 GiB }
workload app {
  node = 0
  cgroup = svc
  at 0 s alloc heap 1 GiB
  at 1 s access heap uniform rate 10M/s
}
${extra}
`;
}

export const compiled = (text: string) => compile(text, 'test.numa');
