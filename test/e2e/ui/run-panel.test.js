// Running scenarios and the results panel in a real VS Code workbench, against the installed
// .vsix: every example through the palette and through its code lenses, the panel's charts and
// table (the same numbers as `numa-lab run --format json`), a sweep, a file with errors, cancel,
// restore after a window reload, and the exports. Screenshots of each example's panel go to
// test-artifacts/e2e/run-panel/.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { test } = require('../lib/ui');

const EXAMPLES = ['zone-reclaim.numa', 'thp-numa.numa', 'tiering.numa', 'deferred-split.numa'];
const SWEEP = 'fixtures/run-sweep.numa';
const LONG = 'fixtures/run-long.numa';
const VARIANTS = 'fixtures/run-variants.numa';
const TYPO = 'fixtures/typo-knob.numa';
const RUN_TIMEOUT = 90000;

/** The CLI of the installed extension (so the numbers come from the very build under test),
 *  or the repository's when the extension folder is not beside the workspace. */
function cliPath(wb) {
  const extDir = path.join(path.dirname(wb.workspace), 'extensions');
  const installed = fs.existsSync(extDir) ? fs.readdirSync(extDir).find((d) => d.startsWith('numa-lab.numa-lab')) : null;
  const cli = installed ? path.join(extDir, installed, 'dist', 'cli.js') : path.join(wb.repo, 'dist', 'cli.js');
  return fs.existsSync(cli) ? cli : path.join(wb.repo, 'dist', 'cli.js');
}

/** The CLI's JSON for a file of the workspace: what the panel must agree with. */
const cliCache = new Map();
function cliJson(wb, rel, variant) {
  const key = `${rel}#${variant || ''}`;
  if (!cliCache.has(key)) {
    const args = [cliPath(wb), 'run', path.join(wb.workspace, rel), '--format', 'json'];
    if (variant) args.push('--variant', variant);
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
    assert.ok(r.stdout.trim().startsWith('{'), `numa-lab run ${rel} printed no JSON (exit ${r.status}): ${r.stderr.slice(0, 400)}`);
    cliCache.set(key, JSON.parse(r.stdout));
  }
  return cliCache.get(key);
}

function panel(wb) {
  return wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

async function fresh(wb) {
  // Saved runs would otherwise match Quick Open queries like "zone-reclaim.numa".
  for (const dir of [path.join(wb.workspace, '.numa-results'), path.join(wb.workspace, 'fixtures', '.numa-results')]) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  await wb.closeWidgets();
  await wb.runCommand('View: Close All Editors');
  await wb.runCommand('Notifications: Clear All Notifications').catch(() => {});
}

/** Waits until the panel shows a finished, saved run and has drawn it; returns what it shows. */
async function finishedPanel(wb, variants) {
  const p = panel(wb);
  await p.locator('#status .path').waitFor({ timeout: RUN_TIMEOUT });
  await p.locator('body[data-rendered]').waitFor({ timeout: 20000 });
  await wb.until(async () => (await p.locator('#summary-table thead th[data-variant]').count()) === variants, { timeout: 20000 });
  return readPanel(wb);
}

/** Opens a workspace file in a clean window, runs it from the palette and waits for the panel
 *  to show every variant. Returns the CLI's JSON for the file and what the panel shows. */
async function runFromPalette(wb, rel) {
  await fresh(wb);
  await wb.openFile(rel);
  await wb.runCommand('NUMA Lab: Run Scenario');
  const json = cliJson(wb, rel);
  const shown = await finishedPanel(wb, json.variants.length);
  return { json, shown };
}

async function readPanel(wb) {
  return panel(wb).locator('body').evaluate(() => ({
    // One column per variant; each cell names its variant and metric.
    rows: [...document.querySelectorAll('#summary-table thead th[data-variant]')].map((th) => ({
      variant: th.dataset.variant,
      cells: Object.fromEntries([...document.querySelectorAll(`#summary-table td[data-variant="${CSS.escape(th.dataset.variant)}"]`)]
        .map((td) => [td.dataset.key, td.dataset.value])),
    })),
    residencyTitle: document.querySelector('#residency h2')?.textContent || '',
    saved: document.querySelector('#status .path')?.textContent || '',
    rendered: Number(document.body.dataset.rendered || 0),
  }));
}

/** For every chart canvas: the share of its plot area with opaque pixels (data, not grid). */
async function canvasInk(wb) {
  return panel(wb).locator('body').evaluate(() => [...document.querySelectorAll('.chart')].map((chart) => {
    const canvas = chart.querySelector('canvas');
    const over = chart.querySelector('.u-over');
    const k = canvas.width / canvas.clientWidth;
    const x = Math.round(over.offsetLeft * k), y = Math.round(over.offsetTop * k);
    const w = Math.round(over.clientWidth * k), h = Math.round(over.clientHeight * k);
    const data = canvas.getContext('2d').getImageData(x, y, w, h).data;
    let ink = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 128) ink++;
    return { kind: chart.className.replace('chart ', ''), ink: ink / (w * h), pixels: ink };
  }));
}

