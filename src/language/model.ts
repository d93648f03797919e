// The resolved scenario: what the checker hands to the simulation core. Every default is filled
// in from the schema, every variant override is applied, every unit is converted to a base unit
// (bytes, nanoseconds, bytes per second, events per second). One `Scenario` per variant.
//
// Nothing here knows about syntax or source positions: the core depends on this file only.

export type KnobValue = number | string | boolean;

/** Knob values by full schema name, e.g. `vm.zone_reclaim_mode` -> 1. Always complete. */
export type KnobSettings = Record<string, KnobValue>;

export interface NodeSpec {
  id: number;
  memoryBytes: number;
  /** CPU ids on this node; empty for a CPU-less node (PMEM, CXL). */
  cpus: number[];
  /** Memory tier: 0 is the fastest. Defaults to 0 for nodes with CPUs, 1 for CPU-less nodes. */
  tier: number;
  /** Idle load-to-use latency from a CPU on its nearest node, in ns. */
  latencyNs: number;
  /** Peak bandwidth of the node's memory, bytes per second (reads, or reads and writes alike). */
  bandwidthBytesPerSec: number;
  /** Peak write bandwidth, bytes per second: `bandwidth` unless the device writes slower than it
   *  reads (Optane PMEM: 2.3 against 6.6 GB/s per DIMM). */
  writeBandwidthBytesPerSec: number;
  /** Memory the kernel keeps at boot (memmap, kernel image, firmware): installed memory minus
   *  MemTotal. 0 unless the scenario or preset says. */
  reservedBytes: number;
}

export interface SwapSpec {
  sizeBytes: number;
  /** Latency of one 4 KiB swap-in (major fault service time), ns. */
  latencyNs: number;
  /** Sustained write bandwidth for swap-out, bytes per second. */
  bandwidthBytesPerSec: number;
  /** Bytes of writes the device's request queue holds (--scale scales it with the bandwidth);
   *  absent: the block layer's default (src/core/swap_io.ts QUEUE_BYTES). */
  queueBytes?: number;
}

export interface Machine {
  /** Preset the machine was built from, if any. */
  preset?: string;
  nodes: NodeSpec[];
  /** SLIT distances, distance[from][to], 10 on the diagonal. */
  distance: number[][];
  /** Idle access latency from a CPU on node `from` to memory on node `to`, ns. Always complete
   *  (derived from node latency and SLIT distance where the scenario gives no matrix). */
  latencyNs: number[][];
  swap: SwapSpec | null;
}

export type MempolicyMode =
  | 'local'
  | 'preferred'
  | 'bind'
  | 'interleave'
  | 'weighted-interleave'
  | 'preferred-many';

export interface Mempolicy {
  mode: MempolicyMode;
  /** The policy's nodemask; empty for `local`. */
  nodes: number[];
  /** Per-node weights for weighted interleave, parallel to `nodes`; all 1 otherwise. */
  weights: number[];
}

export interface Cgroup {
  name: string;
  /** memory.max, memory.high, memory.low in bytes; null when unset ("max" / 0). */
  max: number | null;
  high: number | null;
  low: number | null;
}

export type AccessPattern =
  | { kind: 'uniform' }
  | { kind: 'zipf'; exponent: number }
  /** A hot set of `bytes` that takes `hotFraction` of accesses, first at the start of the
   *  region or, `centered`, in its middle; it moves to a new place in the region every
   *  `moveEveryNs` or after every `moveEveryWork` of the phase's accesses (both null: never). */
  | { kind: 'hotset'; bytes: number; hotFraction: number; centered: boolean; moveEveryNs: number | null; moveEveryWork: AccessWork | null }
  | { kind: 'sequential' };

/** When a phase starts: at `atNs` from the start of the run, or, when `after` is set, when the
 *  workload's phase number `after` (an index into its phases) has ended. */
export interface PhaseStart {
  atNs: number;
  after: number | null;
  /** Name of the phase it follows, as written (`alloc heap`), for reports. */
  label: string;
}

/** The work of a closed-loop access phase: a count of accesses, or passes over the region
 *  (a pass is one access per 4 KiB page of it). */
export type AccessWork = { kind: 'accesses'; count: number } | { kind: 'passes'; count: number };

