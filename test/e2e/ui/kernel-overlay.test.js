// Run on Linux (QEMU) in a real workbench: the command boots Debian's kernel under QEMU on a
// small scenario (test/e2e/fixtures/kernel-small.numa, one variant of 6 s), and the results panel
// shows the kernel run over the simulation of the same variant: dashed kernel lines in every
// residency chart, counters side by side, the fidelity row. Screenshot:
// test-artifacts/e2e/ui/panel-kernel-overlay.png.
//
// QEMU, the kernel image and the guest agent come from the project's own set-up
// (scripts/setup-kernel.sh, `npm run setup:kernel`), run here first: on a fresh machine it
// installs them, on a set-up one it returns at once.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { test } = require('../lib/ui');

const FILE = 'fixtures/kernel-small.numa';
const BOOT_TIMEOUT = 300000;

function panel(wb) {
  return wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/** The project's kernel set-up (idempotent: at once when done, installs on a fresh machine). */
function setUpKernel(wb) {
  const setup = spawnSync('bash', [path.join(wb.repo, 'scripts', 'setup-kernel.sh')], { encoding: 'utf8', timeout: 900000 });
  assert.equal(setup.status, 0, `npm run setup:kernel failed: ${(setup.stderr || '').slice(-800)}`);
}

test('Run on Linux (QEMU) boots the scenario and the panel overlays the kernel on the simulation', async (wb) => {
  setUpKernel(wb);

  const results = path.join(wb.workspace, 'fixtures', '.numa-results');
  fs.rmSync(results, { recursive: true, force: true });
  await wb.closeWidgets();
  await wb.runCommand('View: Close All Editors');
  await wb.page.setViewportSize({ width: 1400, height: 1500 });
  await wb.openFile(FILE);
  await wb.runCommand('NUMA Lab: Run on Linux (QEMU)');

  // No saved simulation yet: the command simulates first, then boots; the panel ends comparing both.
  const p = panel(wb);
  await p.locator('#kernel-overlay .kernel-overlay').waitFor({ timeout: BOOT_TIMEOUT });
  await p.locator('body[data-rendered]').waitFor({ timeout: 20000 });

  const saved = fs.readdirSync(results).filter((f) => f.endsWith('.numa-result.json'));
  const kernelFile = saved.find((f) => f.includes('-kernel-'));
  assert.ok(kernelFile, `a kernel result is saved among ${saved.join(', ')}`);
  const kernel = JSON.parse(fs.readFileSync(path.join(results, kernelFile), 'utf8'));
  assert.equal(kernel.source.kind, 'kernel');
  assert.equal(kernel.variants[0].kernel.status, 'ok', kernel.variants[0].kernel.message);
  assert.ok(saved.some((f) => !f.includes('-kernel-')), 'the simulation it is compared with is saved too');

  const shown = await p.locator('body').evaluate(() => ({
    subtitle: document.querySelector('.subtitle')?.textContent || '',
    residencyTitle: document.querySelector('#residency h2')?.textContent || '',
    charts: [...document.querySelectorAll('.chart.residency')].map((c) => ({
      node: c.dataset.node,
      lines: Number(c.dataset.kernelLines || 0),
      legend: [...c.querySelectorAll('.u-legend .u-label')].map((l) => l.textContent),
      ink: (() => {
        const canvas = c.querySelector('canvas');
        const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 128) n++;
        return n;
      })(),
    })),
    counters: [...document.querySelectorAll('#kernel-overlay tbody tr')].map((tr) => [tr.dataset.counter, ...[...tr.querySelectorAll('td')].map((c) => Number(c.dataset.value))]),
    fidelity: document.querySelector('#kernel-overlay tr.fidelity')?.textContent || '',
    placements: document.querySelector('#kernel-overlay .kernel-overlay')?.dataset.placements || '',
  }));
  assert.match(shown.subtitle, /Comparing A = .* with B = .*-kernel-/);
  assert.match(shown.residencyTitle, /A: zrm-off \(areas\) with B: zrm-off \(kernel, dashed lines\)/);
  assert.equal(shown.charts.length, kernel.variants[0].series.nodes.length, 'one residency chart per node');
  for (const c of shown.charts) {
    assert.ok(c.lines >= 2, `node ${c.node} has kernel lines (${c.lines})`);
    assert.ok(c.legend.includes('kernel: anon') && c.legend.includes('kernel: page cache'), `node ${c.node} legend: ${c.legend.join(', ')}`);
    assert.ok(c.ink > 200, `node ${c.node} drew (${c.ink} opaque pixels)`);
  }
  assert.ok(shown.counters.length > 0, 'counters side by side');
  for (const [name, sim, ker, diff] of shown.counters) {
    const k = kernel.variants[0].summary.vmstat[name];
    assert.equal(ker, k, `${name}: the kernel column is the saved kernel result's`);
    assert.equal(diff, k - sim, `${name}: the difference is kernel - simulated`);
  }
  assert.match(shown.fidelity, /fidelity\s*placements \d+\/\d+ \(\d+%\) within 5% of node size · counters \d+\/\d+ \(\d+%\) within 25%/);
  const [, total] = shown.placements.split('/').map(Number);
  assert.ok(total > 0, `placements were compared (${shown.placements})`);

  await wb.runCommand('View: Join All Editor Groups').catch(() => {});
  await wb.runCommand('View: Close Primary Side Bar').catch(() => {});
  await wb.runCommand('NUMA Lab: Show Results');
  await wb.page.locator('iframe.webview.ready').waitFor({ state: 'visible', timeout: 15000 });
  await p.locator('#kernel-overlay').scrollIntoViewIfNeeded().catch(() => {});
  await p.locator('#residency').scrollIntoViewIfNeeded();
  await wb.page.waitForTimeout(800);
  fs.mkdirSync(wb.artifactsDir, { recursive: true });
  await wb.page.locator('iframe.webview.ready').screenshot({ path: path.join(wb.artifactsDir, 'panel-kernel-overlay.png') });
}, { timeout: 900000 });