/** The panel's table agrees with the CLI's JSON: same variants, same numbers. */
function assertSameNumbers(shown, json) {
  assert.deepEqual(shown.rows.map((r) => r.variant), json.variants.map((v) => v.name));
  for (const row of shown.rows) {
    const v = json.variants.find((x) => x.name === row.variant);
    assert.equal(Number(row.cells.avg_access_ns), v.summary.avg_access_ns, `${row.variant} ns/access`);
    assert.equal(Number(row.cells.remote_access_ratio), v.summary.remote_access_ratio, `${row.variant} remote share`);
    const counters = Object.keys(row.cells).filter((k) => !['avg_access_ns', 'remote_access_ratio', 'expectations'].includes(k));
    for (const c of counters) assert.equal(Number(row.cells[c]), v.summary.vmstat[c] ?? 0, `${row.variant} ${c}`);
    const passed = v.summary.expectations.filter((e) => e.passed).length;
    assert.equal(row.cells.expectations, `${passed}/${v.summary.expectations.length}`, `${row.variant} expectations`);
  }
}

/** Clicks the code lens with this tooltip, above the first line that starts with `lineStart`. */
async function clickLens(wb, file, lineStart, title) {
  const lines = fs.readFileSync(path.join(wb.workspace, file), 'utf8').split('\n');
  const line = lines.findIndex((l) => l.startsWith(lineStart)) + 1;
  assert.ok(line > 0, `no line starts with "${lineStart}" in ${file}`);
  await wb.gotoLine(line, 1);
  const lens = wb.page.locator(`.monaco-editor .codelens-decoration a[title="${title}"]`).first();
  await lens.waitFor({ timeout: 20000 });
  await lens.click();
}

/** A screenshot of the panel alone, wide: one editor group, no side bar. */
async function panelShot(wb, name) {
  await wb.runCommand('View: Join All Editor Groups').catch(() => {});
  await wb.runCommand('View: Close Primary Side Bar').catch(() => {});
  await wb.runCommand('NUMA Lab: Show Results');
  await wb.page.locator('iframe.webview.ready').waitFor({ state: 'visible', timeout: 15000 });
  await panel(wb).locator('body[data-rendered]').waitFor({ timeout: 15000 });
  await wb.page.waitForTimeout(800);
  fs.mkdirSync(wb.artifactsDir, { recursive: true });
  const file = path.join(wb.artifactsDir, `panel-${name}.png`);
  await wb.page.locator('iframe.webview.ready').screenshot({ path: file });
  return file;
}

