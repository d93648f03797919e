// The language server with a real client outside VS Code: Debian's Neovim, headless, with its
// built-in LSP client (test/lsp/neovim-client.lua) starting `numa-lab lsp --stdio` (dist/cli.js).
// It opens a copy of an example, gets no diagnostics for it, a hover on a knob, then a diagnostic
// for a line it breaks and completion on a line it types. scripts/setup-neovim.sh installs nvim.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { knob } from '../../src/language/schema';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const EXAMPLE = 'zone-reclaim.numa';

interface Seen {
  api: string;
  initialized?: boolean;
  steps: { name: string; ok: boolean; error: string | null }[];
  open_diagnostics?: { line: number; message: string }[];
  hover?: string;
  broken_diagnostics?: { line: number; col: number; end_col: number; severity: number; message: string; code: string; source: string }[];
  completion?: string[];
}

/** 0-based line and character of `needle` in `text`, plus `offset`. */
function position(text: string, needle: string, offset = 0, after = '') {
  const at = text.indexOf(needle, after ? text.indexOf(after) : 0);
  assert.ok(at >= 0, `${needle} not in the example`);
  const lines = text.slice(0, at + offset).split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

describe('language server in Neovim (headless, built-in LSP client)', function () {
  this.timeout(120_000);
  let dir = '';
  let seen: Seen;
  let text = '';
  let broken = { line: 0, text: '' };

  before(() => {
    assert.ok(existsSync(CLI), `${CLI} is built (npm run build)`);
    dir = mkdtempSync(path.join(tmpdir(), 'numa-nvim-'));
    // A copy: the client edits its buffer and never writes, but the example stays out of reach anyway.
    const file = path.join(dir, EXAMPLE);
    copyFileSync(path.join(ROOT, 'examples', EXAMPLE), file);
    text = readFileSync(file, 'utf8');
    const knobAt = position(text, 'vm.zone_reclaim_mode', 4, 'kernel {');
    broken = { line: knobAt.line, text: text.split('\n')[knobAt.line].replace('vm.zone_reclaim_mode', 'vm.zone_reclam_mode') };
    const kernelLine = position(text, 'kernel {').line;
    const plan = {
      cmd: [process.execPath, CLI, 'lsp', '--stdio'],
      file,
      hover: knobAt,
      broken,
      completion: { line: kernelLine + 1, text: '  vm.swap' },
    };
    const out = path.join(dir, 'seen.json');
    // Neovim's state, log and config go to the temporary folder, not the user's home.
    const xdg = Object.fromEntries(['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'XDG_CACHE_HOME'].map((k) => [k, path.join(dir, k)]));
    const r = spawnSync('nvim', ['--headless', '--clean', '-n', '-i', 'NONE', '-c', `luafile ${path.join(ROOT, 'test', 'lsp', 'neovim-client.lua')}`], {
      env: { ...process.env, ...xdg, NUMA_LSP_PLAN: JSON.stringify(plan), NUMA_LSP_OUT: out },
      encoding: 'utf8', timeout: 90_000, stdio: ['ignore', 'pipe', 'pipe'],
    });
    assert.ok(!r.error, `nvim could not run: ${r.error?.message} (scripts/setup-neovim.sh installs it)`);
    assert.ok(existsSync(out), `nvim wrote no result (exit ${r.status}, signal ${r.signal}): ${r.stderr}${r.stdout}`);
    seen = JSON.parse(readFileSync(out, 'utf8')) as Seen;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('starts the server and every step answers', () => {
    assert.equal(seen.initialized, true);
    assert.deepEqual(seen.steps.filter((s) => !s.ok), []);
    assert.deepEqual(seen.steps.map((s) => s.name), ['start', 'open', 'hover', 'broken line', 'completion']);
  });

  it('publishes no diagnostics for the example as it is', () => {
    assert.deepEqual(seen.open_diagnostics, []);
  });

  it('hovers a knob with its schema documentation', () => {
    const k = knob('vm.zone_reclaim_mode')!;
    assert.ok(seen.hover?.includes(k.doc), `hover: ${seen.hover}`);
    assert.ok(seen.hover?.includes(k.kernelName), `hover: ${seen.hover}`);
  });

  it('reports the broken line where it is, with the suggestion', () => {
    const [d, ...rest] = seen.broken_diagnostics ?? [];
    assert.ok(d, 'no diagnostic');
    assert.deepEqual(rest, []);
    const col = broken.text.indexOf('vm.zone_reclam_mode');
    assert.deepEqual([d.line, d.col, d.end_col], [broken.line, col, col + 'vm.zone_reclam_mode'.length]);
    assert.equal(d.severity, 1); // vim.diagnostic.severity.ERROR
    assert.equal(d.code, 'unknown-knob');
    assert.match(d.message, /did you mean 'vm\.zone_reclaim_mode'/);
  });

  it('completes a knob typed in the kernel block', () => {
    assert.ok(seen.completion?.includes('vm.swappiness'), `labels: ${seen.completion?.slice(0, 20).join(', ')}`);
    assert.ok(!seen.completion?.includes('workload'), 'top-level keywords are not offered inside a block');
  });
});
