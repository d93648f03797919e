// What a `*.numa-result.json` file must hold before the extension keeps any of it: the RunResult
// shape, every number finite, every list and text bounded, every series exactly as long as
// `t_ms`. A result file is untrusted input (it may come from anyone), and the panel code trusts
// the shape it is given, so everything is checked here, once, before use.
//
// Schema library: valibot, not zod. Both validate the same; valibot is built from small
// functions that esbuild tree-shakes. Measured with esbuild 0.25 --bundle --minify on a schema of
// this shape (Node 20): valibot 1.5 adds 7.8 kB (2.7 kB gzip), zod 4 adds 99 kB (28.6 kB gzip),
// zod/mini 25 kB. The extension host loads its bundle at activation, so the smaller one wins.
// Per-element array schemas are slow in both (valibot 301 ms, zod 116 ms for 7.2 M numbers) and
// copy every array, so the series, which are nearly all of a result, are one valibot custom
// schema with a single loop: 25 ms for the same numbers, no copy (bench/result-files.mjs).

import * as v from 'valibot';
import type { EventKind, RunResult } from '../core/result';

/** Result files larger than this are refused before they are read. The CLI and the panel write
 *  results as one JSON string, and V8 strings stop at about 512 MiB; half of it leaves room for
 *  the parsed copy in the extension host. */
export const MAX_RESULT_FILE_BYTES = 256 * 1024 * 1024;
/** Samples per series. 24 h at the language's smallest 1 ms sample interval is 86.4 M, more
 *  than a file under the size limit can hold (at least 2 bytes per number). */
export const MAX_SAMPLES = 128 * 1024 * 1024;
/** Node ids as the language allows them (checker.ts MAX_NODES). */
export const MAX_NODE_ID = 63;
export const MAX_VARIANTS = 4096;
/** Workloads, cgroups, counters, events, sweeps, expectations: any one list. */
export const MAX_ITEMS = 1_000_000;
/** Names: variants, workloads, cgroups, counters. */
export const MAX_NAME_CHARS = 1024;
/** Free text: titles, causes, expectation details. */
export const MAX_TEXT_CHARS = 65536;

/** Every event kind the core emits (result.ts EventKind): the type check below keeps this
 *  list and the type in step. */
export const EVENT_KINDS = [
  'kswapd_wake', 'kswapd_sleep', 'direct_reclaim', 'node_reclaim', 'compact_success', 'compact_fail', 'swap_out', 'swap_in',
  'demotion', 'promotion', 'numa_migrate', 'sched_move_numa', 'thp_split', 'deferred_split_queue', 'oom_kill',
] as const satisfies readonly EventKind[];

const finite = v.pipe(v.number(), v.finite());
const nodeId = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_NODE_ID));
const name = v.pipe(v.string(), v.maxLength(MAX_NAME_CHARS));
const text = v.pipe(v.string(), v.maxLength(MAX_TEXT_CHARS));
const isFiniteNumber = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
/** What is wrong with a series, for the message; only called once it failed. */
function samplesProblem(a: unknown): string {
  if (!Array.isArray(a)) return `should be a list of numbers, not ${a === null ? 'null' : typeof a === 'object' ? 'an object' : JSON.stringify(a)}`;
  if (a.length > MAX_SAMPLES) return `has ${a.length} samples, more than ${MAX_SAMPLES}`;
  const i = a.findIndex((x) => !isFiniteNumber(x));
  const x = a[i] as unknown;
  return `has ${typeof x === 'number' ? String(x) : (JSON.stringify(x) ?? 'nothing').slice(0, 40)} at index ${i}, where a finite number belongs`;
}
/** A series: a list of at most MAX_SAMPLES finite numbers. */
const samples = v.custom<number[]>((a) => Array.isArray(a) && a.length <= MAX_SAMPLES && a.every(isFiniteNumber), (issue) => samplesProblem(issue.input));
const list = <T extends v.GenericSchema>(item: T, max = MAX_ITEMS) => v.pipe(v.array(item), v.maxLength(max));
const record = <T extends v.GenericSchema>(value: T) =>
  v.pipe(v.record(name, value), v.check((r) => Object.keys(r).length <= MAX_ITEMS, `more than ${MAX_ITEMS} entries`));

const expectation = v.object({ text, passed: v.boolean(), detail: text });

const nodeMeminfo = v.object({
  node: nodeId,
  MemTotal: finite,
  MemFree: finite,
  FilePages: finite,
  AnonPages: finite,
  AnonHugePages: finite,
  Active: finite,
  Inactive: finite,
});

