// One shard's part of a sharded run (`numa-lab run FILE --shard K/N`), as `numa-lab merge` reads
// it back. Part files come from other machines, so they are untrusted: the merge validates them
// with this schema (the result inside with the result schema) before using anything in them.
// A part carries the scenario's text and the run's options, so the merge can compile the
// scenario again and evaluate its expectations over every variant, as a single run would.

import * as v from 'valibot';
import type { RunResult } from '../core/result';
import { MAX_NAME_CHARS, MAX_VARIANTS, RunResultSchema, describeIssue, parseJsonFile, type Checked } from './resultSchema';
import { MAX_SOURCE_BYTES } from '../language';

/** The format of part files; a merge refuses others. */
export const PART_FORMAT = 1;

/** What a shard was run from: the scenario file as given on the command line, its text, and
 *  the options that change the result. */
export interface PartOrigin {
  file: string;
  text: string;
  seed: number | null;
  scale: number | null;
  budget: number;
  variants: string[];
}

export interface ShardPart extends PartOrigin {
  /** Marks the file as a part (a result file lacks it). */
  numa_lab_part: typeof PART_FORMAT;
  /** K of K/N, from 0. */
  shard: number;
  shards: number;
  /** Version of the core that ran it. */
  version: string;
  /** sha256 of the prepared scenario set and the plan: equal in every part of one run. */
  digest: string;
  /** Every variant the whole run has, in order; shard K holds those at K, K+N, K+2N, ... */
  plan: string[];
  /** This shard's variants, run like any other run (expectations are the merge's). */
  result: RunResult;
}

const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const name = v.pipe(v.string(), v.maxLength(MAX_NAME_CHARS));

export const ShardPartSchema = v.pipe(
  v.object({
    numa_lab_part: v.literal(PART_FORMAT),
    shard: count,
    shards: v.pipe(count, v.minValue(1), v.maxValue(MAX_VARIANTS)),
    version: name,
    file: name,
    text: v.pipe(v.string(), v.maxLength(MAX_SOURCE_BYTES)),
    seed: v.nullable(count),
    scale: v.nullable(v.pipe(v.number(), v.finite(), v.gtValue(0))),
    budget: v.pipe(v.number(), v.finite(), v.gtValue(0)),
    variants: v.pipe(v.array(name), v.maxLength(MAX_VARIANTS)),
    digest: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
    plan: v.pipe(v.array(name), v.maxLength(MAX_VARIANTS)),
    result: RunResultSchema,
  }),
  v.check((p) => p.shard < p.shards, (issue) => {
    const p = issue.input as ShardPart;
    return `it says shard ${p.shard} of ${p.shards}; shards are numbered 0 to ${p.shards - 1}`;
  }),
);

// The schema and the type describe the same thing (see resultSchema.ts).
type Parsed = v.InferOutput<typeof ShardPartSchema>;
const sameShape: [Parsed extends ShardPart ? true : false, ShardPart extends Parsed ? true : false] = [true, true];
void sameShape;

/** Validates a part file's text: its size, JSON, then the schema. */
export function parseShardPart(text: string, byteLength = Buffer.byteLength(text)): Checked<ShardPart> {
  const parsed = parseJsonFile(text, byteLength);
  if (!parsed.ok) return parsed;
  const data = parsed.value;
  if (typeof data === 'object' && data !== null && !('numa_lab_part' in data) && 'variants' in data) {
    return { ok: false, problem: 'is a result, not a shard part: parts are written by numa-lab run FILE --shard K/N' };
  }
  const r = v.safeParse(ShardPartSchema, data, { abortEarly: true });
  return r.success ? { ok: true, value: r.output } : { ok: false, problem: describeIssue(r.issues[0]) };
}
