// The layers issue 12 asks for: the core imports nothing above itself (only its input, the
// compiled language model, and Node), the runner nothing of the editor or the CLI, and neither
// imports `vscode`, so the CLI and any other host can use them.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO } from '../panels/exampleResults';

/** Every module specifier imported (or re-exported) by the .ts files under `dir`, by file. */
function imports(dir: string): Array<{ file: string; spec: string }> {
  const out: Array<{ file: string; spec: string }> = [];
  for (const f of fs.readdirSync(path.join(REPO, dir), { recursive: true }) as string[]) {
    if (!f.endsWith('.ts')) continue;
    const text = fs.readFileSync(path.join(REPO, dir, f), 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/gm)) {
      out.push({ file: `${dir}/${f}`, spec: m[1] ?? m[2] ?? m[3] });
    }
  }
  return out;
}

describe('layers of the core and the runner', () => {
  it('src/core imports only itself, the language model it runs, and Node', () => {
    const all = imports('src/core');
    assert.ok(all.length > 20, `read the core's imports (${all.length})`);
    const above = all.filter(({ spec }) => !spec.startsWith('./') && !spec.startsWith('node:') && !spec.startsWith('../language/'));
    assert.deepEqual(above, []);
  });

  it('src/runner imports neither the editor, the CLI nor vscode', () => {
    const all = imports('src/runner');
    assert.ok(all.some(({ spec }) => spec === '../core'), 'the runner runs the core');
    const bad = all.filter(({ spec }) => spec === 'vscode' || /^\.\.\/(extension|cli|lsp)\b/.test(spec));
    assert.deepEqual(bad, []);
  });
});