for (const ex of EXAMPLES) {
  test(`${ex}: Run Scenario from the palette charts every variant with the CLI's numbers`, async (wb) => {
    await wb.page.setViewportSize({ width: 1400, height: 1500 });
    const { json, shown } = await runFromPalette(wb, ex);
    assertSameNumbers(shown, json);
    assert.match(shown.saved, /\.numa-results\/.*\.numa-result\.json/);
    const saved = shown.saved.replace(/^Saved:\s*/, '').trim();
    assert.ok(fs.existsSync(saved), `result file ${saved} exists`);
    assert.deepEqual(JSON.parse(fs.readFileSync(saved, 'utf8')).variants.map((v) => v.summary), json.variants.map((v) => v.summary));
    const ink = await canvasInk(wb);
    const residency = ink.filter((c) => c.kind.includes('residency'));
    assert.equal(residency.length, json.variants[0].series.nodes.length, 'one residency chart per node');
    for (const c of residency) assert.ok(c.pixels > 200, `a residency chart drew (${c.pixels} opaque pixels)`);
    assert.ok(residency.reduce((s, c) => s + c.ink, 0) / residency.length > 0.05, `residency charts are filled: ${JSON.stringify(residency)}`);
    const timeline = ink.find((c) => c.kind.includes('timeline'));
    const shownVariant = json.variants[0];
    if (shownVariant.events.length) {
      assert.ok(timeline, 'the event timeline is there');
      assert.ok(timeline.pixels > 0, 'the timeline drew events');
    } else {
      assert.equal(timeline, undefined, 'no timeline of empty lanes');
      assert.match(await panel(wb).locator('#events .timeline-notes').textContent(), /No reclaim or placement events in /);
    }
    if (shownVariant.series.cgroups.length) assert.ok(ink.some((c) => c.kind.includes('cgroups') && c.pixels > 50), 'the cgroup chart drew');
    await panelShot(wb, ex.replace('.numa', ''));
    await wb.screenshot(`window-${ex}`);
    await wb.page.setViewportSize({ width: 1400, height: 900 });
  }, { timeout: 150000 });

  test(`${ex}: the Run and Run variant code lenses run the scenario and one variant`, async (wb) => {
    await fresh(wb);
    await wb.openFile(ex);
    const json = cliJson(wb, ex);
    const first = json.variants[0].name;
    await clickLens(wb, ex, `variant ${first}`, `Run only variant ${first}`);
    const one = await finishedPanel(wb, 1);
    assertSameNumbers(one, cliJson(wb, ex, first));
    await fresh(wb);
    await wb.openFile(ex);
    await clickLens(wb, ex, 'scenario "', 'Run every variant of this scenario');
    assertSameNumbers(await finishedPanel(wb, json.variants.length), json);
  }, { timeout: 150000 });
}

test('the Run sweep code lens runs the sweep points and charts the metric against the knob', async (wb) => {
  await fresh(wb);
  await wb.openFile(SWEEP);
  await clickLens(wb, SWEEP, 'sweep vm.zone_reclaim_mode', 'Run the points of the sweep over vm.zone_reclaim_mode');
  const json = cliJson(wb, SWEEP);
  const points = json.sweeps.find((s) => s.knob === 'vm.zone_reclaim_mode').variants;
  const shown = await finishedPanel(wb, points.length);
  assert.deepEqual(shown.rows.map((r) => r.variant), points);
  const ink = await canvasInk(wb);
  assert.ok(ink.some((c) => c.kind.includes('sweep') && c.pixels > 20), `sweep chart drew: ${JSON.stringify(ink)}`);
  await panelShot(wb, 'sweep');
});

test('a file with errors is not run: a message says so and Problems says why', async (wb) => {
  await fresh(wb);
  await wb.openFile(TYPO);
  await wb.runCommand('NUMA Lab: Run Scenario');
  const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'not run' });
  await toast.waitFor({ timeout: 20000 });
  const rows = await wb.problems({ until: (rs) => rs.some((r) => r.text.includes('zone_reclam_mode')) });
  assert.ok(rows.some((r) => r.text.includes('zone_reclam_mode')), `Problems: ${JSON.stringify(rows)}`);
  assert.equal(await wb.page.locator('iframe.webview').count(), 0, 'no results panel opened');
  const resultsDir = path.join(wb.workspace, 'fixtures', '.numa-results');
  const typoResults = fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir).filter((f) => f.startsWith('typo-knob')) : [];
  assert.deepEqual(typoResults, []);
  await wb.screenshot('not-run-problems');
});

