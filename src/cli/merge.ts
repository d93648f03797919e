// `numa-lab merge PART... [--out PATH] [--format json|table|csv]`: joins the parts that
// `numa-lab run FILE --shard K/N` wrote into the result one `numa-lab run FILE` gives, byte for
// byte: it compiles the scenario the parts carry, checks every part belongs to that run, puts
// the variants back in the run's order and evaluates the expectations over all of them.
// Exit 0 when every expectation holds, 1 when one fails, 2 for usage, I/O and part problems.

import * as fs from 'node:fs';
import { CORE_VERSION, assembleResult } from '../core';
import type { VariantResult } from '../core/result';
import { MAX_RESULT_FILE_BYTES, tooLarge } from '../protocol/resultSchema';
import { parseShardPart, type ShardPart } from '../protocol/shardPart';
import { unknownOption } from './args';
import { checkOut, emitResult, prepareScenarioText } from './run';
import { runDigest, runPlan, shardVariants } from './shard';

const USAGE = `usage: numa-lab merge PART... [--out PATH] [--format json|table|csv]
  PART             a part written by numa-lab run FILE --shard K/N; give all N of one run
  --out PATH       write the merged result to PATH instead of stdout (never over a part)
  --format F       json (default: the result numa-lab run FILE --format json writes), table or csv
`;

const OPTIONS = ['--out', '--format', '--help', '-h'];

interface MergeArgs {
  parts: string[];
  out: string | null;
  format: 'table' | 'json' | 'csv';
}

function parseArgs(args: string[]): MergeArgs | 'help' | string {
  const r: MergeArgs = { parts: [], out: null, format: 'json' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--out' || a === '--format') {
      const v = args[++i];
      if (v === undefined) return `${a} needs a value`;
      if (a === '--out') r.out = v;
      else if (v === 'table' || v === 'json' || v === 'csv') r.format = v;
      else return `unknown format '${v}': expected json, table or csv`;
    } else if (a === '--help' || a === '-h') return 'help';
    else if (a.startsWith('-')) return unknownOption(a, OPTIONS);
    else r.parts.push(a);
  }
  if (r.parts.length === 0) return 'give the parts to merge, e.g. numa-lab merge parts/*.json --out all.json';
  return r;
}

/** A part file, validated; or why not. */
function readPart(file: string): ShardPart | string {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'unknown error'})`;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return st.isDirectory() ? 'is a directory; give the part files' : 'is not a regular file';
    if (st.size > MAX_RESULT_FILE_BYTES) return tooLarge(st.size);
    const checked = parseShardPart(fs.readFileSync(fd, 'utf8'), st.size);
    return checked.ok ? checked.value : `not a valid part: ${checked.problem}`;
  } catch (e) {
    return `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  } finally {
    fs.closeSync(fd);
  }
}

const seedText = (p: ShardPart) => (p.seed === null ? "the scenario's seed" : `--seed ${p.seed}`);
const scaleText = (p: ShardPart) => (p.scale === null ? 'no --scale' : `--scale ${p.scale}`);
const variantsText = (p: ShardPart) => (p.variants.length === 0 ? 'every variant' : p.variants.map((v) => `--variant '${v}'`).join(' '));

/** Why `p` (file `f`) is not a shard of the same run as the first part, or null. */
function mismatch(first: ShardPart, f0: string, p: ShardPart, f: string): string | null {
  if (p.version !== first.version) return `${f} was run by numa-lab ${p.version} and ${f0} by ${first.version}; run every shard with one version`;
  if (p.text !== first.text) {
    const t0 = first.result.scenario;
    const t = p.result.scenario;
    return t !== t0
      ? `${f} ran the scenario "${t}" (${p.file}) and ${f0} "${t0}" (${first.file}); merge the parts of one run`
      : `${f} and ${f0} ran different texts of "${t}" (${p.file} changed between the shards); run every shard on one version of the file`;
  }
  if (p.seed !== first.seed) return `${f} ran with ${seedText(p)} and ${f0} with ${seedText(first)}; every shard needs the same seed`;
  if (p.scale !== first.scale) return `${f} ran with ${scaleText(p)} and ${f0} with ${scaleText(first)}; every shard needs the same scale`;
  if (p.variants.join('\n') !== first.variants.join('\n')) return `${f} ran ${variantsText(p)} and ${f0} ${variantsText(first)}; every shard needs the same --variant options`;
  if (p.shards !== first.shards) return `${f} is shard ${p.shard} of ${p.shards} and ${f0} shard ${first.shard} of ${first.shards}; merge the parts of one split`;
  if (p.digest !== first.digest) return `${f} and ${f0} are not parts of one run (their scenarios compiled differently)`;
  return null;
}

