// The heat map of a sweep over several knobs, in a real VS Code workbench against the installed
// .vsix: run a 3-knob scenario, and the panel draws a metric over two knobs with the third held;
// its cells are the numbers `numa-lab run --format json` gives; the metric, the knobs across and
// up and the held value can be chosen; clicking a cell shows that variant. Screenshot in
// test-artifacts/e2e/heatmap/.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { test } = require('../lib/ui');

const CROSS = 'fixtures/run-cross.numa';

function panel(wb) {
  return wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/** The CLI's result for the fixture: what the heat map must agree with. */
function cliJson(wb) {
  const r = spawnSync(process.execPath, [path.join(wb.repo, 'dist', 'cli.js'), 'run', path.join(wb.workspace, CROSS), '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.ok(r.stdout.startsWith('{'), `numa-lab run printed no JSON: ${r.stderr.slice(0, 300)}`);
  return JSON.parse(r.stdout);
}

/** What the heat map shows: its knobs, held values, cells and how much of its plot is drawn. */
async function heat(wb) {
  return panel(wb).locator('body').evaluate(() => {
    const chart = document.querySelector('.chart.heatmap');
    if (!chart) return null;
    const canvas = chart.querySelector('canvas');
    const over = chart.querySelector('.u-over');
    const k = canvas.width / canvas.clientWidth;
    const data = canvas.getContext('2d').getImageData(Math.round(over.offsetLeft * k), Math.round(over.offsetTop * k), Math.round(over.clientWidth * k), Math.round(over.clientHeight * k)).data;
    // Distinct cell colours: a ramp, not one flat fill.
    const colours = new Set();
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 128) { ink++; colours.add(`${data[i] >> 4},${data[i + 1] >> 4},${data[i + 2] >> 4}`); }
    }
    return {
      x: chart.dataset.x, y: chart.dataset.y, fixed: chart.dataset.fixed,
      values: JSON.parse(chart.dataset.values), variants: JSON.parse(chart.dataset.variants),
      ink: ink / (data.length / 4), colours: colours.size,
      picker: document.querySelector('#variant-picker')?.value,
      residency: document.querySelector('#residency h2')?.textContent || '',
    };
  });
}

/** Chooses a value in one of the panel's selectors, as picking it from the list does. */
async function choose(wb, id, value) {
  await panel(wb).locator('body').evaluate((b, [sel, v]) => {
    const el = b.querySelector(`#${sel}`);
    el.value = v;
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, [id, value]);
}

function assertCells(shown, json, metric) {
  for (let r = 0; r < shown.variants.length; r++) {
    for (let c = 0; c < shown.variants[r].length; c++) {
      const name = shown.variants[r][c];
      const v = json.variants.find((x) => x.name === name);
      assert.ok(v, `cell ${r},${c} is a variant of the run: ${name}`);
      const want = metric === 'avg_access_ns' || metric === 'remote_access_ratio' ? v.summary[metric] : v.summary.vmstat[metric];
      assert.equal(shown.values[r][c], want, `${metric} of ${name}`);
      assert.match(name, new RegExp(`${shown.x.replace(/\./g, '\\.')}=`));
    }
  }
}

test('a sweep over three knobs gets a heat map: metric, knobs and held value chosen, a cell click shows its variant', async (wb) => {
  fs.rmSync(path.join(wb.workspace, 'fixtures', '.numa-results'), { recursive: true, force: true });
  await wb.closeWidgets();
  await wb.runCommand('View: Close All Editors');
  await wb.openFile(CROSS);
  await wb.runCommand('NUMA Lab: Run Scenario');
  const p = panel(wb);
  await p.locator('#status .path').waitFor({ timeout: 90000 });
  await p.locator('body[data-rendered] .chart.heatmap canvas').waitFor({ timeout: 20000 });
  const json = cliJson(wb);

  // The first knob across, the second up, the third held at its first value.
  let shown = await heat(wb);
  assert.equal(shown.x, 'vm.zone_reclaim_mode');
  assert.equal(shown.y, 'vm.min_unmapped_ratio');
  assert.equal(shown.fixed, 'vm.watermark_scale_factor=10');
  assert.equal(shown.variants.length, 2);
  assert.equal(shown.variants[0].length, 3);
  assertCells(shown, json, 'avg_access_ns');
  assert.ok(shown.ink > 0.5, `the cells fill the plot: ${shown.ink}`);

  // Another metric.
  await choose(wb, 'sweep-metric', 'remote_access_ratio');
  shown = await wb.until(async () => { const s = await heat(wb); return s && JSON.stringify(s.values) !== JSON.stringify(shown.values) ? s : null; }, { timeout: 15000 });
  assertCells(shown, json, 'remote_access_ratio');

  // The watermark scale factor up: the knob that was up is held instead.
  await choose(wb, 'heat-y-0', 'vm.watermark_scale_factor');
  shown = await wb.until(async () => { const s = await heat(wb); return s && s.y === 'vm.watermark_scale_factor' ? s : null; }, { timeout: 15000 });
  assert.equal(shown.x, 'vm.zone_reclaim_mode');
  assert.equal(shown.fixed, 'vm.min_unmapped_ratio=1');
  assert.equal(shown.variants.length, 4);
  assertCells(shown, json, 'remote_access_ratio');
  assert.ok(shown.colours >= 3, `a ramp of colours, not one fill: ${shown.colours}`);

  // Hold min_unmapped_ratio at 20 instead.
  await choose(wb, 'heat-fixed-0-1', '20');
  shown = await wb.until(async () => { const s = await heat(wb); return s && s.fixed === 'vm.min_unmapped_ratio=20' ? s : null; }, { timeout: 15000 });
  assert.ok(shown.variants.flat().every((n) => n.includes('vm.min_unmapped_ratio=20 ')));
  assertCells(shown, json, 'remote_access_ratio');

  // A real click on the top right cell shows that variant.
  const box = await p.locator('.chart.heatmap .u-over').boundingBox();
  const cols = shown.variants[0].length;
  const rows = shown.variants.length;
  await p.locator('.chart.heatmap .u-over').click({ position: { x: box.width * (1 - 0.5 / cols), y: box.height * (0.5 / rows) } });
  const target = shown.variants[rows - 1][cols - 1];
  shown = await wb.until(async () => { const s = await heat(wb); return s && s.picker === target ? s : null; }, { timeout: 15000 });
  assert.ok(shown.residency.includes(target), `the charts show ${target}: ${shown.residency}`);
  // The choices survive the re-render the click caused.
  assert.equal(shown.y, 'vm.watermark_scale_factor');
  assert.equal(shown.fixed, 'vm.min_unmapped_ratio=20');

  await p.locator('#sweeps').scrollIntoViewIfNeeded();
  fs.mkdirSync(wb.artifactsDir, { recursive: true });
  await wb.page.screenshot({ path: path.join(wb.artifactsDir, 'panel-heatmap.png') });
}, { timeout: 180000 });
