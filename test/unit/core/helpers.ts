// Shared helpers for the core's tests: hand-built scenarios (no language involved) and compiled
// fixture and example files.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { compile } from '../../../src/language';
import type { Machine, Phase, Scenario, ScenarioSet, Workload } from '../../../src/language/model';
import { defaultKnobs } from '../../../src/language/schema';
import { stepNs } from '../../../src/language/budget';
import { Sim, WorkloadState } from '../../../src/core/sim';
import { stepWorkload } from '../../../src/core/workload';

export const ROOT = path.resolve(__dirname, '../../../..');
export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

export function compileFile(rel: string): ScenarioSet {
  const file = path.join(ROOT, rel);
  return compileText(readFileSync(file, 'utf8'), file, rel);
}

/** A scenario written in a test, compiled; any error fails the test with the checker's words. */
export function compileText(src: string, file: string, name = file): ScenarioSet {
  const c = compile(src, file);
  const errors = c.diagnostics.filter((d) => d.severity === 'error');
  if (!c.set || errors.length > 0) throw new Error(`${name} does not compile: ${errors.map((e) => e.message).join('; ')}`);
  return c.set;
}

export function measured(name: string): any {
  return JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/kernel-data/measured', name), 'utf8'));
}

/** A machine of `nodes` nodes with one CPU each (CPU-less from `cpuless` on), SLIT 10/20. */
export function machine(sizes: number[], opts: { preset?: string; reserved?: number[]; cpuless?: number; swap?: number } = {}): Machine {
  const n = sizes.length;
  const cpuless = opts.cpuless ?? n;
  const distance = sizes.map((_, i) => sizes.map((__, j) => (i === j ? 10 : i >= cpuless || j >= cpuless ? 30 : 20)));
  const latency = distance.map((row, i) => row.map((d, j) => (j >= cpuless ? 170 : (80 * d) / 10)));
  return {
    preset: opts.preset,
    nodes: sizes.map((memoryBytes, id) => ({
      id, memoryBytes, cpus: id < cpuless ? [id] : [], tier: id < cpuless ? 0 : 1,
      latencyNs: id < cpuless ? 80 : 170, bandwidthBytesPerSec: 90e9, writeBandwidthBytesPerSec: 90e9, reservedBytes: opts.reserved?.[id] ?? 0,
    })),
    distance,
    latencyNs: latency,
    swap: opts.swap ? { sizeBytes: opts.swap, latencyNs: 80_000, bandwidthBytesPerSec: 1e9 } : null,
  };
}

export function workload(name: string, node: number, phases: Phase[], extra: Partial<Workload> = {}): Workload {
  return { name, cpus: [node], cpusAllowed: [node], mempolicy: { mode: 'local', nodes: [], weights: [] }, cgroup: null, phases, threads: 1, computePerAccessNs: 0, mlp: 1, ...extra };
}

export function scenario(m: Machine, workloads: Workload[], knobs: Record<string, number | string | boolean> = {}, durationS = 10): Scenario {
  return {
    title: 'hand-built', variant: 'base', machine: m, knobs: { ...defaultKnobs(), ...knobs }, cgroups: [],
    workloads, run: { durationNs: durationS * 1e9, sampleNs: 100e6, seed: 1 },
  };
}

export function set(variants: Scenario[]): ScenarioSet {
  return { title: 'hand-built', variants, sweeps: [], expectations: [] };
}

export const S = 1e9;

/** A scenario written in a test, its one (first) workload on node 0 and a step function that
 *  advances that workload as the engine's loop does (kswapd has no budget: only the workload's
 *  own reclaim runs), for tests that look at the state between steps. */
export function stepByHand(src: string, file: string): { sim: Sim; wl: WorkloadState; step: () => void } {
  const sc = compileText(src, file).variants[0];
  const sim = new Sim(sc);
  sim.dtNs = stepNs(sc.run);
  const wl = new WorkloadState(sc.workloads[0], [{ node: 0, weight: 1 }], 0, null);
  sim.workloads.push(wl);
  const load = new Float64Array(sim.nodes.length);
  let t0 = 0;
  const step = () => {
    sim.nowNs = t0;
    stepWorkload(sim, wl, t0, t0 + sim.dtNs, load);
    t0 += sim.dtNs;
    sim.nowNs = t0;
  };
  return { sim, wl, step };
}
