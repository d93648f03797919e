// The seeded mutation test: 10,000 broken scenarios through parse() and check() called
// directly (compile() would turn a checker exception into a diagnostic and hide it), the
// language service at random offsets, and the formatter. No exception, no mutant over 1 s,
// every diagnostic inside the document, and the formatter never loses a token.

import * as assert from 'node:assert/strict';
import { check } from '../../../src/language/checker';
import type { Diagnostic } from '../../../src/language/diagnostics';
import { format } from '../../../src/language/format';
import type { Compilation } from '../../../src/language/index';
import { tokenize } from '../../../src/language/lexer';
import { parse } from '../../../src/language/parser';
import * as service from '../../../src/language/service';
import { generateMutants, prng } from './mutants';

const COUNT = 10_000;

function inside(ds: Diagnostic[], length: number): Diagnostic | undefined {
  return ds.find((d) => !(Number.isInteger(d.start) && Number.isInteger(d.end) && d.start >= 0 && d.start <= d.end && d.end <= length)
    || d.fixes.some((f) => !(f.span.start >= 0 && f.span.start <= f.span.end && f.span.end <= length)));
}

const texts = (ts: ReturnType<typeof tokenize>) => ts.map((t) => `${t.kind}:${t.text}`).join('\u0001');

describe('mutation test (10,000 seeded mutants of the examples)', function () {
  this.timeout(300_000);

  it('the corpus is deterministic and covers every kind of mutation', () => {
    const a = generateMutants(200, 7);
    const b = generateMutants(200, 7);
    assert.deepEqual(a, b);
    assert.deepEqual(new Set(a.map((m) => m.kind)), new Set(['delete', 'duplicate', 'swap', 'truncate', 'bytes']));
    assert.notDeepEqual(generateMutants(50, 8).map((m) => m.text), a.slice(0, 50).map((m) => m.text));
  });

  it('no exception, no mutant over 1 s, every diagnostic and fix inside the document, format keeps every token', () => {
    const mutants = generateMutants(COUNT, 20240601);
    const rand = prng(99);
    let slowest = 0;
    let valid = 0;
    let formatted = 0;
    for (const [i, m] of mutants.entries()) {
      const where = `mutant ${i} (${m.kind} of ${m.source})`;
      const t0 = performance.now();
      let c: Compilation;
      try {
        const parsed = parse(m.text);
        const checked = check(parsed.file, parsed.diagnostics);
        const diagnostics = [...parsed.diagnostics, ...checked.diagnostics];
        const bad = inside(diagnostics, m.text.length);
        assert.equal(bad, undefined, `${where}: diagnostic outside the document: ${JSON.stringify(bad)}\n${m.text}`);
        c = { fileName: 'm.numa', text: m.text, file: parsed.file, set: checked.set, diagnostics, symbols: checked.symbols };
        if (!diagnostics.some((d) => d.severity === 'error')) valid++;
        for (let k = 0; k < 3; k++) {
          const offset = Math.floor(rand() * (m.text.length + 1));
          service.complete(c, offset);
          const h = service.hover(c, offset);
          if (h) assert.ok(h.span.start >= 0 && h.span.end <= m.text.length, `${where}: hover span outside`);
          service.definition(c, offset);
          service.references(c, offset, true);
          service.prepareRename(c, offset);
          service.rename(c, offset, 'renamed_x');
          service.codeActions(c, { start: offset, end: offset });
        }
        service.documentSymbols(c);
        service.codeLensTargets(c);
        const f = format(m.text);
        if (f !== m.text) {
          formatted++;
          assert.equal(texts(tokenize(f)), texts(tokenize(m.text)), `${where}: the formatter changed the tokens`);
        }
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
        assert.fail(`${where} threw ${e instanceof Error ? e.stack : String(e)}\n--- text ---\n${m.text}`);
      }
      const ms = performance.now() - t0;
      slowest = Math.max(slowest, ms);
      assert.ok(ms < 1000, `${where} took ${ms.toFixed(0)} ms`);
    }
    // The corpus must exercise both paths: some mutants stay valid, most break.
    assert.ok(valid > 50 && valid < COUNT / 2, `valid mutants: ${valid}`);
    assert.ok(formatted > 0, 'the formatter never ran on a valid mutant');
    void slowest;
  });
});
