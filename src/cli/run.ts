// `numa-lab run FILE [--variant NAME]... [--format table|json|csv] [--out PATH] [--seed N]
// [--scale FACTOR] [--jobs N]`: compiles the scenario (refusing it with the same diagnostics as
// `check`), simulates every variant on a pool of worker threads and prints or writes the result.
// Exit 0 when every expectation holds, 1 when one fails or the scenario has errors, 2 for usage
// and I/O errors, 3 when a variant's simulation fails (it is named), 130 when interrupted.

import { compile, limitProblems, LineMap } from '../language';
import type { ScenarioSet } from '../language/model';
import { assembleResult, parseScale, runScenarioSet, scaleScenario, scaleWarnings } from '../core';
import type { Progress, RunResult } from '../core/result';
import { formatDiagnostic } from './check';
import { readScenarioFile } from './io';
import { parseBudget, unknownOption } from './args';
import { bufferedSink, planWrite, writeFileSafely, writeProblem, type Sink } from '../io/safeWrite';
import { writeJson } from '../io/jsonStream';
import { defaultJobs, fitsMainThread, RunCancelled, runPool, type Overall } from '../runner/pool';
import { makePart, parseShard, runPlan, shardVariants, type PartOrigin, type ShardSpec } from './shard';

const USAGE = `usage: numa-lab run FILE [--variant NAME]... [--format table|json|csv] [--out PATH] [--seed N] [--scale FACTOR] [--budget FACTOR] [--shard K/N] [--jobs N]
  --variant NAME   run only this variant (repeatable)
  --format F       table (default), json (one RunResult document) or csv (one row per variant)
  --out PATH       write the output to PATH instead of stdout: a new file, a regular file (replaced
                   whole), or a character device or FIFO (written through); never a symbolic
                   link, a directory or the scenario itself
  --seed N         override the scenario's seed (0 to 4294967295)
  --scale FACTOR   multiply every memory size, file size, cgroup limit and byte rate (1/128, 0.25, 16);
                   warns when a region falls below its page size or a knob rounds to 0
  --budget FACTOR  multiply the budget a scenario must fit before it runs (result size, simulation
                   work, workloads; see docs/syntax.md): --budget 4 admits four times as much
  --shard K/N      run only shard K (from 0) of N: every Nth variant from the Kth, written as a
                   JSON part for numa-lab merge; auto/N takes K from SLURM_ARRAY_TASK_ID or
                   JOB_COMPLETION_INDEX (see docs/sharding.md)
  --jobs N         run variants and sweep points on at most N worker threads (default: the cores,
                   here ${defaultJobs()}); a run of little estimated work runs on the main thread
                   instead, where starting threads costs more than it saves; the result is the
                   same, byte for byte, whatever N is
`;

interface RunArgs {
  file: string;
  variants: string[];
  format: 'table' | 'json' | 'csv';
  out: string | null;
  seed: number | null;
  scale: number | null;
  budget: number;
  shard: ShardSpec | null;
  /** Whether --format was given: a part is JSON, so --shard refuses table and csv. */
  formatGiven: boolean;
  jobs: number;
}

const OPTIONS = ['--variant', '--format', '--out', '--seed', '--scale', '--budget', '--shard', '--jobs', '--help', '-h'];
/** The seed is a 32-bit value, as in the scenario's `run { seed = N }`. */
const MAX_SEED = 2 ** 32 - 1;

