// The TextMate grammar lists the language's words by hand; this keeps those lists in step with
// the parser, the checker and the knob schema, so a new enum value or keyword gets coloured.
// (Scope-by-scope behaviour on real lines is tested by `npm run test:grammar`.)

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MEMPOLICY_MODES } from '../../../src/language/checker';
import { ACTIONS, PATTERNS, TOP_KEYWORDS } from '../../../src/language/parser';
import { KNOBS } from '../../../src/language/schema';

interface Rule { match?: string; name?: string; patterns?: Rule[] }
const root = path.resolve(__dirname, '../../../..');
const grammar: { repository: Record<string, Rule> } = JSON.parse(readFileSync(path.join(root, 'syntaxes/numa.tmLanguage.json'), 'utf8'));

/** The regex of the rule that gives `scope`, anchored so it must match the whole word. */
function wholeWord(scope: string): RegExp {
  const rules = Object.values(grammar.repository).flatMap((r) => [r, ...(r.patterns ?? [])]);
  const rule = rules.find((r) => r.name === scope && r.match);
  assert.ok(rule?.match, `no rule for ${scope}`);
  return new RegExp(`^(?:${rule.match})$`);
}

describe('grammar vocabulary', () => {
  it('colours every top-level keyword of the parser', () => {
    const re = wholeWord('keyword.control.numa');
    for (const w of TOP_KEYWORDS) assert.ok(re.test(w), w);
  });

  it('colours every phase action of the parser', () => {
    const re = wholeWord('keyword.other.numa');
    for (const w of ACTIONS) assert.ok(re.test(w), w);
  });

  it('colours every enum value of the schema as a constant', () => {
    const re = wholeWord('constant.language.numa');
    for (const k of KNOBS) {
      if (k.type.kind === 'enum') for (const v of k.type.values) assert.ok(re.test(v), `${k.name}: ${v}`);
      if (k.type.kind === 'bool') for (const v of ['true', 'false']) assert.ok(re.test(v), v);
    }
    assert.ok(!re.test('zrm-on') && !re.test('defer+'), 'matches inside a longer name');
  });

  it('colours every mempolicy mode and access pattern', () => {
    const modes = wholeWord('support.function.mempolicy.numa');
    for (const m of MEMPOLICY_MODES.filter((m) => m !== 'local')) assert.ok(modes.test(m), m);
    const patterns = wholeWord('constant.other.numa');
    for (const p of [...PATTERNS, 'MADV_HUGEPAGE']) assert.ok(patterns.test(p), p);
  });

  it('colours every schema knob name as a knob', () => {
    const re = wholeWord('support.variable.knob.numa');
    for (const k of KNOBS) assert.ok(re.test(k.name), k.name);
    assert.ok(re.test('memory.max'));
  });
});
