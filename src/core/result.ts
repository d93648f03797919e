// The result of a run: what the core produces, the CLI prints and the panels chart. The JSON
// written by `numa-lab run --format json` is exactly `RunResult`. Sizes are kB (as meminfo
// prints them), times ms since the start of the run, counters as /proc/vmstat counts them
// (pages for pg*/pswp*/numa_*, events otherwise).

export interface RunResult {
  scenario: string;
  seed: number;
  /** Tool version that produced the file, so saved results can be told apart. */
  version: string;
  variants: VariantResult[];
  /** Sweeps of the scenario, so a panel can chart a metric against the swept knob. */
  sweeps: ResultSweep[];
  /** Every expectation of the scenario whose variants were run, in source order. */
  expectations?: { text: string; passed: boolean; detail: string }[];
  /** Where the numbers come from: the simulator, or a real kernel booted under QEMU
   *  (`numa-lab kernel`). Every reader can tell the two apart. */
  source?: ResultSource;
}

/** One sweep: a knob and its values (variants[i] is values[i]), or a product of knobs
 *  (`sweep a = ... x b = ...`): then knob joins their names, values is empty and axes lists
 *  each knob's values; variants enumerates the product with the last axis changing fastest. */
export interface ResultSweep {
  knob: string;
  values: (number | string | boolean)[];
  variants: string[];
  axes?: { knob: string; values: (number | string | boolean)[] }[];
}

export type ResultSource =
  | { kind: 'simulation'; version: string }
  /** release: `uname -r` of the guest; accel: QEMU's accelerator; kernel: the image booted. */
  | { kind: 'kernel'; release: string; accel: 'kvm' | 'tcg'; kernel: string };

/** What only a kernel run has, per variant (one boot each). */
export interface KernelVariantInfo {
  /** ok; oom (a workload was OOM-killed, the run went on); panic, timeout, cancelled, error
   *  (the boot ended early: the series stop there). */
  status: 'ok' | 'panic' | 'oom' | 'timeout' | 'cancelled' | 'error';
  message: string;
  /** Wall time of the boot, from starting QEMU to its exit, and until the agent started, ms. */
  wall_ms: number;
  boot_ms: number | null;
  /** Folder with console.log (kernel log), stream.jsonl (agent output), plan and qemu.cmd. */
  log_dir: string;
  knobs: { name: string; path: string; want: string; got: string; ok: boolean; error?: string }[];
  not_applied: { setting: string; reason: string; matters: boolean }[];
  errors: string[];
  /** Phases the guest did not complete at the scenario's rates (TCG is slow): the result
   *  then describes less work than the scenario asks for. */
  shortfalls?: string[];
  /** Which boot of `--repeat N` this is (1-based). */
  repeat: number;
}

export interface VariantResult {
  name: string;
  /** The kernel version the simulation followed (core/versions.ts) and what the scenario changed
   *  from it (model.* against the version's default, patches, settings the version lacks). Set
   *  by the core; absent in kernel runs and in results saved before versions existed. */
  simulated_kernel?: { version: string; overrides: string[] };
  summary: Summary;
  series: Series;
  events: SimEvent[];
  /** Kernel runs only. */
  kernel?: KernelVariantInfo;
}

/** Every number in a result is finite: never null, NaN or Infinity (the engine checks before it
 *  returns a variant). */
export interface Summary {
  /** Mean cost of an access, ns: latency plus the stalls charged to the workloads, over their
   *  accesses. 0 when the variant made no access at all (no workload accessed memory): a number,
   *  never null, so tables and expectations need no special case. */
  avg_access_ns: number;
  /** Share of accesses that went to another node than the CPU's; 0 with no access. */
  remote_access_ratio: number;
  /** Cumulative /proc/vmstat counters at the end of the run, as the variant's kernel version
   *  names them (a counter the version lacks is absent). */
  vmstat: Record<string, number>;
  /** nodeN/meminfo at the end of the run. */
  nodes: NodeMeminfo[];
  workloads: WorkloadSummary[];
  /** memory_events_low: memory.events' low count (reclaim of the cgroup while under memory.low). */
  cgroups: { name: string; memory_current: number; memory_current_max: number; memory_events_low: number }[];
  expectations: { text: string; passed: boolean; detail: string }[];
  /** Simulated time at which the run ended, ms: when every closed-loop workload was done, or
   *  the run's duration (its upper bound). */
  end_ms: number;
  /** Closed-loop workloads that had not finished their work when the run reached its bound. */
  unfinished: string[];
  /** Wall-clock time the simulation of this variant took, ms (not part of determinism checks). */
  wall_ms?: number;
}