test('cancel stops a long run: the notification cancels, nothing is saved', async (wb) => {
  await fresh(wb);
  await wb.openFile(LONG);
  await wb.runCommand('NUMA Lab: Run Scenario');
  const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'NUMA Lab: running' });
  await toast.waitFor({ timeout: 30000 });
  // Let it get going: the status bar shows simulated time.
  await wb.until(async () => /NUMA: .* \d/.test((await wb.page.locator('.statusbar').first().textContent().catch(() => '')) || ''), { timeout: 15000 });
  await wb.screenshot('long-run-progress');
  await toast.hover();
  await toast.locator('.monaco-button, a.monaco-button', { hasText: 'Cancel' }).first().click();
  const status = await wb.until(async () => {
    const t = (await wb.page.locator('.statusbar').first().textContent()) || '';
    return /cancelled/.test(t) ? t : null;
  }, { timeout: 10000 });
  assert.ok(status, 'the status bar says the run was cancelled');
  await panel(wb).locator('.notice', { hasText: 'cancelled' }).waitFor({ timeout: 10000 });
  const resultsDir = path.join(wb.workspace, 'fixtures', '.numa-results');
  const saved = fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir).filter((f) => f.startsWith('run-long')) : [];
  assert.deepEqual(saved, [], 'a cancelled run saves no result');
  await wb.screenshot('long-run-cancelled');
  await wb.focusEditor();
}, { timeout: 120000 });

test('the panel comes back after a window reload, with its data and the chosen variant', async (wb) => {
  const { json } = await runFromPalette(wb, 'zone-reclaim.numa');
  const pick = json.variants[json.variants.length - 1].name;
  await panel(wb).locator(`#summary-table th[data-variant="${pick}"] a`).click();
  await wb.until(async () => (await readPanel(wb)).residencyTitle.includes(pick));
  await wb.page.waitForTimeout(500); // setState is asynchronous
  await wb.runCommand('Developer: Reload Window');
  await wb.page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  const shown = await finishedPanel(wb, json.variants.length);
  assertSameNumbers(shown, json);
  assert.match(shown.residencyTitle, new RegExp(pick), 'the chosen variant is still shown');
  await wb.screenshot('after-reload');
}, { timeout: 150000 });

test('export writes CSV, JSON and PNG files', async (wb) => {
  const { json } = await runFromPalette(wb, 'thp-numa.numa');
  const dir = path.join(wb.workspace, '.numa-results', 'exports');
  fs.rmSync(dir, { recursive: true, force: true });
  for (const f of ['csv', 'json', 'png']) {
    await panel(wb).locator(`#export-${f}`).click();
    await panel(wb).locator('.notice', { hasText: 'Exported' }).waitFor({ timeout: 15000 });
    await wb.until(() => fs.existsSync(dir) && fs.readdirSync(dir).some((n) => n.endsWith(`.${f}`)));
  }
  const files = fs.readdirSync(dir);
  const csv = files.find((n) => n.endsWith('-summary.csv'));
  assert.ok(csv, `files: ${files}`);
  const lines = fs.readFileSync(path.join(dir, csv), 'utf8').trim().split('\n');
  assert.equal(lines.length, json.variants.length + 1);
  assert.ok(lines[1].startsWith(`${json.variants[0].name},${json.variants[0].summary.avg_access_ns},`));
  const jsonFile = files.find((n) => n.endsWith('.json'));
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, jsonFile), 'utf8')).variants.map((v) => v.summary), json.variants.map((v) => v.summary));
  const png = fs.readFileSync(path.join(dir, files.find((n) => n.endsWith('.png'))));
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  assert.ok(png.length > 10000, `the PNG has content (${png.length} bytes)`);
  fs.copyFileSync(path.join(dir, files.find((n) => n.endsWith('.png'))), path.join(wb.artifactsDir, 'export-charts.png'));
});

