// Sharded runs: `numa-lab run FILE --shard K/N` runs every Nth variant from the Kth and writes
// them as a part; `numa-lab merge` joins the N parts into the result one run would give. The
// split is round-robin over the run's variants in order, so neighbouring sweep points (which
// often cost alike) spread over the shards. K counts from 0, as Slurm's --array=0-(N-1) and
// Kubernetes' Indexed Jobs number their tasks.

import { createHash } from 'node:crypto';
import type { ScenarioSet } from '../language/model';
import { CORE_VERSION } from '../core';
import type { RunResult } from '../core/result';
import { MAX_VARIANTS } from '../protocol/resultSchema';
import { PART_FORMAT, type PartOrigin, type ShardPart } from '../protocol/shardPart';

export type { PartOrigin };

export interface ShardSpec {
  /** K: this shard, from 0 to n - 1. */
  k: number;
  n: number;
}

/** Where `--shard auto/N` reads K from, in this order. */
export const SHARD_INDEX_VARIABLES = ['SLURM_ARRAY_TASK_ID', 'JOB_COMPLETION_INDEX'] as const;

/** `K/N` or `auto/N` (K from the batch system's task index); a message when it is not one. */
export function parseShard(spec: string, env: NodeJS.ProcessEnv = process.env): ShardSpec | string {
  const m = /^(\d+|auto)\/(\d+)$/.exec(spec);
  if (!m) return `--shard needs K/N or auto/N, like 0/4 (the first of four shards), not '${spec}'`;
  const n = Number(m[2]);
  if (n < 1 || n > MAX_VARIANTS) return `--shard ${spec}: N is the number of shards, from 1 to ${MAX_VARIANTS}`;
  let k: number;
  if (m[1] === 'auto') {
    const name = SHARD_INDEX_VARIABLES.find((v) => env[v] !== undefined && env[v] !== '');
    if (!name) {
      return `--shard auto/${n}: neither ${SHARD_INDEX_VARIABLES.join(' nor ')} is set; run it as a Slurm job array `
        + `(sbatch --array=0-${n - 1}) or a Kubernetes Indexed Job (completions: ${n}), or give K, like --shard 0/${n}`;
    }
    const value = env[name]!;
    if (!/^\d+$/.test(value)) return `--shard auto/${n}: ${name} is '${value}', not a task index`;
    k = Number(value);
    if (k >= n) {
      return `--shard auto/${n}: ${name} is ${value}, but shards are numbered 0 to ${n - 1}${name.startsWith('SLURM') ? `: submit with --array=0-${n - 1}` : `: set completions: ${n}`}`;
    }
  } else {
    k = Number(m[1]);
    if (k >= n) return `--shard ${spec}: shards are numbered 0 to ${n - 1}`;
  }
  return { k, n };
}

/** The variants of shard k of n: every nth of the plan from the kth. */
export function shardVariants(plan: readonly string[], k: number, n: number): string[] {
  return plan.filter((_, i) => i % n === k);
}

/** Every variant of the run, in order: those --variant named, or all. */
export function runPlan(set: ScenarioSet, selected: readonly string[]): string[] {
  const all = set.variants.map((v) => v.variant);
  return selected.length > 0 ? all.filter((v) => selected.includes(v)) : all;
}

/** What every part of one run agrees on: the prepared scenarios (seed and scale applied), the
 *  plan and the number of shards. */
export function runDigest(set: ScenarioSet, plan: readonly string[], n: number): string {
  return createHash('sha256').update(JSON.stringify({ set, plan, n })).digest('hex');
}

/** Shard k's part: its variants' result and what the merge needs to finish the run. */
export function makePart(origin: PartOrigin, set: ScenarioSet, spec: ShardSpec, result: RunResult): ShardPart {
  const plan = runPlan(set, origin.variants);
  return {
    numa_lab_part: PART_FORMAT,
    shard: spec.k,
    shards: spec.n,
    version: CORE_VERSION,
    ...origin,
    digest: runDigest(set, plan, spec.n),
    plan,
    result,
  };
}
