// CSV/JSON exports, comparisons of saved runs and result files, on real results.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXAMPLES, exampleResult } from './exampleResults';
import { summaryCsv, seriesCsv, eventsCsv, expectationsCsv, resultJson, fileStem } from '../../../webview/results/transforms/exportData';
import { mergeForComparison } from '../../../src/extension/panels/compare';
import { resultsDirFor, resultFileName, saveResult, loadResult, listResults } from '../../../src/extension/run/resultFiles';
import { checkRunResult } from '../../../src/protocol/resultSchema';

/** A minimal CSV reader for the exporter's output (quoted fields with "" escapes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  return rows;
}

describe('panels: exports', () => {
  for (const example of EXAMPLES) {
    it(`${example}: summary CSV has one row per variant with the JSON's numbers`, () => {
      const r = exampleResult(example);
      const rows = parseCsv(summaryCsv(r));
      const header = rows[0];
      assert.equal(rows.length, r.variants.length + 1);
      r.variants.forEach((v, i) => {
        const row = rows[i + 1];
        assert.equal(row[0], v.name);
        assert.equal(Number(row[header.indexOf('avg_access_ns')]), v.summary.avg_access_ns);
        assert.equal(Number(row[header.indexOf('remote_access_ratio')]), v.summary.remote_access_ratio);
        for (const h of header.slice(3, -2)) assert.equal(Number(row[header.indexOf(h)]), v.summary.vmstat[h] ?? 0, h);
      });
    });

    it(`${example}: series CSV has a row per sample and the node fields; events CSV a row per event`, () => {
      const r = exampleResult(example);
      const series = parseCsv(seriesCsv(r));
      assert.equal(series.length - 1, r.variants.reduce((s, v) => s + v.series.t_ms.length, 0));
      const h = series[0];
      const v0 = r.variants[0];
      const n0 = v0.series.nodes[0];
      const col = h.indexOf(`node${n0.node}.MemFree_kB`);
      assert.ok(col > 1);
      assert.equal(Number(series[1][col]), n0.MemFree[0]);
      assert.equal(Number(series[v0.series.t_ms.length][h.indexOf('t_ms')]), v0.series.t_ms[v0.series.t_ms.length - 1]);
      const events = parseCsv(eventsCsv(r));
      assert.equal(events.length - 1, r.variants.reduce((s, v) => s + v.events.length, 0));
      if (v0.events.length) {
        const e = v0.events[0];
        assert.deepEqual(events[1].slice(0, 5), [v0.name, String(e.t_ms), e.kind, String(e.node), String(e.pages)]);
        assert.equal(events[1][7], e.cause);
      }
      const exp = parseCsv(expectationsCsv(r));
      assert.equal(exp[0][0], 'expectation');
    });
  }

  it('JSON export is the result itself', () => {
    const r = exampleResult('zone-reclaim.numa');
    assert.deepEqual(JSON.parse(resultJson(r)), r);
  });

  it('names files after the scenario title', () => {
    assert.equal(fileStem('zone_reclaim_mode versus membind'), 'zone-reclaim-mode-versus-membind');
    assert.equal(fileStem('***'), 'numa-run');
  });
});

describe('panels: comparing two saved runs', () => {
  it('merges the variants of both sides, named by side, with their numbers unchanged', () => {
    const a = exampleResult('zone-reclaim.numa');
    const b = exampleResult('thp-numa.numa');
    const m = mergeForComparison({ label: 'a', result: a }, { label: 'b', result: b });
    assert.deepEqual(m.variants.map((v) => v.name), [...a.variants.map((v) => `A: ${v.name}`), ...b.variants.map((v) => `B: ${v.name}`)]);
    assert.equal(m.variants[0].summary, a.variants[0].summary);
    assert.equal(m.variants[a.variants.length].series, b.variants[0].series);
    assert.match(m.scenario, / \/ /);
  });
});

describe('run: result files', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'numa-results-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('go to .numa-results next to the scenario, or the configured folder', () => {
    assert.equal(resultsDirFor('/w/ex/zone.numa'), '/w/ex/.numa-results');
    assert.equal(resultsDirFor('/w/ex/zone.numa', 'out/runs'), '/w/ex/out/runs');
    assert.equal(resultsDirFor('/w/ex/zone.numa', '/abs/runs'), '/abs/runs');
    assert.equal(resultsDirFor('/w/ex/zone.numa', '  '), '/w/ex/.numa-results');
  });

  it('are named after the scenario, the time and the variant', () => {
    const name = resultFileName('/w/zone-reclaim.numa', new Date(2025, 0, 2, 3, 4, 5), 'zrm-on');
    assert.equal(name, 'zone-reclaim-20250102-030405-zrm-on.numa-result.json');
  });

  it('round-trip a real result, never overwrite, and keep the folder out of git', () => {
    const r = exampleResult('zone-reclaim.numa');
    const dir = path.join(tmp, '.numa-results');
    const f1 = saveResult(dir, 'z.numa-result.json', r);
    const f2 = saveResult(dir, 'z.numa-result.json', r);
    assert.notEqual(f1, f2);
    assert.equal(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8').trim().split('\n').pop(), '*');
    assert.deepEqual(loadResult(f1), r);
    assert.deepEqual(new Set(listResults(dir)), new Set([f1, f2]));
  });

  it('never write through a link in the results folder, even a dangling one', () => {
    const dir = path.join(tmp, 'linked');
    fs.mkdirSync(dir);
    const outside = path.join(tmp, 'outside.json');
    fs.symlinkSync(outside, path.join(dir, 'z.numa-result.json'));
    const f = saveResult(dir, 'z.numa-result.json', exampleResult('tiering.numa'));
    assert.equal(path.basename(f), 'z-2.numa-result.json');
    assert.equal(fs.existsSync(outside), false, 'the link target was not created');
    assert.equal(fs.readlinkSync(path.join(dir, 'z.numa-result.json')), outside);
  });

  it('refuse files that are not results', () => {
    const bad = path.join(tmp, 'bad.numa-result.json');
    fs.writeFileSync(bad, JSON.stringify({ scenario: 'x', variants: [{ name: 'v' }] }));
    assert.throws(() => loadResult(bad), /^Error: bad\.numa-result\.json is not a NUMA Lab result: /);
    assert.equal(checkRunResult([]).ok, false);
    assert.equal(checkRunResult(exampleResult('tiering.numa')).ok, true);
  });
});
