// The semantic checker: validates a parsed file against the schema and lowers it into one
// resolved `Scenario` per variant (model.ts). It reports unknown names with "did you mean" fixes,
// duplicates, wrong units and ranges, impossible placements, and collects the symbol table that
// go-to-definition, references and rename use.

import type * as A from './ast';
import { Diagnostic, Fix, diagnostic, closest } from './diagnostics';
import { checkMetric, metricUnit } from './metrics';
import { budgetProblems, estimateBudget } from './budget';
import * as M from './model';
import { COST_PRESETS, PRESETS, PresetNode } from './presets';
import { Dimension, KNOBS, Knob, NumberRange, RANGES, UNITS, defaultKnobs, knob as findKnob, formatRange, unitDimension } from './schema';
import { DEFAULT_KERNEL, Reporter, applyVersionDefaults, checkVersion, counterProblem, migrate, modelOverrides, resolveKernel } from './versioning';

export type SymbolKind = 'node' | 'workload' | 'cgroup' | 'variant' | 'region';

export interface SymbolRef extends A.Span {
  kind: SymbolKind;
  name: string;
  /** The workload a region belongs to. */
  scope?: string;
  definition: boolean;
}

export interface CheckResult {
  set: M.ScenarioSet | null;
  diagnostics: Diagnostic[];
  symbols: SymbolRef[];
}

const NS = 1;
const S = 1e9;
const GB = 1e9;

export const NODE_SETTINGS: Record<string, string> = {
  memory: 'installed memory of the node (size)',
  cpus: 'CPU ids on the node (0-31, 0-3,8-11) or none for a CPU-less node',
  tier: 'memory tier, 0 fastest; default 0 with CPUs, 1 without',
  latency: 'idle load-to-use latency from its nearest CPUs (time)',
  bandwidth: 'peak bandwidth (e.g. 90 GB/s)',
  write_bandwidth: 'peak write bandwidth when lower than `bandwidth` (e.g. 2.3 GB/s for an Optane DIMM)',
  reserved: 'memory the kernel keeps at boot, not in MemTotal (size)',
};
export const SWAP_SETTINGS: Record<string, string> = {
  size: 'swap device size',
  latency: 'time to read one page back (major fault); default 85 us, a data-centre NVMe SSD\'s random 4 KiB read (docs/model.md)',
  bandwidth: 'swap-out bandwidth; default 1.05 GB/s, the same SSD\'s sequential write (docs/model.md)',
};
/** The swap device when `swap { }` does not give its latency or bandwidth: Intel P4500 2.0 TB
 *  NVMe SSD (Lenovo product guide): random read latency 85 us, sequential write 1.05 GB/s. */
const SWAP_DEFAULT = { latencyNs: 85_000 * NS, bandwidthBytesPerSec: 1.05 * GB };
export const RUN_SETTINGS: Record<string, string> = {
  duration: 'simulated time to run', sample: 'interval between samples of the series', seed: 'random seed',
};
export const WORKLOAD_SETTINGS: Record<string, string> = {
  cpus: 'CPUs the workload runs on', node: 'run on all CPUs of this node',
  cpus_allowed: "CPUs it may be moved to (its affinity mask, Cpus_allowed_list), e.g. 0-15 or all; default: only its cpus. With kernel.numa_balancing = 1 the scheduler moves its threads to the node its memory faults point at (task_numa_migrate) when that node's CPUs are allowed and free",
  mempolicy: 'memory policy: local, preferred(N), bind(N,..), interleave(..), weighted-interleave(N:W,..), preferred-many(..)',
  cgroup: 'memory cgroup the workload is charged to',
  threads: 'threads issuing the accesses of closed-loop phases (`for N accesses`), back to back; default one per CPU of the workload',
  compute_per_access: 'CPU time per access outside memory (time); default 0 ns: the published figures (Naples, numa-thp-bench, the zone_reclaim_mode RFC) time bare random loads. See docs/model.md',
  mlp: 'memory-level parallelism: cache misses one thread keeps in flight; an access costs its memory latency divided by this. Default 1: dependent loads, as in a pointer chase. See docs/model.md',
};
export const CGROUP_SETTINGS: Record<string, string> = {
  'memory.max': 'hard limit: reclaim, then OOM inside the cgroup', 'memory.high': 'throttle and reclaim above this', 'memory.low': 'best-effort protection from reclaim',
};
export const MEMPOLICY_MODES = ['local', 'preferred', 'bind', 'interleave', 'weighted-interleave', 'preferred-many'];

const MAX_NODES = 64;
const MAX_CPUS = 4096;

/** The checker's size limits applied to a scenario changed after checking (by `--scale`):
 *  one message per problem, empty when it is within them. */
export function limitProblems(s: M.Scenario): string[] {
  return s.machine.nodes
    .filter((n) => n.memoryBytes < RANGES.nodeMemory.min || n.memoryBytes > RANGES.nodeMemory.max)
    .map((n) => `node ${n.id} would have ${fmtBytes(n.memoryBytes)} of memory; a node has ${formatRange(RANGES.nodeMemory)}`);
}

export interface CheckOptions {
  /** Multiplies the default budget (budget.ts): `--budget 4` admits four times the result size
   *  and simulation work. */
  budget?: number;
}

/** Entry point: check a parsed file. */
export function check(file: A.FileNode, parseDiagnostics: Diagnostic[] = [], options: CheckOptions = {}): CheckResult {
  const c = new Checker(file, options.budget ?? 1);
  c.run();
  const hasErrors = parseDiagnostics.some((d) => d.severity === 'error') || c.diagnostics.some((d) => d.severity === 'error');
  return { set: hasErrors ? null : c.set, diagnostics: c.diagnostics, symbols: c.symbols };
}

interface WorkloadConfig { item: A.WorkloadItem; settings: Map<string, A.Setting> }
interface Config {
  nodes: Map<number, Map<string, A.Setting>>;
  knobs: Map<string, A.Setting>;
  cgroups: Map<string, Map<string, A.Setting>>;
  workloads: Map<string, WorkloadConfig>;
  run: Map<string, A.Setting>;
  swap: Map<string, A.Setting> | null;
}

class Checker {
  diagnostics: Diagnostic[] = [];
  symbols: SymbolRef[] = [];
  set: M.ScenarioSet | null = null;
  private seen = new Set<string>();

  private title = '';
  private machine: A.MachineItem | null = null;
  private preset: (typeof PRESETS)[string] | null = null;
  /** `costs preset NAME`: the cost profile the scenario starts from (default: real hardware). */
  private costPreset: (typeof COST_PRESETS)[string] | null = null;
  private base: Config = { nodes: new Map(), knobs: new Map(), cgroups: new Map(), workloads: new Map(), run: new Map(), swap: null };
  private variants: A.VariantItem[] = [];
  private sweeps: A.SweepItem[] = [];
  private expects: A.ExpectItem[] = [];
  private nodeIds: number[] = [];

  constructor(private readonly file: A.FileNode, private readonly budget: number) {}

  /** For the version checks in versioning.ts. */
  private readonly reporter: Reporter = {
    warn: (span, message, code, fixes) => this.warn(span, message, code, fixes),
    error: (span, message, code, fixes) => this.error(span, message, code, fixes),
  };

