// The benchmark's generated scenario must be a valid one, or the figure measures error paths.
import * as assert from 'node:assert/strict';
import { compile } from '../../../src/language/index';
import { GENERATED_BUDGET, generateScenario } from './generate';

describe('benchmark scenario generator', () => {
  it('generates 1,000 lines that check clean, with many workloads, variants and sweeps', () => {
    const text = generateScenario(1000);
    assert.equal(text.split('\n').length - 1, 1000);
    const c = compile(text, 'generated.numa', { budget: GENERATED_BUDGET });
    assert.deepEqual(c.diagnostics, []);
    // Without the raised budget it is refused, at its run block, for its simulation work.
    const plain = compile(text, 'generated.numa');
    assert.deepEqual(plain.diagnostics.map((d) => [d.code, text.slice(d.start, d.end)]), [['budget', 'run']]);
    const set = c.set!;
    assert.ok(set.variants[0].workloads.length >= 40, `${set.variants[0].workloads.length} workloads`);
    assert.ok(set.variants.length >= 40);
    assert.equal(set.sweeps.length, 2);
    assert.ok(set.expectations.length >= 50);
  });
});
