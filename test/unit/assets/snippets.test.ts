// Every snippet, accepted with its defaults, is a scenario (or part of one) the checker accepts:
// a snippet that inserts an error teaches the wrong language.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { compile, type Diagnostic } from '../../../src/language/index';
import { expandSnippet } from './snippet-text';

interface Snippet { prefix: string; description: string; body: string[] }

const root = path.resolve(__dirname, '../../../..');
const snippets: Record<string, Snippet> = JSON.parse(readFileSync(path.join(root, 'snippets/numa.json'), 'utf8'));
const byPrefix = (prefix: string): Snippet => {
  const s = Object.values(snippets).find((x) => x.prefix === prefix);
  assert.ok(s, `no snippet with prefix ${prefix}`);
  return s;
};

const show = (text: string, ds: Diagnostic[]) => ds.map((d) => `${d.severity} ${d.code}: ${d.message} at '${text.slice(d.start, d.end)}'`).join('\n');
const problems = (text: string, severities: string[]) => compile(text, 'snippet.numa').diagnostics.filter((d) => severities.includes(d.severity));

/** Fragments go into the two-socket scenario: appended, or inside its machine block for `node`. */
const host = () => expandSnippet(byPrefix('scenario-two-socket').body);
function inHost(prefix: string, fragment: string): string {
  const text = host();
  if (prefix !== 'node') return `${text}\n${fragment}\n`;
  const at = text.indexOf('machine {\n') + 'machine {\n'.length;
  return `${text.slice(0, at)}  ${fragment}\n${text.slice(at)}`;
}

describe('snippets/numa.json', () => {
  it('is a map of snippets with a prefix, a description and a body each', () => {
    const prefixes = Object.values(snippets).map((s) => s.prefix);
    for (const wanted of ['scenario-two-socket', 'scenario-cxl-tiered', 'workload', 'variant', 'sweep', 'expect', 'cgroup', 'node']) {
      assert.ok(prefixes.includes(wanted), `missing ${wanted}`);
    }
    assert.equal(new Set(prefixes).size, prefixes.length, 'duplicate prefixes');
    for (const [name, s] of Object.entries(snippets)) {
      assert.ok(s.description.length > 10, name);
      assert.ok(Array.isArray(s.body) && s.body.every((l) => typeof l === 'string'), name);
    }
  });

  for (const prefix of ['scenario-two-socket', 'scenario-cxl-tiered']) {
    it(`${prefix} checks with no errors or warnings and resolves every variant`, () => {
      const text = expandSnippet(byPrefix(prefix).body);
      const found = problems(text, ['error', 'warning']);
      assert.equal(found.length, 0, show(text, found));
      const set = compile(text, 'snippet.numa').set;
      assert.ok(set && set.variants.length >= 2 && set.expectations.length >= 1);
    });
  }

  for (const prefix of ['workload', 'variant', 'sweep', 'sweep-range', 'expect', 'cgroup', 'node']) {
    it(`${prefix} checks with no errors or warnings inside the two-socket scenario`, () => {
      const text = inHost(prefix, expandSnippet(byPrefix(prefix).body));
      const found = problems(text, ['error', 'warning']);
      assert.equal(found.length, 0, show(text, found));
      const set = compile(text, 'snippet.numa').set;
      assert.ok(set, 'no scenario set');
      if (prefix === 'node') assert.equal(set.variants[0].machine.nodes.length, 3, 'the node did not land in the machine');
    });
  }

  it('a fragment with a broken default would be caught', () => {
    const text = inHost('variant', expandSnippet(byPrefix('variant').body).replace('vm.zone_reclaim_mode', 'vm.zone_reclaim_mod'));
    assert.ok(problems(text, ['error']).length > 0);
  });

  it('expands placeholders, choices and mirrors as accepting the defaults would', () => {
    assert.equal(expandSnippet(['a ${1:x${2:y}} ${3|p,q|} $1 ${2}$0']), 'a xy p xy y');
  });
});