  private report(severity: Diagnostic['severity'], code: string, span: A.Span, message: string, fixes: Fix[] = []): void {
    const key = `${span.start}:${span.end}:${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.diagnostics.push(diagnostic(severity, code, span, message, fixes));
  }
  private error(span: A.Span, message: string, code = 'semantic', fixes: Fix[] = []): void {
    this.report('error', code, span, message, fixes);
  }
  private warn(span: A.Span, message: string, code = 'semantic', fixes: Fix[] = []): void {
    this.report('warning', code, span, message, fixes);
  }
  /** "unknown X 'y'; did you mean 'z'?" with the quick fix that applies it. */
  private unknown(span: A.Span, what: string, name: string, candidates: Iterable<string>, code: string, tail = ''): void {
    const guess = closest(name, candidates);
    this.error(span, `unknown ${what} '${name}'${tail}${guess ? `; did you mean '${guess}'?` : ''}`, code,
      guess ? [{ title: `Change to '${guess}'`, span, newText: guess }] : []);
  }

  run(): void {
    this.collect();
    this.collectMachine();
    this.checkReferences();
    const scenarios: M.Scenario[] = [];
    const baseScenario = this.resolve('base', this.base);
    const variantNames = new Set<string>();
    for (const v of this.variants) {
      if (!v.name) continue;
      const cfg = this.applyVariant(v);
      const s = this.resolve(v.name.text, cfg);
      if (s) scenarios.push(s);
      variantNames.add(v.name.text);
    }
    const sweeps: M.SweepSpec[] = [];
    const swept = new Map<string, A.Span>();
    for (const sw of this.sweeps) {
      const spec = this.resolveSweep(sw, swept);
      if (!spec) continue;
      sweeps.push(spec);
      if (!baseScenario) continue;
      const points: M.Scenario[] = spec.points.map((values, i) => {
        const knobs = { ...baseScenario.knobs };
        spec.axes.forEach((a, j) => { knobs[a.knob] = values[j]; });
        const version = baseScenario.kernel!.version;
        const backported = baseScenario.kernel!.overrides.filter((o) => o.includes('(backported'));
        return { ...baseScenario, variant: spec.variantNames[i], kernel: { version, overrides: [...modelOverrides(version, knobs), ...backported] }, knobs };
      });
      if (sw.cross.length > 0) this.checkProductBudget(sw, spec, points);
      scenarios.push(...points);
      for (const p of points) variantNames.add(p.variant);
    }
    // With no declared variant the unmodified scenario runs too, first, as `base`.
    if (this.variants.length === 0) {
      if (baseScenario) scenarios.unshift(baseScenario);
      variantNames.add('base');
    }
    const expectations = this.checkExpectations(variantNames, baseScenario, scenarios);
    this.checkTiering(scenarios);
    if (baseScenario) this.set = { title: this.title, variants: scenarios, sweeps, expectations };
    if (this.set) this.checkBudget(this.set);
  }

  /** A product of knobs grows fast: over the budget on its own, it is an error at its `sweep`
   *  line with its shape, besides the whole scenario's error at the run block. */
  private checkProductBudget(sw: A.SweepItem, spec: M.SweepSpec, points: M.Scenario[]): void {
    const shape = `${spec.axes.map((a) => a.values.length).join(' x ')} = ${points.length.toLocaleString('en-US')} points`;
    const problems = budgetProblems(estimateBudget({ title: this.title, variants: points, sweeps: [spec], expectations: [] }), this.budget);
    for (const p of problems) this.error(sw.keyword, `this sweep over ${spec.axes.length} knobs (${shape}) is over budget on its own: ${p}`, 'budget');
  }

  /** Over budget is an error at the run block (or the file's first item when there is none),
   *  so check, the editor and run all refuse it before anything runs. */
  private checkBudget(set: M.ScenarioSet): void {
    const problems = budgetProblems(estimateBudget(set), this.budget);
    if (problems.length === 0) return;
    const run = this.file.items.find((i): i is A.SettingsBlock => i.kind === 'settings' && i.keyword.text === 'run');
    const first = this.file.items[0];
    const span = run?.keyword ?? (first && 'keyword' in first ? first.keyword : { start: 0, end: 0 });
    for (const p of problems) this.error(span, p, 'budget');
  }

  // --- collection: one pass over the items, duplicates reported --------------------------------

  private collect(): void {
    const once = new Map<string, A.Span>();
    const single = (kind: string, span: A.Span) => {
      const prev = once.get(kind);
      if (prev) this.error(span, `'${kind}' appears twice; merge it into the first one`, 'duplicate');
      else once.set(kind, span);
      return !prev;
    };
    for (const item of this.file.items) {
      switch (item.kind) {
        case 'scenario':
          if (single('scenario', item.keyword)) this.title = item.title ?? '';
          break;
        case 'machine':
          if (single('machine', item.keyword)) this.machine = item;
          break;
        case 'settings': {
          const kw = item.keyword.text;
          if (!single(kw, item.keyword)) break;
          if (kw === 'costs' && item.preset) {
            this.costPreset = COST_PRESETS[item.preset.text] ?? null;
            if (!this.costPreset) this.unknown(item.preset, 'cost profile', item.preset.text, Object.keys(COST_PRESETS), 'unknown-preset', `; profiles: ${Object.keys(COST_PRESETS).join(', ')}`);
          }
          if (kw === 'run') this.collectSettings(item.settings, this.base.run, RUN_SETTINGS, 'run setting');
          else for (const s of item.settings) this.collectKnob(s, this.base.knobs, kw === 'costs');
          break;
        }
        case 'cgroup': {
          if (!item.name || !this.define('cgroup', item.name, this.base.cgroups.has(item.name.text))) break;
          const m = new Map<string, A.Setting>();
          this.collectSettings(item.settings, m, CGROUP_SETTINGS, 'cgroup setting');
          this.base.cgroups.set(item.name.text, m);
          break;
        }
        case 'workload': {
          if (!item.name || !this.define('workload', item.name, this.base.workloads.has(item.name.text))) break;
          const m = new Map<string, A.Setting>();
          this.collectSettings(item.settings, m, WORKLOAD_SETTINGS, 'workload setting');
          this.base.workloads.set(item.name.text, { item, settings: m });
          break;
        }
        case 'variant':
          if (!item.name) break;
          if (this.variants.some((v) => v.name?.text === item.name!.text)) { this.error(item.name, `variant '${item.name.text}' is defined twice`, 'duplicate'); break; }
          if (item.name.text === 'base' || item.name.text.includes('=')) { this.error(item.name, `'${item.name.text}' is reserved for the unmodified scenario; choose another variant name`); break; }
          this.symbols.push({ kind: 'variant', name: item.name.text, start: item.name.start, end: item.name.end, definition: true });
          this.variants.push(item);
          break;
        case 'sweep':
          this.sweeps.push(item);
          break;
        case 'expect':
          this.expects.push(item);
          break;
      }
    }
    if (!this.machine) {
      const first = this.file.items[0];
      this.error(first ? { start: first.start, end: first.start } : { start: 0, end: 0 },
        "the scenario has no machine: add 'machine preset two-socket' or a 'machine { node 0 { ... } }' block", 'missing-machine',
        [{ title: 'Add a two-socket machine', span: { start: 0, end: 0 }, newText: 'machine preset two-socket\n\n' }]);
    }
    if (this.base.workloads.size === 0 && this.machine) {
      this.warn(this.machine.keyword, 'the scenario has no workload: nothing will allocate or access memory', 'no-workload');
    }
  }

  /** A cgroup or workload definition: an error if the name is `taken`, else a symbol. Returns
   *  whether the definition is new. */
  private define(kind: 'cgroup' | 'workload', name: A.Name, taken: boolean): boolean {
    if (taken) {
      this.error(name, `${kind} '${name.text}' is defined twice`, 'duplicate');
      return false;
    }
    this.symbols.push({ kind, name: name.text, start: name.start, end: name.end, definition: true });
    return true;
  }

  private collectSettings(settings: A.Setting[], into: Map<string, A.Setting>, known: Record<string, string>, what: string): void {
    for (const s of settings) {
      if (!(s.name.text in known)) {
        this.unknown(s.name, what, s.name.text, Object.keys(known), 'unknown-setting', `; expected one of ${Object.keys(known).join(', ')}`);
        continue;
      }
      if (into.has(s.name.text)) { this.error(s.name, `'${s.name.text}' is set twice`, 'duplicate'); continue; }
      into.set(s.name.text, s);
    }
  }

  private collectKnob(setting: A.Setting, into: Map<string, A.Setting>, costsBlock: boolean): void {
    let s = setting;
    if (s.name.text === 'version' && !costsBlock) {
      if (into.has('version')) { this.error(s.name, "'version' is set twice", 'duplicate'); return; }
      checkVersion(s, this.reporter);
      into.set('version', s);
      return;
    }
    let k = findKnob(s.name.text) ?? (costsBlock ? findKnob('cost.' + s.name.text) : undefined);
    if (!k) {
      const migrated = migrate(s, this.reporter);
      if (!migrated) {
        this.unknown(s.name, 'knob', s.name.text, [...KNOBS.map((x) => x.name), 'version'], 'unknown-knob');
        return;
      }
      s = migrated;
      k = findKnob(s.name.text)!;
    }
    const name = s.name.text;
    if (k.name !== name) {
      this.warn(s.name, `write the full name '${k.name}'`, 'short-knob', [{ title: `Change to '${k.name}'`, span: s.name, newText: k.name }]);
    }
    if (costsBlock && !k.name.startsWith('cost.')) this.warn(s.name, `'${k.name}' is not a cost; it belongs in the 'kernel' block`, 'misplaced-knob');
    if (into.has(k.name)) { this.error(s.name, `'${k.name}' is set twice`, 'duplicate'); return; }
    this.knobValue(k, s.value);
    into.set(k.name, s);
  }

  // --- machine -----------------------------------------------------------------------------------

  private collectMachine(): void {
    const m = this.machine;
    if (!m) return;
    if (m.preset) {
      this.preset = PRESETS[m.preset.text] ?? null;
      if (!this.preset) this.unknown(m.preset, 'machine preset', m.preset.text, Object.keys(PRESETS), 'unknown-preset', `; presets: ${Object.keys(PRESETS).join(', ')}`);
    }
    for (const s of m.settings) this.error(s.name, `'${s.name.text}' is not a machine setting: put it inside 'node N { }' or 'swap { }'`);
    for (const n of m.nodes) {
      if (!n.id) continue;
      const id = n.id.number;
      if (!n.id.integer || id < 0 || id >= MAX_NODES || n.id.unit) { this.error(n.id, `node ids are integers from 0 to ${MAX_NODES - 1}`); continue; }
      if (this.base.nodes.has(id)) { this.error(n.id, `node ${id} is defined twice`, 'duplicate'); continue; }
      this.symbols.push({ kind: 'node', name: String(id), start: n.id.start, end: n.id.end, definition: true });
      const settings = new Map<string, A.Setting>();
      this.collectSettings(n.settings, settings, NODE_SETTINGS, 'node setting');
      this.base.nodes.set(id, settings);
      if (!this.preset && !settings.has('memory')) this.error(n.id, `node ${id} has no memory size: add 'memory = 64 GiB'`, 'missing-memory');
    }
    if (m.swap) {
      this.base.swap = new Map();
      this.collectSettings(m.swap.settings, this.base.swap, SWAP_SETTINGS, 'swap setting');
      if (!this.base.swap.has('size')) this.error(m.swap.keyword, "swap has no size: add 'size = 16 GiB'", 'missing-swap-size');
    }
    const ids = new Set<number>([...this.base.nodes.keys(), ...(this.preset ? this.preset.nodes.map((_, i) => i) : [])]);
    this.nodeIds = [...ids].sort((a, b) => a - b);
    this.nodeIds.forEach((id, i) => {
      if (id !== i) {
        const span = m.nodes.find((n) => n.id?.number === id)?.id ?? m.keyword;
        this.error(span, `node ids must be numbered from 0 without gaps: expected node ${i} before node ${id}`);
      }
    });
    if (m.nodes.length === 0 && !this.preset && !m.preset) this.error(m.keyword, "the machine has no nodes: add 'node 0 { memory = 64 GiB  cpus = 0-15 }'", 'no-nodes');
    const matrixSeen = new Set<string>();
    for (const mx of m.matrices) {
      if (matrixSeen.has(mx.name.text)) this.error(mx.name, `'${mx.name.text}' appears twice`, 'duplicate');
      matrixSeen.add(mx.name.text);
      this.checkMatrix(mx);
    }
  }

  private checkMatrix(mx: A.MatrixBlock): void {
    const n = this.nodeIds.length;
    const seen = new Set<number>();
    for (const row of mx.rows) {
      if (!this.nodeIds.includes(row.node.number)) { this.error(row.node, `unknown node ${row.node.number} in '${mx.name.text}'`, 'unknown-node'); continue; }
      this.symbols.push({ kind: 'node', name: String(row.node.number), start: row.node.start, end: row.node.end, definition: false });
      if (seen.has(row.node.number)) this.error(row.node, `row ${row.node.number} appears twice in '${mx.name.text}'`, 'duplicate');
      seen.add(row.node.number);
      if (row.values.length !== n) this.error(row, `row ${row.node.number} of '${mx.name.text}' has ${row.values.length} values; the machine has ${n} nodes`);
      row.values.forEach((v, j) => {
        if (v.unit) this.error(v.unitSpan ?? v, `'${mx.name.text}' entries are plain numbers${mx.name.text === 'access_latency_ns' ? ' (ns)' : ''}`, 'unit');
        if (mx.name.text === 'distance') {
          if (!v.integer || v.number < RANGES.distance.min || v.number > RANGES.distance.max) this.error(v, `SLIT distances are integers from ${formatRange(RANGES.distance)}`, 'range');
          else if (j === row.node.number && v.number !== 10) this.error(v, 'a node\'s distance to itself is 10');
          else if (j !== row.node.number && v.number === 10) this.warn(v, 'a distance of 10 between two nodes says they are the same node');
        } else if (!(v.number >= RANGES.nodeLatency.min && v.number <= RANGES.nodeLatency.max)) this.error(v, `latencies are from ${formatRange(RANGES.nodeLatency)}, written in ns (1 to 1000000); got ${v.number}`, 'range');
      });
    }
    if (mx.rows.length > 0) for (const id of this.nodeIds) if (!seen.has(id)) this.error(mx.name, `'${mx.name.text}' has no row for node ${id}`);
  }

  // --- variants -----------------------------------------------------------------------------------

  private applyVariant(v: A.VariantItem): Config {
    const cfg: Config = {
      nodes: new Map([...this.base.nodes].map(([k, m]) => [k, new Map(m)])),
      knobs: new Map(this.base.knobs),
      cgroups: new Map([...this.base.cgroups].map(([k, m]) => [k, new Map(m)])),
      workloads: new Map([...this.base.workloads].map(([k, w]) => [k, { item: w.item, settings: new Map(w.settings) }])),
      run: new Map(this.base.run),
      swap: this.base.swap ? new Map(this.base.swap) : null,
    };
    const knobsHere = new Map<string, A.Setting>();
    for (const s of v.settings) {
      // `run.seed = 2`-style paths are accepted as shorthands for the blocks.
      this.collectKnob(s, knobsHere, false);
    }
    for (const [k, s] of knobsHere) cfg.knobs.set(k, s);
    for (const b of v.blocks) {
      if (!b.name && (b.target === 'run' || b.target === 'swap')) {
        if (b.target === 'run') this.collectSettings(b.settings, this.overrideInto(cfg.run, b.settings), RUN_SETTINGS, 'run setting');
        else {
          if (!cfg.swap) { this.error(b.keyword, 'the machine has no swap to override: add a swap { } block to the machine'); continue; }
          this.collectSettings(b.settings, this.overrideInto(cfg.swap, b.settings), SWAP_SETTINGS, 'swap setting');
        }
        continue;
      }
      if (!b.name) continue;
      if (b.target === 'workload') {
        const w = cfg.workloads.get(b.name.text);
        this.symbols.push({ kind: 'workload', name: b.name.text, start: b.name.start, end: b.name.end, definition: false });
        if (!w) { this.unknown(b.name, 'workload', b.name.text, cfg.workloads.keys(), 'unknown-workload'); continue; }
        // `node` and `cpus` are two ways to say one thing: an override of either replaces both.
        for (const st of b.settings) if (st.name.text === 'node' || st.name.text === 'cpus') { w.settings.delete('node'); w.settings.delete('cpus'); }
        this.collectSettings(b.settings, this.overrideInto(w.settings, b.settings), WORKLOAD_SETTINGS, 'workload setting');
      } else if (b.target === 'cgroup') {
        const g = cfg.cgroups.get(b.name.text);
        this.symbols.push({ kind: 'cgroup', name: b.name.text, start: b.name.start, end: b.name.end, definition: false });
        if (!g) { this.unknown(b.name, 'cgroup', b.name.text, cfg.cgroups.keys(), 'unknown-cgroup'); continue; }
        this.collectSettings(b.settings, this.overrideInto(g, b.settings), CGROUP_SETTINGS, 'cgroup setting');
      } else {
        const id = Number(b.name.text);
        const n = cfg.nodes.get(id) ?? (this.nodeIds.includes(id) ? new Map<string, A.Setting>() : undefined);
        if (!n) { this.unknown(b.name, 'node', b.name.text, this.nodeIds.map(String), 'unknown-node'); continue; }
        this.symbols.push({ kind: 'node', name: b.name.text, start: b.name.start, end: b.name.end, definition: false });
        cfg.nodes.set(id, n);
        this.collectSettings(b.settings, this.overrideInto(n, b.settings), NODE_SETTINGS, 'node setting');
      }
    }
    return cfg;
  }

  /** Removes the overridden names so collectSettings sees no duplicate, and returns the map. */
  private overrideInto(map: Map<string, A.Setting>, settings: A.Setting[]): Map<string, A.Setting> {
    for (const s of settings) map.delete(s.name.text);
    return map;
  }

  // --- references that do not depend on a variant -----------------------------------------------

  private checkReferences(): void {
    for (const [, w] of this.base.workloads) {
      const regions = new Map<string, A.Name>();
      const files = new Map<string, A.Name>();
      let lastAt = -1;
      let exited: A.Span | null = null;
      const wname = w.item.name!.text;
      const seen: A.PhaseItem[] = [];
      for (const ph of w.item.phases) {
        if (ph.after) this.followed(ph.after, seen, wname);
        seen.push(ph);
        const at = ph.at ? this.bounded(ph.at, RANGES.phaseTime, 'phase time') : null;
        if (at !== null) {
          if (at < lastAt) this.error(ph.at!, `phases must be in time order: this one is at ${fmtTime(at)}, after one at ${fmtTime(lastAt)}`, 'phase-order');
          lastAt = Math.max(lastAt, at);
        }
        if (exited && ph.action) this.warn(ph.action.span, `this phase comes after 'exit' and never runs`, 'after-exit');
        const a = ph.action;
        if (!a) continue;
        const ref = (n: A.Name | null) => {
          if (!n) return;
          const known = regions.has(n.text) || files.has(n.text);
          this.symbols.push({ kind: 'region', name: n.text, scope: wname, start: n.start, end: n.end, definition: false });
          if (!known) this.unknown(n, 'region', n.text, [...regions.keys(), ...files.keys()], 'unknown-region', ` in workload '${wname}'${regions.size + files.size === 0 ? ': allocate it first with alloc or read file' : ''}`);
        };
        switch (a.kind) {
          case 'alloc':
            if (a.region) {
              if (regions.has(a.region.text)) this.error(a.region, `region '${a.region.text}' is allocated twice; free it first or use another name`, 'duplicate');
              regions.set(a.region.text, a.region);
              this.symbols.push({ kind: 'region', name: a.region.text, scope: wname, start: a.region.start, end: a.region.end, definition: true });
            }
            if (a.size) this.bounded(a.size, RANGES.regionSize, 'allocation size');
            if (a.rate) this.bounded(a.rate, RANGES.byteRate, 'allocation rate');
            break;
          case 'file':
            if (a.file) {
              if (!files.has(a.file.text)) this.symbols.push({ kind: 'region', name: a.file.text, scope: wname, start: a.file.start, end: a.file.end, definition: true });
              else this.symbols.push({ kind: 'region', name: a.file.text, scope: wname, start: a.file.start, end: a.file.end, definition: false });
              if (regions.has(a.file.text)) this.error(a.file, `'${a.file.text}' is already an anonymous region of this workload`, 'duplicate');
              files.set(a.file.text, a.file);
            }
            if (a.size) this.bounded(a.size, RANGES.regionSize, 'file size');
            if (a.rate) this.bounded(a.rate, RANGES.byteRate, 'I/O rate');
            break;
          case 'access':
            ref(a.region);
            if (a.pattern) this.checkPattern(a.pattern);
            if (a.rate) this.bounded(a.rate, RANGES.accessRate, 'access rate');
            if (a.writes) this.percent(a.writes, 'write share');
            if (a.duration && a.work) {
              const r = RANGES.accessWork;
              if (!(a.duration.number >= r.min && a.duration.number <= r.max)) this.error(a.duration, `the amount of work must be from ${formatRange(r)} ${a.work.text}; got ${a.duration.number}`, 'range');
              if (a.rate) this.error(a.rate, `a closed-loop phase ('for ${a.duration.number} ${a.work.text}') issues its accesses back to back: drop 'rate', or give a time ('for 30 s') for a paced phase`, 'conflict',
                [{ title: "Remove 'rate'", span: { start: a.rate.start - 'rate '.length, end: a.rate.end }, newText: '' }]);
            } else if (a.duration) this.bounded(a.duration, RANGES.phaseDuration, 'access duration');
            break;
          case 'dontneed':
            ref(a.region);
            if (a.region && files.has(a.region.text) && !regions.has(a.region.text)) this.error(a.region, "MADV_DONTNEED applies to anonymous regions; page cache is dropped by reclaim", 'dontneed-file');
            if (a.size) this.bounded(a.size, RANGES.regionSize, 'DONTNEED size');
            if (a.per) {
              const per = this.bounded(a.per, RANGES.regionSize, 'chunk size');
              const size = a.size ? this.quantityIn(a.size, 'size', 'size') : null;
              if (per !== null && size !== null && size > per) this.error(a.size!, `'${fmtBytes(size)} per ${fmtBytes(per)}' releases more than each chunk`);
              const from = a.from ? this.quantityIn(a.from, 'size', 'offset') : null;
              if (per !== null && size !== null && from !== null && from + size > per) this.error(a.from!, `'from ${fmtBytes(from)}' puts the ${fmtBytes(size)} past the end of each ${fmtBytes(per)} chunk`);
            }
            if (a.from) this.bounded(a.from, RANGES.offset, 'offset');
            break;
          case 'free':
            ref(a.region);
            if (a.region && regions.has(a.region.text)) regions.delete(a.region.text);
            break;
          case 'exit':
            exited = a.span;
            break;
        }
      }
    }
  }

  /** The phase an `after ACTION NAME` follows: the last earlier phase of that action on that
   *  region or file; reports when there is none. */
  private followed(ref: A.PhaseRef, earlier: A.PhaseItem[], wname: string): number | null {
    const i = findFollowed(ref, earlier);
    if (i !== null) {
      if (ref.target) this.symbols.push({ kind: 'region', name: ref.target.text, scope: wname, start: ref.target.start, end: ref.target.end, definition: false });
      return i;
    }
    const have = earlier.filter((p) => p.action && p.action.kind !== 'exit' && p.action.kind !== 'drop_caches').map((p) => phaseLabel(p.action!));
    const want = `${ref.action.text} ${ref.target?.text ?? ''}`.trim();
    const guess = closest(want, have);
    this.error(ref, `no earlier phase '${want}' in workload '${wname}' to start after${have.length ? `; earlier phases: ${have.join(', ')}` : ''}`, 'unknown-phase',
      guess ? [{ title: `Change to '${guess}'`, span: ref, newText: guess }] : []);
    return null;
  }

  private checkPattern(p: A.PatternNode): void {
    if (p.name.text === 'zipf' && p.arg) {
      if (p.arg.unit) this.error(p.arg.unitSpan ?? p.arg, 'the zipf exponent is a plain number, e.g. zipf 0.99', 'unit');
      else if (!(p.arg.number >= RANGES.zipfExponent.min && p.arg.number <= RANGES.zipfExponent.max)) this.error(p.arg, `the zipf exponent must be from ${formatRange(RANGES.zipfExponent)}; got ${p.arg.number}`, 'range');
    }
    if (p.name.text === 'hotset' && p.arg) this.bounded(p.arg, RANGES.regionSize, 'hot set size');
    if (p.hot) this.percent(p.hot, 'hot share');
    if (p.movesEvery && p.movesWork) {
      const r = RANGES.accessWork;
      if (!(p.movesEvery.number >= r.min && p.movesEvery.number <= r.max)) this.error(p.movesEvery, `the work between two moves must be from ${formatRange(r)} ${p.movesWork.text}; got ${p.movesEvery.number}`, 'range');
    } else if (p.movesEvery) this.bounded(p.movesEvery, RANGES.phaseDuration, 'move interval');
  }

  // --- values ------------------------------------------------------------------------------------

  /** The value of a quantity in the base unit of `dim`, or null after reporting why not. */
  private quantityIn(q: A.QuantityValue, dim: Dimension, what: string, defaultUnit?: string): number | null {
    if (!q.unit) {
      if (defaultUnit) return q.number * UNITS[dim][defaultUnit];
      const example = { size: 'GiB', time: 's', rate: '/s', bandwidth: 'GB/s' }[dim];
      this.error(q, `${what} needs a unit, e.g. ${q.number} ${example}`, 'unit',
        [{ title: `Add '${example}'`, span: { start: q.end, end: q.end }, newText: dim === 'rate' ? example : ' ' + example }]);
      return null;
    }
    const mult = UNITS[dim][q.unit];
    if (mult === undefined) {
      // Units of another dimension, or near-misses of this one.
      const other = unitDimension(q.unit);
      // A unit of another dimension is a different quantity, not a typo: no "did you mean" ('GiB' is not 'min').
      const guess = other ? undefined : closest(q.unit, Object.keys(UNITS[dim])) ?? caseFold(q.unit, Object.keys(UNITS[dim]));
      const msg = other ? `${what} is a ${dim}, but '${q.unit}' is a ${other} unit` : `unknown ${dim} unit '${q.unit}'`;
      this.error(q.unitSpan ?? q, `${msg}; expected one of ${Object.keys(UNITS[dim]).join(' ')}${guess ? ` (did you mean '${guess}'?)` : ''}`, 'unit',
        guess ? [{ title: `Change to '${guess}'`, span: q.unitSpan ?? q, newText: guess }] : []);
      return null;
    }
    return q.number * mult;
  }

  /** A quantity checked against its range in the schema: the value in base units, or null
   *  after an error at the value that gives the allowed range. */
  private bounded(q: A.QuantityValue, r: NumberRange, what: string): number | null {
    if (r.dimension === 'number') throw new Error(`bounded() is for quantities, not '${r.where}'`);
    const v = this.quantityIn(q, r.dimension, what);
    if (v === null) return null;
    if (!(v >= r.min && v <= r.max)) {
      this.error(q, `${what} must be from ${formatRange(r)}; got ${sourceText(q)}`, 'range');
      return null;
    }
    return v;
  }

  private percent(q: A.QuantityValue, what: string): number | null {
    if (q.unit !== '%') {
      if (!q.unit && q.number >= 0 && q.number <= 1) return q.number;
      this.error(q.unitSpan ?? q, `${what} is a percentage, e.g. 30%`, 'unit', q.unit ? [] : [{ title: "Add '%'", span: { start: q.end, end: q.end }, newText: '%' }]);
      return null;
    }
    if (q.number < 0 || q.number > 100) { this.error(q, `${what} must be between 0% and 100%`, 'range'); return null; }
    return q.number / 100;
  }

  /** Validates and converts a knob value; reports at the value (or the setting). */
  knobValue(k: Knob, v: A.Value | null): M.KnobValue | null {
    if (!v) return null;
    const t = k.type;
    switch (t.kind) {
      case 'enum': {
        if (v.kind !== 'ident' && v.kind !== 'string') { this.error(v, `'${k.name}' takes one of ${t.values.join(', ')}`, 'type'); return null; }
        const name = v.kind === 'ident' ? v.name : v.value;
        if (!t.values.includes(name)) {
          const guess = closest(name, t.values);
          this.error(v, `'${name}' is not a value of '${k.name}'; expected one of ${t.values.join(', ')}${guess ? ` (did you mean '${guess}'?)` : ''}`, 'unknown-value',
            guess ? [{ title: `Change to '${guess}'`, span: v, newText: guess }] : []);
          return null;
        }
        return name;
      }
      case 'bool': {
        const word = v.kind === 'ident' ? v.name : v.kind === 'quantity' && !v.unit ? String(v.number) : '';
        if (['true', 'on', '1', 'yes'].includes(word)) return true;
        if (['false', 'off', '0', 'no'].includes(word)) return false;
        this.error(v, `'${k.name}' is on or off (true/false, 1/0)`, 'type');
        return null;
      }
      case 'int':
      case 'number': {
        if (v.kind !== 'quantity') { this.error(v, `'${k.name}' takes a number${k.unit && k.unit !== 'bitmask' && k.unit !== 'mode' ? ` (${k.unit})` : ''}`, 'type'); return null; }
        let value = v.number;
        if (v.unit && v.unit !== k.unit) {
          const kd = unitDimension(k.unit);
          const vd = unitDimension(v.unit);
          if (kd && vd === kd) {
            // The kernel's kB and MB in knob names are binary.
            const kernelBinary: Record<string, number> = { kB: 1024, MB: 1024 ** 2, 'MB/s': 1024 ** 2 };
            value = (v.number * UNITS[vd][v.unit]) / (kernelBinary[k.unit] ?? UNITS[kd][k.unit]);
          } else {
            this.error(v.unitSpan ?? v, `'${k.name}' is in ${k.unit || 'plain numbers'}, not '${v.unit}'`, 'unit',
              k.unit ? [{ title: `Change to '${k.unit}'`, span: v.unitSpan ?? v, newText: k.unit }] : [{ title: 'Remove the unit', span: { start: v.end - (v.unitSpan ? v.unitSpan.end - v.unitSpan.start : 0), end: v.end }, newText: '' }]);
            return null;
          }
        }
        if (t.kind === 'int' && !Number.isInteger(value)) { this.error(v, `'${k.name}' takes a whole number`, 'type'); return null; }
        if (value < t.min || value > t.max) { this.error(v, `'${k.name}' must be between ${t.min} and ${t.max}${k.unit && !['bitmask', 'mode'].includes(k.unit) ? ' ' + k.unit : ''}; got ${value}`, 'range'); return null; }
        return value;
      }
      case 'quantity': {
        if (v.kind !== 'quantity') { this.error(v, `'${k.name}' takes a ${t.dimension}, e.g. 10 ${k.unit}`, 'type'); return null; }
        const value = this.quantityIn(v, t.dimension, `'${k.name}'`, k.unit);
        if (value === null) return null;
        if (value < t.min || value > t.max) {
          const mult = UNITS[t.dimension][k.unit];
          this.error(v, `'${k.name}' must be between ${t.min / mult} and ${t.max / mult} ${k.unit}`, 'range');
          return null;
        }
        return value;
      }
    }
  }

  private cpuList(v: A.Value | null, what: string): number[] | null {
    if (!v) return null;
    if (v.kind === 'ident' && v.name === 'none') return [];
    const items = v.kind === 'list' ? v.items : [v];
    const out: number[] = [];
    for (const it of items) {
      if (it.kind === 'quantity' && it.integer && !it.unit) out.push(it.number);
      else if (it.kind === 'range' && it.from.integer && it.to.integer && !it.from.unit && !it.to.unit) {
        if (it.to.number < it.from.number) { this.error(it, `range ${it.from.number}-${it.to.number} runs backwards`); return null; }
        if (it.to.number - it.from.number > MAX_CPUS) { this.error(it, `at most ${MAX_CPUS} CPUs`); return null; }
        for (let c = it.from.number; c <= it.to.number; c++) out.push(c);
      } else {
        this.error(it, `${what} is a list like 0-31 or 0-3,8-11${what === 'cpus' ? ', or none' : ''}`, 'type');
        return null;
      }
    }
    if (out.some((c) => c >= MAX_CPUS)) { this.error(v, `CPU ids are below ${MAX_CPUS}`, 'range'); return null; }
    return [...new Set(out)].sort((a, b) => a - b);
  }

  private sizeSetting(s: A.Setting | undefined, r: NumberRange, what: string, allowMax = false): number | null | undefined {
    if (!s || !s.value) return undefined;
    const v = s.value;
    if (allowMax && v.kind === 'ident' && (v.name === 'max' || v.name === 'none')) return null;
    if (v.kind !== 'quantity') { this.error(v, `${what} is a size, e.g. 8 GiB${allowMax ? ', or max' : ''}`, 'type'); return undefined; }
    return this.bounded(v, r, what) ?? undefined;
  }

  // --- resolution: config -> Scenario --------------------------------------------------------------

  private resolve(variant: string, cfg: Config): M.Scenario | null {
    const machine = this.resolveMachine(cfg);
    if (!machine) return null;
    const versionSetting = cfg.knobs.get('version');
    const version = (versionSetting && checkVersion(versionSetting, this.reporter)) || DEFAULT_KERNEL;
    const explicit = new Map([...cfg.knobs].filter(([name]) => name !== 'version'));
    const knobs = { ...defaultKnobs(), ...(this.costPreset?.costs ?? {}) };
    applyVersionDefaults(version, knobs, explicit);
    for (const [name, s] of explicit) {
      const v = this.knobValue(findKnob(name)!, s.value);
      if (v !== null) knobs[name] = v;
    }
    const cgroups: M.Cgroup[] = [];
    for (const [name, m] of cfg.cgroups) {
      const max = this.sizeSetting(m.get('memory.max'), RANGES.cgroupLimit, 'memory.max', true) ?? null;
      const high = this.sizeSetting(m.get('memory.high'), RANGES.cgroupLimit, 'memory.high', true) ?? null;
      const low = this.sizeSetting(m.get('memory.low'), RANGES.cgroupLimit, 'memory.low', true) ?? null;
      if (max !== null && high !== null && high > max) this.warn(m.get('memory.high')!.value!, 'memory.high above memory.max never takes effect', 'cgroup-limits');
      if (max !== null && low !== null && low > max) this.warn(m.get('memory.low')!.value!, 'memory.low above memory.max protects more than the cgroup may use', 'cgroup-limits');
      cgroups.push({ name, max, high, low });
    }
    const run = this.resolveRun(cfg.run);
    const workloads: M.Workload[] = [];
    for (const [, w] of cfg.workloads) {
      const wl = this.resolveWorkload(w, machine, cfg, run);
      if (wl) workloads.push(wl);
    }
    this.checkCapacity(cfg, machine, workloads);
    const kernel = resolveKernel({
      version, versionSetting, insertVersionAt: this.versionInsertPoint(), knobs, explicit, machine,
      tierSettings: new Map([...cfg.nodes].flatMap(([id, m]) => (m.has('tier') ? [[id, m.get('tier')!] as const] : []))),
      workloads: workloads.map((w) => ({ workload: w, mempolicy: cfg.workloads.get(w.name)?.settings.get('mempolicy') })),
    }, this.reporter);
    return { title: this.title, variant, machine, kernel, knobs, cgroups, workloads, run };
  }

  /** Where a quick fix adds `version = X`: first line of the kernel block, or a new block after
   *  the machine. */
  private versionInsertPoint(): { offset: number; text: (v: string) => string } | null {
    const block = this.file.items.find((i): i is A.SettingsBlock => i.kind === 'settings' && i.keyword.text === 'kernel');
    if (block && block.settings.length) return { offset: block.settings[0].start, text: (v) => `version = ${v}\n  ` };
    if (!block && this.machine) return { offset: this.machine.end, text: (v) => `\n\nkernel {\n  version = ${v}\n}` };
    return null;
  }

  private resolveMachine(cfg: Config): M.Machine | null {
    if (!this.machine) return null;
    // Ids with gaps were reported; matrices are indexed by id, so stop here.
    if (this.nodeIds.some((id, i) => id !== i)) return null;
    const nodes: M.NodeSpec[] = [];
    for (const id of this.nodeIds) {
      const base: PresetNode | undefined = this.preset?.nodes[id];
      const s = cfg.nodes.get(id) ?? new Map<string, A.Setting>();
      const memory = this.sizeSetting(s.get('memory'), RANGES.nodeMemory, 'node memory') ?? base?.memoryBytes;
      const cpusSetting = s.get('cpus');
      const cpus = (cpusSetting ? this.cpuList(cpusSetting.value, 'cpus') : null) ?? base?.cpus ?? [];
      let tier = base?.tier ?? (cpus.length ? 0 : 1);
      const tierSetting = s.get('tier')?.value;
      if (tierSetting) {
        if (tierSetting.kind !== 'quantity' || !tierSetting.integer || tierSetting.unit || tierSetting.number > RANGES.nodeTier.max) this.error(tierSetting, `tier is a whole number from ${formatRange(RANGES.nodeTier)} (0 is the fastest)`, 'type');
        else tier = tierSetting.number;
      }
      let latencyNs = base?.latencyNs ?? (tier > 0 ? 170 : 80) * NS;
      const lat = s.get('latency')?.value;
      if (lat) {
        if (lat.kind !== 'quantity') this.error(lat, 'latency is a time, e.g. 80 ns', 'type');
        else { const v = this.bounded(lat, RANGES.nodeLatency, 'latency'); if (v !== null) latencyNs = v; }
      }
      let bw = base?.bandwidthBytesPerSec ?? 90 * GB;
      const bwv = s.get('bandwidth')?.value;
      if (bwv) {
        if (bwv.kind !== 'quantity') this.error(bwv, 'bandwidth is e.g. 90 GB/s', 'type');
        else { const v = this.bounded(bwv, RANGES.nodeBandwidth, 'bandwidth'); if (v !== null) bw = v; }
      }
      let wbw = bwv ? bw : base?.writeBandwidthBytesPerSec ?? bw;
      const wbwv = s.get('write_bandwidth')?.value;
      if (wbwv) {
        if (wbwv.kind !== 'quantity') this.error(wbwv, 'write_bandwidth is e.g. 2.3 GB/s', 'type');
        else { const v = this.bounded(wbwv, RANGES.nodeBandwidth, 'write_bandwidth'); if (v !== null) wbw = v; }
      }
      const reserved = this.sizeSetting(s.get('reserved'), RANGES.nodeReserved, 'reserved') ?? base?.reservedBytes ?? 0;
      // A node without a size was reported; go on with a stand-in so later checks still run.
      if (memory === undefined || memory === null) { nodes.push({ id, memoryBytes: 1024 ** 3, cpus, tier, latencyNs, bandwidthBytesPerSec: bw, writeBandwidthBytesPerSec: wbw, reservedBytes: 0 }); continue; }
      if (reserved >= memory) { this.error(s.get('reserved')?.value ?? this.machine.keyword, 'reserved memory must be less than the node\'s memory', 'range'); return null; }
      nodes.push({ id, memoryBytes: memory, cpus, tier, latencyNs, bandwidthBytesPerSec: bw, writeBandwidthBytesPerSec: wbw, reservedBytes: reserved });
    }
    if (nodes.length === 0) return null;
    // CPUs on two nodes.
    const owner = new Map<number, number>();
    for (const n of nodes) for (const c of n.cpus) {
      if (owner.has(c)) {
        const span = cfg.nodes.get(n.id)?.get('cpus')?.value ?? this.machine.keyword;
        this.error(span, `CPU ${c} is on node ${owner.get(c)} and node ${n.id}`, 'cpu-overlap');
        return null;
      }
      owner.set(c, n.id);
    }
    if (!nodes.some((n) => n.cpus.length)) { this.error(this.machine.keyword, 'the machine has no CPUs: give at least one node cpus = ...', 'no-cpus'); return null; }
    const distance = this.matrix('distance') ?? this.preset?.distance ?? defaultDistance(nodes);
    if (distance.length !== nodes.length) { this.error(this.machine.preset ?? this.machine.keyword, `the distance matrix has ${distance.length} rows but the machine has ${nodes.length} nodes`); return null; }
    const latencyNs = this.matrix('access_latency_ns') ?? deriveLatency(nodes, distance);
    let swap: M.SwapSpec | null = this.preset?.swap ?? null;
    if (cfg.swap) {
      const size = this.sizeSetting(cfg.swap.get('size'), RANGES.swapSize, 'swap size');
      const lat = cfg.swap.get('latency')?.value;
      const bw = cfg.swap.get('bandwidth')?.value;
      swap = {
        sizeBytes: size ?? 0,
        latencyNs: lat && lat.kind === 'quantity' ? this.bounded(lat, RANGES.swapLatency, 'swap latency') ?? SWAP_DEFAULT.latencyNs : SWAP_DEFAULT.latencyNs,
        bandwidthBytesPerSec: bw && bw.kind === 'quantity' ? this.bounded(bw, RANGES.swapBandwidth, 'swap bandwidth') ?? SWAP_DEFAULT.bandwidthBytesPerSec : SWAP_DEFAULT.bandwidthBytesPerSec,
      };
    }
    return { preset: this.machine.preset?.text, nodes, distance, latencyNs, swap };
  }

  private matrix(name: string): number[][] | null {
    const mx = this.machine?.matrices.find((m) => m.name.text === name);
    if (!mx || mx.rows.length === 0) return null;
    const out: number[][] = this.nodeIds.map(() => []);
    for (const row of mx.rows) if (this.nodeIds.includes(row.node.number)) out[row.node.number] = row.values.map((v) => v.number);
    return out.every((r) => r.length === this.nodeIds.length) ? out : null;
  }

  private resolveRun(run: Map<string, A.Setting>): M.RunSettings {
    const get = (name: string, dflt: number, r: NumberRange) => {
      const v = run.get(name)?.value;
      if (!v) return dflt;
      if (v.kind !== 'quantity') { this.error(v, `${name} is a time, e.g. 60 s`, 'type'); return dflt; }
      return this.bounded(v, r, name) ?? dflt;
    };
    const durationNs = get('duration', 60 * S, RANGES.duration);
    const sampleNs = get('sample', Math.max(RANGES.sample.min, Math.round(durationNs / 500)), RANGES.sample);
    if (sampleNs > durationNs) this.warn(run.get('sample')?.value ?? { start: 0, end: 0 }, 'the sample interval is longer than the run: only the end is sampled', 'range');
    if (durationNs / sampleNs > 100_000) this.error(run.get('sample')?.value ?? run.get('duration')!.value!, `${Math.round(durationNs / sampleNs)} samples is too many (at most 100,000): raise 'sample'`, 'range');
    let seed = 1;
    const sv = run.get('seed')?.value;
    if (sv) {
      if (sv.kind !== 'quantity' || !sv.integer || sv.unit || sv.number > RANGES.seed.max) this.error(sv, `seed is a whole number from ${formatRange(RANGES.seed)}`, 'type');
      else seed = sv.number;
    }
    return { durationNs, sampleNs, seed };
  }

  private resolveWorkload(w: WorkloadConfig, machine: M.Machine, cfg: Config, run: M.RunSettings): M.Workload | null {
    const name = w.item.name!.text;
    const s = w.settings;
    const nodeIds = machine.nodes.map((n) => n.id);
    let cpus: number[] | null = null;
    const cpuSetting = s.get('cpus');
    const nodeSetting = s.get('node');
    if (cpuSetting && nodeSetting) this.error(nodeSetting.name, "set either 'cpus' or 'node', not both", 'conflict');
    if (cpuSetting) {
      cpus = this.cpuList(cpuSetting.value, 'cpus');
      if (cpus && cpus.length === 0) { this.error(cpuSetting.value!, 'a workload needs at least one CPU', 'range'); cpus = null; }
      const all = new Set(machine.nodes.flatMap((n) => n.cpus));
      const missing = cpus?.filter((c) => !all.has(c)) ?? [];
      if (missing.length) { this.error(cpuSetting.value!, `CPU${missing.length > 1 ? 's' : ''} ${compactList(missing)} ${missing.length > 1 ? 'are' : 'is'} on no node of the machine`, 'unknown-cpu'); cpus = null; }
    } else if (nodeSetting && nodeSetting.value) {
      const v = nodeSetting.value;
      if (v.kind !== 'quantity' || !v.integer || v.unit) this.error(v, 'node is a node number, e.g. node = 0', 'type');
      else {
        this.symbols.push({ kind: 'node', name: String(v.number), start: v.start, end: v.end, definition: false });
        const n = machine.nodes.find((x) => x.id === v.number);
        if (!n) this.unknown(v, 'node', String(v.number), nodeIds.map(String), 'unknown-node');
        else if (n.cpus.length === 0) this.error(v, `node ${n.id} has no CPUs (a CPU-less memory node): a workload cannot run there; use a node with CPUs and a mempolicy to place memory on node ${n.id}`, 'cpuless-node',
          this.nodeWithCpus(machine, n.id, v));
        else cpus = n.cpus;
      }
    } else {
      cpus = machine.nodes.find((n) => n.cpus.length)!.cpus;
    }
    const cpusAllowed = cpus ? this.cpusAllowed(s.get('cpus_allowed'), cpus, machine) : null;
    const mempolicy = this.mempolicy(s.get('mempolicy'), machine);
    let cgroup: string | null = null;
    const cg = s.get('cgroup')?.value;
    if (cg) {
      const cname = cg.kind === 'ident' ? cg.name : cg.kind === 'string' ? cg.value : null;
      if (cname === null) this.error(cg, 'cgroup is the name of a cgroup block', 'type');
      else {
        this.symbols.push({ kind: 'cgroup', name: cname, start: cg.start, end: cg.end, definition: false });
        if (!cfg.cgroups.has(cname)) this.unknown(cg, 'cgroup', cname, cfg.cgroups.keys(), 'unknown-cgroup');
        else cgroup = cname;
      }
    }
    const phases = this.resolvePhases(w.item, run, machine);
    const threads = this.wholeSetting(s.get('threads'), 'threads', RANGES.threads) ?? cpus?.length ?? 1;
    const computePerAccessNs = this.timeSetting(s.get('compute_per_access'), 'compute_per_access', RANGES.computePerAccess) ?? 0;
    const mlp = this.numberSetting(s.get('mlp'), 'mlp', RANGES.mlp) ?? 1;
    if (!cpus || !cpusAllowed || !mempolicy || !phases) return null;
    return { name, cpus, cpusAllowed, mempolicy, cgroup, phases, threads, computePerAccessNs, mlp };
  }

  /** `cpus_allowed`: the CPUs the scheduler may move the workload to; they must include the
   *  CPUs it starts on (sched_setaffinity keeps a task on its mask). */
  private cpusAllowed(st: A.Setting | undefined, cpus: number[], machine: M.Machine): number[] | null {
    if (!st || !st.value) return cpus;
    const v = st.value;
    const all = machine.nodes.flatMap((n) => n.cpus).sort((a, b) => a - b);
    if (v.kind === 'ident' && v.name === 'all') return all;
    if (v.kind === 'ident' && v.name === 'none') { this.error(v, 'cpus_allowed needs at least the CPUs the workload runs on: a list like 0-15, or all', 'range'); return null; }
    const list = this.cpuList(v, 'cpus_allowed');
    if (!list) return null;
    const known = new Set(all);
    const missing = list.filter((c) => !known.has(c));
    if (missing.length) { this.error(v, `CPU${missing.length > 1 ? 's' : ''} ${compactList(missing)} ${missing.length > 1 ? 'are' : 'is'} on no node of the machine`, 'unknown-cpu'); return null; }
    const outside = cpus.filter((c) => !list.includes(c));
    if (outside.length) { this.error(v, `cpus_allowed must include the CPUs the workload runs on (${compactList(outside)} ${outside.length > 1 ? 'are' : 'is'} missing)`, 'range',
      [{ title: 'Allow the CPUs it runs on too', span: v, newText: cpuRanges([...new Set([...list, ...cpus])].sort((a, b) => a - b)) }]); return null; }
    return list;
  }

  /** A whole-number workload setting in [min, max], or null (unset or reported). */
  /** A whole-number workload setting within its range, or null (unset or reported). */
  private wholeSetting(st: A.Setting | undefined, what: string, r: NumberRange): number | null {
    const v = st?.value;
    if (!v) return null;
    if (v.kind !== 'quantity' || !v.integer || v.unit) { this.error(v, `${what} is a whole number, e.g. ${what} = 16`, 'type'); return null; }
    if (v.number < r.min || v.number > r.max) { this.error(v, `${what} must be from ${formatRange(r)}; got ${v.number}`, 'range'); return null; }
    return v.number;
  }

  private numberSetting(st: A.Setting | undefined, what: string, r: NumberRange): number | null {
    const v = st?.value;
    if (!v) return null;
    if (v.kind !== 'quantity' || v.unit) { this.error(v, `${what} is a plain number, e.g. ${what} = 4`, 'type'); return null; }
    if (v.number < r.min || v.number > r.max) { this.error(v, `${what} must be from ${formatRange(r)}; got ${v.number}`, 'range'); return null; }
    return v.number;
  }

  private timeSetting(st: A.Setting | undefined, what: string, r: NumberRange): number | null {
    const v = st?.value;
    if (!v) return null;
    if (v.kind !== 'quantity') { this.error(v, `${what} is a time, e.g. ${what} = 20 ns`, 'type'); return null; }
    return this.bounded(v, r, what);
  }

  private nodeWithCpus(machine: M.Machine, from: number, span: A.Span): Fix[] {
    const byDistance = machine.nodes.filter((n) => n.cpus.length).sort((a, b) => machine.distance[from][a.id] - machine.distance[from][b.id]);
    return byDistance.length ? [{ title: `Run on node ${byDistance[0].id}`, span, newText: String(byDistance[0].id) }] : [];
  }

  private mempolicy(s: A.Setting | undefined, machine: M.Machine): M.Mempolicy | null {
    if (!s || !s.value) return { mode: 'local', nodes: [], weights: [] };
    const v = s.value;
    const ids = machine.nodes.map((n) => n.id);
    if (v.kind === 'ident') {
      if (v.name === 'local' || v.name === 'default') return { mode: 'local', nodes: [], weights: [] };
      if (MEMPOLICY_MODES.includes(v.name)) { this.error(v, `'${v.name}' needs its nodes, e.g. ${v.name}(${v.name === 'weighted-interleave' ? '0:3, 1:1' : '0'})`, 'type', [{ title: `Change to '${v.name}(0)'`, span: v, newText: `${v.name}(0)` }]); return null; }
      this.unknown(v, 'mempolicy', v.name, MEMPOLICY_MODES, 'unknown-mempolicy');
      return null;
    }
    if (v.kind !== 'call') { this.error(v, `mempolicy is one of ${MEMPOLICY_MODES.join(', ')}, e.g. bind(0)`, 'type'); return null; }
    const mode = v.callee.text;
    if (!MEMPOLICY_MODES.includes(mode) || mode === 'local') {
      this.unknown(v.callee, 'mempolicy', mode, MEMPOLICY_MODES.filter((m) => m !== 'local'), 'unknown-mempolicy');
      return null;
    }
    const nodes: number[] = [];
    const weights: number[] = [];
    for (const a of v.args) {
      const add = (q: A.QuantityValue, weight: number) => {
        if (!q.integer || q.unit) { this.error(q, 'node numbers are whole numbers', 'type'); return; }
        this.symbols.push({ kind: 'node', name: String(q.number), start: q.start, end: q.end, definition: false });
        if (!ids.includes(q.number)) { this.unknown(q, 'node', String(q.number), ids.map(String), 'unknown-node'); return; }
        if (nodes.includes(q.number)) { this.error(q, `node ${q.number} is listed twice`, 'duplicate'); return; }
        nodes.push(q.number);
        weights.push(weight);
      };
      if (a.kind === 'pair') {
        if (mode !== 'weighted-interleave') { this.error(a, `node:weight pairs belong to weighted-interleave`, 'type'); continue; }
        if (!a.value.integer || a.value.unit || a.value.number < RANGES.weight.min || a.value.number > RANGES.weight.max) { this.error(a.value, `weights are whole numbers from ${formatRange(RANGES.weight)}`, 'range'); continue; }
        add(a.key, a.value.number);
      } else if (a.kind === 'range') {
        for (let i = a.from.number; i <= a.to.number && i < MAX_NODES; i++) add({ ...a.from, number: i, start: a.start, end: a.end }, 1);
      } else if (a.kind === 'quantity') add(a, 1);
    }
    if (nodes.length === 0) { this.error(v, `'${mode}' needs at least one node`, 'type'); return null; }
    if (mode === 'preferred' && nodes.length > 1) this.error(v, "'preferred' takes one node; use preferred-many for several", 'type', [{ title: "Change to 'preferred-many'", span: v.callee, newText: 'preferred-many' }]);
    return { mode: mode as M.MempolicyMode, nodes, weights };
  }

  private resolvePhases(w: A.WorkloadItem, run: M.RunSettings, machine: M.Machine): M.Phase[] | null {
    const out: M.Phase[] = [];
    let ok = true;
    const q = (v: A.QuantityValue | null, dim: Dimension, what: string): number | null => (v ? this.quantityIn(v, dim, what) : null);
    for (const [idx, ph] of w.phases.entries()) {
      if ((!ph.at && !ph.after) || !ph.action) { ok = false; continue; }
      let atNs = 0;
      let after: number | null = null;
      if (ph.at) {
        const v = this.quantityIn(ph.at, 'time', 'phase time');
        if (v === null) { ok = false; continue; }
        atNs = v;
        if (atNs >= run.durationNs) this.warn(ph.at, `this phase starts at ${fmtTime(atNs)}, after the run ends (${fmtTime(run.durationNs)})`, 'after-run');
      } else {
        after = findFollowed(ph.after!, w.phases.slice(0, idx));
        if (after === null) { ok = false; continue; }
      }
      const start = { atNs, after, label: phaseLabel(ph.action) };
      const a = ph.action;
      switch (a.kind) {
        case 'alloc': {
          const bytes = q(a.size, 'size', 'allocation size');
          if (!a.region || bytes === null || bytes <= 0) { ok = false; break; }
          let mbind: M.Mempolicy | null = null;
          if (a.mbind) {
            mbind = this.mempolicy({ name: { text: 'mbind', start: a.mbind.start, end: a.mbind.start }, value: a.mbind, start: a.mbind.start, end: a.mbind.end }, machine);
            if (!mbind) { ok = false; break; }
          }
          out.push({ ...start, kind: 'alloc', region: a.region.text, bytes, hugepage: !!a.hugepage, rateBytesPerSec: q(a.rate, 'bandwidth', 'allocation rate'), mbind });
          break;
        }
        case 'file': {
          const bytes = q(a.size, 'size', 'file size');
          if (!a.file || bytes === null || bytes <= 0) { ok = false; break; }
          out.push({ ...start, kind: 'file', op: a.op, file: a.file.text, bytes, rateBytesPerSec: q(a.rate, 'bandwidth', 'I/O rate') });
          break;
        }
        case 'access': {
          if (!a.region || !a.pattern) { ok = false; break; }
          const p = a.pattern;
          let pattern: M.AccessPattern;
          if (p.name.text === 'zipf') pattern = { kind: 'zipf', exponent: p.arg && !p.arg.unit ? p.arg.number : 0.99 };
          else if (p.name.text === 'hotset') {
            const bytes = q(p.arg, 'size', 'hot set size');
            if (bytes === null) { ok = false; break; }
            const hot = p.hot ? (p.hot.unit === '%' ? p.hot.number / 100 : p.hot.number) : 0.9;
            const moveEveryWork: M.AccessWork | null = p.movesEvery && p.movesWork ? { kind: p.movesWork.text as 'accesses' | 'passes', count: p.movesEvery.number } : null;
            pattern = { kind: 'hotset', bytes, hotFraction: hot, centered: p.centered !== null, moveEveryNs: moveEveryWork ? null : q(p.movesEvery, 'time', 'move interval'), moveEveryWork };
          } else pattern = { kind: p.name.text as 'uniform' | 'sequential' };
          const rate = a.rate ? (a.rate.unit === '/s' ? a.rate.number : null) : 10e6;
          if (a.rate && a.rate.unit !== '/s') this.error(a.rate.unitSpan ?? a.rate, 'an access rate is a count per second, e.g. 50M/s', 'unit');
          if (rate === null) { ok = false; break; }
          const writes = a.writes ? (a.writes.unit === '%' ? a.writes.number / 100 : a.writes.number) : 0;
          if (a.work && a.duration) {
            if (!(a.duration.number > 0)) { ok = false; break; }
            const work: M.AccessWork = { kind: a.work.text === 'passes' ? 'passes' : 'accesses', count: a.duration.number };
            out.push({ ...start, kind: 'access', region: a.region.text, pattern, accessesPerSec: rate, writeFraction: writes, durationNs: null, work });
          } else {
            out.push({ ...start, kind: 'access', region: a.region.text, pattern, accessesPerSec: rate, writeFraction: writes, durationNs: q(a.duration, 'time', 'access duration'), work: null });
          }
          break;
        }
        case 'dontneed': {
          if (!a.region) { ok = false; break; }
          const bytes = a.size ? q(a.size, 'size', 'size') : Infinity;
          if (bytes === null) { ok = false; break; }
          out.push({ ...start, kind: 'dontneed', region: a.region.text, offsetBytes: q(a.from, 'size', 'offset') ?? 0, bytes: bytes === Infinity ? Number.MAX_SAFE_INTEGER : bytes, perBytes: q(a.per, 'size', 'chunk size') });
          break;
        }
        case 'free':
          if (!a.region) { ok = false; break; }
          out.push({ ...start, kind: 'free', region: a.region.text });
          break;
        case 'drop_caches': {
          const mode = a.mode ? a.mode.number : 3;
          if (![1, 2, 3].includes(mode) || (a.mode && a.mode.unit !== null)) {
            this.error(a.mode ?? a.span, 'drop_caches takes 1 (page cache), 2 (slab) or 3 (both), as /proc/sys/vm/drop_caches does', 'range');
            ok = false;
            break;
          }
          out.push({ ...start, kind: 'drop_caches', mode });
          break;
        }
        case 'exit':
          out.push({ ...start, kind: 'exit' });
          break;
      }
    }
    return ok ? out : null;
  }

  /** A single allocation larger than the machine can never succeed; a sum larger is likely OOM. */
  private checkCapacity(cfg: Config, machine: M.Machine, workloads: M.Workload[]): void {
    const ram = machine.nodes.reduce((s, n) => s + n.memoryBytes - n.reservedBytes, 0);
    const total = ram + (machine.swap?.sizeBytes ?? 0);
    for (const w of workloads) {
      const item = cfg.workloads.get(w.name)!.item;
      let live = 0;
      for (const [i, ph] of w.phases.entries()) {
        const span = item.phases[i]?.action?.span ?? item.name!;
        if (ph.kind === 'alloc') {
          if (ph.bytes > total) this.error(span, `allocating ${fmtBytes(ph.bytes)} is more than the machine's memory${machine.swap ? ' and swap' : ''} (${fmtBytes(total)})`, 'too-large');
          live += ph.bytes;
          if (live > total && ph.bytes <= total) this.warn(span, `workload '${w.name}' now holds ${fmtBytes(live)}, more than the machine's ${fmtBytes(total)}: expect the OOM killer`, 'too-large');
        }
        if (ph.kind === 'access' && ph.pattern.kind === 'hotset') {
          const region = w.phases.find((p) => p.kind === 'alloc' && p.region === ph.region);
          if (region && region.kind === 'alloc' && ph.pattern.bytes > region.bytes) this.error(span, `the hot set (${fmtBytes(ph.pattern.bytes)}) is larger than region '${ph.region}' (${fmtBytes(region.bytes)})`, 'too-large');
        }
      }
    }
  }

  private checkTiering(scenarios: M.Scenario[]): void {
    for (const s of scenarios) {
      const tiers = new Set(s.machine.nodes.map((n) => n.tier));
      if (tiers.size > 1) continue;
      const nb = Number(s.knobs['kernel.numa_balancing']);
      const demote = s.knobs['numa.demotion_enabled'] === true;
      if (!(nb & 2) && !demote) continue;
      const setting = (name: string) => {
        const v = this.variants.find((x) => x.name?.text === s.variant);
        return v?.settings.find((x) => x.name.text === name) ?? this.base.knobs.get(name);
      };
      const at = (nb & 2 ? setting('kernel.numa_balancing') : setting('numa.demotion_enabled')) ?? this.machine?.keyword;
      if (at) this.warn(at, `memory tiering is enabled but every node is in tier ${[...tiers][0]}: there is no slower tier to demote to or promote from`, 'no-slow-tier');
    }
  }

  // --- sweeps and expectations ---------------------------------------------------------------------

  /** A sweep and the knobs crossed with it, as the product's points (the last knob changing
   *  fastest). `swept` holds the knobs earlier sweeps took: a knob swept twice would give two
   *  variants one name, or one point two values. */
  private resolveSweep(sw: A.SweepItem, swept: Map<string, A.Span>): M.SweepSpec | null {
    const axes: M.SweepAxis[] = [];
    const labels: string[][] = [];
    let ok = true;
    for (const axis of [sw, ...sw.cross]) {
      const r = this.resolveAxis(axis);
      if (!r) { ok = false; continue; }
      const before = swept.get(r.axis.knob);
      if (before && axis.knob) {
        const here = sw.cross.length > 0 && before.start >= sw.start ? 'this product' : 'another sweep';
        this.error(axis.knob, `'${r.axis.knob}' is swept twice (again in ${here}); sweep it once, with all its values in one list`, 'duplicate');
        ok = false;
        continue;
      }
      if (axis.knob) swept.set(r.axis.knob, axis.knob);
      axes.push(r.axis);
      labels.push(r.labels);
    }
    if (!ok || axes.length === 0) return null;
    const count = axes.reduce((n, a) => n * a.values.length, 1);
    if (count > M.MAX_SWEEP_POINTS) {
      this.error(sw.keyword, `this sweep has ${axes.map((a) => a.values.length).join(' x ')} = ${count.toLocaleString('en-US')} points; at most ${M.MAX_SWEEP_POINTS.toLocaleString('en-US')} (a result holds at most that many variants): sweep fewer values or split it into several scenarios`, 'range');
      return null;
    }
    const points: M.KnobValue[][] = [];
    const variantNames: string[] = [];
    for (let i = 0; i < count; i++) {
      // Mixed radix, last knob fastest: point i's value index for each knob.
      let rest = i;
      const idx = new Array<number>(axes.length);
      for (let j = axes.length - 1; j >= 0; j--) { idx[j] = rest % axes[j].values.length; rest = Math.floor(rest / axes[j].values.length); }
      points.push(idx.map((x, j) => axes[j].values[x]));
      variantNames.push(idx.map((x, j) => `${axes[j].knob}=${labels[j][x]}`).join(' '));
    }
    const single = axes.length === 1;
    return { knob: axes.map((a) => a.knob).join(' x '), values: single ? axes[0].values : [], variantNames, axes, points };
  }

  /** One knob of a sweep: its values and their labels as written. */
  private resolveAxis(sw: A.SweepAxis): { axis: M.SweepAxis; labels: string[] } | null {
    if (!sw.knob) return null;
    const k = findKnob(sw.knob.text);
    if (!k) { this.unknown(sw.knob, 'knob', sw.knob.text, KNOBS.map((x) => x.name), 'unknown-knob'); return null; }
    let values: M.KnobValue[] = [];
    let labels: string[] = [];
    if (sw.range) {
      const r = sw.range;
      const from = this.knobValue(k, r.from);
      const to = this.knobValue(k, r.to);
      const step = k.type.kind === 'enum' || k.type.kind === 'bool' ? null : this.stepValue(k, r.step);
      if (k.type.kind === 'enum' || k.type.kind === 'bool') { this.error(sw.knob, `'${k.name}' takes names: sweep it over a list, e.g. [${k.type.kind === 'enum' ? k.type.values.slice(0, 2).join(', ') : 'off, on'}]`); return null; }
      if (typeof from !== 'number' || typeof to !== 'number' || step === null) return null;
      if (step <= 0) { this.error(r.step, 'the step must be above zero', 'range'); return null; }
      const count = Math.floor((to - from) / step + 1e-9) + 1;
      if (count < 1) { this.error(r.to, "'to' is below 'from'", 'range'); return null; }
      if (count > 200) { this.error(r.step, `this sweep has ${count} points; at most 200`, 'range'); return null; }
      for (let i = 0; i < count; i++) values.push(+(from + i * step).toPrecision(12));
      labels = values.map((v) => formatSweepValue(k, v as number));
    } else {
      for (const v of sw.values) {
        const x = this.knobValue(k, v);
        if (x !== null) { values.push(x); labels.push(sourceText(v)); }
      }
      if (sw.values.length === 0) { this.error(sw.knob, 'the sweep has no values'); return null; }
      if (values.length !== sw.values.length) return null;
    }
    const dup = values.findIndex((v, i) => values.indexOf(v) !== i);
    if (dup >= 0) this.warn(sw.range ? sw.knob : sw.values[dup], `value ${labels[dup]} appears twice in the sweep`, 'duplicate');
    return { axis: { knob: k.name, values }, labels };
  }

  private stepValue(k: Knob, v: A.Value): number | null {
    if (v.kind !== 'quantity') { this.error(v, 'the step is a number', 'type'); return null; }
    if (k.type.kind === 'quantity') return this.quantityIn(v, k.type.dimension, 'the step', k.unit);
    return v.number;
  }

  /** A number in an expectation, in the unit of the metric it is compared with: `50%` against a
   *  ratio is 0.5, `1 us` against avg_access_ns is 1000, `1 GiB` against a meminfo field (kB) is
   *  1048576. A unit of another kind than the metric's is an error. */
  private expectNumber(q: A.QuantityValue, metric: string | null): M.Operand | null {
    const unit = metric ? metricUnit(metric) : null;
    if (!q.unit) {
      if (unit?.kind === 'ratio' && q.number > 1) {
        this.warn(q, `${metric} is a fraction from 0 to 1; did you mean ${q.number}%?`, 'unit',
          [{ title: "Add '%'", span: { start: q.end, end: q.end }, newText: '%' }]);
      }
      return { kind: 'number', value: q.number };
    }
    const span = q.unitSpan ?? q;
    if (q.unit === '%') {
      if (unit && unit.kind !== 'ratio') { this.error(span, `'%' fits a ratio such as remote_access_ratio, not ${metric}`, 'unit'); return null; }
      return { kind: 'number', value: q.number / 100 };
    }
    const dim = unitDimension(q.unit);
    if (!dim) { this.error(span, `unknown unit '${q.unit}'`, 'unit'); return null; }
    if (!unit) return { kind: 'number', value: q.number * UNITS[dim][q.unit] };
    if (unit.kind === 'ratio') { this.error(span, `${metric} is a ratio: write a percentage such as 50%, or a fraction such as 0.5`, 'unit'); return null; }
    if (unit.kind === 'count' || unit.kind !== dim) {
      const want = unit.kind === 'count' ? 'a count: give a plain number (k, M, G allowed)' : `a ${unit.kind}: give a number in ${Object.keys(UNITS[unit.kind]).join(' ')}`;
      this.error(span, `${metric} is ${want}, not a ${dim}`, 'unit');
      return null;
    }
    return { kind: 'number', value: (q.number * UNITS[dim][q.unit]) / unit.per };
  }

  private checkExpectations(variants: Set<string>, base: M.Scenario | null, scenarios: M.Scenario[]): M.Expectation[] {
    const out: M.Expectation[] = [];
    const names = {
      workloads: [...this.base.workloads.keys()],
      cgroups: [...this.base.cgroups.keys()],
      nodes: base ? base.machine.nodes.map((n) => n.id) : this.nodeIds,
    };
    for (const e of this.expects) {
      if (!e.left || !e.op || !e.right) continue;
      const operand = (o: A.Operand, other: A.Operand): M.Operand | null => {
        if (o.kind === 'number') return this.expectNumber(o.value, other.kind === 'metric' ? other.metric.text : null);
        let ok = true;
        if (o.variant.text !== '*') {
          this.symbols.push({ kind: 'variant', name: o.variant.text, start: o.variant.start, end: o.variant.end, definition: false });
          if (!variants.has(o.variant.text)) {
            this.unknown(o.variant, 'variant', o.variant.text, variants, 'unknown-variant', variants.size ? '' : '; the scenario has no variants (use base)');
            ok = false;
          }
        }
        const m = checkMetric(o.metric.text, names);
        if (!m.ok) {
          this.error(o.metric, m.message + (m.suggestion ? `; did you mean '${m.suggestion}'?` : ''), 'unknown-metric',
            m.suggestion ? [{ title: `Change to '${m.suggestion}'`, span: o.metric, newText: m.suggestion }] : []);
          ok = false;
        }
        if (ok && !o.metric.text.includes('.')) {
          const versions = scenarios.filter((s) => o.variant.text === '*' || s.variant === o.variant.text).map((s) => s.kernel?.version ?? DEFAULT_KERNEL);
          const problem = counterProblem(o.metric.text, versions);
          if (problem) this.warn(o.metric, `${problem}: the expectation cannot be evaluated there`, 'version-counter');
        }
        if (o.scale && !(o.scale.number > 0)) {
          this.error(o.scale, 'the factor before a metric is a positive number, e.g. 1.064 * hot.workload.app.runtime_ms', 'range');
          ok = false;
        }
        if (!ok) return null;
        return o.scale ? { kind: 'metric', variant: o.variant.text, metric: o.metric.text, scale: o.scale.number } : { kind: 'metric', variant: o.variant.text, metric: o.metric.text };
      };
      const left = operand(e.left, e.right);
      const right = operand(e.right, e.left);
      if (e.left.kind === 'number' && e.right.kind === 'number') this.warn(e, 'this expectation compares two numbers and does not depend on the run', 'constant-expectation');
      if (left && right) out.push({ text: exprText(e), left, op: e.op.text as M.Comparison, right });
    }
    return out;
  }
}