test('the panel follows the theme, syncs the cursor across charts and explains an event on hover', async (wb) => {
  await wb.page.setViewportSize({ width: 1400, height: 1500 });
  const { json } = await runFromPalette(wb, 'zone-reclaim.numa');
  const p = panel(wb);
  const fill = () => p.locator('body').evaluate(() => {
    const c = document.querySelector('.chart.residency canvas');
    const d = c.getContext('2d').getImageData(Math.floor(c.width * 0.5), Math.floor(c.height * 0.3), 1, 1).data;
    return `${d[0]},${d[1]},${d[2]}`;
  });
  const before = await fill();
  await wb.pickAfterCommand('Preferences: Color Theme', 'Dark Modern');
  await p.locator('body[data-theme-redraws]').waitFor({ timeout: 15000 });
  await wb.until(async () => (await fill()) !== before, { timeout: 10000 });
  assert.notEqual(await fill(), before, 'the charts were redrawn in the new theme colours');

  // Hover where the first event of the shown variant is drawn: its lane (the order of
  // webview/results/transforms/events.ts), its node's strip, its time.
  const LANE_KINDS = [['kswapd_wake'], ['node_reclaim'], ['direct_reclaim'], ['compact_success', 'compact_fail'], ['swap_out', 'swap_in'],
    ['demotion'], ['promotion'], ['numa_migrate'], ['thp_split'], ['deferred_split_queue'], ['oom_kill']];
  const v = json.variants.find((x) => x.events.some((e) => e.kind !== 'kswapd_sleep'));
  assert.ok(v, 'a variant has events');
  const ev = v.events.find((e) => e.kind !== 'kswapd_sleep');
  await p.locator(`#summary-table th[data-variant="${v.name}"] a`).click();
  await wb.until(async () => (await readPanel(wb)).residencyTitle.includes(v.name));
  // Only the lanes with events are drawn.
  const lanes = LANE_KINDS.filter((ks) => v.events.some((e) => ks.includes(e.kind)));
  const lane = lanes.findIndex((ks) => ks.includes(ev.kind));
  const nodes = v.series.nodes.map((n) => n.node).sort((a, b) => a - b);
  const strip = nodes.indexOf(ev.node);
  const end = Math.max(v.series.t_ms[v.series.t_ms.length - 1], v.events[v.events.length - 1].t_ms);
  await p.locator('.chart.timeline').scrollIntoViewIfNeeded();
  const box = await p.locator('.chart.timeline .u-over').boundingBox();
  const row = lane + 0.12 + ((strip + 0.5) / nodes.length) * 0.76;
  // The real mouse crosses the timeline (the cursor follows on every chart); the tooltip is then
  // asked for at the event's own place, in the webview's coordinates at that moment.
  await wb.page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2, { steps: 4 });
  const tip = await p.locator('.chart.timeline .u-over').evaluate((over, [frac, rowFrac]) => {
    const r = over.getBoundingClientRect();
    over.dispatchEvent(new MouseEvent('mousemove', { clientX: r.left + frac * r.width, clientY: r.top + rowFrac * r.height, bubbles: true }));
    const t = over.querySelector('.tooltip');
    return t && !t.hidden ? t.textContent : '';
  }, [ev.t_ms / end, row / lanes.length]);
  assert.match(tip, new RegExp(`on node ${ev.node}`), `tooltip at ${ev.kind} t=${ev.t_ms}: ${tip}`);
  assert.match(tip, /pages/);
  const cursors = await p.locator('body').evaluate(() => [...document.querySelectorAll('.chart .u-cursor-x')].map((c) => c.style.transform || c.style.left));
  assert.ok(cursors.length >= 3 && new Set(cursors).size === 1, `cursor positions across charts: ${JSON.stringify(cursors)}`);
  await wb.screenshot('dark-theme-hover');
  await panelShot(wb, 'zone-reclaim-dark');
  await wb.page.setViewportSize({ width: 1400, height: 900 });
}, { timeout: 150000 });

// ---- issue 11: the panel's own problems ----

/** A screenshot of the results panel as it is docked now (test-artifacts/e2e/run-panel/fix-NAME.png). */
async function webviewShot(wb, name, selector) {
  fs.mkdirSync(wb.artifactsDir, { recursive: true });
  const file = path.join(wb.artifactsDir, `fix-${name}.png`);
  if (selector) {
    await panel(wb).locator(selector).scrollIntoViewIfNeeded();
    await panel(wb).locator(selector).screenshot({ path: file });
  } else {
    await wb.page.locator('iframe.webview.ready').screenshot({ path: file });
  }
  return file;
}

/** What the panel shows at this moment of a live run: the running variant (status line), the
 *  picker's value and face, and the variant the charts are of. */
async function liveState(wb) {
  return panel(wb).locator('body').evaluate(() => {
    const sel = document.querySelector('#variant-picker');
    const running = /Running (\S+) \((\d+)\/(\d+)\)/.exec(document.querySelector('#status .running')?.textContent || '');
    const face = sel?.shadowRoot?.querySelector('.select-face, [part="select-face"]')?.textContent?.trim() || '';
    return {
      running: running ? running[1] : null,
      index: running ? Number(running[2]) : 0,
      count: running ? Number(running[3]) : 0,
      picker: sel ? sel.value : null,
      face,
      options: sel ? [...sel.querySelectorAll('vscode-option')].map((o) => o.getAttribute('value')) : [],
      charts: (/·\s*(\S+)$/.exec(document.querySelector('#residency h2')?.textContent || '') || [])[1] || null,
    };
  });
}

