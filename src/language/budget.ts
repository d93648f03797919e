// The budget of a scenario, estimated from the resolved scenarios alone before anything runs:
// how large its result will be and how much simulation work it asks for. A scenario over budget
// is an error at its `run` block, in `numa-lab check`, in the editor and in `numa-lab run` alike
// (12 nodes x 14 variants x 100k samples used to run 40 s into 2.4 GB and then fail to write;
// 25,000 workloads checked clean and then ran for minutes). `--budget FACTOR` raises the limits.

import { SAMPLED_COUNTERS } from '../core/vmstat';
import type { RunSettings, Scenario, ScenarioSet } from './model';

/** Longest simulation step: short enough for watermark gaps to be crossed a few times per
 *  sample. */
const MAX_STEP_NS = 50e6;
/** Shortest step. */
const MIN_STEP_NS = 1e6;

/** The step the core advances a run by: the engine and the budget share this rule, so the
 *  estimate counts the steps the run will take. It follows the sample interval (a sample falls
 *  on a step's end) and the dynamics' 50 ms, never the run's duration: `duration` is an upper
 *  bound, and a bound must not change what happens before it (a step that grew with it made
 *  tiering.numa's run time 172.7 s with a 3000 s bound against 176.6 s with 400 s). A long
 *  paced run therefore costs steps in proportion to its length, which the budget counts. */
export function stepNs(run: RunSettings): number {
  return Math.max(Math.min(run.sampleNs, MAX_STEP_NS), MIN_STEP_NS);
}

/** Samples per series: one at 0, one every `sample`, and one at the end when it falls between. */
export function sampleCount(run: RunSettings): number {
  const whole = Math.floor(run.durationNs / run.sampleNs + 1e-9);
  return whole + 1 + (whole * run.sampleNs < run.durationNs - 1e-6 ? 1 : 0);
}

// How the result's JSON size is estimated. Measured on the examples and the fixtures (`npm run
// docs` results of examples/*.numa, cxl-sweep.numa): a series number takes 3.3 to 4.7 bytes with
// its comma (most counters are 0, memory figures are kB); an event about 125 bytes; a variant's
// summary about 1.2 kB plus its nodes and workloads.
const BYTES_PER_VALUE = 4.5;
const BYTES_PER_EVENT = 125;
const SUMMARY_BYTES = 1200;
const SUMMARY_BYTES_PER_NODE = 150;
const SUMMARY_BYTES_PER_WORKLOAD = 150;
/** Events are coalesced per kind, node, cause and workload within 250 ms, so a stream that is
 *  busy all the time gives 4 a second; the estimate assumes one such stream per node. The core
 *  keeps at most 4000 per variant (events.ts MAX_EVENTS). */
const EVENTS_PER_NODE_SECOND = 4;
const MAX_EVENTS = 4000;
/** Work: a step costs each workload's faults and accesses and each node's kswapd, so one unit
 *  is a workload or a node for one step. Measured: 8 us a unit for light workloads (1,000 of
 *  them for 1,200 steps in 9.7 s), 40 to 120 us for the examples' busy reclaim. */
const workPerStep = (s: Scenario) => s.workloads.length + s.machine.nodes.length;

export interface BudgetEstimate {
  variants: number;
  sweeps: number;
  /** The most workloads and nodes in any variant. */
  workloads: number;
  nodes: number;
  /** Samples per series of the longest variant, and series per variant at most. */
  samples: number;
  series: number;
  /** Numbers in every variant's series together. */
  seriesValues: number;
  /** Size of the result's JSON. */
  resultBytes: number;
  /** Simulation steps of every variant together. */
  steps: number;
  /** Steps x (workloads + nodes), over every variant (see workPerStep). */
  work: number;
}

export interface Budget {
  resultBytes: number;
  work: number;
  workloads: number;
}

/** The default budget. 128 MiB of result JSON: the extension refuses saved results over
 *  256 MiB, and the estimate is good to about 2x; the largest example writes 3 MB. 5 million
 *  units of work: from under a minute to a few minutes of simulation on one core; the examples
 *  need 60,000 at most, the long-run fixture 1 million. 1,000 workloads: the OOM killer and
 *  reclaim walk every workload, so past that a step's cost grows faster than their number
 *  (2,000 workloads that overcommit memory took 6 s a step). */