// --- helpers ----------------------------------------------------------------------------------------

/** How a phase is named in `after` and in results: the action and its region or file. */
export function phaseLabel(a: A.Action): string {
  switch (a.kind) {
    case 'alloc': return `alloc ${a.region?.text ?? ''}`;
    case 'file': return `${a.op} ${a.file?.text ?? ''}`;
    case 'exit': return 'exit';
    case 'drop_caches': return 'drop_caches';
    default: return `${a.kind} ${a.region?.text ?? ''}`;
  }
}

/** Index of the last phase in `earlier` that `after ACTION NAME` names, or null. */
function findFollowed(ref: A.PhaseRef, earlier: A.PhaseItem[]): number | null {
  const want = `${ref.action.text} ${ref.target?.text ?? ''}`;
  for (let i = earlier.length - 1; i >= 0; i--) {
    const a = earlier[i].action;
    if (a && a.kind !== 'exit' && a.kind !== 'drop_caches' && phaseLabel(a) === want) return i;
  }
  return null;
}

function defaultDistance(nodes: M.NodeSpec[]): number[][] {
  return nodes.map((a) => nodes.map((b) => (a.id === b.id ? 10 : a.cpus.length && b.cpus.length ? 21 : 24)));
}

/** Latency from CPU node c to memory node m: m's own latency seen from its nearest CPU node,
 *  plus 5 ns per SLIT unit beyond that nearest distance (21 -> +55 ns, about 135 ns remote). */
