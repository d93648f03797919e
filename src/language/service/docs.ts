// The words of the language explained, for hover and completion. Knob text comes from the
// schema, so hover says exactly what the checker and the README say.

import { DEFAULT_KERNEL, modelDefaultHistory, requiredVersion } from '../../core/versions';
import { KNOB_KIND_TEXT, Knob, UNITS, formatKnobValue, knobKind } from '../schema';

/** `x` (or `×`) in `sweep a = ... x b = ...`; only there, since `x` may name a workload. */
export const CROSS_DOC = 'crosses the next knob with the ones before it in this sweep: one variant per point of the product, '
  + 'named `KNOB=VALUE KNOB=VALUE ...`, the last knob changing fastest. `×` works too. Split a large product over machines with `numa-lab run --shard K/N`.';

export const KEYWORD_DOCS: Record<string, string> = {
  scenario: 'The scenario\'s title: `scenario "..."`.',
  machine: 'The machine: NUMA nodes, SLIT distances, swap; or `machine preset NAME`.',
  kernel: 'Kernel knobs by their sysctl/sysfs names: `kernel { vm.zone_reclaim_mode = 1 }`, and the kernel `version`.',
  version: `The kernel release whose behaviours, defaults and /proc/vmstat counters the run follows: \`version = 5.4\`, \`version = 5.3-rc5\`. Default ${DEFAULT_KERNEL}. A variant can set its own. The README's version table cites the commit behind each difference.`,
  costs: 'Model costs (`cost.*`): what each event costs in the simulation.',
  cgroup: 'A memory cgroup with `memory.max`, `memory.high`, `memory.low`.',
  workload: 'A process: where it runs, its mempolicy and cgroup, and its timed phases.',
  run: 'Run settings: `duration`, `sample` interval, `seed`.',
  variant: 'A named set of overrides: every variant runs side by side with the same base.',
  sweep: 'One knob over a list (`[a, b]`) or a range (`FROM to TO step STEP`); one variant per value. `x KNOB = ...` after it crosses more knobs: one variant per point of the product.',
  expect: 'An assertion on results: `expect VARIANT.METRIC < VARIANT.METRIC` or a number.',
  preset: 'Start from a named machine; the block overrides it node by node.',
  node: 'A NUMA node (in the machine), or the node a workload runs on.',
  distance: 'The SLIT distance matrix (10 local; 21 typical remote socket).',
  access_latency_ns: 'An explicit idle access-latency matrix in ns, replacing the one derived from distances.',
  swap: 'The swap device: `size`, `latency` (one page-in) and `bandwidth`.',
  at: 'A timed phase: `at TIME ACTION`. Phases of a workload are in time order.',
  after: 'A phase that starts when an earlier one ends: `after ACTION REGION ACTION...`, e.g. `after alloc heap access heap uniform for 10 passes`. A slower kernel makes it start later.',
  mbind: '`alloc REGION SIZE mbind POLICY`: mbind(2) the region to its own memory policy; its page tables still follow the task\'s policy.',
  accesses: '`for N accesses`: a closed-loop phase that ends when its threads have made N accesses, back to back.',
  passes: '`for N passes`: a closed-loop phase of N times one access per 4 KiB page of the region.',
  alloc: 'Allocate (mmap and fault in) anonymous memory: `alloc REGION SIZE [MADV_HUGEPAGE] [mbind POLICY] [rate BANDWIDTH]`. Without a rate the workload\'s threads fault it in back to back.',
  read: 'Read a file into the page cache: `read file NAME SIZE [rate BANDWIDTH]`.',
  write: 'Write a file through the page cache: `write file NAME SIZE [rate BANDWIDTH]`.',
  file: 'A page-cache file of this workload.',
  access: 'Touch a region or file: paced, `access REGION PATTERN [rate N/s] [writes P%] [for TIME]`, or closed loop, `access REGION PATTERN [writes P%] for N accesses|passes` (the workload\'s threads issue accesses back to back until the work is done).',
  drop_caches: 'echo N > /proc/sys/vm/drop_caches: 1 drops clean page cache, 2 runs the shrinkers (the deferred THP split queue), 3 both (the default).',
  dontneed: 'madvise(MADV_DONTNEED) the region, its first SIZE, SIZE `from` an offset, or SIZE `per` chunk.',
  free: 'munmap the region.',
  exit: 'The workload exits: its anonymous memory is freed, page cache stays.',
  uniform: 'Every page of the region equally likely.',
  zipf: 'Zipf-distributed popularity; the optional number is the exponent (default 0.99).',
  hotset: 'A hot set of SIZE takes `hot` of the accesses (default 90%); it starts at the region\'s start, or in its middle with `centered`; it can `moves every TIME` or `moves every N accesses`.',
  sequential: 'Walk the region in address order, wrapping around.',
  MADV_HUGEPAGE: 'madvise(MADV_HUGEPAGE): faults may take 2 MiB pages (and may compact/reclaim, per defrag).',
  rate: 'A rate: bytes per second for alloc/read/write, accesses per second for access.',
  writes: 'The share of accesses that are writes.',
  for: 'How long a paced access phase lasts (`for 30 s`), or the work of a closed-loop one (`for 2G accesses`, `for 10 passes`).',
  per: '`dontneed R SIZE per CHUNK`: the first SIZE of every CHUNK (1 MiB per 2 MiB = half of each huge page).',
  from: '`dontneed R SIZE from OFFSET`: SIZE starting at OFFSET.',
  hot: 'The share of accesses that go to the hot set.',
  centered: 'The hot set starts in the middle of the region instead of at its start, as pmbench\'s normal access patterns centre their accesses on the middle of the map.',
  moves: '`moves every TIME` or `moves every N accesses|passes`: the hot set jumps to another part of the region. In a closed-loop phase (`for N accesses`) it moves after an amount of work, so a slower kernel moves it later: a TIME is the accesses the threads would issue in it at local latency without stalls (docs/model.md).',
  every: '`moves every TIME` or `moves every N accesses|passes`: how often the hot set moves, in time or in the phase\'s work.',
  to: '`sweep KNOB = FROM to TO step STEP`.',
  step: '`sweep KNOB = FROM to TO step STEP`.',
  local: 'MPOL_DEFAULT: allocate on the node of the CPU that faults, fall back by distance.',
  preferred: 'MPOL_PREFERRED: try the given node first, fall back to others.',
  bind: 'MPOL_BIND: only the given nodes; reclaim (or OOM) rather than go elsewhere.',
  interleave: 'MPOL_INTERLEAVE: round-robin pages over the given nodes.',
  'weighted-interleave': 'MPOL_WEIGHTED_INTERLEAVE (6.9+): interleave with per-node weights, NODE:WEIGHT.',
  'preferred-many': 'MPOL_PREFERRED_MANY (5.15+): try the given nodes first, then any.',
  max: 'No limit.',
  none: 'None: `cpus = none` makes a CPU-less memory node.',
};