function parseArgs(args: string[]): RunArgs | string {
  const r: RunArgs = { file: '', variants: [], format: 'table', out: null, seed: null, scale: null, budget: 1, shard: null, formatGiven: false, jobs: defaultJobs() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a === '--variant') r.variants.push(value());
      else if (a === '--format') {
        const f = value();
        if (f !== 'table' && f !== 'json' && f !== 'csv') return `unknown format '${f}': expected table, json or csv`;
        r.format = f;
        r.formatGiven = true;
      } else if (a === '--out') r.out = value();
      else if (a === '--seed') {
        const v = value();
        // Refused, not wrapped: 4294967297 ran as seed 1 but was recorded as 4294967297.
        if (!/^\d+$/.test(v) || Number(v) > MAX_SEED) return `--seed is a whole number from 0 to ${MAX_SEED}, not '${v}'`;
        r.seed = Number(v);
      } else if (a === '--scale') {
        const v = value();
        const s = parseScale(v);
        if (s === null) return `--scale needs a positive factor like 1/128 or 0.25, not '${v}'`;
        r.scale = s;
      } else if (a === '--budget') {
        const b = parseBudget(value());
        if (typeof b === 'string') return b;
        r.budget = b;
      } else if (a === '--shard') {
        const sh = parseShard(value());
        if (typeof sh === 'string') return sh;
        r.shard = sh;
      } else if (a === '--jobs') {
        const v = value();
        if (!/^[1-9]\d{0,3}$/.test(v)) return `--jobs needs a number of threads from 1 to 9999, not '${v}'`;
        r.jobs = Number(v);
      } else if (a === '--help' || a === '-h') return 'help';
      else if (a.startsWith('-')) return unknownOption(a, OPTIONS);
      else if (r.file) return `only one FILE may be given (got '${r.file}' and '${a}')`;
      else r.file = a;
    } catch (e) {
      return (e as Error).message;
    }
  }
  if (!r.file) return 'missing FILE';
  if (r.shard && r.formatGiven && r.format !== 'json') return `--shard writes a JSON part for numa-lab merge, not ${r.format}; merge it and choose the format there`;
  return r;
}

function fmtNum(x: number, digits = 2): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(digits);
}

const KEY_COUNTERS = [
  'numa_miss', 'pgsteal_kswapd', 'pgsteal_direct', 'zone_reclaim_success', 'pswpout', 'pswpin',
  'compact_stall', 'thp_fault_alloc', 'thp_fault_fallback', 'pgdemote_kswapd', 'pgpromote_success',
  'numa_promotion_pingpong', 'thp_deferred_split_page', 'thp_split_page', 'oom_kill',
];

export function formatTable(result: RunResult): string {
  const lines: string[] = [];
  lines.push(`${result.scenario} (seed ${result.seed})`);
  // Each variant with the kernel version it simulated; a counter its version lacks shows '-'.
  const label = (v: RunResult['variants'][number]) => (v.simulated_kernel ? `${v.name} [${v.simulated_kernel.version}]` : v.name);
  const names = result.variants.map(label);
  const width = Math.max(24, ...names.map((n) => n.length + 2));
  const pad = (s: string, w = width) => s.padEnd(w);
  const counters = KEY_COUNTERS.filter((c) => result.variants.some((v) => (v.summary.vmstat[c] ?? 0) > 0));
  lines.push(pad('variant [kernel]') + ['ns/access', 'remote'].map((h) => h.padStart(11)).join('') + counters.map((c) => ' ' + c).join(''));
  for (const v of result.variants) {
    const s = v.summary;
    lines.push(pad(label(v)) + fmtNum(s.avg_access_ns).padStart(11) + `${(s.remote_access_ratio * 100).toFixed(1)}%`.padStart(11)
      + counters.map((c) => ' ' + String(s.vmstat[c] ?? '-').padStart(c.length)).join(''));
  }
  const ex = result.expectations ?? [];
  if (ex.length > 0) {
    lines.push('');
    lines.push('expectations:');
    for (const e of ex) lines.push(`  ${e.passed ? 'pass' : 'FAIL'}  ${e.text}    [${e.detail}]`);
  }
  return lines.join('\n') + '\n';
}

export function formatCsv(result: RunResult): string {
  // Every counter any variant has; a version without it leaves the cell empty.
  const counters = [...new Set(result.variants.flatMap((v) => Object.keys(v.summary.vmstat)))];
  const rows = [['variant', 'avg_access_ns', 'remote_access_ratio', ...counters, 'kernel_version'].join(',')];
  for (const v of result.variants) {
    rows.push([JSON.stringify(v.name), v.summary.avg_access_ns, v.summary.remote_access_ratio, ...counters.map((c) => v.summary.vmstat[c] ?? ''), v.simulated_kernel?.version ?? ''].join(','));
  }
  return rows.join('\n') + '\n';
}

/** FILE, checked, with --variant verified and --seed and --scale applied; or, after saying why
 *  not on stderr, the exit code (1 for a scenario with errors, 2 for the rest). */
export function prepareScenarioSet(command: string, file: string, opts: PrepareOptions): ScenarioSet | number {
  const read = readScenarioFile(file);
  if (!read.ok) {
    process.stderr.write(`${file}: ${read.message}\n`);
    return 2;
  }
  return prepareScenarioText(command, file, read.text, opts);
}