export function deriveLatency(nodes: M.NodeSpec[], distance: number[][]): number[][] {
  const cpuNodes = nodes.filter((n) => n.cpus.length);
  return nodes.map((c) => nodes.map((m) => {
    const nearest = Math.min(...cpuNodes.map((x) => distance[x.id][m.id]));
    return m.latencyNs + 5 * Math.max(0, distance[c.id][m.id] - nearest);
  }));
}

function caseFold(unit: string, units: string[]): string | undefined {
  return units.find((u) => u.toLowerCase() === unit.toLowerCase());
}

function exprText(e: A.ExpectItem): string {
  const op = (o: A.Operand) => (o.kind === 'number' ? sourceText(o.value) : `${o.scale ? `${sourceText(o.scale)} * ` : ''}${o.variant.text}.${o.metric.text}`);
  return `${op(e.left!)} ${e.op!.text} ${op(e.right!)}`;
}

function sourceText(v: A.Value): string {
  switch (v.kind) {
    case 'quantity': return `${+v.number.toPrecision(12)}${v.unit ? (v.unit === '%' || v.unit.startsWith('/') ? '' : ' ') + v.unit : ''}`;
    case 'ident': return v.name;
    case 'string': return v.value;
    default: return '?';
  }
}

function formatSweepValue(k: Knob, v: number): string {
  if (k.type.kind === 'quantity') return `${+(v / UNITS[k.type.dimension][k.unit]).toPrecision(6)} ${k.unit}`;
  return String(v);
}

export function fmtBytes(b: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = b;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${+v.toPrecision(4)} ${units[i]}`;
}

export function fmtTime(ns: number): string {
  if (ns >= 60e9 && ns % 60e9 === 0) return `${ns / 60e9} min`;
  if (ns >= 1e9) return `${+(ns / 1e9).toPrecision(6)} s`;
  if (ns >= 1e6) return `${+(ns / 1e6).toPrecision(6)} ms`;
  if (ns >= 1e3) return `${+(ns / 1e3).toPrecision(6)} us`;
  return `${ns} ns`;
}

/** Sorted CPU ids as the language writes them: 0-7,12. */
function cpuRanges(xs: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < xs.length; i++) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j] + 1) j++;
    parts.push(j > i ? `${xs[i]}-${xs[j]}` : String(xs[i]));
    i = j;
  }
  return parts.join(',');
}

function compactList(xs: number[]): string {
  return xs.length > 4 ? `${xs.slice(0, 4).join(', ')}, …` : xs.join(', ');
}