/** Stops the live run with its notification's Cancel button and waits until the panel says
 *  so; a run that finished first (on a fast machine) needs nothing. */
async function cancelLive(wb) {
  const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'NUMA Lab: running' });
  const state = await wb.until(async () => ((await panel(wb).locator('#status .path').count()) ? 'done' : (await toast.isVisible()) ? 'running' : null), { timeout: 30000 });
  if (state === 'done') return;
  await toast.hover();
  await toast.locator('.monaco-button, a.monaco-button', { hasText: 'Cancel' }).first().click();
  const stopped = await wb.until(async () => (await panel(wb).locator('#status .path').count()) || (await panel(wb).locator('.notice', { hasText: 'cancelled' }).count()), { timeout: 90000 });
  assert.ok(stopped, 'the run stopped');
}

/** Samples the live panel every 100 ms until `done(sample)`; returns the samples. The fixture's
 *  variants take a few seconds each on a quiet machine and half a minute on one loaded to 20
 *  (three CI runs at once), so the wait allows for the loaded machine. */
async function sampleLive(wb, done, timeout = 300000) {
  const samples = [];
  const reached = await wb.until(async () => {
    const s = await liveState(wb).catch(() => null);
    if (s && s.picker !== null && s.running) samples.push(s);
    return s && done(s) ? s : null;
  }, { timeout, interval: 100 });
  assert.ok(reached, `the run went on as expected: ${JSON.stringify(samples.slice(-3))}`);
  return samples;
}

test('during a run the variant picker shows the variant the charts show: the running one, or the one picked', async (wb) => {
  await fresh(wb);
  await wb.openFile(VARIANTS);
  await wb.runCommand('NUMA Lab: Run Scenario');
  // A variant picked during a run stays shown while the run goes on.
  const pick = 'vm.min_unmapped_ratio=1';
  await sampleLive(wb, (s) => s.options.includes(pick));
  const atPick = await wb.until(async () => {
    // The live panel redraws twice a second: click the link in the page itself, where it cannot
    // be replaced between finding and clicking it.
    await panel(wb).locator('body').evaluate((b, v) => b.querySelector(`#summary-table th[data-variant="${CSS.escape(v)}"] a`)?.click(), pick);
    const s = await liveState(wb);
    return s.charts === pick ? s : null;
  }, { timeout: 20000 });
  assert.ok(atPick, 'the summary table link picks the variant');
  const picked = await sampleLive(wb, (s) => s.index >= atPick.index + 2);
  await cancelLive(wb);
  assert.ok(picked.length >= 3, `sampled the live panel after the pick (${picked.length} samples)`);
  for (const s of picked) assert.deepEqual([s.picker, s.charts], [pick, pick], `the pick holds while ${s.running} runs: ${JSON.stringify(s)}`);

  // The next run follows the running variant: the pick from the run before does not pin it.
  await wb.focusEditor();
  await wb.runCommand('NUMA Lab: Run Scenario');
  const samples = await sampleLive(wb, (s) => s.index >= 4 && s.options.includes(s.running));
  await webviewShot(wb, 'picker-during-run');
  await cancelLive(wb);
  assert.ok(samples.length >= 10, `sampled the live panel (${samples.length} samples)`);
  for (const s of samples) {
    assert.equal(s.picker, s.charts, `the picker shows the charts' variant: ${JSON.stringify(s)}`);
    if (s.options.includes(s.running)) assert.equal(s.picker, s.running, `the picker follows the running variant: ${JSON.stringify(s)}`);
    if (s.face) assert.equal(s.face, s.picker, `the picker's face shows its value: ${JSON.stringify(s)}`);
  }
  assert.ok(new Set(samples.map((s) => s.running)).size >= 3, 'the picker followed at least three running variants');
}, { timeout: 900000 });

/** Clicks a variant's link in the summary table and waits until the charts show it. */
async function showVariant(wb, name) {
  await panel(wb).locator('body').evaluate((b, v) => b.querySelector(`#summary-table th[data-variant="${CSS.escape(v)}"] a`)?.click(), name);
  await wb.until(async () => (await readPanel(wb)).residencyTitle.includes(name));
  await panel(wb).locator('body[data-rendered]').waitFor();
}

