// Reading a scenario from disk with a one-line reason for every way it can fail, so the CLI
// never shows a stack trace for a missing file, a directory, an empty file or binary garbage.

import * as fs from 'node:fs';
import { MAX_SOURCE_BYTES } from '../language';

export type ReadResult = { ok: true; text: string } | { ok: false; message: string };

export function readScenarioFile(file: string): ReadResult {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, message: code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? 'unknown error'})` };
  }
  if (stat.isDirectory()) return { ok: false, message: 'is a directory; give a .numa file' };
  if (!stat.isFile()) return { ok: false, message: 'is not a regular file' };
  if (stat.size > MAX_SOURCE_BYTES) return { ok: false, message: `is ${(stat.size / 1048576).toFixed(1)} MiB; scenarios are limited to ${MAX_SOURCE_BYTES / 1048576} MiB` };
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    return { ok: false, message: `cannot read (${(e as NodeJS.ErrnoException).code ?? 'unknown error'})` };
  }
  if (buf.length === 0 || buf.toString('utf8').trim() === '') return { ok: false, message: 'is empty; a scenario needs at least a machine and a workload' };
  if (looksBinary(buf)) return { ok: false, message: 'is not a text file (binary content); a scenario is UTF-8 text' };
  return { ok: true, text: buf.toString('utf8') };
}

function looksBinary(buf: Buffer): boolean {
  // A NUL anywhere (a memchr over the whole file, cheap even at the size limit): one after the
  // first 8 KiB used to pass.
  if (buf.includes(0)) return true;
  const sample = buf.subarray(0, 8192);
  const text = sample.toString('utf8');
  const bad = (text.match(/\ufffd/g) ?? []).length;
  const ctrl = (text.match(/[\x01-\x08\x0e-\x1f]/g) ?? []).length;
  return bad + ctrl > Math.max(4, text.length * 0.02);
}
