// Crafted result files opened through the custom editor (numaLab.resultFile) in a real
// workbench: each is refused with a message in the panel and in a notification that names the
// file and the first problem, the notification holds no link, and the extension host still
// answers a command within a few seconds afterwards. Before validation, the 200-byte file made
// the host allocate 1.6 GB for 10 s, and the file without node series left the panel waiting.
//
// The fixtures (test/e2e/fixtures/crafted/) are the `numa-lab run --format json` output of
// examples/zone-reclaim.numa sampled every 10 s (events cut to 8 per variant), each edited in
// one place; length-2e8 is the 200-byte file of issue 11.
'use strict';
const assert = require('node:assert/strict');
const { test } = require('../lib/ui');

const CRAFTED = [
  { file: 'length-2e8', problem: /variants\[0\]\.summary\.avg_access_ns is missing/ },
  { file: 'mismatched-series', problem: /variants\[1\]\.series: node0\.MemFree has 12 samples but t_ms has 13/ },
  { file: 'null-value', problem: /variants\[0\]\.summary\.avg_access_ns should be number, not null/ },
  { file: 'no-nodes', problem: /variants\[0\]\.series\.nodes is missing/ },
  // The panel shows the name as text; the notification with "](" split, so it is no link.
  { file: 'command-link', problem: /two variants are named "\[Open a terminal\] ?\(command:workbench\.action\.terminal\.new\)"/ },
];
/** How long the host may take to answer a command after a crafted file was opened. */
const ANSWER_MS = 5000;

function panel(wb) {
  return wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

async function fresh(wb) {
  await wb.closeWidgets();
  await wb.runCommand('View: Close All Editors');
  await wb.runCommand('Notifications: Clear All Notifications');
  await wb.page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});
}

/** Opens a workspace file with Quick Open: result files open in the custom editor. The tab shows
 *  the file's name until a valid result retitles it after its scenario, so wait on the
 *  breadcrumbs, which always name the file. */
async function openResult(wb, name) {
  await wb.quickOpen(`fixtures/crafted/${name}.numa-result.json`);
  await wb.page.locator('.breadcrumbs-control .monaco-breadcrumb-item', { hasText: `${name}.numa-result.json` }).first().waitFor({ timeout: 15000 });
}

/** The extension host answers a command of this extension within ANSWER_MS. */
async function assertHostAnswers(wb) {
  await wb.runCommand('Notifications: Clear All Notifications');
  await wb.runCommand('NUMA Lab: Cancel Run');
  const t0 = Date.now();
  const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'no run in progress' });
  await toast.waitFor({ timeout: ANSWER_MS }).catch(() => {});
  assert.ok(await toast.isVisible(), `the extension host did not answer "Cancel Run" within ${ANSWER_MS} ms`);
  console.log(`      host answered in ${Date.now() - t0} ms`);
}

for (const { file, problem } of CRAFTED) {
  test(`${file}: the custom editor says why it is not a result, and the host still answers`, async (wb) => {
    await fresh(wb);
    await openResult(wb, file);
    const shown = panel(wb).locator('#status .notice.error');
    await shown.waitFor({ timeout: 20000 });
    const text = (await shown.textContent()) || '';
    assert.match(text, new RegExp(`^${file}\\.numa-result\\.json is not a NUMA Lab result: `));
    assert.match(text, problem);
    // Nothing of the result is drawn.
    assert.equal(await panel(wb).locator('#summary-table, .chart').count(), 0);

    const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: `${file}.numa-result.json is not a NUMA Lab result` });
    await toast.waitFor({ timeout: 10000 });
    const message = toast.locator('.notification-list-item-message');
    assert.match((await message.textContent()) || '', problem);
    assert.equal(await message.locator('a').count(), 0, 'the notification holds a link');
    if (file === 'command-link') assert.match((await message.textContent()) || '', /\[Open a terminal\] \(command:/);
    await wb.screenshot(`crafted-${file}`);
    await assertHostAnswers(wb);
  });
}

test('a valid result whose variant name is a command link shows it as text, with no link', async (wb) => {
  await fresh(wb);
  await openResult(wb, 'link-name');
  const p = panel(wb);
  await p.locator('body[data-rendered]').waitFor({ timeout: 20000 });
  const names = await p.locator('#summary-table thead th[data-variant]').evaluateAll((ths) => ths.map((th) => th.dataset.variant));
  assert.deepEqual(names, ['zrm-off', '[Open a terminal](command:workbench.action.terminal.new)', 'membind']);
  const commandLinks = await p.locator('body').evaluate(() => [...document.querySelectorAll('a[href]')].filter((a) => !a.getAttribute('href').startsWith('#')).length);
  assert.equal(commandLinks, 0, 'the panel made a link of the name');
  assert.equal(await p.locator('#status .notice.error').count(), 0);
  await wb.screenshot('link-name-as-text');
  await assertHostAnswers(wb);
});