export interface NodeMeminfo {
  node: number;
  MemTotal: number;
  MemFree: number;
  FilePages: number;
  AnonPages: number;
  AnonHugePages: number;
  Active: number;
  Inactive: number;
}

export interface WorkloadSummary {
  name: string;
  /** As in Summary: 0 when the workload made no access. */
  avg_access_ns: number;
  remote_access_ratio: number;
  accesses: number;
  /** Resident memory by node id, kB. */
  resident_kB_by_node: Record<string, number>;
  /** Stall time charged to the workload, ms, by cause (fault, compaction, reclaim, swapin, migration). */
  stall_ms: Record<string, number>;
  /** Threads issuing its closed-loop work. */
  threads: number;
  /** End of its last phase minus its start, ms; null if it did not finish within the run. */
  runtime_ms: number | null;
  /** Where its time went, ms of run time (thread time over threads): compute, memory (latency
   *  over memory-level parallelism) and each stall cause; reclaim adds the CPU time kswapd took
   *  from its threads. */
  time_ms: { compute: number; memory: number; fault: number; reclaim: number; compaction: number; swapin: number; migration: number };
  /** The memory part of time_ms by where the memory was. */
  memory_ms: { local: number; remote: number; slow_tier: number };
  /** Each phase as written (`access heap`), with its start and end (null while unfinished), ms. */
  phases: { phase: string; start_ms: number | null; end_ms: number | null }[];
}

export interface Series {
  t_ms: number[];
  nodes: NodeSeries[];
  /** memory.current per cgroup, bytes. */
  cgroups: { name: string; memory_current: number[] }[];
  /** Per-workload resident kB per node, for the "split per workload" view. */
  workloads: { name: string; node: number; resident_kB: number[] }[];
  /** Cumulative vmstat counters sampled at each t_ms (a chosen subset: the key counters, those
   *  the version has). */
  vmstat: Record<string, number[]>;
  /** Per workload at each t_ms: accesses done so far, and over the interval before the sample
   *  the throughput (accesses per second) and the mean cost of an access (memory latency plus
   *  stalls per access, ns; 0 when it did no access). */
  workload_perf: { name: string; accesses: number[]; accesses_per_s: number[]; ns_per_access: number[]; cpu_node?: number[] }[];
}

export interface NodeSeries {
  node: number;
  MemFree: number[];
  FilePages: number[];
  AnonPages: number[];
  AnonHugePages: number[];
  Active: number[];
  Inactive: number[];
}

export type EventKind =
  | 'kswapd_wake'
  | 'kswapd_sleep'
  | 'direct_reclaim'
  | 'node_reclaim'
  | 'compact_success'
  | 'compact_fail'
  | 'swap_out'
  | 'swap_in'
  | 'demotion'
  | 'promotion'
  | 'numa_migrate'
  /** A task moved to another node by NUMA balancing, or joined a numa group (pages 0). */
  | 'sched_move_numa'
  | 'thp_split'
  | 'deferred_split_queue'
  | 'oom_kill';

export interface SimEvent {
  t_ms: number;
  kind: EventKind;
  node: number;
  pages: number;
  /** Why it happened, in kernel terms: "alloc below low watermark", "memory.max", ... */
  cause: string;
  /** The workload it was charged to, if any. */
  workload?: string;
  /** Duration of a stall or of a kswapd run, ms. */
  duration_ms?: number;
}

/** Progress reported by a running simulation, for the editor's progress bar and live panel. */
export interface Progress {
  variant: string;
  variantIndex: number;
  variantCount: number;
  simulated_ms: number;
  duration_ms: number;
  /** The whole run's share done, 0 to 1, when variants run side by side (src/runner). */
  overall?: number;
}
