// Closed-loop time in the results panel, in a real VS Code workbench: every variant's run time,
// the end of its run, its unfinished workloads and each workload's time split (the CLI's
// numbers), drawn as stacked bars in the theme's chart colours under the strict CSP; and the
// per-workload throughput and ns/access charts of the chosen variant. Screenshots go to
// test-artifacts/e2e/closed-loop-panel/.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { test } = require('../lib/ui');

/** The panel tests' fixture: app done by 4 threads, not done by 1 within the bound. */
const FIXTURE = 'fixtures/closed-loop.numa';
const PARTS = ['compute', 'memory', 'fault', 'reclaim', 'compaction', 'swapin', 'migration'];
const PART_VAR = { compute: '--vscode-charts-green', memory: '--vscode-charts-blue', fault: '--vscode-charts-orange', reclaim: '--vscode-charts-red', compaction: '--vscode-charts-purple', swapin: '--vscode-charts-yellow' };

function panel(wb) {
  return wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

function cliJson(wb, rel) {
  const r = spawnSync(process.execPath, [path.join(wb.repo, 'dist', 'cli.js'), 'run', path.join(wb.workspace, rel), '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  assert.ok(r.stdout.trim().startsWith('{'), `numa-lab run ${rel} printed no JSON (exit ${r.status}): ${r.stderr.slice(0, 400)}`);
  return JSON.parse(r.stdout);
}

async function runFromPalette(wb, rel, variants) {
  for (const dir of [path.join(wb.workspace, '.numa-results'), path.join(wb.workspace, 'fixtures', '.numa-results')]) fs.rmSync(dir, { recursive: true, force: true });
  await wb.closeWidgets();
  await wb.runCommand('View: Close All Editors');
  await wb.openFile(rel);
  await wb.runCommand('NUMA Lab: Run Scenario');
  const p = panel(wb);
  await p.locator('#status .path').waitFor({ timeout: 90000 });
  await p.locator('body[data-rendered]').waitFor({ timeout: 20000 });
  await wb.until(async () => (await p.locator('#summary-table thead th[data-variant]').count()) === variants, { timeout: 20000 });
}

/** What the run-time table shows, per variant and workload, with the bars' segments. */
async function readTimes(wb) {
  return panel(wb).locator('body').evaluate((_body, parts) => {
    const out = {};
    for (const tr of document.querySelectorAll('#workload-times-table tbody tr')) {
      const v = tr.dataset.variant;
      out[v] = out[v] || { workloads: {} };
      const th = tr.querySelector('th.variant');
      if (th) {
        out[v].end = Number(th.querySelector('.end[data-ms]').dataset.ms);
        out[v].unfinished = th.querySelector('[data-unfinished]').dataset.unfinished;
        out[v].unfinishedText = th.querySelector('[data-unfinished]').textContent;
        out[v].selected = tr.classList.contains('selected');
      }
      if (!tr.dataset.workload) continue;
      const rt = tr.querySelector('[data-runtime]');
      const bar = tr.querySelector('.time-bar');
      out[v].workloads[tr.dataset.workload] = {
        runtime: rt.dataset.runtime === '' ? null : Number(rt.dataset.runtime),
        runtimeText: rt.textContent,
        ms: Object.fromEntries(parts.map((k) => [k, Number(tr.querySelector(`td[data-part="${k}"]`).dataset.ms)])),
        segments: [...bar.querySelectorAll('.seg')].map((s) => ({ part: s.dataset.part, width: s.getBoundingClientRect().width, color: getComputedStyle(s).backgroundColor })),
        barWidth: bar.getBoundingClientRect().width,
      };
    }
    return out;
  }, PARTS);
}

/** Opaque pixels in each closed-loop chart's plot area, and the title of its section. */
async function perfInk(wb) {
  return panel(wb).locator('body').evaluate(() => ({
    title: document.querySelector('#workload-perf h2')?.textContent || '',
    charts: [...document.querySelectorAll('.chart.perf')].map((chart) => {
      const canvas = chart.querySelector('canvas');
      const over = chart.querySelector('.u-over');
      const k = canvas.width / canvas.clientWidth;
      const data = canvas.getContext('2d').getImageData(Math.round(over.offsetLeft * k), Math.round(over.offsetTop * k), Math.round(over.clientWidth * k), Math.round(over.clientHeight * k)).data;
      let ink = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 128) ink++;
      return { kind: chart.classList.contains('throughput') ? 'throughput' : 'cost', workloads: chart.dataset.workloads, ink, legend: chart.querySelector('.u-legend')?.textContent || '' };
    }),
  }));
}

test('run time per workload: every variant\'s run time, end, unfinished workloads and time split are the CLI\'s, as stacked bars in theme colours', async (wb) => {
  fs.copyFileSync(path.join(wb.repo, 'test/unit/panels/fixtures/closed-loop.numa'), path.join(wb.workspace, FIXTURE));
  await wb.page.setViewportSize({ width: 1400, height: 1400 });
  const json = cliJson(wb, FIXTURE);
  await runFromPalette(wb, FIXTURE, json.variants.length);
  const shown = await readTimes(wb);
  assert.deepEqual(Object.keys(shown), json.variants.map((v) => v.name));
  for (const v of json.variants) {
    const s = shown[v.name];
    assert.equal(s.end, v.summary.end_ms, `${v.name} end of run`);
    assert.equal(s.unfinished, v.summary.unfinished.join(' '), `${v.name} unfinished`);
    for (const w of v.summary.workloads) {
      const row = s.workloads[w.name];
      assert.ok(row, `${v.name} shows workload ${w.name}`);
      assert.equal(row.runtime, w.runtime_ms, `${v.name} ${w.name} run time`);
      for (const k of PARTS) assert.equal(row.ms[k], w.time_ms[k], `${v.name} ${w.name} ${k}`);
      // The bar's segments are the non-zero parts, as wide as their share of the time.
      const total = PARTS.reduce((t, k) => t + w.time_ms[k], 0);
      assert.deepEqual(row.segments.map((g) => g.part), PARTS.filter((k) => w.time_ms[k] > 0));
      for (const g of row.segments) assert.ok(Math.abs(g.width - (row.barWidth - 2) * (w.time_ms[g.part] / total)) <= 2, `${w.name} ${g.part} segment ${g.width}px of ${row.barWidth}px`);
    }
  }
  // 1 thread did not finish its work: no run time, said so, and named under its variant.
  assert.equal(shown['one-thread'].workloads.app.runtime, null);
  assert.match(shown['one-thread'].workloads.app.runtimeText, /did not finish/);
  assert.match(shown['one-thread'].unfinishedText, /unfinished: app/);
  assert.match(shown['four-threads'].unfinishedText, /all work done/);
  // Segment colours are the theme's chart colours, resolved the way the page resolves them.
  const expected = await panel(wb).locator('body').evaluate((_body, vars) => Object.fromEntries(Object.entries(vars).map(([k, name]) => {
    const probe = document.createElement('span');
    probe.style.color = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    document.body.append(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return [k, c];
  })), PART_VAR);
  for (const g of shown['four-threads'].workloads.app.segments) if (PART_VAR[g.part]) assert.equal(g.color, expected[g.part], `${g.part} colour`);
  assert.notEqual(expected.compute, expected.memory);
  // Drawn under the strict policy: no inline script or style is allowed, and none was needed.
  const csp = await panel(wb).locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.match(csp, /script-src 'nonce-/);
  fs.mkdirSync(wb.artifactsDir, { recursive: true });
  await panel(wb).locator('#workload-times').screenshot({ path: path.join(wb.artifactsDir, 'run-time-per-workload.png') });
}, { timeout: 150000 });

test('throughput and ns/access over time: one line per accessing workload, for the variant picked', async (wb) => {
  // The panel of the previous test is still open.
  const json = cliJson(wb, FIXTURE);
  const first = await perfInk(wb);
  assert.match(first.title, /four-threads$/);
  assert.deepEqual(first.charts.map((c) => c.kind), ['throughput', 'cost']);
  for (const c of first.charts) {
    assert.equal(c.workloads, 'app', 'the logger made no access: it has no line');
    assert.ok(c.ink > 100, `the ${c.kind} chart drew (${c.ink} opaque pixels)`);
  }
  assert.match(first.charts[0].legend, /app accesses\/s/);
  assert.match(first.charts[1].legend, /app ns\/access/);
  // Picking the other variant in the summary table redraws the charts for it and highlights its
  // rows in the run-time table.
  await panel(wb).locator('#summary-table thead th[data-variant="one-thread"] a').click();
  await wb.until(async () => /one-thread$/.test((await perfInk(wb)).title), { timeout: 15000 });
  const times = await readTimes(wb);
  assert.ok(times['one-thread'].selected && !times['four-threads'].selected);
  const second = await perfInk(wb);
  for (const c of second.charts) assert.ok(c.ink > 100, `the ${c.kind} chart of one-thread drew`);
  // Its throughput is about a quarter of four threads': the chart's points are the result's.
  const perf = (name) => json.variants.find((v) => v.name === name).series.workload_perf.find((p) => p.name === 'app');
  const mid = (a) => a.filter((x) => x > 0)[Math.floor(a.filter((x) => x > 0).length / 2)];
  const ratio = mid(perf('four-threads').accesses_per_s) / mid(perf('one-thread').accesses_per_s);
  assert.ok(ratio > 3 && ratio < 5, `four threads do ${ratio}x the accesses per second of one`);
  const legendAt = await panel(wb).locator('.chart.perf.throughput').evaluate((chart) => chart.querySelector('.u-legend').textContent);
  assert.match(legendAt, /app accesses\/s/);
  fs.mkdirSync(wb.artifactsDir, { recursive: true });
  await panel(wb).locator('#workload-perf').screenshot({ path: path.join(wb.artifactsDir, 'closed-loop-series.png') });
}, { timeout: 90000 });
