// The engine's last check: a finished variant holds only finite numbers, or the run stops with
// the place of the first one that is not (a bug), instead of writing null into a result file.

import * as assert from 'node:assert/strict';
import { assertFinite } from '../../../src/core/engine';
import type { VariantResult } from '../../../src/core/result';
import { exampleResult } from '../panels/exampleResults';

describe('core: results are finite', () => {
  it('passes a real variant and names the place of a NaN, an Infinity or a null', () => {
    const real = exampleResult('zone-reclaim.numa').variants[0];
    assert.doesNotThrow(() => assertFinite(real));
    const copy = (): VariantResult => JSON.parse(JSON.stringify(real));
    const a = copy();
    a.summary.avg_access_ns = NaN;
    assert.throws(() => assertFinite(a), /produced NaN for summary\.avg_access_ns; this is a bug/);
    const b = copy();
    b.series.nodes[1].MemFree[7] = Infinity;
    assert.throws(() => assertFinite(b), /Infinity for series\.nodes\[1\]\.MemFree\[7\]/);
    const c = copy();
    (c.summary.workloads[0] as { avg_access_ns: unknown }).avg_access_ns = null;
    assert.throws(() => assertFinite(c), /for summary\.workloads\[0\]\.avg_access_ns/);
  });
});
