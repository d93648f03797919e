// The seeded mutation test: 10,000 broken scenarios through parse() and check() called
// directly (compile() would turn a checker exception into a diagnostic and hide it), the
// language service at random offsets, and the formatter. No exception, no mutant that hangs
// (over 10 s; a mutant takes a few ms, and bench/language.mjs measures speed), every diagnostic
// inside the document, and the formatter never loses a token. Then every number of the schema at
// its bounds: accepted there (and run to a finite result when it checks clean), an error naming
// the range one step past.

import * as assert from 'node:assert/strict';
import { check } from '../../../src/language/checker';
import type { Diagnostic } from '../../../src/language/diagnostics';
import { format } from '../../../src/language/format';
import type { Compilation } from '../../../src/language/index';
import { tokenize } from '../../../src/language/lexer';
import { parse } from '../../../src/language/parser';
import * as service from '../../../src/language/service';
import { boundMutants, generateMutants, prng } from './mutants';
import { RANGES } from '../../../src/language/schema';
import { runScenarioSet } from '../../../src/core/index';

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

  it('no exception, no mutant that hangs, every diagnostic and fix inside the document, format keeps every token', () => {
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
      // A hang detector, not a speed test: 1 s flaked on a loaded 2-core machine (1,386 ms).
      assert.ok(ms < 10000, `${where} took ${ms.toFixed(0)} ms`);
    }
    // The corpus must exercise both paths: some mutants stay valid, most break.
    assert.ok(valid > 50 && valid < COUNT / 2, `valid mutants: ${valid}`);
    assert.ok(formatted > 0, 'the formatter never ran on a valid mutant');
    void slowest;
  });
});

describe('mutation test: numbers at the schema\'s bounds', function () {
  this.timeout(300_000);
  const mutants = boundMutants();

  it('covers every range and numeric knob at its min and max and one step past', () => {
    for (const name of Object.keys(RANGES)) {
      const here = mutants.filter((m) => m.range === name).map((m) => m.where);
      assert.ok(here.includes('min') && here.includes('max') && here.includes('above'), `${name}: ${here}`);
    }
    assert.ok(mutants.filter((m) => m.where === 'below').length >= 15);
    assert.ok(mutants.some((m) => m.range === 'vm.swappiness' && m.where === 'above' && m.value === '201'));
  });

  it('one step past a bound is an error at the value that names the range, never a crash', () => {
    for (const m of mutants.filter((x) => x.where === 'below' || x.where === 'above')) {
      const parsed = parse(m.text);
      const checked = check(parsed.file, parsed.diagnostics);
      const errs = [...parsed.diagnostics, ...checked.diagnostics].filter((d) => d.severity === 'error');
      const here = errs.filter((d) => m.text.slice(d.start, d.end).replace(/\s+/g, ' ') === m.value);
      assert.ok(here.some((d) => m.message.test(d.message)), `${m.range} ${m.where} (${m.value}): ${errs.map((d) => `'${m.text.slice(d.start, d.end)}' ${d.message}`).join('; ')}`);
      assert.equal(checked.set, null, `${m.range} ${m.where}`);
    }
  });

  it('at a bound the value is accepted, and a scenario that checks clean runs to a finite result', () => {
    let ran = 0;
    for (const m of mutants.filter((x) => x.where === 'min' || x.where === 'max')) {
      const parsed = parse(m.text);
      const checked = check(parsed.file, parsed.diagnostics);
      const at = checked.diagnostics.filter((d) => d.severity === 'error' && m.text.slice(d.start, d.end).replace(/\s+/g, ' ') === m.value);
      // A node's reserved memory must also be below its memory, which has the same upper bound.
      if (m.range === 'nodeReserved' && m.where === 'max') { assert.equal(at.length, 1); continue; }
      assert.deepEqual(at.map((d) => d.message), [], `${m.range} ${m.where} (${m.value})`);
      if (!checked.set) continue;
      const result = runScenarioSet(checked.set);
      for (const v of result.variants) {
        const walk = (x: unknown, where: string): void => {
          if (typeof x === 'number') assert.ok(Number.isFinite(x), `${m.range} ${m.where} (${m.value}): ${where} is ${x}`);
          else if (Array.isArray(x)) x.forEach((y, i) => walk(y, `${where}[${i}]`));
          else if (x && typeof x === 'object') for (const [k, y] of Object.entries(x)) walk(y, `${where}.${k}`);
        };
        walk(v.summary, 'summary');
        walk(v.series, 'series');
        assert.ok(v.summary.avg_access_ns >= 0, `${m.range} ${m.where}`);
      }
      ran++;
    }
    assert.ok(ran >= 40, `${ran} scenarios at a bound ran`);
  });
});
