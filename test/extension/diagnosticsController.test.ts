// The diagnostics controller's timing guarantees, on real documents in the extension host, with a
// recording checker and delays long enough that a loaded machine cannot blur them: a burst of edits
// is checked once, text already checked is not checked again, and a slow check that finishes after
// a newer one never overwrites it.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { DiagnosticsController, type DocumentChecker } from '../../src/extension/language/diagnostics';
import { closeAllEditors, openText, positionOf, waitFor } from './helpers';

const SMALL = 'machine preset two-socket\n\nkernel {\n  vm.swappiness = 10\n}\n\nworkload app {\n  node = 0\n  at 0 s  alloc heap 1 GiB\n}\n';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the recording checker reports for a text: its length and first line. */
const summary = (text: string) => `checked ${text.length} chars: ${text.split('\n')[0]}`;

/** A checker that records every text it is asked to check (and when each check is done) and
 *  reports one diagnostic naming it. */
function recordingChecker(delayFor: (text: string) => number = () => 0): { checked: string[]; finished: string[]; check: DocumentChecker } {
  const checked: string[] = [];
  const finished: string[] = [];
  return {
    checked,
    finished,
    check: async (_document, text) => {
      checked.push(text);
      const delay = delayFor(text);
      if (delay) await sleep(delay);
      finished.push(text);
      return [new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1), summary(text))];
    },
  };
}

describe('diagnostics controller', () => {
  let controller: DiagnosticsController | undefined;
  afterEach(async () => {
    controller?.dispose();
    controller = undefined;
    await closeAllEditors();
  });

  it('checks a burst of edits once, after the debounce, with the final text', async () => {
    const editor = await openText(SMALL);
    const { checked, check } = recordingChecker();
    controller = new DiagnosticsController(check, 5000); // longer than three edits take on a loaded machine
    await waitFor('the first check of the open document', () => checked.includes(SMALL));
    const before = checked.length;
    await editor.edit((b) => b.insert(positionOf(editor.document, 'swappiness'), 'x'));
    await editor.edit((b) => b.replace(new vscode.Range(positionOf(editor.document, '10'), positionOf(editor.document, '10', { offset: 2 })), '20'));
    await editor.edit((b) => b.delete(new vscode.Range(positionOf(editor.document, 'xswappiness'), positionOf(editor.document, 'swappiness'))));
    assert.strictEqual(checked.length, before, 'a check ran inside the debounce window');
    const final = editor.document.getText();
    assert.match(final, /vm\.swappiness = 20/);
    await waitFor('the debounced check', () => checked.length > before, 20000);
    await sleep(300);
    assert.deepStrictEqual(checked.slice(before), [final]);
    assert.deepStrictEqual(controller.collection.get(editor.document.uri)?.map((d) => d.message), [summary(final)]);
  });

  it('does not check again when a burst ends on the text already checked', async () => {
    const editor = await openText(SMALL);
    const { checked, check } = recordingChecker();
    controller = new DiagnosticsController(check, 300);
    await waitFor('the first check of the open document', () => checked.includes(SMALL));
    const before = checked.length;
    const at = positionOf(editor.document, 'swappiness');
    await editor.edit((b) => b.insert(at, 'x'));
    await editor.edit((b) => b.delete(new vscode.Range(at, at.translate(0, 1))));
    assert.strictEqual(editor.document.getText(), SMALL);
    await sleep(1000);
    assert.strictEqual(checked.length, before);
  });

  it('never lets a slow, older check overwrite a newer result', async () => {
    const editor = await openText(SMALL);
    // Texts with a SLOW marker take 2 s to check; the others answer at once.
    const { checked, finished, check } = recordingChecker((text) => (text.includes('SLOW') ? 2000 : 0));
    controller = new DiagnosticsController(check, 50);
    await waitFor('the first check of the open document', () => checked.includes(SMALL));
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '# SLOW\n'));
    await waitFor('the slow check to start', () => checked.some((t) => t.includes('SLOW')), 20000);
    await editor.edit((b) => b.replace(new vscode.Range(0, 2, 0, 6), 'FAST'));
    const newest = editor.document.getText();
    await waitFor('the newer check', () => checked.includes(newest), 20000);
    await waitFor('the slow check to finish', () => finished.some((t) => t.includes('SLOW')), 20000);
    assert.deepStrictEqual(controller.collection.get(editor.document.uri)?.map((d) => d.message), [summary(newest)]);
  });

  it('drops a document\'s diagnostics when it closes', async () => {
    const editor = await openText(SMALL);
    const { checked, check } = recordingChecker();
    controller = new DiagnosticsController(check, 0);
    await waitFor('the first check', () => checked.includes(SMALL));
    await waitFor('published diagnostics', () => (controller?.collection.get(editor.document.uri)?.length ?? 0) > 0);
    const uri = editor.document.uri;
    await closeAllEditors();
    // An untitled document closes with its editor once it is reverted.
    await waitFor('the diagnostics to be dropped', () => (controller?.collection.get(uri)?.length ?? 0) === 0, 20000);
  });
});