export function mergeCommand(args: string[]): number {
  const parsed = parseArgs(args);
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (typeof parsed === 'string') {
    process.stderr.write(`numa-lab merge: ${parsed}\n${USAGE}`);
    return 2;
  }
  const fail = (message: string) => {
    process.stderr.write(`numa-lab merge: ${message}\n`);
    return 2;
  };
  if (checkOut(parsed.out, parsed.parts) !== 0) return 2;

  const parts: ShardPart[] = [];
  for (const f of parsed.parts) {
    const p = readPart(f);
    if (typeof p === 'string') return fail(`${f}: ${p}`);
    parts.push(p);
  }
  const [first] = parts;
  const f0 = parsed.parts[0];
  if (first.version !== CORE_VERSION) return fail(`${f0} was run by numa-lab ${first.version}; this is ${CORE_VERSION}: merge with the version that ran the shards`);
  const byShard = new Map<number, number>();
  for (let i = 0; i < parts.length; i++) {
    const problem = mismatch(first, f0, parts[i], parsed.parts[i]);
    if (problem) return fail(problem);
    const other = byShard.get(parts[i].shard);
    if (other !== undefined) return fail(`${parsed.parts[other]} and ${parsed.parts[i]} are both shard ${parts[i].shard} of ${first.shards}; give each shard once`);
    byShard.set(parts[i].shard, i);
  }
  const missing = [...Array(first.shards).keys()].filter((k) => !byShard.has(k));
  if (missing.length > 0) {
    const list = missing.length > 8 ? `${missing.slice(0, 8).join(', ')} and ${missing.length - 8} more` : missing.join(', ');
    return fail(`missing shard${missing.length > 1 ? 's' : ''} ${list} of ${first.shards}: run numa-lab run ${first.file} --shard ${missing[0]}/${first.shards} (and the rest) and give every part`);
  }

  // The scenario as the shards ran it, compiled again here: its expectations are evaluated
  // over every variant, and its digest proves the parts were made from it.
  const set = prepareScenarioText('merge', first.file, first.text, { variants: first.variants, seed: first.seed, scale: first.scale, budget: first.budget });
  if (typeof set === 'number') return set;
  const plan = runPlan(set, first.variants);
  if (runDigest(set, plan, first.shards) !== first.digest) {
    return fail(`${first.file} compiles differently with this numa-lab than when the shards ran; merge with the version that ran them`);
  }
  const found = new Map<string, VariantResult>();
  for (const [k, i] of byShard) {
    const want = shardVariants(plan, k, first.shards);
    const got = parts[i].result.variants.map((v) => v.name);
    if (got.join('\n') !== want.join('\n')) {
      return fail(`${parsed.parts[i]} holds ${got.length} variant${got.length === 1 ? '' : 's'} but shard ${k} of ${first.shards} is ${want.length}${got.length === want.length ? ' others' : ''}; it was not written by numa-lab run --shard`);
    }
    for (const v of parts[i].result.variants) found.set(v.name, v);
  }
  const chosen = set.variants.filter((v) => plan.includes(v.variant));
  const result = assembleResult(set, chosen, chosen.map((v) => found.get(v.variant)!));
  if (emitResult(result, parsed.format, parsed.out, parsed.parts) !== 0) return 2;
  return (result.expectations ?? []).every((e) => e.passed) ? 0 : 1;
}