test('a variant without events says why instead of drawing empty lanes; node reclaim is labelled as direct reclaim', async (wb) => {
  await wb.page.setViewportSize({ width: 1400, height: 1500 });
  const { json } = await runFromPalette(wb, 'zone-reclaim.numa');
  const p = panel(wb);
  const off = json.variants.find((v) => v.name === 'zrm-off');
  assert.equal(off.events.length, 0, 'zrm-off has no events');
  assert.match((await readPanel(wb)).residencyTitle, /zrm-off/);
  assert.equal(await p.locator('.chart.timeline').count(), 0, 'no lanes are drawn');
  assert.equal(await p.locator('#events .lane-legend .item').count(), 0, 'no legend without lanes');
  assert.match(await p.locator('#events .timeline-notes').textContent(), /No reclaim or placement events in zrm-off: .*\(no memory pressure\)/);
  await webviewShot(wb, 'no-events', '#events');

  const on = json.variants.find((v) => v.name === 'zrm-on');
  await showVariant(wb, 'zrm-on');
  assert.equal(await p.locator('.chart.timeline').getAttribute('data-lanes'), 'node_reclaim', 'only the lane with events');
  assert.deepEqual(await p.locator('#events .lane-legend .item').allTextContents(), ['node reclaim (counted as direct reclaim)']);
  const notes = await p.locator('#events .timeline-notes').textContent();
  const scanned = on.summary.vmstat.pgscan_direct;
  assert.ok(scanned > 1e6, `zrm-on scans in direct reclaim: ${scanned}`);
  assert.ok(notes.includes(`counts it as direct reclaim: pgscan_direct ${scanned.toLocaleString('en-US')}`), notes);
  assert.equal(Number(await p.locator('#summary-table td[data-variant="zrm-on"][data-key="pgscan_direct"]').first().getAttribute('data-value')), scanned, 'the note and the table agree');
  assert.ok(notes.includes('No events of: kswapd active, direct reclaim'), notes);
  await webviewShot(wb, 'node-reclaim-is-direct', '#events');
  await wb.page.setViewportSize({ width: 1400, height: 900 });
}, { timeout: 150000 });

test('every event kind has its own theme colour, and the THP split lane draws what thp_split_page counts', async (wb) => {
  await wb.page.setViewportSize({ width: 1400, height: 1500 });
  // deferred-split's first variant splits THPs from its shrinker. (thp-numa's thisnode no longer
  // does: from 4.14 reclaim swaps a THP out whole while a swap cluster is free.)
  const { json } = await runFromPalette(wb, 'deferred-split.numa');
  const p = panel(wb);
  const v = json.variants[0];
  assert.equal(v.name, 'deferred');
  // The variables of out/webview/results/transforms/eventColors.js, resolved by the real theme.
  const { EVENT_COLORS } = require(path.join(wb.repo, 'out', 'webview', 'results', 'transforms', 'eventColors.js'));
  const resolved = await p.locator('body').evaluate((b, vars) => {
    const s = getComputedStyle(document.documentElement);
    return Object.fromEntries(Object.entries(vars).map(([k, c]) => [k, s.getPropertyValue(c.cssVar).trim().toLowerCase()]));
  }, EVENT_COLORS);
  for (const [kind, color] of Object.entries(resolved)) assert.ok(color, `the theme defines ${EVENT_COLORS[kind].cssVar} (${kind})`);
  const values = Object.values(resolved);
  assert.equal(new Set(values).size, values.length, `two kinds share a colour: ${JSON.stringify(resolved)}`);
  const legend = await p.locator('#events .lane-legend .item').evaluateAll((items) => items.map((i) => [i.dataset.kind, getComputedStyle(i.querySelector('.swatch')).backgroundColor]));
  assert.deepEqual(legend.map(([k]) => k), ['thp_split', 'deferred_split_queue']);
  assert.equal(new Set(legend.map(([, c]) => c)).size, legend.length, `legend colours repeat: ${JSON.stringify(legend)}`);

  // The THP split lane: its row of the canvas holds pixels of the THP split colour.
  const split = v.summary.vmstat.thp_split_page;
  assert.ok(split > 0, 'the deferred variant splits THPs');
  assert.equal(Number(await p.locator('#summary-table td[data-variant="deferred"][data-key="thp_split_page"]').first().getAttribute('data-value')), split);
  const lanes = (await p.locator('.chart.timeline').getAttribute('data-lanes')).split(' ');
  assert.ok(lanes.includes('thp_split'), `lanes: ${lanes}`);
  const thpColor = legend.find(([k]) => k === 'thp_split')[1];
  const inLane = await p.locator('.chart.timeline').evaluate((chart, [li, n, rgb]) => {
    const canvas = chart.querySelector('canvas');
    const over = chart.querySelector('.u-over');
    const k = canvas.width / canvas.clientWidth;
    const want = rgb.match(/\d+/g).map(Number);
    const y0 = Math.round((over.offsetTop + ((li + 0.15) / n) * over.clientHeight) * k);
    const y1 = Math.round((over.offsetTop + ((li + 0.85) / n) * over.clientHeight) * k);
    const x0 = Math.round(over.offsetLeft * k);
    const d = canvas.getContext('2d').getImageData(x0, y0, Math.round(over.clientWidth * k), y1 - y0).data;
    let hits = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - want[0]) + Math.abs(d[i + 1] - want[1]) + Math.abs(d[i + 2] - want[2]) < 6) hits++;
    return hits;
  }, [lanes.indexOf('thp_split'), lanes.length, thpColor]);
  assert.ok(inLane > 0, `the THP split lane drew ${inLane} pixels of ${thpColor}`);
  await webviewShot(wb, 'event-colours-thp-split', '#events');
  await wb.page.setViewportSize({ width: 1400, height: 900 });
}, { timeout: 150000 });

