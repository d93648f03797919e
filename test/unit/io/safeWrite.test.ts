// writeFileSafely: what it replaces, what it writes through, what it refuses; and writeJson,
// which must give JSON.stringify's bytes.

import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { bufferedSink, writeFileSafely, WriteRefused } from '../../../src/io/safeWrite';
import { writeJson } from '../../../src/io/jsonStream';

/** What must not change about a path: its type, inode and (for a file) its content. */
function fingerprint(file: string): string {
  const st = fs.lstatSync(file);
  const type = st.isSymbolicLink() ? `link->${fs.readlinkSync(file)}` : st.isFile() ? `file:${fs.readFileSync(file, 'utf8')}`
    : st.isDirectory() ? 'dir' : st.isFIFO() ? 'fifo' : st.isCharacterDevice() ? `chr:${st.rdev}` : 'other';
  return `${st.ino} ${type}`;
}

function refuses(file: string, pattern: RegExp, options = {}): void {
  assert.throws(() => writeFileSafely(file, 'new content\n', options), (e: unknown) => e instanceof WriteRefused && pattern.test(e.message));
}

/** Files in `dir` other than `keep`: a refused or failed write must leave no temp file. */
function leftovers(dir: string, keep: string[]): string[] {
  return fs.readdirSync(dir).filter((f) => !keep.includes(f));
}

const isRoot = process.getuid?.() === 0;

describe('io/safeWrite', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'numa-safe-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates a new path, and replaces a regular file whole with a new inode, keeping its mode', () => {
    const f = path.join(dir, 'out.json');
    writeFileSafely(f, 'first\n');
    assert.equal(fs.readFileSync(f, 'utf8'), 'first\n');
    fs.chmodSync(f, 0o640);
    const before = fs.statSync(f);
    writeFileSafely(f, (write) => { write('sec'); write(Buffer.from('ond\n')); });
    const after = fs.statSync(f);
    assert.equal(fs.readFileSync(f, 'utf8'), 'second\n');
    assert.notEqual(after.ino, before.ino, 'written beside and renamed, not truncated in place');
    assert.equal(after.mode & 0o777, 0o640);
    assert.deepEqual(leftovers(dir, ['out.json']), []);
  });

  it('leaves the old file whole and no temp file when producing the output throws', () => {
    const f = path.join(dir, 'kept.json');
    fs.writeFileSync(f, 'previous\n');
    assert.throws(() => writeFileSafely(f, (write) => { write('half'); throw new Error('ran out'); }), /ran out/);
    assert.equal(fs.readFileSync(f, 'utf8'), 'previous\n');
    assert.deepEqual(leftovers(dir, ['kept.json']), []);
  });

  it('refuses the protected input, even under another name (a hard link)', () => {
    const input = path.join(dir, 'scenario.numa');
    fs.writeFileSync(input, 'scenario "x"\n');
    const before = fingerprint(input);
    refuses(input, /is the input scenario/, { protect: [input] });
    refuses(path.join(dir, '.', 'scenario.numa'), /is the input scenario/, { protect: [input] });
    fs.linkSync(input, path.join(dir, 'alias.numa'));
    refuses(path.join(dir, 'alias.numa'), /input scenario|hard links/, { protect: [input] });
    assert.equal(fingerprint(input), before);
  });

  it('refuses a symbolic link, to a file or dangling, and touches neither the link nor its target', () => {
    const target = path.join(dir, 'target.txt');
    fs.writeFileSync(target, 'precious\n');
    const link = path.join(dir, 'link.json');
    fs.symlinkSync(target, link);
    const dangling = path.join(dir, 'dangling.json');
    fs.symlinkSync(path.join(dir, 'nowhere.json'), dangling);
    const [t, l, d] = [target, link, dangling].map(fingerprint);
    refuses(link, /symbolic link to .*target\.txt.*give the real path/);
    refuses(dangling, /symbolic link/);
    assert.deepEqual([target, link, dangling].map(fingerprint), [t, l, d]);
    assert.equal(fs.existsSync(path.join(dir, 'nowhere.json')), false);
  });

  it('refuses a directory and a regular file with two hard links', () => {
    const sub = path.join(dir, 'results');
    fs.mkdirSync(sub);
    refuses(sub, /is a directory/);
    assert.ok(fs.statSync(sub).isDirectory());
    const a = path.join(dir, 'a.json');
    fs.writeFileSync(a, 'shared\n');
    fs.linkSync(a, path.join(dir, 'b.json'));
    refuses(a, /2 hard links/);
    assert.equal(fs.readFileSync(path.join(dir, 'b.json'), 'utf8'), 'shared\n');
  });

  it('writes through a FIFO without replacing it, and refuses it when devices are off', async () => {
    const fifo = path.join(dir, 'pipe');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
    const before = fingerprint(fifo);
    refuses(fifo, /named pipe, not a regular file/, { devices: false });
    // A reader in another process; the write blocks until it has opened the pipe.
    const got = path.join(dir, 'got.txt');
    const reader = spawn('sh', ['-c', 'cat "$0" > "$1"', fifo, got]);
    const done = new Promise<number | null>((resolve) => reader.on('exit', resolve));
    writeFileSafely(fifo, (write) => { for (let i = 0; i < 1000; i++) write(`line ${i}\n`); });
    assert.equal(await done, 0);
    assert.equal(fs.readFileSync(got, 'utf8').split('\n')[999], 'line 999');
    assert.equal(fingerprint(fifo), before);
  });

  it('writes through a character device made with mknod, which stays a device', function () {
    if (!isRoot) {
      this.test!.title += ' (skipped: mknod needs root; CI runs as root)';
      this.skip();
    }
    const dev = path.join(dir, 'null');
    assert.equal(spawnSync('mknod', [dev, 'c', '1', '3']).status, 0, 'mknod c 1 3');
    const before = fingerprint(dev);
    writeFileSafely(dev, 'discarded\n'.repeat(1000));
    assert.equal(fingerprint(dev), before);
    assert.ok(fs.lstatSync(dev).isCharacterDevice());
    refuses(dev, /character device, not a regular file/, { devices: false });
    assert.deepEqual(leftovers(dir, ['null']), []);
  });

  it('refuses a socket and a block device, which stay what they were', async function () {
    const sock = path.join(dir, 'listen.sock');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    try {
      const before = fingerprint(sock);
      refuses(sock, /is a socket/);
      assert.equal(fingerprint(sock), before);
      assert.ok(fs.lstatSync(sock).isSocket());
    } finally {
      server.close();
    }
    if (!isRoot) {
      this.test!.title += ' (block device part skipped: mknod needs root; CI runs as root)';
      return;
    }
    const blk = path.join(dir, 'loop');
    assert.equal(spawnSync('mknod', [blk, 'b', '7', '0']).status, 0, 'mknod b 7 0');
    refuses(blk, /is a block device/);
    assert.ok(fs.lstatSync(blk).isBlockDevice());
  });

  it('bufferedSink hands on whole chunks in order, flushing at the size and at the end', () => {
    const flushed: string[] = [];
    const sink = bufferedSink((b) => flushed.push(b.toString('utf8')), 8);
    for (const s of ['abc', 'def', 'ghi', 'é']) sink.write(s);
    assert.deepEqual(flushed, ['abcdefghi']);
    sink.end();
    assert.deepEqual(flushed, ['abcdefghi', 'é']);
  });
});

