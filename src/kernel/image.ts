// The guest's boot files: the kernel release of a bzImage, its ELF vmlinux (booted through PVH so
// the guest does not spend ~10 s of TCG time decompressing itself), the modules a plan needs with
// their dependencies, and the initramfs as newc cpio archives (a cached base of busybox, agent,
// init and modules, plus a small per-run archive with the plan appended after it).

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

/** The release string of a bzImage ("6.1.0-57-amd64"), from the setup header's kernel_version
 *  pointer (offset 0x20e, relative to 0x200), or null when the file is not a bzImage. */
export function bzImageRelease(image: Buffer): string | null {
  if (image.length < 0x300 || image.toString('latin1', 0x202, 0x206) !== 'HdrS') return null;
  const ptr = image.readUInt16LE(0x20e) + 0x200;
  if (ptr >= image.length) return null;
  const end = image.indexOf(0, ptr);
  const text = image.toString('latin1', ptr, end < 0 ? Math.min(image.length, ptr + 256) : end);
  const release = text.split(' ')[0];
  return /^\d+\.\d+/.test(release) ? release : null;
}

const MAGICS: { kind: 'xz' | 'gzip' | 'zstd'; bytes: Buffer }[] = [
  { kind: 'xz', bytes: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) },
  { kind: 'gzip', bytes: Buffer.from([0x1f, 0x8b, 0x08]) },
  { kind: 'zstd', bytes: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]) },
];

function decompress(kind: 'xz' | 'gzip' | 'zstd', data: Buffer): Buffer | null {
  try {
    if (kind === 'gzip') return zlib.gunzipSync(data, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const cmd = kind === 'xz' ? ['xz', ['-dc', '--single-stream', '-q']] as const : ['zstd', ['-dcq']] as const;
    const r = spawnSync(cmd[0], [...cmd[1]], { input: data, maxBuffer: 1 << 30 });
    return r.stdout && r.stdout.length > 0 ? r.stdout : null;
  } catch {
    return null;
  }
}

/** The ELF vmlinux compressed inside a bzImage, or null (then QEMU boots the bzImage itself). */
export function extractVmlinux(image: Buffer): Buffer | null {
  for (const { kind, bytes } of MAGICS) {
    for (let pos = image.indexOf(bytes); pos >= 0; pos = image.indexOf(bytes, pos + 1)) {
      const out = decompress(kind, image.subarray(pos));
      if (out && out.length > 4 && out.readUInt32BE(0) === 0x7f454c46) return out;
    }
  }
  return null;
}

/** Modules by name -> their dependency list, from modules.dep of a release. */
export function readModulesDep(modDir: string): Map<string, { file: string; deps: string[] }> {
  const out = new Map<string, { file: string; deps: string[] }>();
  let text: string;
  try {
    text = fs.readFileSync(path.join(modDir, 'modules.dep'), 'utf8');
  } catch {
    return out;
  }
  const name = (f: string) => path.basename(f).replace(/\.ko(\.(xz|zst|gz))?$/, '').replace(/-/g, '_');
  for (const line of text.split('\n')) {
    const [file, rest] = line.split(':');
    if (!file || rest === undefined) continue;
    out.set(name(file), { file: path.join(modDir, file), deps: rest.trim().split(/\s+/).filter(Boolean).map(name) });
  }
  return out;
}

/** The modules to insmod, dependencies first; names that are missing (built in, or no such
 *  module) are left out. */
export function moduleLoadOrder(dep: Map<string, { file: string; deps: string[] }>, wanted: string[]): { name: string; file: string }[] {
  const order: { name: string; file: string }[] = [];
  const seen = new Set<string>();
  const visit = (n: string) => {
    if (seen.has(n)) return;
    seen.add(n);
    const m = dep.get(n);
    if (!m) return;
    // modules.dep lists the deepest dependency last: load from the end
    for (const d of [...m.deps].reverse()) visit(d);
    order.push({ name: n, file: m.file });
  };
  wanted.forEach(visit);
  return order;
}

/** A module file's bytes, decompressed when the distribution compresses modules. */
export function moduleBytes(file: string): Buffer {
  const data = fs.readFileSync(file);
  if (file.endsWith('.ko.xz')) return decompress('xz', data) ?? data;
  if (file.endsWith('.ko.zst')) return decompress('zstd', data) ?? data;
  if (file.endsWith('.ko.gz')) return zlib.gunzipSync(data);
  return data;
}

export interface CpioEntry {
  name: string;
  /** Directory when undefined. */
  data?: Buffer;
  mode?: number;
}

/** A newc ("070701") cpio archive, the format the kernel unpacks as initramfs. Archives can be
 *  concatenated: a later one adds files to (or replaces files of) the earlier ones. */
export function cpioNewc(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  const pad4 = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);
  let ino = 1;
  const add = (name: string, mode: number, data: Buffer) => {
    const nameBuf = Buffer.from(name + '\0', 'utf8');
    const header = '070701' + [ino++, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBuf.length, 0].map(hex).join('');
    parts.push(Buffer.from(header, 'ascii'), nameBuf, pad4(110 + nameBuf.length), data, pad4(data.length));
  };
  for (const e of entries) {
    if (e.data === undefined) add(e.name, 0o040755, Buffer.alloc(0));
    else add(e.name, 0o100000 | (e.mode ?? 0o644), e.data);
  }
  add('TRAILER!!!', 0, Buffer.alloc(0));
  return Buffer.concat(parts);
}