const summary = v.object({
  avg_access_ns: finite,
  remote_access_ratio: finite,
  vmstat: record(finite),
  nodes: list(nodeMeminfo, MAX_NODE_ID + 1),
  workloads: list(
    v.object({
      name,
      avg_access_ns: finite,
      remote_access_ratio: finite,
      accesses: finite,
      resident_kB_by_node: record(finite),
      stall_ms: record(finite),
      // Results saved before closed-loop time lack these: they read as not measured.
      threads: v.optional(finite, 1),
      runtime_ms: v.optional(v.nullable(finite), null),
      time_ms: v.optional(v.object({ compute: finite, memory: finite, fault: finite, reclaim: finite, compaction: finite, swapin: finite, migration: finite }),
        () => ({ compute: 0, memory: 0, fault: 0, reclaim: 0, compaction: 0, swapin: 0, migration: 0 })),
      memory_ms: v.optional(v.object({ local: finite, remote: finite, slow_tier: finite }), () => ({ local: 0, remote: 0, slow_tier: 0 })),
      phases: v.optional(list(v.object({ phase: name, start_ms: v.nullable(finite), end_ms: v.nullable(finite) })), () => []),
    }),
  ),
  cgroups: list(v.object({ name, memory_current: finite, memory_current_max: finite, memory_events_low: finite })),
  expectations: list(expectation),
  end_ms: v.optional(finite, 0),
  unfinished: v.optional(list(name), () => []),
  wall_ms: v.optional(finite),
});

const NODE_FIELDS = ['MemFree', 'FilePages', 'AnonPages', 'AnonHugePages', 'Active', 'Inactive'] as const;

const seriesShape = v.object({
  t_ms: samples,
  nodes: list(
    v.object({ node: nodeId, MemFree: samples, FilePages: samples, AnonPages: samples, AnonHugePages: samples, Active: samples, Inactive: samples }),
    MAX_NODE_ID + 1,
  ),
  cgroups: list(v.object({ name, memory_current: samples })),
  workloads: list(v.object({ name, node: nodeId, resident_kB: samples })),
  vmstat: record(samples),
  // cpu_node: the node id of the CPUs the workload ran on at each sample (NUMA balancing may move it).
  workload_perf: v.optional(list(v.object({ name, accesses: samples, accesses_per_s: samples, ns_per_access: samples, cpu_node: v.optional(list(nodeId)) })), () => []),
});

/** The first series whose length differs from t_ms, said as a reader would look for it. */
export function seriesLengthProblem(s: v.InferOutput<typeof seriesShape>): string | null {
  const n = s.t_ms.length;
  const other = (label: string, a: number[]): string | null => (a.length === n ? null : `${label} has ${a.length} samples but t_ms has ${n}`);
  for (const node of s.nodes) {
    for (const f of NODE_FIELDS) {
      const p = other(`node${node.node}.${f}`, node[f]);
      if (p) return p;
    }
  }
  for (const c of s.cgroups) {
    const p = other(`cgroup ${JSON.stringify(c.name)}`, c.memory_current);
    if (p) return p;
  }
  for (const w of s.workloads) {
    const p = other(`workload ${JSON.stringify(w.name)} node${w.node}`, w.resident_kB);
    if (p) return p;
  }
  for (const [k, a] of Object.entries(s.vmstat)) {
    const p = other(`vmstat.${k}`, a);
    if (p) return p;
  }
  for (const w of s.workload_perf) {
    for (const f of ['accesses', 'accesses_per_s', 'ns_per_access'] as const) {
      const p = other(`workload_perf ${JSON.stringify(w.name)}.${f}`, w[f]);
      if (p) return p;
    }
    const p = w.cpu_node ? other(`workload_perf ${JSON.stringify(w.name)}.cpu_node`, w.cpu_node) : null;
    if (p) return p;
  }
  return null;
}

const series = v.pipe(
  seriesShape,
  v.check((s) => seriesLengthProblem(s) === null, (issue) => seriesLengthProblem(issue.input as v.InferOutput<typeof seriesShape>) ?? 'series lengths differ'),
);

const event = v.object({
  t_ms: finite,
  kind: v.picklist(EVENT_KINDS),
  node: nodeId,
  pages: finite,
  cause: text,
  workload: v.optional(name),
  duration_ms: v.optional(finite),
});

