// The panel's and the status bar's formatters with missing or odd values: a result from an older
// or foreign tool may hold null, undefined, NaN or Infinity where a number belongs, and that must
// show as '–', never throw (the panel and the status bar threw on null.toFixed).

import * as assert from 'node:assert/strict';
import type { RunResult } from '../../../src/core/result';
import { headline } from '../../../webview/results/transforms/summary';
import { describeItem } from '../../../webview/results/transforms/events';
import { MISSING, formatDelta, formatFixed, formatKB, formatPercent, formatSimTime, trimNumber } from '../../../webview/results/transforms/format';
import { exampleResult } from './exampleResults';

const ODD = [null, undefined, NaN, Infinity, -Infinity, '12' as unknown] as unknown as number[];

describe('panels: formatters with missing or odd values', () => {
  it('every number formatter shows – for null, undefined, NaN, ±Infinity and a string', () => {
    for (const v of ODD) {
      const label = String(v);
      assert.equal(trimNumber(v), MISSING, `trimNumber(${label})`);
      assert.equal(formatFixed(v, 1), MISSING, `formatFixed(${label})`);
      assert.equal(formatPercent(v), MISSING, `formatPercent(${label})`);
      assert.equal(formatKB(v), MISSING, `formatKB(${label})`);
      assert.equal(formatSimTime(v), MISSING, `formatSimTime(${label})`);
      assert.equal(formatDelta(v, 0.1, trimNumber), MISSING, `formatDelta(${label})`);
      assert.equal(formatDelta(5, v, trimNumber), '+5', `formatDelta(5, ${label})`);
    }
  });

  it('formats ordinary values as before', () => {
    assert.equal(formatFixed(56.345, 1), '56.3');
    assert.equal(formatPercent(0.1234), '12.3%');
    assert.equal(trimNumber(1234.5), '1,235');
    assert.equal(formatSimTime(1500), '1.50 s');
  });

  it('the status-bar headline survives a variant whose avg_access_ns is null, NaN or missing', () => {
    const real = exampleResult('zone-reclaim.numa');
    for (const odd of [null, NaN, undefined]) {
      const r: RunResult = JSON.parse(JSON.stringify(real));
      r.variants = [r.variants[0]];
      (r.variants[0].summary as { avg_access_ns: unknown }).avg_access_ns = odd;
      const h = headline(r);
      assert.match(h.text, new RegExp(`^${MISSING} ns/access`), String(odd));
    }
    // With several variants the best is chosen among the real numbers.
    const mixed: RunResult = JSON.parse(JSON.stringify(real));
    (mixed.variants[0].summary as { avg_access_ns: unknown }).avg_access_ns = null;
    assert.doesNotThrow(() => headline(mixed));
  });

  it('an event with odd times or pages is described, not thrown on', () => {
    const lines = describeItem({ kind: 'kswapd_wake', node: 0, start: NaN, end: NaN, pages: undefined as unknown as number, cause: 'test' });
    assert.equal(lines[1], `t = ${MISSING}`);
    assert.equal(lines[2], `${MISSING} pages`);
  });
});
