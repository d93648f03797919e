// Node reclaim (zone_reclaim_mode) as get_page_from_freelist() and node_reclaim() do it: one
// SWAP_CLUSTER_MAX batch per call, the watermark re-checked after it, and faults that find the
// node's reclaim lock taken falling back remote (NODE_RECLAIM_NOSCAN).

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runScenarioSet } from '../../../src/core';
import type { RunResult, VariantResult } from '../../../src/core/result';
import { compile } from '../../../src/language';
import { ROOT } from './helpers';

const EXAMPLE = path.join(ROOT, 'examples/zone-reclaim.numa');

/** The zone-reclaim example, edited: `edit` rewrites its text. It runs 6.12, the first version
 *  that counts node_reclaim() successes (zone_reclaim_success), which these tests count calls by;
 *  nothing else the model does differs from the example's 6.1. */
function runEdited(edit: (text: string) => string): RunResult {
  const text = edit(readFileSync(EXAMPLE, 'utf8')).replace('kernel {\n', 'kernel {\n  version = 6.12\n');
  const c = compile(text, EXAMPLE);
  const errors = c.diagnostics.filter((d) => d.severity === 'error');
  if (!c.set || errors.length > 0) throw new Error(errors.map((e) => e.message).join('; '));
  return runScenarioSet(c.set);
}

const variant = (r: RunResult, n: string): VariantResult => r.variants.find((v) => v.name === n)!;
const app = (v: VariantResult) => v.summary.workloads.find((w) => w.name === 'app')!;

describe('core/node_reclaim: zone_reclaim_mode', function () {
  this.timeout(60000);
  const base = runEdited((t) => t);
  const on = variant(base, 'zrm-on');

  it('reclaims in SWAP_CLUSTER_MAX batches: one zone_reclaim_success per 32 pages', () => {
    const vm = on.summary.vmstat;
    const perCall = vm.pgsteal_direct / vm.zone_reclaim_success;
    assert.ok(perCall >= 32 && perCall < 33, `pages per node_reclaim call ${perCall}`);
    // Node 0 keeps most of its page cache: reclaim takes what the workload needs, not the
    // whole deficit below the lower zones' lowmem reserves.
    assert.ok(on.summary.nodes[0].FilePages > 50 * 1024 * 1024, `node 0 FilePages ${on.summary.nodes[0].FilePages} kB`);
  });

  it('charges the reclaim stalls to the workload that faulted, inside its ns/access', () => {
    const w = app(on);
    assert.ok(w.stall_ms.reclaim > 0);
    // The same run with free reclaim: no stall, and no CPU ever finds the lock taken.
    const free = variant(runEdited((t) => t.replace('variant zrm-on {', 'variant zrm-on {\n  cost.reclaim_page = 0 ns')), 'zrm-on');
    assert.equal(app(free).stall_ms.reclaim, 0);
    assert.equal(free.summary.vmstat.numa_miss, 0);
    assert.ok(free.summary.avg_access_ns < on.summary.avg_access_ns);
  });

  it('with 32 CPUs faulting, those that find PGDAT_RECLAIM_LOCKED taken fall back remote', () => {
    assert.ok(on.summary.vmstat.numa_miss > 0);
    assert.ok(app(on).resident_kB_by_node['1'] > 0);
    // Node reclaim is not strict but serves most of the workload locally.
    assert.ok(app(on).resident_kB_by_node['0'] > 3 * app(on).resident_kB_by_node['1']);
  });

  it('a single CPU never races itself: all local (kernel-data zr1)', () => {
    const one = variant(runEdited((t) => t.replace(/workload app \{\n  cpus = 0-31/, 'workload app {\n  cpus = 0')), 'zrm-on');
    assert.equal(one.summary.vmstat.numa_miss, 0);
    assert.equal(one.summary.remote_access_ratio, 0);
    assert.ok(one.summary.vmstat.zone_reclaim_success > 0);
  });

  it('stops at min_unmapped_ratio (NODE_RECLAIM_FULL): too little page cache, no reclaim', () => {
    const full = variant(runEdited((t) => t.replace('vm.min_unmapped_ratio = 1', 'vm.min_unmapped_ratio = 90')), 'zrm-on');
    assert.equal(full.summary.vmstat.zone_reclaim_success, 0);
    assert.equal(full.summary.vmstat.pgsteal_direct, 0);
    assert.ok(full.summary.vmstat.numa_miss > 0);
  });
});