/** What only a kernel run (`numa-lab kernel`) has, per variant: how its boot went. */
const kernelInfo = v.object({
  status: v.picklist(['ok', 'panic', 'oom', 'timeout', 'cancelled', 'error']),
  message: text,
  wall_ms: finite,
  boot_ms: v.nullable(finite),
  log_dir: text,
  knobs: list(v.object({ name, path: text, want: text, got: text, ok: v.boolean(), error: v.optional(text) })),
  not_applied: list(v.object({ setting: text, reason: text, matters: v.boolean() })),
  errors: list(text),
  shortfalls: v.optional(list(text)),
  repeat: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

/** The kernel version a simulation followed (core/versions.ts): optional, as kernel runs and
 *  results saved before versions lack it. */
const simulatedKernel = v.object({ version: name, overrides: list(text) });

const variant = v.object({ name, simulated_kernel: v.optional(simulatedKernel), summary, series, events: list(event), kernel: v.optional(kernelInfo) });

/** Simulated or measured on a real kernel under QEMU. */
const source = v.variant('kind', [
  v.object({ kind: v.literal('simulation'), version: name }),
  v.object({ kind: v.literal('kernel'), release: name, accel: v.picklist(['kvm', 'tcg']), kernel: text }),
]);

const knobValues = list(v.union([finite, name, v.boolean()]));
const sweep = v.pipe(
  v.object({
    knob: name,
    values: knobValues,
    variants: list(name, MAX_VARIANTS),
    axes: v.optional(list(v.object({ knob: name, values: knobValues }), 64)),
  }),
  // A product lists one variant per point: the panel places variants[i] by its index.
  v.check((s) => !s.axes || s.axes.reduce((n, a) => n * a.values.length, 1) === s.variants.length,
    'a sweep over several knobs lists one variant per point of their product'),
);

function duplicateVariant(r: { variants: { name: string }[] }): string | null {
  const seen = new Set<string>();
  for (const x of r.variants) {
    if (seen.has(x.name)) return x.name;
    seen.add(x.name);
  }
  return null;
}

export const RunResultSchema = v.pipe(
  v.object({
    scenario: text,
    seed: v.pipe(v.number(), v.safeInteger()),
    version: name,
    variants: list(variant, MAX_VARIANTS),
    sweeps: list(sweep),
    expectations: v.optional(list(expectation)),
    source: v.optional(source),
  }),
  // The panel and comparisons find variants by name: two with one name would show one twice.
  v.check((r) => duplicateVariant(r) === null, (issue) => `two variants are named ${JSON.stringify(duplicateVariant(issue.input as RunResult))}`),
);

// The schema and the RunResult type describe the same thing: a change to one that the other
// lacks fails to compile here.
type Parsed = v.InferOutput<typeof RunResultSchema>;
const sameShape: [Parsed extends RunResult ? true : false, RunResult extends Parsed ? true : false] = [true, true];
void sameShape;

/** Where in the document an issue is, as `variants[0].series.t_ms`. */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  let out = '';
  for (const item of issue.path ?? []) {
    const key = (item as { key?: unknown }).key;
    out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** One line for the first problem valibot found: where, and what, in plain words. */
export function describeIssue(issue: v.BaseIssue<unknown>): string {
  const where = issuePath(issue) || 'the document';
  // Our custom schemas (series) word their own message.
  if (issue.type === 'custom') return `${where} ${issue.message}`;
  if (issue.kind === 'schema') {
    if (issue.received === 'undefined') return `${where} is missing`;
    // A key a strict object does not have.
    if (issue.expected === 'never') return `${where} is not allowed here`;
    return `${where} should be ${issue.expected}, not ${issue.received}`;
  }
  switch (issue.type) {
    case 'finite':
      return `${where} is ${issue.received}, not a finite number`;
    case 'integer':
    case 'safe_integer':
      return `${where} is ${issue.received}, not an integer`;
    case 'max_length':
    case 'min_length':
      return `${where} has length ${issue.received}, expected ${issue.expected}`;
    case 'max_value':
    case 'min_value':
      return `${where} is ${issue.received}, expected ${issue.expected}`;
    default:
      // Our own checks say what is wrong in full.
      return issuePath(issue) ? `${where}: ${issue.message}` : issue.message;
  }
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Validates parsed JSON as a RunResult. Stops at the first problem, so a file full of bad
 *  numbers costs no more than one. */
export function checkRunResult(data: unknown): Checked<RunResult> {
  const r = v.safeParse(RunResultSchema, data, { abortEarly: true });
  return r.success ? { ok: true, value: r.output } : { ok: false, problem: describeIssue(r.issues[0]) };
}

/** Validates the text of a result file: its length first, then JSON, then the schema. */
export function parseRunResult(textOrBytes: string, byteLength = Buffer.byteLength(textOrBytes)): Checked<RunResult> {
  const data = parseJsonFile(textOrBytes, byteLength);
  return data.ok ? checkRunResult(data.value) : data;
}

/** The JSON in a file's text, refused over the result file limit. Not yet validated. */
export function parseJsonFile(text: string, byteLength = Buffer.byteLength(text)): Checked<unknown> {
  if (byteLength > MAX_RESULT_FILE_BYTES) return { ok: false, problem: tooLarge(byteLength) };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    // Node's message quotes the text around the error; say only where, so no file content
    // reaches a notification.
    const at = /position (\d+)/.exec((e as Error).message);
    return { ok: false, problem: at ? `not valid JSON (at byte offset ${at[1]})` : 'not valid JSON' };
  }
}

/** Says a result of `bytes` (null: known only to be over) is too large, and how to make a
 *  smaller one. */
export function tooLarge(bytes: number | null, maxBytes = MAX_RESULT_FILE_BYTES): string {
  const mib = (b: number): string => (b / 1048576).toFixed(b < 10 * 1048576 ? 1 : 0);
  const size = bytes === null ? `over ${mib(maxBytes)}` : mib(bytes);
  return `it is ${size} MiB; result files are limited to ${mib(maxBytes)} MiB (a longer sample interval, a shorter duration or fewer variants make smaller results)`;
}
