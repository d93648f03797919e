// Helpers that drive the real VS Code web workbench (code-server) through playwright-core, the way a
// person would: command palette, Quick Open, keyboard. Shared by every test/e2e/ui/*.test.js file.
//
// DOM facts this relies on (VS Code 1.139 workbench):
//  - the editor renders spaces as U+00A0, and only the lines in the viewport;
//  - diagnostics are `.squiggly-error` / `.squiggly-warning` decorations; Problems rows are
//    `.markers-panel .monaco-list-row`;
//  - the suggest widget is `.suggest-widget.visible`, the hover `.monaco-hover` (visible one),
//    the code action menu `.action-widget`;
//  - webview content: frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame').
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const NBSP = /\u00a0/g;
const EDITOR = '.editor-instance .monaco-editor';

class Workbench {
  /**
   * @param {import('playwright-core').Page} page
   * @param {{ url: string, workspace: string, repo: string, artifactsDir: string }} ctx
   */
  constructor(page, ctx) {
    this.page = page;
    this.url = ctx.url;
    this.workspace = ctx.workspace;
    this.repo = ctx.repo;
    this.artifactsDir = ctx.artifactsDir;
    this.shots = 0;
  }

  /** Loads the workbench on the workspace folder and waits until the explorer lists its files. */
  async load() {
    await this.page.goto(`${this.url}/?folder=${encodeURIComponent(this.workspace)}`);
    await this.page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    await this.page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60000 });
  }

  /** Runs a command by its palette label (e.g. 'Developer: Inspect Editor Tokens and Scopes'). */
  async runCommand(label) {
    const page = this.page;
    const input = page.locator('.quick-input-widget .quick-input-box input');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    // The palette can close under us (a webview taking focus, a closing widget): wait on its
    // state and try again, with keyboard focus moved out of any webview iframe first.
    for (let attempt = 0; ; attempt++) {
      try {
        if (attempt > 0) await page.evaluate(() => document.activeElement && document.activeElement.blur());
        await this.closeWidgets();
        await page.keyboard.press('F1');
        await input.waitFor({ state: 'visible', timeout: 10000 });
        await input.fill(`>${label}`, { timeout: 10000 });
        await row.waitFor({ timeout: 15000 });
        break;
      } catch (e) {
        if (attempt === 2) throw e;
      }
    }
    // The palette filters as you type; wait until the exact command is the focused (first) row.
    await page.waitForFunction((want) => {
      const first = document.querySelector('.quick-input-list .monaco-list-row.focused .label-name, .quick-input-list .monaco-list-row .label-name');
      return first && first.textContent.replace(/\u00a0/g, ' ').trim().startsWith(want);
    }, label, { timeout: 10000 }).catch(() => {});
    await row.click();
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10000 }).catch(() => {});
  }

  /**
   * Runs a command that opens a picker (e.g. 'Preferences: Color Theme') and accepts the row
   * `pick`. Waits on the picker's state, not on time: the palette closes and the command's own
   * picker opens a moment later, and a palette closed by a focus change is simply retried.
   */
  async pickAfterCommand(label, pick) {
    const page = this.page;
    const pickerOpen = () => page.evaluate(() => {
      const w = document.querySelector('.quick-input-widget');
      const input = w && w.querySelector('.quick-input-box input');
      return !!(input && w.offsetParent !== null && !input.value.startsWith('>'));
    });
    for (let attempt = 0; attempt < 3; attempt++) {
      await this.runCommand(label);
      if (!(await this.until(pickerOpen, { timeout: 10000 }))) continue;
      await page.locator('.quick-input-widget .quick-input-box input').fill(pick);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: pick }).first();
      if (!(await row.waitFor({ timeout: 10000 }).then(() => true, () => false))) continue;
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10000 }).catch(() => {});
      return;
    }
    throw new Error(`"${label}" did not offer "${pick}" after 3 tries`);
  }

  /** Opens a workspace file with Quick Open and waits until its editor is active. */
  async openFile(relPath) {
    const base = path.basename(relPath);
    let lastError;
    // A webview or notification taking focus closes Quick Open mid-way: try again, a few times.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.quickOpen(relPath);
        await this.page.locator('.tabs-container .tab.active', { hasText: base }).first().waitFor({ timeout: 10000 });
        await this.page.locator(`${EDITOR} .view-lines .view-line`).first().waitFor({ timeout: 10000 });
        await this.focusEditor();
        return;
      } catch (e) {
        lastError = e;
      }
    }
    throw lastError;
  }

  /** Types the path into Quick Open and accepts the row of exactly that file, with the keyboard. */
  async quickOpen(relPath) {
    const page = this.page;
    await this.closeWidgets();
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10000 });
    await input.fill(relPath);
    const base = path.basename(relPath);
    const dir = path.dirname(relPath) === '.' ? '' : path.dirname(relPath);
    // Fuzzy matching also lists other files (zone-reclaim.numa-result.json for zone-reclaim.numa):
    // move the focus to the row whose name is exactly the file's and whose description is its folder.
    const rowState = () => page.evaluate(({ base, dir }) => {
      const rows = [...document.querySelectorAll('.quick-input-list .monaco-list-row')];
      const index = (r) => Number(r.getAttribute('data-index'));
      const target = rows.find((r) => {
        const name = (r.querySelector('.label-name') || {}).textContent || '';
        const desc = (r.querySelector('.label-description') || {}).textContent || '';
        return name.replace(/\u00a0/g, ' ').trim() === base && (!dir || desc.replace(/\\/g, '/').includes(dir));
      });
      const focused = rows.find((r) => r.classList.contains('focused'));
      return target && focused ? { target: index(target), focused: index(focused) } : null;
    }, { base, dir });
    let state = await this.until(rowState, { timeout: 20000 });
    if (!state) throw new Error(`Quick Open lists no file ${relPath}`);
    for (let i = 0; i < 20 && state && state.focused !== state.target; i++) {
      await page.keyboard.press(state.focused < state.target ? 'ArrowDown' : 'ArrowUp');
      state = await rowState();
    }
    if (!state || state.focused !== state.target) throw new Error(`could not select ${relPath} in Quick Open`);
    await page.keyboard.press('Enter');
  }

  /** Makes sure keyboard focus is in the active editor (Quick Open leaves it there; otherwise
   *  View: Focus Active Editor Group). No click, so no widget (sticky scroll, hover) can swallow
   *  it and the cursor stays where it was. */
  async focusEditor() {
    const inEditor = () => this.page.evaluate(() => !!document.activeElement?.closest('.editor-instance .monaco-editor'));
    if (await this.until(inEditor, { timeout: 2000 })) return;
    await this.runCommand('View: Focus Active Editor Group');
    await this.until(inEditor, { timeout: 5000 });
  }

  /** The language mode shown in the status bar for the active editor. */
  async languageMode() {
    const item = this.page.locator('#status\\.editor\\.mode');
    await item.waitFor({ timeout: 15000 });
    return ((await item.textContent()) || '').trim();
  }

  /** Moves the cursor with Go to Line (1-based line and column, as the status bar shows them). */
  async gotoLine(line, column = 1) {
    const page = this.page;
    await this.closeWidgets();
    await page.keyboard.press('Control+G');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10000 });
    await input.fill(`:${line}:${column}`); // the Go to Line picker is Quick Open with a ":" prefix
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10000 }).catch(() => {});
    await page.waitForFunction((want) => {
      const s = document.querySelector('#status\\.editor\\.selection');
      return s && s.textContent.includes(want);
    }, `Ln ${line}, Col ${column}`, { timeout: 10000 });
  }

  /**
   * Where `needle` first occurs in a workspace file on disk (after `after`, if given), as a 1-based
   * {line, column}; `offset` moves the column into the match.
   */
  positionOf(relPath, needle, { after, offset = 0 } = {}) {
    const text = fs.readFileSync(path.join(this.workspace, relPath), 'utf8');
    const from = after ? text.indexOf(after) : 0;
    if (from < 0) throw new Error(`"${after}" not found in ${relPath}`);
    const at = text.indexOf(needle, from);
    if (at < 0) throw new Error(`"${needle}" not found in ${relPath}`);
    const before = text.slice(0, at + offset).split('\n');
    return { line: before.length, column: before[before.length - 1].length + 1 };
  }

  /** Puts the cursor at the first occurrence of `needle` in the active file (see positionOf). */
  async cursorAt(relPath, needle, opts) {
    const p = this.positionOf(relPath, needle, opts);
    await this.gotoLine(p.line, p.column);
    return p;
  }

  /** The rendered text of one (1-based) line of the active editor; scrolls it into view first. */
  async lineText(line) {
    await this.gotoLine(line, 1);
    return this.page.evaluate((n) => {
      const editor = document.querySelector('.editor-instance .monaco-editor');
      const num = [...editor.querySelectorAll('.margin-view-overlays .line-numbers')]
        .find((e) => e.textContent.trim() === String(n));
      if (!num) return null;
      const top = num.closest('.margin-view-overlays > div').style.top;
      const row = [...editor.querySelectorAll('.view-lines > .view-line')].find((v) => v.style.top === top);
      return row ? row.textContent.replace(/\u00a0/g, ' ') : null;
    }, line);
  }

  /** Every visible editor line, top to bottom, with U+00A0 turned back into spaces. */
  async visibleLines() {
    return this.page.evaluate(() => [...document.querySelectorAll('.editor-instance .monaco-editor .view-lines > .view-line')]
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((l) => l.textContent.replace(/\u00a0/g, ' ')));
  }

  /** Types text at the cursor (key by key, so completion and auto-closing behave as for a person). */
  async type(text) {
    await this.page.keyboard.type(text, { delay: 15 });
  }

  /** Opens the Problems panel and returns its rows: { text, ariaLabel }. Waits for `until(rows)` if given. */
  async problems({ until, timeout = 15000 } = {}) {
    const page = this.page;
    await this.runCommand('View: Focus Problems');
    await page.locator('.markers-panel').waitFor({ timeout: 10000 });
    const read = async () => page.evaluate(() => [...document.querySelectorAll('.markers-panel .monaco-list-row')]
      .map((r) => ({ text: r.textContent.replace(/\u00a0/g, ' '), ariaLabel: r.getAttribute('aria-label') || '' })));
    const deadline = Date.now() + timeout;
    let rows = await read();
    while (until && !until(rows) && Date.now() < deadline) {
      await page.waitForTimeout(250);
      rows = await read();
    }
    return rows;
  }

  /** Opens a widget and reads it with `ask` until `done(answer)` holds or `timeout` ms pass,
   *  closing it with Escape between tries: the language server may still be warming up. Returns
   *  the last answer (`initial` if there was no time to ask). */
  async askUntil(timeout, initial, ask, done) {
    const deadline = Date.now() + timeout;
    let answer = initial;
    while (Date.now() < deadline) {
      answer = await ask();
      if (done(answer)) return answer;
      await this.page.keyboard.press('Escape');
      await this.page.waitForTimeout(300);
    }
    return answer;
  }

  /** Shows the hover at the cursor (editor.action.showHover, Ctrl+K Ctrl+I) and returns its text. */
  async hoverAtCursor({ contains, timeout = 15000 } = {}) {
    const page = this.page;
    return this.askUntil(timeout, '', async () => {
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
      const hover = page.locator('.monaco-hover:not(.hidden) .hover-contents, .monaco-hover:not(.hidden) .monaco-hover-content').first();
      await hover.waitFor({ state: 'visible', timeout: 3000 }).catch(() => {});
      return ((await hover.textContent().catch(() => '')) || '').replace(NBSP, ' ');
    }, (text) => text && (!contains || text.includes(contains)));
  }

  /** Triggers completion at the cursor (Ctrl+Space) and returns the labels of the visible rows. */
  async suggest({ contains, timeout = 15000 } = {}) {
    const page = this.page;
    return this.askUntil(timeout, [], async () => {
      await page.keyboard.press('Control+Space');
      const widget = page.locator('.suggest-widget.visible');
      await widget.waitFor({ state: 'visible', timeout: 3000 }).catch(() => {});
      await page.waitForTimeout(200);
      return page.evaluate(() => [...document.querySelectorAll('.suggest-widget.visible .monaco-list-row')]
        .map((r) => (r.querySelector('.label-name') || r).textContent.replace(/\u00a0/g, ' ').trim()));
    }, (labels) => labels.length && (!contains || labels.some((l) => l.includes(contains))));
  }

  /** Opens the Quick Fix menu at the cursor (Ctrl+.) and returns its action titles. */
  async quickFixes({ contains, timeout = 15000 } = {}) {
    const page = this.page;
    return this.askUntil(timeout, [], async () => {
      await page.keyboard.press('Control+.');
      await page.locator('.action-widget').waitFor({ state: 'visible', timeout: 3000 }).catch(() => {});
      return page.evaluate(() => [...document.querySelectorAll('.action-widget .monaco-list-row.action')]
        .map((r) => (r.querySelector('.title') || r).textContent.replace(/\u00a0/g, ' ').trim()));
    }, (titles) => titles.length && (!contains || titles.some((t) => t.includes(contains))));
  }

  /** Applies the Quick Fix whose title contains `title` (the menu must be open). */
  async applyQuickFix(title) {
    await this.page.locator('.action-widget .monaco-list-row.action', { hasText: title }).first().click();
    await this.page.locator('.action-widget').waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
  }

  /** Counts of error and warning squiggles currently rendered in the active editor. */
  async squiggles() {
    return this.page.evaluate(() => ({
      errors: document.querySelectorAll('.editor-instance .monaco-editor .squiggly-error').length,
      warnings: document.querySelectorAll('.editor-instance .monaco-editor .squiggly-warning').length,
    }));
  }

  /** Waits until `fn()` returns a truthy value, polling; returns its last value. */
  async until(fn, { timeout = 15000, interval = 250 } = {}) {
    const deadline = Date.now() + timeout;
    let v = await fn();
    while (!v && Date.now() < deadline) {
      await this.page.waitForTimeout(interval);
      v = await fn();
    }
    return v;
  }

  /** Saves a PNG of the whole window under test-artifacts/e2e/<suite>/ and returns its path. */
  async screenshot(name) {
    fs.mkdirSync(this.artifactsDir, { recursive: true });
    const file = path.join(this.artifactsDir, `${String(++this.shots).padStart(2, '0')}-${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Closes the palette, hovers, suggest and menus. */
  async closeWidgets() {
    for (let i = 0; i < 2; i++) await this.page.keyboard.press('Escape');
  }

  /** Reverts and closes every editor, so the next test starts from the files on disk. */
  async revertAndCloseAll() {
    await this.closeWidgets();
    for (let i = 0; i < 20; i++) {
      if (await this.page.locator('.tabs-container .tab').count() === 0) return;
      await this.runCommand('View: Revert and Close Editor');
    }
  }
}

module.exports = { Workbench };
