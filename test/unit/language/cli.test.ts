// `numa-lab check` (and `numa-lab lsp`'s start and stop) as a user runs it: the bundled CLI in a child process. The bundle is built
// from the current sources into a temporary folder (the `run` command may belong to a module
// that is not there yet; it stays an external import, loaded only by `run`).

import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ROOT } from './helpers';

let dir = '';
let cli = '';

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('numa-lab check (bundled CLI)', function () {
  this.timeout(60_000);

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'numa-cli-'));
    cli = path.join(dir, 'cli.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as typeof import('esbuild');
    await esbuild.build({
      entryPoints: [path.join(ROOT, 'src/cli/main.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: cli, logLevel: 'silent',
      plugins: [{
        name: 'optional-run',
        setup(b) {
          b.onResolve({ filter: /^\.\/run$/ }, (a) => (existsSync(path.join(a.resolveDir, 'run.ts')) ? undefined : { path: './run', external: true }));
        },
      }],
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints only the summary line and exits 0 for the examples', () => {
    const files = ['zone-reclaim', 'thp-numa', 'tiering', 'deferred-split'].map((n) => path.join(ROOT, 'examples', `${n}.numa`));
    const r = run('check', ...files);
    assert.equal(r.out, '4 files, 0 errors, 0 warnings\n');
    assert.equal(r.err, '');
    assert.equal(r.code, 0);
  });

  it('prints FILE:LINE:COL: severity: message per diagnostic (1-based) and exits 1 on errors', () => {
    const file = path.join(ROOT, 'test/fixtures/language/syntax-errors.numa');
    const r = run('check', file);
    assert.equal(r.code, 1);
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines.pop(), '1 file, 5 errors, 0 warnings');
    assert.deepEqual(lines.map((l) => l.slice(file.length).split(': ')[0]), [':6:17', ':7:26', ':12:10', ':13:17', ':16:27']);
    assert.equal(lines[0], `${file}:6:17: error: expected '=' after 'vm.swappiness'`);
    assert.ok(lines.every((l) => l.startsWith(file + ':')));
  });

  it('exits 0 with only warnings and prints them', () => {
    writeFileSync(path.join(dir, 'warn.numa'), 'machine preset two-socket\nkernel {\n  kernel.numa_balancing = 2\n}\nworkload a {\n  at 0 s exit\n}\n');
    const r = run('check', 'warn.numa');
    assert.equal(r.code, 0);
    assert.match(r.out, /^warn\.numa:3:3: warning: memory tiering is enabled/);
    assert.match(r.out, /\n1 file, 0 errors, 1 warning\n$/);
  });

  it('refuses an unknown option with exit 2, suggesting the close one', () => {
    const file = path.join(ROOT, 'examples/zone-reclaim.numa');
    const r = run('check', '--hlep', file);
    assert.equal(r.code, 2);
    assert.match(r.err, /^numa-lab check: unknown option '--hlep'; did you mean '--help'\?/);
    assert.equal(r.out, '');
    const run2 = run('run', file, '--fromat', 'json');
    assert.equal(run2.code, 2);
    assert.match(run2.err, /^numa-lab run: unknown option '--fromat'; did you mean '--format'\?/);
    assert.equal(run2.out, '');
    const kernel = run('kernel', file, '--timout', '5');
    assert.equal(kernel.code, 2);
    assert.match(kernel.err, /^numa-lab kernel: unknown option '--timout'; did you mean '--timeout'\?/);
  });

  it('takes --budget FACTOR as run does: over budget is an error at the run block, a factor admits it', () => {
    // 12 nodes x 14 variants x 100,000 samples: about 740 MiB of result against 128 MiB.
    const nodes = Array.from({ length: 12 }, (_, i) => `  node ${i} { memory = 4 GiB  cpus = ${2 * i}-${2 * i + 1} }`).join('\n');
    const variants = Array.from({ length: 14 }, (_, i) => `variant v${i} { vm.swappiness = ${i} }`).join('\n');
    writeFileSync(path.join(dir, 'big.numa'), `machine {\n${nodes}\n}\nworkload w {\n  at 0 s alloc a 1 GiB\n}\nrun {\n  duration = 100 s\n  sample = 1 ms\n}\n${variants}\n`);
    const over = run('check', 'big.numa');
    assert.equal(over.code, 1, over.out + over.err);
    assert.match(over.out, /^big\.numa:18:1: error: the result would be about \d+ MiB.*--budget (\d+(\.\d)?)/m);
    const needed = Number(/--budget (\d+(?:\.\d)?)/.exec(over.out)![1]);
    const admitted = run('check', 'big.numa', '--budget', String(needed));
    assert.equal(admitted.code, 0, admitted.out + admitted.err);
    assert.equal(admitted.out.trim(), '1 file, 0 errors, 0 warnings');
    const bad = run('check', 'big.numa', '--budget', 'lots');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--budget needs a positive factor like 4 or 2\.5, not 'lots'/);
  });

  it('counts an unreadable file as an error in the summary', () => {
    const r = run('check', path.join(ROOT, 'examples/zone-reclaim.numa'), 'nowhere.numa');
    assert.equal(r.code, 2);
    assert.equal(r.out, '2 files, 1 error, 0 warnings\n');
  });

  it('finds a NUL byte anywhere in the file, not only in the first 8 KiB', () => {
    const text = readFileSync(path.join(ROOT, 'examples/zone-reclaim.numa'), 'utf8');
    const padded = text + '#'.repeat(20_000) + '\n';
    writeFileSync(path.join(dir, 'late-nul.numa'), Buffer.concat([Buffer.from(padded.slice(0, 12_000)), Buffer.from([0]), Buffer.from(padded.slice(12_000))]));
    const r = run('check', 'late-nul.numa');
    assert.equal(r.code, 2);
    assert.match(r.err, /^late-nul\.numa: is not a text file/);
    writeFileSync(path.join(dir, 'padded.numa'), padded);
    assert.equal(run('check', 'padded.numa').code, 0, 'the same file without the NUL checks clean');
  });

  const bad: [string, () => string, RegExp][] = [
    ['a missing file', () => 'missing.numa', /^missing\.numa: no such file\n$/],
    ['a directory', () => { mkdirSync(path.join(dir, 'folder.numa'), { recursive: true }); return 'folder.numa'; }, /^folder\.numa: is a directory/],
    ['an empty file', () => { writeFileSync(path.join(dir, 'empty.numa'), ''); return 'empty.numa'; }, /^empty\.numa: is empty/],
    ['binary garbage', () => { writeFileSync(path.join(dir, 'bin.numa'), Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 131 + 7) % 256))); return 'bin.numa'; }, /^bin\.numa: is not a text file/],
  ];
  for (const [what, make, message] of bad) {
    it(`${what}: one line, exit 2, no stack trace`, () => {
      const r = run('check', make());
      assert.equal(r.code, 2);
      assert.match(r.err, message);
      assert.equal(r.err.trimEnd().split('\n').length, 1);
      assert.doesNotMatch(r.err + r.out, /\bat .*\.js:\d+/);
    });
  }

  it('exits 2 with usage when no file is given', () => {
    const r = run('check');
    assert.equal(r.code, 2);
    assert.match(r.err, /usage: numa-lab check FILE/);
  });

  it('lsp: refuses to start without --stdio, saying how to start it', () => {
    const r = run('lsp');
    assert.equal(r.code, 2);
    assert.match(r.err, /numa-lab lsp --stdio/);
  });

  it('lsp --stdio: answers initialize with its capabilities, and exits 0 after shutdown and exit', async () => {
    const frame = (id: number | null, method: string, params: unknown) => {
      const body = JSON.stringify({ jsonrpc: '2.0', ...(id === null ? {} : { id }), method, params });
      return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    };
    const child = spawn(process.execPath, [cli, 'lsp', '--stdio'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d; });
    const answered = (id: number) => new Promise<void>((resolve) => {
      const look = () => { if (out.includes(`"id":${id}`)) { child.stdout.off('data', more); resolve(); } };
      const more = (d: Buffer) => { out += d; look(); };
      child.stdout.on('data', more);
      look();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const timer = setTimeout(() => child.kill(), 20_000);
    child.stdin.write(frame(1, 'initialize', { processId: null, rootUri: null, capabilities: {} }));
    await answered(1);
    child.stdin.write(frame(null, 'initialized', {}) + frame(2, 'shutdown', null));
    await answered(2);
    child.stdin.write(frame(null, 'exit', null));
    const code = await exited;
    clearTimeout(timer);
    assert.equal(code, 0, err);
    const messages = out.split(/Content-Length: \d+\r\n\r\n/).filter(Boolean).map((m) => JSON.parse(m) as { id?: number; result?: { capabilities: Record<string, unknown> } });
    const init = messages.find((m) => m.id === 1);
    assert.ok(init?.result?.capabilities.hoverProvider && init.result.capabilities.completionProvider, out);
  });
});
