// The typed syntax tree of a `.numa` file. Every node has a span (offsets into the text) so the
// checker, hover, go-to-definition, rename and the formatter can all point back at the source.

export interface Span {
  start: number;
  end: number;
}

export interface Name extends Span {
  text: string;
}

// --- Values -------------------------------------------------------------------------------------

export type Value =
  | QuantityValue
  | IdentValue
  | StringValue
  | ListValue
  | RangeValue
  | CallValue
  | PairValue
  | ArrayValue;

/** A number with an optional unit: `125 GB`, `80 ns`, `50M/s`, `30%`, `4 GB/s`, `7`. */
export interface QuantityValue extends Span {
  kind: 'quantity';
  /** The number as written, count suffix (k/M/G) applied. */
  number: number;
  unit: string | null;
  unitSpan: Span | null;
  /** The number is an integer written without a fraction or exponent. */
  integer: boolean;
}
export interface IdentValue extends Span { kind: 'ident'; name: string }
export interface StringValue extends Span { kind: 'string'; value: string }
/** `0-3,8-11`: a comma list of numbers and ranges (CPU lists, node lists). */
export interface ListValue extends Span { kind: 'list'; items: Value[] }
export interface RangeValue extends Span { kind: 'range'; from: QuantityValue; to: QuantityValue }
/** `bind(0,1)`, `weighted-interleave(0:3, 1:1)`. */
export interface CallValue extends Span { kind: 'call'; callee: Name; args: Value[] }
/** `0:3` inside a call: node and weight. */
export interface PairValue extends Span { kind: 'pair'; key: QuantityValue; value: QuantityValue }
/** `[10, 100, 1000]` in a sweep. */
export interface ArrayValue extends Span { kind: 'array'; items: Value[] }

export interface Setting extends Span {
  name: Name;
  value: Value | null;
}

// --- Items ----------------------------------------------------------------------------------------

export type Item =
  | ScenarioItem
  | MachineItem
  | SettingsBlock
  | CgroupItem
  | WorkloadItem
  | VariantItem
  | SweepItem
  | ExpectItem;

export interface ScenarioItem extends Span { kind: 'scenario'; keyword: Span; title: string | null }

export interface MachineItem extends Span {
  kind: 'machine';
  keyword: Span;
  preset: Name | null;
  nodes: NodeBlock[];
  matrices: MatrixBlock[];
  swap: SettingsBlock | null;
  /** Settings written directly in the machine block (none are defined yet; reported). */
  settings: Setting[];
}

export interface NodeBlock extends Span {
  kind: 'node';
  id: QuantityValue | null;
  settings: Setting[];
}

export interface MatrixBlock extends Span {
  kind: 'matrix';
  /** `distance` or `access_latency_ns`. */
  name: Name;
  rows: MatrixRow[];
}

export interface MatrixRow extends Span {
  node: QuantityValue;
  values: QuantityValue[];
}

/** `kernel { }`, `costs { }`, `run { }`, `swap { }`. */
export interface SettingsBlock extends Span {
  kind: 'settings';
  keyword: Name;
  /** `costs preset NAME`: a named cost profile the block's settings override. */
  preset?: Name | null;
  settings: Setting[];
}

export interface CgroupItem extends Span { kind: 'cgroup'; keyword: Span; name: Name | null; settings: Setting[] }

export interface WorkloadItem extends Span {
  kind: 'workload';
  keyword: Span;
  name: Name | null;
  settings: Setting[];
  phases: PhaseItem[];
}

export interface PhaseItem extends Span {
  kind: 'phase';
  /** `at TIME`; null for an `after` phase. */
  at: QuantityValue | null;
  /** `after ACTION NAME`: starts when the workload's last earlier phase of that action on that
   *  region (or file) ends. */
  after: PhaseRef | null;
  action: Action | null;
}

export interface PhaseRef extends Span {
  action: Name;
  /** The region or file; null only for `exit` (which nothing can follow). */
  target: Name | null;
}

export type Action =
  | { kind: 'alloc'; span: Span; region: Name | null; size: QuantityValue | null; hugepage: Span | null; mbind: Value | null; rate: QuantityValue | null }
  | { kind: 'file'; span: Span; op: 'read' | 'write'; file: Name | null; size: QuantityValue | null; rate: QuantityValue | null }
  | {
      kind: 'access';
      span: Span;
      region: Name | null;
      pattern: PatternNode | null;
      rate: QuantityValue | null;
      writes: QuantityValue | null;
      /** `for 30 s` (paced) or `for 2G accesses` / `for 10 passes` (closed loop). */
      duration: QuantityValue | null;
      /** `accesses` or `passes` after the `for` count: a closed-loop amount of work. */
      work: Name | null;
    }
  | { kind: 'dontneed'; span: Span; region: Name | null; size: QuantityValue | null; per: QuantityValue | null; from: QuantityValue | null }
  | { kind: 'free'; span: Span; region: Name | null }
  | { kind: 'drop_caches'; span: Span; mode: QuantityValue | null }
  | { kind: 'exit'; span: Span };

export interface PatternNode extends Span {
  name: Name;
  /** zipf exponent, hotset size. */
  arg: QuantityValue | null;
  hot: QuantityValue | null;
  /** `centered`: the hot set starts in the middle of the region (pmbench's normal patterns). */
  centered: Name | null;
  /** `moves every TIME`, or the count of `moves every N accesses|passes` (with `movesWork`). */
  movesEvery: QuantityValue | null;
  /** `accesses` or `passes` after the count of `moves every N`, or null for a time. */
  movesWork: Name | null;
}

export interface VariantItem extends Span {
  kind: 'variant';
  keyword: Span;
  name: Name | null;
  settings: Setting[];
  /** `workload NAME { }`, `cgroup NAME { }`, `node N { }`, `run { }`, `swap { }` overrides. */
  blocks: OverrideBlock[];
}

export interface OverrideBlock extends Span {
  target: 'workload' | 'cgroup' | 'node' | 'run' | 'swap';
  keyword: Span;
  /** Workload/cgroup name or node id text; null for run/swap. */
  name: Name | null;
  settings: Setting[];
}

/** One knob of a sweep and its values: `KNOB = [a, b]` or `KNOB = FROM to TO step STEP`. */
export interface SweepAxis extends Span {
  knob: Name | null;
  values: Value[];
  /** `from to step` form. */
  range: { from: Value; to: Value; step: Value } | null;
}

/** `sweep KNOB = ...` (the first axis) with `x KNOB = ...` factors crossed into a product. */
export interface SweepItem extends SweepAxis {
  kind: 'sweep';
  keyword: Span;
  /** The knobs crossed with the first one, each after its `x` (or `×`). */
  cross: (SweepAxis & { op: Span })[];
}

export type Operand =
  /** `VARIANT.METRIC`, or `NUMBER * VARIANT.METRIC` with the number as `scale`. */
  | (Span & { kind: 'metric'; variant: Name; metric: Name; scale?: QuantityValue })
  | (Span & { kind: 'number'; value: QuantityValue });

export interface ExpectItem extends Span {
  kind: 'expect';
  keyword: Span;
  left: Operand | null;
  op: Name | null;
  right: Operand | null;
}

export interface FileNode {
  items: Item[];
  /** Comments with their spans, for the formatter. */
  comments: Span[];
  length: number;
}
