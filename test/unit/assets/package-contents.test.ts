// What the .vsix carries: the example scenarios, and none of the runs a user saved beside them
// (`npm start` and the Run command write `*.numa-result.json` files under examples/.numa-results/).

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../../..');

function packagedFiles(): string[] {
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const out = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
  return out.split('\n').map((l) => l.trim()).filter(Boolean);
}

describe('the packaged extension (.vsix)', () => {
  it('carries every example scenario and no saved results, even when a results folder sits in examples/', function () {
    this.timeout(60000);
    // A saved run in the folder the workbench opens; .numa-results/ is git-ignored, so this leaves git clean.
    const results = path.join(root, 'examples', '.numa-results');
    const existed = existsSync(results);
    mkdirSync(results, { recursive: true });
    const planted = mkdtempSync(path.join(results, 'planted-'));
    writeFileSync(path.join(planted, 'zone-reclaim.numa-result.json'), '{}');
    let files: string[];
    try {
      files = packagedFiles();
    } finally {
      rmSync(existed ? planted : results, { recursive: true, force: true });
    }
    const examples = readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.numa')).map((f) => `examples/${f}`);
    assert.ok(examples.length >= 4, 'the repository has its example scenarios');
    for (const e of examples) assert.ok(files.includes(e), `${e} is packaged`);
    const stray = files.filter((f) => f.startsWith('examples/') && !f.endsWith('.numa'));
    assert.deepEqual(stray, [], 'only .numa scenarios are packaged from examples/');
    // The language client starts the bundled language server.
    assert.ok(files.includes('dist/lsp.js'), 'dist/lsp.js (the language server) is packaged');
    // Run on Linux (QEMU) sets the kernel up and builds its guest from what the extension carries.
    for (const f of ['scripts/setup-kernel.sh', 'src/kernel/agent/agent.c', 'src/kernel/guest/init.sh']) assert.ok(files.includes(f), `${f} is packaged`);
  });
});