const SETTING_UNITS: Record<string, string> = {};
void SETTING_UNITS;

export function knobMarkdown(k: Knob): string {
  const t = k.type;
  const allowed = t.kind === 'enum' ? t.values.map((v) => `\`${v}\``).join(', ')
    : t.kind === 'bool' ? '`true`, `false` (also on/off, 1/0)'
      : t.kind === 'quantity' ? `${formatKnobValue(k, t.min)} to ${formatKnobValue(k, t.max)}`
        : `${t.min} to ${t.max}`;
  const unit = k.unit ? `\n\nUnit: \`${k.unit}\`` : '';
  const kind = knobKind(k);
  const dflt = kind === 'model' ? `Default: the version's (\`${formatKnobValue(k, k.default)}\` on ${DEFAULT_KERNEL})` : `Default: \`${formatKnobValue(k, k.default)}\``;
  return `**${k.name}** — ${KNOB_KIND_TEXT[kind]}\n\n${k.doc}${unit}\n\n${dflt}\n\nAllowed: ${allowed}\n\nKernel: \`${k.kernelName}\`${versionNote(k)}`;
}

/** Which versions have the knob, or how its default changes with the version. */
function versionNote(k: Knob): string {
  const since = requiredVersion(k.name);
  if (since) return `\n\nNeeds ${since.replace(/-rc1$/, '')} or later.`;
  const history = modelDefaultHistory(k.name);
  if (history.length === 0) return '';
  return `\n\nBy version: ${history.map((e) => `${e.since} \`${e.value}\`${e.commit ? ` (${e.commit})` : ''}`).join(', ')}.`;
}

const METRIC_DOCS: Record<string, string> = {
  avg_access_ns: 'Mean latency of an access over the run, ns (TLB and fault costs included).',
  remote_access_ratio: 'Share of accesses served by a node other than the accessing CPU\'s node (0 to 1).',
  accesses: 'Number of accesses the workload made.',
  memory_current: 'The cgroup\'s memory.current at the end of the run, bytes.',
  memory_current_max: 'The highest memory.current seen during the run, bytes.',
  memory_events_low: 'memory.events low: how many reclaim passes took from the cgroup while it was under its memory.low (global reclaim finding nothing else).',
};

export function metricDoc(metric: string): string {
  const last = metric.split('.').pop() ?? metric;
  if (METRIC_DOCS[last]) return METRIC_DOCS[last];
  if (/^node\d+\./.test(metric)) return `/proc/meminfo field \`${last}\` of the node at the end of the run, kB.`;
  return `The /proc/vmstat counter \`${metric}\` at the end of the run.`;
}

/** "125 GB = 125,000,000,000 bytes = 116.4 GiB" and the like. */
export function quantityMarkdown(number: number, unit: string): string | null {
  const fmt = (x: number) => (Math.abs(x) >= 1e4 && Number.isInteger(x) ? x.toLocaleString('en-US') : String(+x.toPrecision(6)));
  if (unit === '%') return `${fmt(number)}% = ${fmt(number / 100)} as a fraction`;
  if (unit === '/s') return `${fmt(number)} per second`;
  for (const [dim, units] of Object.entries(UNITS)) {
    const mult = units[unit];
    if (mult === undefined) continue;
    const base = number * mult;
    if (dim === 'size') return `${fmt(number)} ${unit} = ${fmt(base)} bytes = ${binary(base, '')}${decimal(base, '')}`;
    if (dim === 'bandwidth') return `${fmt(number)} ${unit} = ${fmt(base)} bytes/s = ${binary(base, '/s')}${decimal(base, '/s')}`;
    if (dim === 'time') return `${fmt(number)} ${unit} = ${fmt(base)} ns${base >= 1e9 ? ` = ${fmt(base / 1e9)} s` : base >= 1e6 ? ` = ${fmt(base / 1e6)} ms` : ''}`;
    return `${fmt(number)} ${unit} = ${fmt(base)} per second`;
  }
  return null;
}

function binary(bytes: number, suffix: string): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = bytes;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${+v.toPrecision(4)} ${units[i]}${suffix}`;
}
function decimal(bytes: number, suffix: string): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = bytes;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return ` = ${+v.toPrecision(4)} ${units[i]}${suffix}`;
}