export const DEFAULT_BUDGET: Budget = { resultBytes: 128 * 1024 * 1024, work: 5e6, workloads: 1000 };

export function estimateBudget(set: ScenarioSet): BudgetEstimate {
  const e: BudgetEstimate = { variants: set.variants.length, sweeps: set.sweeps.length, workloads: 0, nodes: 0, samples: 0, series: 0, seriesValues: 0, resultBytes: 0, steps: 0, work: 0 };
  for (const s of set.variants) {
    const n = s.machine.nodes.length;
    const w = s.workloads.length;
    // At most: a run with closed-loop work ends when the work is done, `duration` is its bound.
    const samples = sampleCount(s.run);
    // Per workload: resident memory per node, and accesses, throughput and ns/access.
    const series = 1 + 6 * n + s.cgroups.length + w * n + 3 * w + SAMPLED_COUNTERS.length;
    const steps = Math.ceil(s.run.durationNs / stepNs(s.run));
    const events = Math.min(MAX_EVENTS, EVENTS_PER_NODE_SECOND * n * (s.run.durationNs / 1e9));
    e.workloads = Math.max(e.workloads, w);
    e.nodes = Math.max(e.nodes, n);
    e.samples = Math.max(e.samples, samples);
    e.series = Math.max(e.series, series);
    e.seriesValues += samples * series;
    e.resultBytes += samples * series * BYTES_PER_VALUE + events * BYTES_PER_EVENT
      + SUMMARY_BYTES + n * SUMMARY_BYTES_PER_NODE + w * SUMMARY_BYTES_PER_WORKLOAD;
    e.steps += steps;
    e.work += steps * workPerStep(s);
  }
  e.resultBytes = Math.round(e.resultBytes);
  e.work = Math.round(e.work);
  return e;
}

/** What is over `budget` times `factor`, one message each with the estimate and how to lower
 *  it; empty when the scenario fits. */
export function budgetProblems(e: BudgetEstimate, factor = 1, budget: Budget = DEFAULT_BUDGET): string[] {
  const out: string[] = [];
  const raise = (needed: number) => `or raise the limit (the numaLab.budget setting in VS Code) with --budget ${Math.ceil(needed * 10) / 10}`;
  const shape = `${count(e.variants)} variant${e.variants === 1 ? '' : 's'}${e.sweeps ? ` (with ${e.sweeps} sweep${e.sweeps === 1 ? '' : 's'})` : ''}`;
  if (e.resultBytes > budget.resultBytes * factor) {
    out.push(`the result would be about ${mb(e.resultBytes)} (${count(e.samples)} samples x ${count(e.series)} series x ${shape}); `
      + `the limit is ${mb(budget.resultBytes * factor)}. Lower it with a longer 'sample' interval, a shorter 'duration' or fewer variants, `
      + raise(e.resultBytes / budget.resultBytes));
  }
  if (e.workloads > budget.workloads * factor) {
    out.push(`the scenario has ${count(e.workloads)} workloads; the limit is ${count(budget.workloads * factor)}. Merge workloads that do the same, `
      + raise(e.workloads / budget.workloads));
  }
  if (e.work > budget.work * factor) {
    out.push(`the run would simulate about ${count(e.work)} units of work (${count(e.steps)} steps of ${shape} x (${count(e.workloads)} workloads + ${e.nodes} nodes)); `
      + `the limit is ${count(budget.work * factor)}. Lower it with fewer workloads, fewer variants or a shorter 'duration', `
      + raise(e.work / budget.work));
  }
  return out;
}

function mb(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${+(bytes / 1024 ** 3).toPrecision(3)} GiB` : `${+(bytes / 1024 ** 2).toPrecision(3)} MiB`;
}

/** A whole number with thousands separators, as toLocaleString('en-US') writes it, without
 *  loading ICU's number formatting (its first call took 28 ms of every `numa-lab run`). */
function count(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