export interface PrepareOptions { variants: string[]; seed?: number | null; scale: number | null; budget?: number }

/** prepareScenarioSet on a scenario's text (a merge compiles the text its parts carry). */
export function prepareScenarioText(command: string, file: string, text: string, opts: PrepareOptions): ScenarioSet | number {
  const c = compile(text, file, { budget: opts.budget });
  const lines = new LineMap(text);
  const errors = c.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !c.set) {
    for (const d of c.diagnostics) process.stderr.write(formatDiagnostic(file, text, d, lines) + '\n');
    return 1;
  }
  let set: ScenarioSet = c.set;
  const unknown = opts.variants.filter((v) => !set.variants.some((s) => s.variant === v));
  if (unknown.length > 0) {
    process.stderr.write(`numa-lab ${command}: no variant named ${unknown.map((u) => `'${u}'`).join(', ')} in ${file} (variants: ${set.variants.map((s) => s.variant).join(', ')})\n`);
    return 2;
  }
  if (opts.scale !== null) {
    // Said before running: a size scaled below its page gives results that look broken.
    const warnings = [...new Set(set.variants.flatMap((v) => scaleWarnings(v, opts.scale!)))];
    for (const w of warnings) process.stderr.write(`${file}: --scale ${opts.scale}: warning: ${w}\n`);
  }
  const seed = opts.seed ?? null;
  if (seed !== null || opts.scale !== null) {
    set = {
      ...set,
      variants: set.variants.map((s) => {
        let v = opts.scale !== null ? scaleScenario(s, opts.scale) : s;
        if (seed !== null) v = { ...v, run: { ...v.run, seed } };
        return v;
      }),
    };
  }
  const problems = [...new Set(set.variants.flatMap(limitProblems))];
  if (problems.length > 0) {
    for (const p of problems) process.stderr.write(`${file}: --scale ${opts.scale}: ${p}\n`);
    return 2;
  }
  return set;
}

/** A bad --out (a directory, a symlink, the scenario itself) refused before a long run: 0 when
 *  it can be written, 2 after saying why. */
export function checkOut(out: string | null, protect: string[]): number {
  if (!out) return 0;
  try {
    planWrite(out, { protect });
    return 0;
  } catch (e) {
    process.stderr.write(`${writeProblem(e, out)}\n`);
    return 2;
  }
}

/** The result as JSON, CSV or a table (with `tableNotes` after it), to --out or stdout, in
 *  pieces so a large JSON result never becomes one string. 0, or 2 when --out fails. */
export function emitResult(result: RunResult, format: 'table' | 'json' | 'csv', out: string | null, protect: string[], tableNotes = ''): number {
  return emit((write: Sink) => {
    if (format === 'json') {
      writeJson(result, write);
      write('\n');
    } else write(format === 'csv' ? formatCsv(result) : formatTable(result) + tableNotes);
  }, out, protect);
}

/** Any JSON document (a shard's part) as emitResult writes a result. */
export function emitJson(value: unknown, out: string | null, protect: string[]): number {
  return emit((write: Sink) => {
    writeJson(value, write);
    write('\n');
  }, out, protect);
}

function emit(output: (write: Sink) => void, out: string | null, protect: string[]): number {
  if (out) {
    try {
      writeFileSafely(out, output, { protect });
    } catch (e) {
      process.stderr.write(`${writeProblem(e, out)}\n`);
      return 2;
    }
  } else {
    const sink = bufferedSink((data) => process.stdout.write(data));
    output(sink.write);
    sink.end();
  }
  return 0;
}

/** What `run` and `kernel` do before their long work: parse the options (usage on --help, exit 2
 *  on a bad one), check and prepare the scenario, and refuse a bad --out now rather than after
 *  the run. Returns the exit code when the command stops here. */