test('six variants in a panel beside the editor: the summary wraps to fit, nothing scrolls sideways', async (wb) => {
  await wb.page.setViewportSize({ width: 1400, height: 900 });
  await wb.runCommand('View: Show Explorer');
  const { json } = await runFromPalette(wb, 'tiering.numa');
  assert.equal(json.variants.length, 6);
  const frame = await wb.page.locator('iframe.webview.ready').boundingBox();
  const editor = await wb.page.locator('.editor-instance .monaco-editor').first().boundingBox();
  assert.ok(editor && frame.x >= editor.x + editor.width - 2 && frame.width < 700, `the panel is docked beside the editor: ${JSON.stringify({ frame, editor })}`);
  const fit = () => panel(wb).locator('body').evaluate(() => {
    const host = document.querySelector('.table-host');
    const right = Math.max(...[...document.querySelectorAll('#summary-table th[data-variant]')].map((th) => th.getBoundingClientRect().right));
    return {
      overflow: host.scrollWidth - host.clientWidth,
      pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      right,
      width: document.documentElement.clientWidth,
      tables: document.querySelectorAll('#summary-table table').length,
      variants: document.querySelectorAll('#summary-table th[data-variant]').length,
      wider: [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .slice(0, 4).map((e) => `${e.tagName.toLowerCase()}.${e.className}#${e.id}`),
    };
  });
  const narrow = await fit();
  assert.equal(narrow.variants, 6, 'every variant has a column');
  assert.ok(narrow.overflow <= 1 && narrow.pageOverflow <= 1, `the table scrolls sideways: ${JSON.stringify(narrow)}`);
  assert.ok(narrow.right <= narrow.width, `a variant's column is cut off: ${JSON.stringify(narrow)}`);
  assert.ok(narrow.tables > 1, `the variants wrap onto more tables: ${JSON.stringify(narrow)}`);
  await wb.page.screenshot({ path: path.join(wb.artifactsDir, 'fix-summary-beside-editor.png') });
  // A wider panel takes more variants per table.
  await wb.page.setViewportSize({ width: 2400, height: 900 });
  const wide = await wb.until(async () => {
    const f = await fit();
    return f.tables < narrow.tables ? f : null;
  }, { timeout: 15000 });
  assert.ok(wide && wide.overflow <= 1, `a wider panel joins the tables: ${JSON.stringify(wide)}`);
  await wb.page.setViewportSize({ width: 1400, height: 900 });
}, { timeout: 150000 });
