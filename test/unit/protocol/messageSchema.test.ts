// What the results webview posts is validated against the typed protocol: the messages the
// webview really sends pass, anything else (an export naming a folder or a file, a PNG that is
// not one, a saved state naming a non-JSON path) is refused. And file text in notifications
// carries no link.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkFromWebview, checkWebviewState, pngBytes, PNG_DATA_URL_PREFIX } from '../../../src/protocol/messageSchema';
import { fromFile, MAX_NOTIFIED_CHARS } from '../../../src/extension/fileText';

// The 8-byte PNG signature and an IHDR start: enough for the signature check.
const PNG = PNG_DATA_URL_PREFIX + Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).toString('base64');

function refused(m: unknown): string {
  const c = checkFromWebview(m);
  assert.equal(c.ok, false, `accepted ${JSON.stringify(m).slice(0, 120)}`);
  return (c as { problem: string }).problem;
}

describe('webview messages: schema', () => {
  it('accepts each message the webview sends', () => {
    for (const m of [
      { type: 'ready' },
      { type: 'selections', selections: {} },
      { type: 'selections', selections: { variant: 'zrm-on', baseline: 'base', splitByWorkload: true, sweepMetric: 'avg_access_ns' } },
      { type: 'export', formats: ['csv', 'json'] },
      { type: 'export', formats: ['png'], png: { variant: 'zrm-on', dataUrl: PNG } },
      { type: 'rendered', charts: 5, ms: 93.2 },
      { type: 'error', message: 'TypeError: x is undefined' },
    ]) {
      const c = checkFromWebview(m);
      assert.ok(c.ok, `${JSON.stringify(m)}: ${(c as { problem?: string }).problem}`);
      assert.deepEqual((c as { value: unknown }).value, m);
    }
  });

  it('refuses an export that names a folder or a file name', () => {
    assert.match(refused({ type: 'export', formats: ['csv'], dir: '/etc' }), /^dir is not allowed here$/);
    assert.match(refused({ type: 'export', formats: ['png'], png: { name: '../../.bashrc', variant: 'v', dataUrl: PNG } }), /^png\.name is not allowed here$/);
  });

  it('refuses an export of unknown or no formats, and a PNG that is not a base64 PNG data URL', () => {
    refused({ type: 'export', formats: ['sh'] });
    refused({ type: 'export', formats: [] });
    refused({ type: 'export', formats: ['png', 'png', 'png', 'png'] });
    refused({ type: 'export', formats: ['png'], png: { variant: 'v', dataUrl: 'data:text/html;base64,PGI+' } });
    refused({ type: 'export', formats: ['png'], png: { variant: 'v', dataUrl: `${PNG_DATA_URL_PREFIX}not base64!` } });
  });

  it('keeps only bytes that start with the PNG signature', () => {
    assert.equal(pngBytes(PNG)?.length, 12);
    assert.equal(pngBytes(PNG_DATA_URL_PREFIX + Buffer.from('#!/bin/sh\nrm -rf /\n').toString('base64')), null);
  });

  it('refuses unknown types, missing types and wrongly typed fields', () => {
    refused(null);
    refused('ready');
    refused({});
    refused({ type: 'writeFile', path: '/etc/passwd', content: 'x' });
    assert.match(refused({ type: 'selections', selections: { variant: 42 } }), /^selections\.variant should be string, not 42$/);
    refused({ type: 'rendered', charts: 1.5, ms: 3 });
    refused({ type: 'rendered', charts: 1, ms: NaN });
    refused({ type: 'error', message: 'x'.repeat(70000) });
  });

  it('reopens only absolute .json paths, at most two, from a restored panel state', () => {
    assert.ok(checkWebviewState({ resultPaths: ['/w/.numa-results/z.numa-result.json'], selections: {} }).ok);
    assert.equal(checkWebviewState({ resultPaths: ['relative.numa-result.json'], selections: {} }).ok, false);
    assert.equal(checkWebviewState({ resultPaths: ['/etc/shadow'], selections: {} }).ok, false);
    assert.equal(checkWebviewState({ resultPaths: ['/a.json', '/b.json', '/c.json'], selections: {} }).ok, false);
    assert.equal(checkWebviewState({ resultPaths: '/a.json', selections: {} }).ok, false);
  });
});

describe('file text in notifications', () => {
  // A link in a notification is `[label](target)` with the bracket and parenthesis adjacent.
  const LINK = /\[[^\]]*\]\(/;

  it('leaves no link in text that had command, https and file links', () => {
    for (const s of [
      '[Run me](command:workbench.action.terminal.new)',
      'variant [a](https://example.com) and [b](file:///etc/passwd)',
      'see [here](command:x?%5B%22a%22%5D "a title")',
    ]) {
      assert.match(s, LINK);
      const out = fromFile(s);
      assert.doesNotMatch(out, LINK, out);
      // The words stay readable.
      assert.ok(out.includes('command:') || out.includes('https:') || out.includes('file:'), out);
    }
  });

  it('keeps one line and at most MAX_NOTIFIED_CHARS of the file text', () => {
    assert.equal(fromFile('a\nb\r\n\tc'), 'a b c');
    const long = fromFile('x'.repeat(10000));
    assert.equal(long.length, MAX_NOTIFIED_CHARS);
    assert.ok(long.endsWith('…'));
    // A cut that would leave "](" behind still leaves no link.
    const edge = fromFile('[a]' + '('.repeat(MAX_NOTIFIED_CHARS));
    assert.doesNotMatch(edge, LINK);
  });

  it('is used for every value a notification of the extension embeds (counts aside)', () => {
    const root = path.resolve(__dirname, '..', '..', '..', '..', 'src', 'extension');
    const files = (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    const calls: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(path.join(root, f), 'utf8');
      for (const m of text.matchAll(/show(?:Error|Warning|Information)Message\(`([^`]*)`/g)) calls.push(`${f}: ${m[1]}`);
      for (const m of text.matchAll(/withProgress\([^)]*?title: `([^`]*)`/g)) calls.push(`${f}: ${m[1]}`);
    }
    assert.ok(calls.length >= 5, `found only ${calls.length} notifications with values`);
    for (const call of calls) {
      for (const [, expr] of call.matchAll(/\$\{([^}]*)\}/g)) {
        assert.ok(expr.startsWith('fromFile(') || /^[\w.]+\.length$/.test(expr), `${call}: \${${expr}} is not passed through fromFile`);
      }
    }
  });

  it('leaves ordinary text alone', () => {
    assert.equal(fromFile('zone-reclaim: zrm-on (node 0) [local]'), 'zone-reclaim: zrm-on (node 0) [local]');
  });
});
