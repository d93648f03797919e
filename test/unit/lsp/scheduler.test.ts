// The diagnostics scheduler's timing guarantees (once the extension's own controller's, now the
// language server's for every editor), on documents the test edits, with a recording checker and
// delays long enough that a loaded machine cannot blur them: a burst of edits is checked once, text
// already checked is not checked again, a slow check that finishes after a newer one never
// overwrites it, and a closed document's diagnostics are cleared.
import * as assert from 'node:assert/strict';
import { DiagnosticsScheduler, type DocumentNow } from '../../../src/lsp/scheduler';

const SMALL = 'machine preset two-socket\n\nkernel {\n  vm.swappiness = 10\n}\n\nworkload app {\n  node = 0\n  at 0 s  alloc heap 1 GiB\n}\n';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const summary = (text: string) => `checked ${text.length} chars: ${text.split('\n')[0]}`;

async function waitFor(what: string, fn: () => boolean, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Open documents, a checker that records every text it checks, and what was published last. */
function harness(debounceMs: number, delayFor: (text: string) => number = () => 0) {
  const docs = new Map<string, DocumentNow>();
  const checked: string[] = [];
  const finished: string[] = [];
  const published = new Map<string, string[]>();
  const scheduler = new DiagnosticsScheduler<string>({
    current: (key) => docs.get(key),
    check: async (_key, text) => {
      checked.push(text);
      const delay = delayFor(text);
      if (delay) await sleep(delay);
      finished.push(text);
      return [summary(text)];
    },
    crashed: (message) => [message],
    publish: (key, _version, diagnostics) => { published.set(key, diagnostics); },
  }, debounceMs);
  const open = (key: string, text: string) => { docs.set(key, { version: 1, text }); scheduler.schedule(key, 0); };
  const edit = (key: string, text: string) => {
    const d = docs.get(key)!;
    docs.set(key, { version: d.version + 1, text });
    scheduler.schedule(key);
  };
  const close = (key: string) => { docs.delete(key); scheduler.forget(key); };
  return { scheduler, checked, finished, published, open, edit, close };
}

describe('diagnostics scheduler (language server)', () => {
  let dispose: (() => void) | undefined;
  afterEach(() => { dispose?.(); dispose = undefined; });

  it('checks a burst of edits once, after the debounce, with the final text', async () => {
    const h = harness(1000);
    dispose = () => h.scheduler.dispose();
    h.open('a', SMALL);
    await waitFor('the first check', () => h.checked.includes(SMALL));
    const before = h.checked.length;
    h.edit('a', SMALL.replace('swappiness', 'xswappiness'));
    h.edit('a', SMALL.replace('swappiness', 'xswappiness').replace('10', '20'));
    const final = SMALL.replace('10', '20');
    h.edit('a', final);
    await sleep(300);
    assert.equal(h.checked.length, before, 'a check ran inside the debounce window');
    await waitFor('the debounced check', () => h.checked.length > before);
    await sleep(300);
    assert.deepEqual(h.checked.slice(before), [final]);
    assert.deepEqual(h.published.get('a'), [summary(final)]);
  });

  it('does not check again when a burst ends on the text already checked', async () => {
    const h = harness(100);
    dispose = () => h.scheduler.dispose();
    h.open('a', SMALL);
    await waitFor('the first check', () => h.checked.includes(SMALL));
    const before = h.checked.length;
    h.edit('a', SMALL.replace('swappiness', 'xswappiness'));
    h.edit('a', SMALL);
    await sleep(500);
    assert.equal(h.checked.length, before);
  });

  it('never lets a slow, older check overwrite a newer result', async () => {
    // Texts with a SLOW marker take 1 s to check; the others answer at once.
    const h = harness(20, (text) => (text.includes('SLOW') ? 1000 : 0));
    dispose = () => h.scheduler.dispose();
    h.open('a', SMALL);
    await waitFor('the first check', () => h.checked.includes(SMALL));
    h.edit('a', `# SLOW\n${SMALL}`);
    await waitFor('the slow check to start', () => h.checked.some((t) => t.includes('SLOW')));
    const newest = `# FAST\n${SMALL}`;
    h.edit('a', newest);
    await waitFor('the newer check', () => h.checked.includes(newest));
    await waitFor('the slow check to finish', () => h.finished.some((t) => t.includes('SLOW')));
    assert.deepEqual(h.published.get('a'), [summary(newest)]);
  });

  it('clears a document\'s diagnostics when it closes, and a pending check publishes nothing after', async () => {
    const h = harness(200);
    dispose = () => h.scheduler.dispose();
    h.open('a', SMALL);
    await waitFor('published diagnostics', () => (h.published.get('a')?.length ?? 0) > 0);
    h.edit('a', SMALL.replace('10', '30'));
    h.close('a');
    assert.deepEqual(h.published.get('a'), []);
    await sleep(400);
    assert.deepEqual(h.published.get('a'), []);
  });

  it('says on line 1 that a check crashed instead of failing silently', async () => {
    const docs = new Map<string, DocumentNow>([['a', { version: 1, text: SMALL }]]);
    let got: string[] | undefined;
    const s = new DiagnosticsScheduler<string>({
      current: (k) => docs.get(k),
      check: () => { throw new Error('boom'); },
      crashed: (m) => [m],
      publish: (_k, _v, d) => { got = d; },
    }, 0);
    await s.checkNow('a');
    assert.deepEqual(got, ['NUMA Lab could not check this file: boom']);
  });
});
