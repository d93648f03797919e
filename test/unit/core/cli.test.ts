// `numa-lab run`: formats, exit codes, refusing bad scenarios with check's diagnostics.

import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { progressLine, runCommand } from '../../../src/cli/run';
import type { RunResult } from '../../../src/core/result';
import { ROOT } from './helpers';

async function capture(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  const ow = process.stdout.write.bind(process.stdout), ew = process.stderr.write.bind(process.stderr);
  (process.stdout as any).write = (s: string) => { out.push(String(s)); return true; };
  (process.stderr as any).write = (s: string) => { err.push(String(s)); return true; };
  try {
    const code = await runCommand(args);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    (process.stdout as any).write = ow;
    (process.stderr as any).write = ew;
  }
}

describe('cli/run', function () {
  this.timeout(60000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'numa-run-'));
  const zr = path.join(ROOT, 'test/fixtures/kernel-data/zr.numa');

  it('prints a table with ns/access, remote share and key counters', async () => {
    const r = await capture([zr]);
    assert.equal(r.code, 0);
    // Each variant with the kernel version it simulated (the fixture sets none: 6.1).
    assert.match(r.out, /zr0 \[6\.1\] +\d+\.\d+ +\d+\.\d%/);
    assert.match(r.out, /pgsteal_kswapd/);
  });

  it('writes one JSON RunResult with --format json --out, only the chosen variants, same bytes twice', async () => {
    const file = path.join(dir, 'r.json');
    assert.equal((await capture([zr, '--variant', 'zr1', '--format', 'json', '--out', file])).code, 0);
    const first = readFileSync(file, 'utf8');
    const result = JSON.parse(first) as RunResult;
    assert.deepEqual(result.variants.map((v) => v.name), ['zr1']);
    assert.ok(result.variants[0].summary.vmstat.pgsteal_direct > 0);
    // The fixture sets no version: 6.1, whose /proc/vmstat has no zone_reclaim_success.
    assert.deepEqual(result.variants[0].simulated_kernel, { version: '6.1', overrides: [] });
    assert.ok(!('zone_reclaim_success' in result.variants[0].summary.vmstat));
    await capture([zr, '--variant', 'zr1', '--format', 'json', '--out', file]);
    assert.equal(readFileSync(file, 'utf8'), first);
  });

  it('--scale multiplies sizes (1/2 halves the page cache) and --seed overrides the seed', async () => {
    const r = await capture([zr, '--variant', 'zr0', '--format', 'json', '--scale', '1/2', '--seed', '5']);
    const result = JSON.parse(r.out) as RunResult;
    assert.equal(result.seed, 5);
    const file = result.variants[0].summary.nodes[0].FilePages;
    assert.ok(file > 290 * 1024 && file < 310 * 1024, `page cache at half scale: ${file} kB`);
  });

  it('exits 1 and says which expectation failed', async () => {
    const f = path.join(dir, 'fail.numa');
    writeFileSync(f, readFileSync(zr, 'utf8') + '\nexpect zr0.numa_miss == 0\n');
    const r = await capture([f]);
    assert.equal(r.code, 1);
    assert.match(r.out, /FAIL +zr0\.numa_miss == 0/);
  });

  it('refuses a bad scenario with check\'s diagnostics, and usage or I/O errors with exit 2', async () => {
    const f = path.join(dir, 'bad.numa');
    writeFileSync(f, 'machine { node 0 { memory = 1 GiB } }\nworkload w { at 0 s alloc x 1 GiB rate }\n');
    const bad = await capture([f]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /bad\.numa:\d+:\d+: error: /);
    assert.equal((await capture([path.join(dir, 'missing.numa')])).code, 2);
    assert.equal((await capture([zr, '--format', 'xml'])).code, 2);
    assert.equal((await capture([zr, '--scale', '-1'])).code, 2);
    assert.equal((await capture([zr, '--variant', 'nope'])).code, 2);
  });

  it('refuses a --seed outside 0..4294967295 instead of running another seed than it records', async () => {
    const over = await capture([zr, '--seed', '4294967297']);
    assert.equal(over.code, 2);
    assert.match(over.err, /--seed is a whole number from 0 to 4294967295, not '4294967297'/);
    assert.equal(over.out, '');
    const max = await capture([zr, '--variant', 'zr0', '--format', 'json', '--seed', '4294967295']);
    assert.equal(max.code, 0, max.err);
    assert.equal((JSON.parse(max.out) as RunResult).seed, 4294967295);
  });

  it('refuses a --scale that takes a node outside the checker\'s 16 MiB..64 TiB, before running', async () => {
    const tiny = await capture([zr, '--scale', '1/1000']);
    assert.equal(tiny.code, 2);
    assert.match(tiny.err, /--scale 0\.001: node 0 would have .* of memory; a node has 16 MiB to 64 TiB/);
    assert.equal(tiny.out, '');
    const huge = await capture([zr, '--scale', '1000000']);
    assert.equal(huge.code, 2);
    assert.match(huge.err, /node 1 would have .*TiB of memory/);
  });

  it('warns on stderr, before running, when --scale takes a region below its page or a knob to 0', async () => {
    const f = path.join(dir, 'small-thp.numa');
    writeFileSync(f, `scenario "small THP"
machine { node 0 { memory = 4 GiB  cpus = 0-3 }  node 1 { memory = 4 GiB  cpus = 4-7 } }
kernel { kernel.numa_balancing_scan_size_mb = 32 }
workload w {
  node = 0
  at 0 s  alloc buf 64 MiB MADV_HUGEPAGE
  at 0 s  access buf hotset 16 KiB
}
run { duration = 1 s }
`);
    const r = await capture([f, '--scale', '1/128', '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r.err.trimEnd().split('\n'), [
      `${f}: --scale 0.0078125: warning: workload w: alloc buf becomes 512 KiB, less than a 2 MiB huge page: it gets base pages only`,
      `${f}: --scale 0.0078125: warning: workload w: hot set of buf becomes 0.125 KiB, less than a 4 KiB page: it is still one page`,
      `${f}: --scale 0.0078125: warning: kernel.numa_balancing_scan_size_mb = 32 becomes 0.25, which rounds to 0: kept at 1`,
    ]);
    assert.ok(JSON.parse(r.out).variants[0].summary.nodes[0].AnonPages > 0, 'it still ran');
    const none = await capture([zr, '--variant', 'zr0', '--scale', '1/2']);
    assert.equal(none.err, '', 'halving a scenario of whole gigabytes warns of nothing');
  });

  it('leaves an existing --out file whole when the new result cannot be written there', async () => {
    const target = path.join(dir, 'kept.json');
    writeFileSync(target, 'previous result');
    const blocked = path.join(dir, 'blocked');
    writeFileSync(blocked, 'a file, not a folder');
    const r = await capture([zr, '--format', 'json', '--out', path.join(blocked, 'x.json')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot write/);
    assert.equal(readFileSync(target, 'utf8'), 'previous result');
    const ok = await capture([zr, '--format', 'json', '--out', target]);
    assert.equal(ok.code, 0);
    assert.equal((JSON.parse(readFileSync(target, 'utf8')) as RunResult).variants.length > 0, true);
  });

  describe('--out loses nothing', () => {
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'numa-out-'));
    /** Type, inode and content: what a refused or written-through --out must leave as it was. */
    const fingerprint = (f: string) => {
      const st = lstatSync(f);
      const what = st.isSymbolicLink() ? `link->${readlinkSync(f)}` : st.isFile() ? readFileSync(f, 'utf8')
        : st.isDirectory() ? 'dir' : st.isFIFO() ? 'fifo' : st.isCharacterDevice() ? `chr ${st.rdev}` : 'other';
      return `${st.ino} ${what}`;
    };

    it('refuses the input scenario before running, and leaves it intact', async () => {
      const input = path.join(outDir, 'input.numa');
      writeFileSync(input, readFileSync(zr, 'utf8'));
      const before = fingerprint(input);
      const r = await capture([input, '--format', 'json', '--out', input]);
      assert.equal(r.code, 2);
      assert.match(r.err, /input\.numa: is the input scenario/);
      assert.equal(fingerprint(input), before);
    });

    it('refuses a symbolic link and a directory, changing neither', async () => {
      const target = path.join(outDir, 'elsewhere.json');
      writeFileSync(target, 'not ours\n');
      const link = path.join(outDir, 'link.json');
      symlinkSync(target, link);
      const sub = path.join(outDir, 'sub');
      mkdirSync(sub);
      const before = [target, link, sub].map(fingerprint);
      const viaLink = await capture([zr, '--format', 'json', '--out', link]);
      assert.equal(viaLink.code, 2);
      assert.match(viaLink.err, /link\.json: is a symbolic link to .*elsewhere\.json; .*give the real path/);
      const toDir = await capture([zr, '--format', 'json', '--out', sub]);
      assert.equal(toDir.code, 2);
      assert.match(toDir.err, /sub: is a directory/);
      assert.deepEqual([target, link, sub].map(fingerprint), before);
    });

    it('writes through a FIFO to its reader, and the FIFO stays a FIFO', async () => {
      const fifo = path.join(outDir, 'result.fifo');
      assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
      const before = fingerprint(fifo);
      const got = path.join(outDir, 'from-fifo.json');
      const reader = spawn('sh', ['-c', 'cat "$0" > "$1"', fifo, got]);
      const exited = new Promise<number | null>((resolve) => reader.on('exit', resolve));
      const r = await capture([zr, '--variant', 'zr1', '--format', 'json', '--out', fifo]);
      assert.equal(r.code, 0, r.err);
      assert.equal(await exited, 0);
      assert.deepEqual((JSON.parse(readFileSync(got, 'utf8')) as RunResult).variants.map((v) => v.name), ['zr1']);
      assert.equal(fingerprint(fifo), before);
    });

    it('writes through a character device made with mknod, which stays that device', async function () {
      if (process.getuid?.() !== 0) {
        this.test!.title += ' (skipped: mknod needs root; CI runs as root)';
        this.skip();
      }
      const dev = path.join(outDir, 'null');
      assert.equal(spawnSync('mknod', [dev, 'c', '1', '3']).status, 0);
      const before = fingerprint(dev);
      const r = await capture([zr, '--format', 'json', '--out', dev]);
      assert.equal(r.code, 0, r.err);
      assert.equal(fingerprint(dev), before);
      assert.ok(lstatSync(dev).isCharacterDevice());
    });

    it('writes a new path whole: the same bytes as stdout', async () => {
      const fresh = path.join(outDir, 'fresh.json');
      const r = await capture([zr, '--variant', 'zr0', '--format', 'json', '--out', fresh]);
      assert.equal(r.code, 0);
      const stdout = await capture([zr, '--variant', 'zr0', '--format', 'json']);
      assert.equal(readFileSync(fresh, 'utf8'), stdout.out);
      assert.ok(lstatSync(fresh).isFile());
    });
  });

  it('draws progress on a terminal only, after a second, and clears it', () => {
    let clock = 0;
    const written: string[] = [];
    const tty = { isTTY: true, write: (s: string) => { written.push(s); return true; } } as unknown as NodeJS.WriteStream;
    const line = progressLine(tty, () => clock);
    const p = { variant: 'zrm-on', variantIndex: 1, variantCount: 3, simulated_ms: 30000, duration_ms: 120000 };
    line.update(p);
    assert.deepEqual(written, [], 'nothing in the first second');
    clock = 1500;
    line.update(p);
    assert.match(written[0], /zrm-on \(2\/3\): 30\.0 of 120\.0 s simulated, 25%/);
    line.done();
    assert.equal(written[1], '\r\x1b[K');
    const pipe: string[] = [];
    const piped = progressLine({ isTTY: false, write: (s: string) => { pipe.push(s); return true; } } as unknown as NodeJS.WriteStream, () => 5000);
    piped.update(p);
    piped.done();
    assert.deepEqual(pipe, []);
  });

  it('with variants running side by side, the progress line shows the run\'s share and each running variant', () => {
    const written: string[] = [];
    const tty = { isTTY: true, write: (s: string) => { written.push(s); return true; } } as unknown as NodeJS.WriteStream;
    let clock = 0;
    const line = progressLine(tty, () => clock);
    clock = 2000;
    const a = { variant: 'zrm-off', variantIndex: 0, variantCount: 3, simulated_ms: 60000, duration_ms: 120000 };
    const b = { variant: 'membind', variantIndex: 2, variantCount: 3, simulated_ms: 30000, duration_ms: 120000 };
    line.update(b, { done: 1, count: 3, fraction: (1 + 0.5 + 0.25) / 3, running: [a, b] });
    assert.match(written[0], /58% of 3 variants, 1 done; running zrm-off 50%, membind 25%/);
  });
});

