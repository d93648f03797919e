// Saved runs: where they go, what they are called, reading them back. A result file is exactly
// the `numa-lab run --format json` document, so a file the CLI wrote opens in the panel too.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunResult } from '../../core/result';
import { DEFAULT_RESULTS_DIRECTORY, RESULT_FILE_SUFFIX } from './ids';
import { MAX_RESULT_FILE_BYTES, parseRunResult, tooLarge } from '../../protocol/resultSchema';
import { writeFileSafely, type Sink } from '../../io/safeWrite';
import { writeJson } from '../../io/jsonStream';

/** The folder results of `scenarioPath` go to: the setting, relative to the scenario's folder
 *  unless absolute; `.numa-results` next to the scenario by default. */
export function resultsDirFor(scenarioPath: string, setting?: string | null): string {
  const dir = setting && setting.trim() ? setting.trim() : DEFAULT_RESULTS_DIRECTORY;
  return path.isAbsolute(dir) ? dir : path.join(path.dirname(scenarioPath), dir);
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** `zone-reclaim-20250101-120000[-zrm-on].numa-result.json`; the time is the wall clock of the
 *  run (in the name only, never inside the result, which stays deterministic). */
export function resultFileName(scenarioPath: string, when: Date, label?: string): string {
  const stem = path.basename(scenarioPath).replace(/\.numa$/i, '');
  const stamp = `${when.getFullYear()}${pad(when.getMonth() + 1)}${pad(when.getDate())}-${pad(when.getHours())}${pad(when.getMinutes())}${pad(when.getSeconds())}`;
  const safeLabel = label ? '-' + label.replace(/[^A-Za-z0-9_.+-]+/g, '_').slice(0, 40) : '';
  return `${stem}-${stamp}${safeLabel}${RESULT_FILE_SUFFIX}`;
}

/** Whether anything is at `file`, a dangling symbolic link included (existsSync follows links). */
function taken(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Writes the result; creates the folder with a `.gitignore` so runs never end up in git. Never
 *  writes through a link or over a file that is there (safeWrite refuses both, with the reason).
 *  A result larger than loadResult accepts is refused, and its file left unwritten, so every
 *  saved result opens again. */
export function saveResult(dir: string, fileName: string, result: RunResult, maxBytes = MAX_RESULT_FILE_BYTES): string {
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    writeFileSafely(path.join(dir, '.gitignore'), '# NUMA Lab run results\n*\n', { devices: false });
  }
  let file = path.join(dir, fileName);
  // Two runs in the same second must not overwrite each other.
  for (let i = 2; taken(file); i++) file = path.join(dir, fileName.replace(RESULT_FILE_SUFFIX, `-${i}${RESULT_FILE_SUFFIX}`));
  // In pieces: a long run's JSON may be larger than one string can hold.
  writeFileSafely(file, (write) => {
    // Counted as it streams: the size is known only once written, and the temp file is dropped.
    let bytes = 0;
    const counted: Sink = (chunk) => {
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      if (bytes > maxBytes) throw new Error(tooLarge(null, maxBytes));
      write(chunk);
    };
    writeJson(result, counted);
    counted('\n');
  }, { devices: false });
  return file;
}

/** Reads a result file and validates it (resultSchema.ts) before anything keeps it. The size
 *  comes first, from the open file, so a huge or endless file (a FIFO, a device) is refused
 *  without reading it; the message names the file and the first problem. */
export function loadResult(file: string): RunResult {
  const refuse = (problem: string): never => {
    throw new Error(`${path.basename(file)} is not a NUMA Lab result: ${problem}`);
  };
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  let text: string;
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) refuse('it is not a regular file');
    if (st.size > MAX_RESULT_FILE_BYTES) refuse(tooLarge(st.size));
    text = fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
  const checked = parseRunResult(text);
  return checked.ok ? checked.value : refuse(checked.problem);
}

/** Saved results in a folder, newest first. */
export function listResults(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(RESULT_FILE_SUFFIX))
    .map((f) => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs || b.localeCompare(a));
}
