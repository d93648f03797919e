// Result files are untrusted: the schema accepts every real result unchanged and refuses crafted
// ones (the 200-byte file that claimed 2e8 samples, mismatched series, nulls, non-numbers,
// oversized and endless files) with a message that says where, before anything big exists.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXAMPLES, exampleResult } from '../panels/exampleResults';
import { loadResult } from '../../../src/extension/run/resultFiles';
import { checkRunResult, parseRunResult, MAX_RESULT_FILE_BYTES, MAX_NAME_CHARS } from '../../../src/protocol/resultSchema';
import type { RunResult } from '../../../src/core/result';

const clone = (r: RunResult): RunResult => JSON.parse(JSON.stringify(r)) as RunResult;

function problemOf(data: unknown): string {
  const c = checkRunResult(data);
  assert.equal(c.ok, false, 'the schema accepted it');
  return (c as { problem: string }).problem;
}

/** Every place in `x` that holds a value, one per array (its first element stands for all). */
function leafPaths(x: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(x)) return x.length ? leafPaths(x[0], [...at, 0]) : [];
  if (x && typeof x === 'object') return Object.entries(x).flatMap(([k, v]) => leafPaths(v, [...at, k]));
  return [at];
}

function setAt(root: unknown, p: (string | number)[], value: unknown): void {
  let o = root as Record<string | number, unknown>;
  for (const k of p.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  o[p[p.length - 1]] = value;
}

describe('result files: schema', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'numa-result-schema-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  for (const ex of EXAMPLES) {
    it(`accepts ${ex}'s real result and keeps every field`, () => {
      const r = exampleResult(ex);
      const c = parseRunResult(JSON.stringify(r));
      assert.ok(c.ok, (c as { problem?: string }).problem);
      assert.deepEqual((c as { value: RunResult }).value, r);
    });
  }

  it('refuses the 200-byte file whose t_ms claims a length of 2e8, naming the field', () => {
    const text = '{"scenario":"x","seed":1,"version":"0","sweeps":[],"variants":[{"name":"v","summary":{},"series":{"t_ms":{"length":2e8}},"events":[]}]}';
    assert.ok(text.length <= 200);
    const c = parseRunResult(text);
    assert.equal(c.ok, false);
    // The first problem is the summary (checked before the series); give it a summary and the
    // series is what is refused.
    const withSummary = JSON.parse(text);
    withSummary.variants[0].summary = clone(exampleResult('zone-reclaim.numa')).variants[0].summary;
    assert.match(problemOf(withSummary), /^variants\[0\]\.series\.t_ms should be a list of numbers, not an object$/);
  });

  it('refuses a series shorter or longer than t_ms, naming it', () => {
    const r = clone(exampleResult('zone-reclaim.numa'));
    r.variants[0].series.nodes[1].Active.pop();
    assert.match(problemOf(r), /^variants\[0\]\.series: node1\.Active has \d+ samples but t_ms has \d+$/);
    const r2 = clone(exampleResult('zone-reclaim.numa'));
    const k = Object.keys(r2.variants[0].series.vmstat)[0];
    r2.variants[0].series.vmstat[k].push(0);
    assert.match(problemOf(r2), new RegExp(`vmstat\\.${k} has`));
  });

  it('refuses null, a string, Infinity or NaN in place of any value of a real result', () => {
    const base = exampleResult('deferred-split.numa');
    const paths = leafPaths(base);
    assert.ok(paths.length > 50, `only ${paths.length} leaves`);
    for (const bad of [null, 'NaN', Infinity, NaN, { length: 2e8 }]) {
      for (const p of paths) {
        const r = clone(base);
        setAt(r, p, bad);
        const c = checkRunResult(r);
        // Strings are valid where the schema wants text (and a sweep's knob values may be words);
        // everything else must be refused.
        const original = p.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], base);
        if (typeof bad === 'string' && (typeof original === 'string' || (p[0] === 'sweeps' && p[2] === 'values'))) continue;
        // A run time or phase end is null when the workload did not finish.
        if (bad === null && ['runtime_ms', 'start_ms', 'end_ms'].includes(String(p[p.length - 1])) && p.includes('workloads')) continue;
        assert.equal(c.ok, false, `${JSON.stringify(bad)} at ${p.join('.')} was accepted`);
      }
    }
  });

  it('refuses a sample that is not a finite number anywhere in a series, naming its index', () => {
    const r = clone(exampleResult('zone-reclaim.numa'));
    (r.variants[2].series.t_ms as unknown[])[3] = 'NaN';
    assert.match(problemOf(r), /^variants\[2\]\.series\.t_ms has "NaN" at index 3, where a finite number belongs$/);
    const r2 = clone(exampleResult('zone-reclaim.numa'));
    const last = r2.variants[0].series.nodes[1].MemFree.length - 1;
    r2.variants[0].series.nodes[1].MemFree[last] = -Infinity;
    assert.match(problemOf(r2), new RegExp(`^variants\\[0\\]\\.series\\.nodes\\[1\\]\\.MemFree has -Infinity at index ${last}, where`));
  });

  it('refuses 1e999 in the file text (JSON reads it as Infinity)', () => {
    const text = JSON.stringify(exampleResult('zone-reclaim.numa')).replace(/"avg_access_ns":[0-9.e+-]+/, '"avg_access_ns":1e999');
    const c = parseRunResult(text);
    assert.equal(c.ok, false);
    assert.match((c as { problem: string }).problem, /avg_access_ns is Infinity, not a finite number$/);
  });

  it('refuses over-long names, unknown event kinds, node ids past 63 and two variants of one name', () => {
    const long = clone(exampleResult('zone-reclaim.numa'));
    long.variants[0].name = 'x'.repeat(MAX_NAME_CHARS + 1);
    assert.match(problemOf(long), /^variants\[0\]\.name has length 1025, expected <=1024$/);
    const kind = clone(exampleResult('zone-reclaim.numa'));
    const withEvent = kind.variants.find((v) => v.events.length)!;
    (withEvent.events[0] as { kind: string }).kind = 'rm_rf';
    assert.match(problemOf(kind), /events\[0\]\.kind should be \(.*\), not \"rm_rf\"$/);
    const node = clone(exampleResult('zone-reclaim.numa'));
    node.variants[0].series.nodes[0].node = 64;
    assert.match(problemOf(node), /series\.nodes\[0\]\.node is 64, expected <=63$/);
    const dup = clone(exampleResult('zone-reclaim.numa'));
    dup.variants[1].name = dup.variants[0].name;
    assert.match(problemOf(dup), /two variants are named/);
  });

  it('accepts a command link in a name (the notification defuses it) but no JSON error quotes the file', () => {
    const r = clone(exampleResult('zone-reclaim.numa'));
    r.variants[0].name = '[Run me](command:workbench.action.terminal.new)';
    assert.equal(checkRunResult(r).ok, true);
    const c = parseRunResult('{"scenario": SECRET-TOKEN-123}');
    assert.equal(c.ok, false);
    assert.doesNotMatch((c as { problem: string }).problem, /SECRET/);
    assert.match((c as { problem: string }).problem, /not valid JSON/);
  });

  it('loadResult refuses a file over the size limit from its size alone', () => {
    const big = path.join(tmp, 'big.numa-result.json');
    // Sparse: the size is there, no bytes are written or read.
    const fd = fs.openSync(big, 'w');
    fs.ftruncateSync(fd, MAX_RESULT_FILE_BYTES + 1);
    fs.closeSync(fd);
    assert.throws(() => loadResult(big), /big\.numa-result\.json is not a NUMA Lab result: it is 256 MiB; result files are limited to 256 MiB/);
  });

  it('loadResult refuses a FIFO instead of waiting for a writer', function () {
    const fifo = path.join(tmp, 'fifo.numa-result.json');
    const made = spawnSync('mkfifo', [fifo]);
    if (made.status !== 0) this.skip();
    assert.throws(() => loadResult(fifo), /not a regular file/);
  });

  it('loadResult refuses the crafted 2e8-length file with its name and the field', () => {
    const f = path.join(tmp, 'crafted.numa-result.json');
    const r = clone(exampleResult('zone-reclaim.numa'));
    (r.variants[0].series as unknown as { t_ms: unknown }).t_ms = { length: 2e8 };
    fs.writeFileSync(f, JSON.stringify(r));
    assert.throws(() => loadResult(f), /crafted\.numa-result\.json is not a NUMA Lab result: variants\[0\]\.series\.t_ms should be a list of numbers, not an object$/);
  });
});