export type Phase = PhaseStart & (
  | { kind: 'alloc'; region: string; bytes: number; hugepage: boolean; rateBytesPerSec: number | null; mbind: Mempolicy | null }
  | { kind: 'file'; op: 'read' | 'write'; file: string; bytes: number; rateBytesPerSec: number | null }
  | {
      kind: 'access';
      /** An anonymous region or a file of this workload. */
      region: string;
      pattern: AccessPattern;
      /** Paced phases: accesses per second. Unused when `work` is set. */
      accessesPerSec: number;
      writeFraction: number;
      /** Paced phases: null runs until the workload exits or the run ends. */
      durationNs: number | null;
      /** Closed loop: the workload's threads issue accesses back to back until this much work
       *  is done; null for a paced phase. */
      work: AccessWork | null;
    }
  | {
      kind: 'dontneed';
      region: string;
      /** MADV_DONTNEED `bytes` starting at `offsetBytes`; when `perBytes` is set, `bytes` at
       *  `offsetBytes` into every `perBytes` chunk of the whole region (e.g. 1 MiB of each 2 MiB). */
      offsetBytes: number;
      bytes: number;
      perBytes: number | null;
    }
  | { kind: 'free'; region: string }
  /** echo MODE > /proc/sys/vm/drop_caches: 1 clean page cache, 2 slab (shrinkers), 3 both. */
  | { kind: 'drop_caches'; mode: number }
  | { kind: 'exit' }
);

export interface Workload {
  name: string;
  /** CPUs it runs on; set from `node = N` as that node's CPUs. */
  cpus: number[];
  /** CPUs the scheduler may move it to (its affinity mask); `cpus` when not stated. NUMA
   *  balancing's task placement moves it only within these. */
  cpusAllowed: number[];
  mempolicy: Mempolicy;
  cgroup: string | null;
  /** Phases in source order. */
  phases: Phase[];
  /** Threads issuing the accesses of closed-loop phases (default: one per CPU). */
  threads: number;
  /** CPU time per access outside memory (ns). */
  computePerAccessNs: number;
  /** Memory-level parallelism: misses one thread keeps in flight. */
  mlp: number;
}

export interface RunSettings {
  durationNs: number;
  sampleNs: number;
  seed: number;
}

export type Comparison = '<' | '<=' | '>' | '>=' | '==' | '!=';

export type Operand =
  /** A metric of one variant's result: a summary metric (`avg_access_ns`,
   *  `remote_access_ratio`), a /proc/vmstat counter, `workload.NAME.avg_access_ns` or
   *  `nodeN.FIELD` (a meminfo field at the end of the run). */
  | { kind: 'metric'; variant: string; metric: string; /** `1.064 * hot.workload.app.runtime_ms`: the metric times this (default 1). */ scale?: number }
  | { kind: 'number'; value: number };

export interface Expectation {
  /** The source text, as the user wrote it, for reports. */
  text: string;
  left: Operand;
  op: Comparison;
  right: Operand;
}

/** The kernel a variant runs: its version and what the scenario changed from that version. */
export interface KernelSettings {
  /** `6.1`, `5.3-rc5`: the version whose behaviours and counters the run follows. */
  version: string;
  /** Settings that differ from the version: model.* set against its default, patch.* on, and
   *  settings the version does not have (run as if backported). */
  overrides: string[];
}

export interface Scenario {
  title: string;
  /** Name of the variant this scenario is ("base" when the file declares none). */
  variant: string;
  machine: Machine;
  /** Absent in scenarios built by hand: the default version (6.1) with no overrides. */
  kernel?: KernelSettings;
  knobs: KnobSettings;
  cgroups: Cgroup[];
  workloads: Workload[];
  run: RunSettings;
}

/** Everything one `.numa` file asks for: one resolved scenario per variant (sweep points are
 *  variants too) and the expectations over them. */
export interface ScenarioSet {
  title: string;
  variants: Scenario[];
  sweeps: SweepSpec[];
  expectations: Expectation[];
}

/** At most this many points in one sweep (a product included): a result holds at most this
 *  many variants (protocol/resultSchema.ts MAX_VARIANTS). */
export const MAX_SWEEP_POINTS = 4096;

/** One knob a sweep varies and its values, in the order written. */
export interface SweepAxis {
  knob: string;
  values: KnobValue[];
}

/** A sweep: one knob, or several crossed (`sweep a = ... x b = ...`) into their product. */
export interface SweepSpec {
  /** The knob, or for a product the knobs joined by ' x '. */
  knob: string;
  /** One knob: its values, variantNames[i] being values[i]. A product: empty (see axes). */
  values: KnobValue[];
  /** Variant names generated for each point, in order: `KNOB=VALUE`, space-separated for a product. */
  variantNames: string[];
  /** Every knob with its values; points enumerate their product with the last knob fastest. */
  axes: SweepAxis[];
  /** Each point's value of every axis, in the order of variantNames. */
  points: KnobValue[][];
}