describe('io/jsonStream', () => {
  it('writes the bytes JSON.stringify gives, for the odd cases too', () => {
    const values: unknown[] = [
      { a: [1, 2, 3], b: { c: 'x"y', d: undefined, e: null, f: [{ g: NaN }, undefined, () => 1] }, 'k\n': Infinity },
      [[], {}, [[1]], 'é', -0, 1e21, new Date(0)],
      { series: { t_ms: [0, 100.5], nodes: [{ node: 0, MemFree: [1, 2] }] }, toJSONless: { toJSON: () => 'custom' } },
      'plain', 42, null,
    ];
    // Whole (the default), walked piece by piece (0), and split between the two (40).
    for (const whole of [undefined, 0, 40]) {
      for (const v of values) {
        let out = '';
        writeJson(v, (s) => { out += String(s); }, whole);
        assert.equal(out, JSON.stringify(v), `wholeChars ${whole}`);
      }
    }
  });

  it('never hands the sink one string for a value past the whole-part limit', () => {
    // 3 series of 400 000 numbers of 20 characters: about 24 MB of JSON.
    const series = [0, 1, 2].map((k) => Array.from({ length: 400_000 }, (_, i) => k + i / 3 + 1e6));
    const value = { t_ms: series[0], nodes: [{ node: 0, MemFree: series[1] }, { node: 1, MemFree: series[2] }] };
    const pieces: number[] = [];
    let out = '';
    writeJson(value, (s) => { pieces.push(String(s).length); out += String(s); });
    assert.equal(out, JSON.stringify(value));
    assert.ok(pieces.length > 1 && Math.max(...pieces) < out.length / 2, `pieces ${pieces.join(', ')} of ${out.length}`);
  });
});