describe('cli/run --jobs', function () {
  this.timeout(120000);
  const zr = path.join(ROOT, 'test/fixtures/kernel-data/zr.numa');

  it('writes the same bytes with --jobs 1 and --jobs 2', async () => {
    const one = await capture([zr, '--format', 'json', '--jobs', '1']);
    const two = await capture([zr, '--format', 'json', '--jobs', '2']);
    assert.equal(one.code, 0, one.err);
    assert.deepEqual((JSON.parse(one.out) as RunResult).variants.map((v) => v.name), ['zr0', 'zr1', 'bind0']);
    assert.equal(two.out, one.out);
  });

  it('refuses a --jobs that is not a number of threads, and says so in --help', async () => {
    for (const bad of ['0', 'two', '-1', '1.5']) {
      const r = await capture([zr, '--jobs', bad]);
      assert.equal(r.code, 2, bad);
      assert.match(r.err, new RegExp(`--jobs needs a number of threads from 1 to 9999, not '${bad.replace('.', '\\.')}'`));
    }
    assert.match((await capture([zr, '--jobs'])).err, /--jobs needs a value/);
    assert.match((await capture(['--help'])).out, /--jobs N +run variants and sweep points on at most N worker threads \(default: the cores,\s+here \d+\)/);
  });

  it('Ctrl-C stops every thread: exit 130, "cancelled", no --out file', async function () {
    const cli = path.join(ROOT, 'dist/cli.js');
    if (!existsSync(cli)) this.skip();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'numa-jobs-'));
    const out = path.join(dir, 'r.json');
    const child = spawn(process.execPath, [cli, 'run', path.join(ROOT, 'test/e2e/fixtures/run-long.numa'), '--jobs', '2', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    // Well into the run (both threads busy for seconds), long before its end.
    await new Promise((r) => setTimeout(r, 2500));
    const t0 = Date.now();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    assert.equal(code, 130, err);
    assert.ok(Date.now() - t0 < 5000, `stopped ${Date.now() - t0} ms after Ctrl-C`);
    assert.match(err, /numa-lab run: cancelled/);
    assert.ok(!existsSync(out), 'nothing written');
  });
});