export function startCommand<A extends { file: string; out: string | null; variants: string[]; scale: number | null }>(
  command: string, parsed: A | 'help' | string, usage: string,
): { parsed: A; set: ScenarioSet; protect: string[] } | number {
  if (parsed === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  if (typeof parsed === 'string') {
    process.stderr.write(`numa-lab ${command}: ${parsed}\n${usage}`);
    return 2;
  }
  const set = prepareScenarioSet(command, parsed.file, parsed);
  if (typeof set === 'number') return set;
  const protect = [parsed.file];
  if (checkOut(parsed.out, protect) !== 0) return 2;
  return { parsed, set, protect };
}

export async function runCommand(args: string[]): Promise<number> {
  const start = startCommand('run', parseArgs(args), USAGE);
  if (typeof start === 'number') return start;
  const { parsed, set, protect } = start;
  const shard = parsed.shard ? shardOfRun(parsed, parsed.shard, set) : null;
  if (typeof shard === 'number') return shard;
  const progress = progressLine(process.stderr);
  // A shard with no variant (more shards than variants) runs nothing: an empty list means all.
  const result = shard && shard.names.length === 0 ? assembleResult(set, [], [])
    : await runOnPool(set, shard ? shard.names : parsed.variants, parsed, progress);
  if (typeof result === 'number') return result;
  progress.done();
  if (shard) return emitJson(makePart(shard.origin, set, parsed.shard!, result), parsed.out, protect);
  if (emitResult(result, parsed.format, parsed.out, protect) !== 0) return 2;
  return (result.expectations ?? []).every((e) => e.passed) ? 0 : 1;
}

/** The variants on a pool of --jobs threads; Ctrl-C stops every one. The result, or the exit
 *  code after saying why not: 130 when interrupted, 3 when a variant failed (named). */
async function runOnPool(set: ScenarioSet, variants: string[], parsed: RunArgs, progress: ReturnType<typeof progressLine>): Promise<RunResult | number> {
  if (fitsMainThread(set, variants)) {
    try {
      return runScenarioSet(set, { variants, onProgress: progress.update });
    } catch (e) {
      progress.done();
      process.stderr.write(`numa-lab run: ${parsed.file}: ${(e as Error).message}\n`);
      return 3;
    }
  }
  const run = runPool(set, { jobs: parsed.jobs, variants, onProgress: progress.update });
  const interrupt = (): void => void run.cancel();
  process.once('SIGINT', interrupt);
  try {
    return await run.result;
  } catch (e) {
    progress.done();
    if (e instanceof RunCancelled) {
      process.stderr.write('numa-lab run: cancelled\n');
      return 130;
    }
    process.stderr.write(`numa-lab run: ${parsed.file}: ${(e as Error).message}\n`);
    return 3;
  } finally {
    process.removeListener('SIGINT', interrupt);
  }
}

/** What a shard runs, and what its part records so the merge can finish the run. */
function shardOfRun(parsed: RunArgs, spec: ShardSpec, set: ScenarioSet): { names: string[]; origin: PartOrigin } | number {
  const read = readScenarioFile(parsed.file);
  if (!read.ok) {
    process.stderr.write(`${parsed.file}: ${read.message}\n`);
    return 2;
  }
  const origin: PartOrigin = { file: parsed.file, text: read.text, seed: parsed.seed, scale: parsed.scale, budget: parsed.budget, variants: parsed.variants };
  return { names: shardVariants(runPlan(set, parsed.variants), spec.k, spec.n), origin };
}

/** A one-line progress report on a terminal's stderr (nothing when stderr is a file or pipe),
 *  shown only once a run has taken a second, redrawn at most five times a second: the variant,
 *  or with several running at once, the run's share and each running variant's. */
export function progressLine(stream: NodeJS.WriteStream, now: () => number = Date.now) {
  const start = now();
  let last = 0;
  let shown = false;
  return {
    update: (p: Progress, overall?: Overall) => {
      const t = now();
      if (!stream.isTTY || t - start < 1000 || t - last < 200) return;
      last = t;
      shown = true;
      const pct = (q: Progress) => (q.duration_ms > 0 ? Math.floor((100 * q.simulated_ms) / q.duration_ms) : 100);
      if (overall && overall.running.length > 1) {
        const each = overall.running.map((q) => `${q.variant} ${pct(q)}%`).join(', ');
        stream.write(`\r${Math.floor(overall.fraction * 100)}% of ${overall.count} variants, ${overall.done} done; running ${each}   `);
      } else {
        stream.write(`\r${p.variant} (${p.variantIndex + 1}/${p.variantCount}): ${(p.simulated_ms / 1000).toFixed(1)} of ${(p.duration_ms / 1000).toFixed(1)} s simulated, ${pct(p)}%   `);
      }
    },
    done: () => {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
