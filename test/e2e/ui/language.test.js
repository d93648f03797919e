// The `.numa` editor experience in a real VS Code workbench, against the installed .vsix: language
// mode and TextMate scopes, diagnostics (squiggle + Problems), completion, hover and quick fix.
'use strict';
const assert = require('node:assert/strict');
const { test } = require('../lib/ui');

const EXAMPLE = 'zone-reclaim.numa';

/** Runs the token inspector at a position and returns the widget's text. */
async function inspectTokenAt(wb, file, needle, opts) {
  await wb.cursorAt(file, needle, opts);
  await wb.runCommand('Developer: Inspect Editor Tokens and Scopes');
  const widget = wb.page.locator('.token-inspect-widget');
  await widget.waitFor({ timeout: 15000 });
  // The widget fills in once the token's theme rules are resolved.
  const text = await wb.until(async () => {
    const t = ((await widget.textContent()) || '').replace(/\u00a0/g, ' ');
    return /source\.numa/.test(t) ? t : null;
  });
  return text || ((await widget.textContent()) || '');
}

test('an example opens in the numa language', async (wb) => {
  await wb.openFile(EXAMPLE);
  const mode = await wb.until(async () => {
    const m = await wb.languageMode();
    return /NUMA scenario/i.test(m) ? m : null;
  });
  assert.ok(mode, `status bar language mode is "${await wb.languageMode()}", not NUMA scenario`);
  await wb.screenshot('example-open');
});

test('the grammar gives keywords, knobs and comments their TextMate scopes', async (wb) => {
  await wb.openFile(EXAMPLE);
  const keyword = await inspectTokenAt(wb, EXAMPLE, 'kernel {');
  assert.match(keyword, /language\s*numa/, 'the inspector names the numa language');
  assert.match(keyword, /keyword\.control\.numa/, `scopes of "kernel": ${keyword.slice(0, 300)}`);
  await wb.screenshot('token-inspector-keyword');
  await wb.closeWidgets();

  const knob = await inspectTokenAt(wb, EXAMPLE, 'vm.zone_reclaim_mode', { after: 'kernel {', offset: 3 });
  assert.match(knob, /support\.variable\.knob\.numa/, `scopes of a knob: ${knob.slice(0, 300)}`);
  await wb.closeWidgets();

  const comment = await inspectTokenAt(wb, EXAMPLE, 'zone_reclaim_mode versus membind', { offset: 2 });
  assert.match(comment, /comment\.line\.number-sign\.numa/, `scopes of a comment: ${comment.slice(0, 300)}`);
  await wb.closeWidgets();
});

const TYPO = 'fixtures/typo-knob.numa';
const TYPO_LINE = 16; // `  vm.zone_reclam_mode = 1`, see the fixture's header

test('a misspelt knob shows a squiggle and a Problems entry at its line', async (wb) => {
  await wb.openFile(TYPO);
  const squiggles = await wb.until(async () => {
    const s = await wb.squiggles();
    return s.errors > 0 ? s : null;
  });
  assert.ok(squiggles, 'no error squiggle appeared');
  const rows = await wb.problems({ until: (rs) => rs.some((r) => r.text.includes('zone_reclam_mode')) });
  const row = rows.find((r) => r.text.includes('zone_reclam_mode'));
  assert.ok(row, `Problems rows: ${JSON.stringify(rows)}`);
  assert.match(row.text, /did you mean 'vm\.zone_reclaim_mode'/);
  assert.match(row.text, new RegExp(`\\[Ln ${TYPO_LINE}, Col 3\\]`), `row: ${row.text}`);
  assert.equal(rows.filter((r) => /error|unknown/i.test(r.ariaLabel + r.text) && !r.text.includes('typo-knob.numa')).length, 1,
    `exactly one problem expected: ${JSON.stringify(rows)}`);
  await wb.screenshot('problems');
});

test('the "did you mean" quick fix corrects the knob and clears the error', async (wb) => {
  await wb.openFile(TYPO);
  await wb.cursorAt(TYPO, 'vm.zone_reclam_mode', { offset: 5 });
  const titles = await wb.quickFixes({ contains: 'vm.zone_reclaim_mode' });
  assert.ok(titles.some((t) => t.includes('vm.zone_reclaim_mode')), `quick fixes offered: ${JSON.stringify(titles)}`);
  await wb.screenshot('quick-fix-menu');
  await wb.applyQuickFix('vm.zone_reclaim_mode');
  assert.equal(await wb.lineText(TYPO_LINE), '  vm.zone_reclaim_mode = 1');
  const clean = await wb.until(async () => (await wb.squiggles()).errors === 0);
  assert.ok(clean, 'the error squiggle is still shown after the fix');
  await wb.revertAndCloseAll();
});

test('completion in a kernel block offers knobs', async (wb) => {
  await wb.openFile(EXAMPLE);
  const p = wb.positionOf(EXAMPLE, 'transparent_hugepage.enabled = never');
  await wb.gotoLine(p.line, p.column);
  await wb.page.keyboard.press('End');
  await wb.page.keyboard.press('Enter');
  await wb.type('vm.swap');
  const labels = await wb.suggest({ contains: 'vm.swappiness' });
  assert.ok(labels.some((l) => l.includes('vm.swappiness')), `suggestions: ${JSON.stringify(labels)}`);
  await wb.screenshot('completion');
  await wb.page.keyboard.press('Enter'); // accept
  assert.match(await wb.lineText(p.line + 1), /^\s*vm\.swappiness\b/);
  await wb.revertAndCloseAll();
});

test('hover on a knob shows its documentation from the schema', async (wb) => {
  const { knob } = require(`${wb.repo}/out/src/language/schema.js`);
  const doc = knob('vm.zone_reclaim_mode');
  await wb.openFile(EXAMPLE);
  await wb.cursorAt(EXAMPLE, 'vm.zone_reclaim_mode', { after: 'kernel {', offset: 4 });
  const text = await wb.hoverAtCursor({ contains: doc.doc.slice(0, 40) });
  assert.ok(text.includes(doc.doc.slice(0, 40)), `hover text: ${text}`);
  assert.ok(text.includes(doc.kernelName), `hover names the kernel file ${doc.kernelName}: ${text}`);
  await wb.screenshot('hover');
  await wb.closeWidgets();
});
