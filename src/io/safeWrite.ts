// Writing an output file without losing anything that was there. Everything runs as root in CI,
// where writing a temp file and renaming it over `--out /dev/null` once replaced /dev/null with
// a regular file. The rules, for the CLI's --out and the extension's saved results and exports:
//   - a new path, or a regular file with one link: written to a temp file in the same folder and
//     renamed over it, so a failed write leaves the old file whole (mode and owner are kept);
//   - a character device or FIFO (/dev/null, /dev/stdout, a named pipe): written through without
//     being replaced, as cp does;
//   - a symbolic link: refused. Writing through it changes a file somewhere else, replacing it
//     loses the link; the user gives the real path instead;
//   - the input (same device and inode as a protected path): refused;
//   - a directory, socket, block device, or a regular file with several hard links (replacing
//     it would split them): refused.
// No vscode import: the CLI and the extension host share this module.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/** A target we will not write to; the message is for the user and follows the path. */
export class WriteRefused extends Error {
  constructor(readonly target: string, reason: string) {
    super(reason);
  }
}

export interface SafeWriteOptions {
  /** Paths that must never be overwritten, such as the scenario being run. */
  protect?: string[];
  /** Whether a character device or FIFO may be written through. The extension host says no:
   *  opening a FIFO blocks until something reads it. */
  devices?: boolean;
}

/** Receives the output in pieces, so a large result never has to be one string. */
export type Sink = (chunk: string | Uint8Array) => void;
export type Content = string | Uint8Array | ((write: Sink) => void);

type Plan = { kind: 'new' } | { kind: 'replace'; stat: fs.Stats } | { kind: 'through' };

function lstatOrNull(file: string): fs.Stats | null {
  try {
    return fs.lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

function sameFile(a: fs.Stats, b: fs.Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** How `target` would be written, or WriteRefused saying why it will not be. Call it before a
 *  long run so a bad --out is refused at once, not after the work. */
export function planWrite(target: string, options: SafeWriteOptions = {}): Plan {
  const st = lstatOrNull(target);
  if (st === null) return { kind: 'new' };
  if (st.isSymbolicLink()) {
    let to = '';
    try { to = ` to ${fs.readlinkSync(target)}`; } catch { /* unreadable link: say less */ }
    throw new WriteRefused(target, `is a symbolic link${to}; output is never written through a link or over it: give the real path`);
  }
  for (const p of options.protect ?? []) {
    let ps: fs.Stats;
    try { ps = fs.statSync(p); } catch { continue; }
    if (sameFile(st, ps)) throw new WriteRefused(target, `is the input scenario ${p}; choose another output file`);
  }
  if (st.isFile()) {
    if (st.nlink > 1) throw new WriteRefused(target, `has ${st.nlink} hard links; replacing it would split them: choose another output file`);
    return { kind: 'replace', stat: st };
  }
  if (st.isDirectory()) throw new WriteRefused(target, 'is a directory; give a file name inside it');
  if (st.isCharacterDevice() || st.isFIFO()) {
    if (options.devices === false) throw new WriteRefused(target, `is a ${st.isFIFO() ? 'named pipe' : 'character device'}, not a regular file`);
    return { kind: 'through' };
  }
  if (st.isBlockDevice()) throw new WriteRefused(target, 'is a block device; output goes to a regular file, a character device or a pipe');
  if (st.isSocket()) throw new WriteRefused(target, 'is a socket; output goes to a regular file, a character device or a pipe');
  throw new WriteRefused(target, 'is not a regular file');
}

/** Collects small chunks and hands them on about a mebibyte at a time. */
export function bufferedSink(flush: (data: Buffer) => void, size = 1 << 20): { write: Sink; end: () => void } {
  let parts: Buffer[] = [];
  let pending = 0;
  const drain = () => {
    if (pending === 0) return;
    const data = parts.length === 1 ? parts[0] : Buffer.concat(parts, pending);
    parts = [];
    pending = 0;
    flush(data);
  };
  return {
    write: (chunk) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      parts.push(b);
      pending += b.length;
      if (pending >= size) drain();
    },
    end: drain,
  };
}

function writeAll(fd: number, data: Buffer): void {
  for (let off = 0; off < data.length; ) off += fs.writeSync(fd, data, off, data.length - off);
}

function produce(fd: number, content: Content): void {
  if (typeof content === 'function') {
    const sink = bufferedSink((b) => writeAll(fd, b));
    content(sink.write);
    sink.end();
  } else writeAll(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content.buffer, content.byteOffset, content.byteLength));
}

/** Writes `content` to `target` by the rules above. Throws WriteRefused for a target it will
 *  not touch, and the system's error for a failed write (after which the target is unchanged,
 *  except a device or pipe that already received part of the output). */
export function writeFileSafely(target: string, content: Content, options: SafeWriteOptions = {}): void {
  const plan = planWrite(target, options);
  if (plan.kind === 'through') {
    // No O_CREAT and no O_NOFOLLOW surprises: the path must still be the device or pipe we saw.
    const fd = fs.openSync(target, fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW);
    try {
      const st = fs.fstatSync(fd);
      if (!st.isCharacterDevice() && !st.isFIFO()) throw new WriteRefused(target, 'changed while being opened; nothing was written');
      produce(fd, content);
    } finally {
      fs.closeSync(fd);
    }
    return;
  }
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  // 'wx': never reuse a file someone else left at the temp name.
  const fd = fs.openSync(tmp, 'wx', plan.kind === 'replace' ? plan.stat.mode & 0o7777 : 0o666);
  let renamed = false;
  try {
    try {
      if (plan.kind === 'replace') {
        fs.fchmodSync(fd, plan.stat.mode & 0o7777);
        // As root the new file would belong to root; give it back to the old file's owner.
        if (process.getuid?.() === 0 && (plan.stat.uid !== 0 || plan.stat.gid !== 0)) fs.fchownSync(fd, plan.stat.uid, plan.stat.gid);
      }
      produce(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    // The target must still be what was planned for: nothing new appeared, nothing was swapped in.
    const now = lstatOrNull(target);
    const unchanged = plan.kind === 'new' ? now === null : now !== null && now.isFile() && sameFile(now, plan.stat);
    if (!unchanged) throw new WriteRefused(target, 'changed while the output was being written; nothing was replaced');
    fs.renameSync(tmp, target);
    renamed = true;
  } finally {
    if (!renamed) fs.rmSync(tmp, { force: true });
  }
}

/** "PATH: reason" for a failed write: the refusal, or the system's error code. */
export function writeProblem(e: unknown, target?: string): string {
  if (e instanceof WriteRefused) return `${e.target}: ${e.message}`;
  const err = e as NodeJS.ErrnoException;
  const what = err.code ? `cannot write (${err.code})` : String(err?.message ?? e);
  const where = target ?? err.path;
  return where ? `${where}: ${what}` : what;
}