/** QEMU processes started by an extension host (not by other tools on the machine). */
function extensionQemus() {
  const pids = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (!stat.includes('(qemu-system-x86') || fields[0] === 'Z') continue;
      const parent = fs.readFileSync(`/proc/${fields[1]}/cmdline`, 'utf8');
      if (/extensionHost|bootstrap-fork/.test(parent)) pids.push(Number(d));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

test('Cancel on the Run on Linux notification kills QEMU and saves nothing', async (wb) => {
  setUpKernel(wb);
  const results = path.join(wb.workspace, 'fixtures', '.numa-results');
  await wb.closeWidgets();
  await wb.runCommand('View: Close All Editors');
  await wb.runCommand('Notifications: Clear All Notifications').catch(() => {});
  await wb.openFile(FILE);
  const before = fs.existsSync(results) ? fs.readdirSync(results).filter((f) => f.includes('-kernel-')).length : 0;
  await wb.runCommand('NUMA Lab: Run on Linux (QEMU)');
  const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'on Linux (QEMU)' });
  await toast.waitFor({ timeout: 60000 });
  // Cancel once the guest runs the scenario ("zrm-off: 1.5 of 6.0 s"): QEMU is up.
  await wb.until(async () => /[\d.]+ of [\d.]+ s/.test((await toast.textContent({ timeout: 2000 }).catch(() => '')) || '') && extensionQemus().length > 0, { timeout: 120000, interval: 200 });
  const qemus = extensionQemus();
  await toast.hover();
  await toast.locator('.monaco-button, a.monaco-button', { hasText: 'Cancel' }).first().click();
  const clicked = Date.now();
  // The runner SIGKILLs QEMU as soon as the cancel reaches it (src/kernel/runner.ts); how soon the
  // host has torn down a guest of several GiB depends on its load (4.6 s with two CI runs on the
  // two cores, under 1 s alone), so the bound only catches a cancel that kills nothing.
  while (qemus.some((p) => extensionQemus().includes(p)) && Date.now() - clicked < 20000) await new Promise((r) => setTimeout(r, 20));
  const ms = Date.now() - clicked;
  assert.ok(!qemus.some((p) => extensionQemus().includes(p)), 'QEMU was killed');
  console.log(`      QEMU gone ${ms} ms after Cancel was clicked`);
  await wb.page.waitForTimeout(1000);
  const after = fs.existsSync(results) ? fs.readdirSync(results).filter((f) => f.includes('-kernel-')).length : 0;
  assert.equal(after, before, 'a cancelled boot saves no result');
}, { timeout: 300000 });
