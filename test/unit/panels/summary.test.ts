// The summary table, the expectations list and the status-bar headline against real results.

import * as assert from 'node:assert/strict';
import { EXAMPLES, exampleResult } from './exampleResults';
import { summaryTable, expectationLines, headline, movingCounters, KEY_COUNTERS } from '../../../webview/results/transforms/summary';

describe('panels: summary table', () => {
  for (const example of EXAMPLES) {
    describe(example, () => {
      it('lists every variant with its ns/access, remote share and moving key counters, unchanged', () => {
        const r = exampleResult(example);
        const t = summaryTable(r, null);
        assert.deepEqual(t.rows.map((row) => row.variant), r.variants.map((v) => v.name));
        assert.equal(t.columns[0].key, 'avg_access_ns');
        assert.equal(t.columns[1].key, 'remote_access_ratio');
        const counters = t.columns.slice(2).map((c) => c.key);
        assert.deepEqual(counters, movingCounters(r.variants));
        for (const c of counters) {
          assert.ok((KEY_COUNTERS as readonly string[]).includes(c));
          assert.ok(r.variants.some((v) => (v.summary.vmstat[c] ?? 0) !== 0), `${c} moves somewhere`);
        }
        t.rows.forEach((row, i) => {
          const s = r.variants[i].summary;
          assert.equal(row.cells[0].value, s.avg_access_ns);
          assert.equal(row.cells[1].value, s.remote_access_ratio);
          counters.forEach((c, k) => assert.equal(row.cells[k + 2].value, s.vmstat[c] ?? 0));
          assert.equal(row.expectationsTotal, s.expectations.length);
          assert.equal(row.expectationsPassed, s.expectations.filter((e) => e.passed).length);
          for (const cell of row.cells) assert.equal(cell.delta, null);
        });
      });

      it('shows differences against the chosen baseline, judged by direction', () => {
        const r = exampleResult(example);
        if (r.variants.length < 2) return;
        const base = r.variants[r.variants.length - 1];
        const t = summaryTable(r, base.name);
        assert.equal(t.baseline, base.name);
        for (const row of t.rows) {
          const v = r.variants.find((x) => x.name === row.variant)!;
          if (row.variant === base.name) {
            assert.ok(row.isBaseline);
            assert.ok(row.cells.every((c) => c.delta === null));
            continue;
          }
          const ns = row.cells[0];
          assert.equal(ns.delta, v.summary.avg_access_ns - base.summary.avg_access_ns);
          assert.equal(ns.deltaRatio, (v.summary.avg_access_ns - base.summary.avg_access_ns) / base.summary.avg_access_ns);
          const expected = ns.delta === 0 ? 'same' : ns.delta! < 0 ? 'better' : 'worse';
          assert.equal(ns.verdict, expected);
        }
      });
    });
  }

  it('zone-reclaim: the headline names membind, the cheapest variant, as docs/domain.md expects', () => {
    const r = exampleResult('zone-reclaim.numa');
    const h = headline(r);
    const cheapest = [...r.variants].sort((a, b) => a.summary.avg_access_ns - b.summary.avg_access_ns)[0];
    assert.equal(h.best, cheapest.name);
    assert.match(h.text, new RegExp(`best ${cheapest.name} ${cheapest.summary.avg_access_ns.toFixed(1)} ns/access`));
    const lines = expectationLines(r);
    assert.equal(h.total, lines.length);
    assert.equal(h.failed, lines.filter((l) => !l.passed).length);
  });

  it('lists each expectation of a scenario once, with its result', () => {
    for (const example of EXAMPLES) {
      const r = exampleResult(example);
      const lines = expectationLines(r);
      const texts = new Set(r.variants.flatMap((v) => v.summary.expectations.map((e) => e.text)));
      assert.equal(lines.length, texts.size, example);
      for (const l of lines) {
        const anyFailed = r.variants.some((v) => v.summary.expectations.some((e) => e.text === l.text && !e.passed));
        assert.equal(l.passed, !anyFailed, `${example}: ${l.text}`);
      }
    }
  });
});

describe('panels: summary table names each variant\'s kernel version', () => {
  it('tiering: 5.15, 5.18 and 6.1 with their overrides; a counter a version lacks is marked absent', () => {
    const r = exampleResult('tiering.numa');
    const t = summaryTable(r, 'hot-threshold');
    const row = (n: string) => t.rows.find((x) => x.variant === n)!;
    assert.equal(row('no-promotion').kernel, '5.15');
    assert.equal(row('promotion-wmark-promo').kernel, '5.18');
    assert.equal(row('hot-threshold').kernel, '6.1');
    assert.deepEqual(row('promotion').overrides, ['model.wmark_promo = false (5.18 has true)']);
    const k = t.columns.findIndex((c) => c.key === 'pgpromote_success');
    assert.ok(k > 0);
    assert.equal(row('no-promotion').cells[k].absent, true);
    assert.equal(row('no-promotion').cells[k].delta, null);
    assert.equal(row('promotion').cells[k].absent, false);
  });
});
