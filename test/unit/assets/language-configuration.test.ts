// The editor's language configuration: word boundaries and indentation follow the language's
// tokens, so double-click, word-based completion and Enter behave on real scenario lines.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../../..');
const config = JSON.parse(readFileSync(path.join(root, 'language-configuration.json'), 'utf8'));
const words = (line: string): string[] => line.match(new RegExp(config.wordPattern, 'g')) ?? [];

describe('language-configuration.json', () => {
  it('keeps names with - and + and dotted knob names as one word', () => {
    assert.deepEqual(words('variant zrm-on {'), ['variant', 'zrm-on']);
    assert.deepEqual(words('  transparent_hugepage.defrag = defer+madvise'), ['transparent_hugepage.defrag', 'defer+madvise']);
    assert.deepEqual(words('  transparent_hugepage.numa_fallback = remote-fallback'), ['transparent_hugepage.numa_fallback', 'remote-fallback']);
    assert.deepEqual(words('  vm.zone_reclaim_mode = 1'), ['vm.zone_reclaim_mode', '1']);
  });

  it('splits cpu ranges and units from numbers', () => {
    assert.deepEqual(words('  cpus = 0-31'), ['cpus', '0', '31']);
    assert.deepEqual(words('rate 50M/s writes 30%'), ['rate', '50M', 's', 'writes', '30']);
  });

  it('indents after an opening brace or bracket, not after one in a string or comment', () => {
    const increase = new RegExp(config.indentationRules.increaseIndentPattern);
    const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
    assert.ok(increase.test('workload app {'));
    assert.ok(increase.test('machine preset two-socket {   # override node 1'));
    assert.ok(!increase.test('  node 0 { memory = 125 GB  cpus = 0-31 }'));
    assert.ok(!increase.test('scenario "a { b"'));
    assert.ok(!increase.test('# machine {'));
    assert.ok(decrease.test('  }'));
    assert.ok(!decrease.test('  vm.swappiness = 60'));
  });

  it('folds # region / # endregion blocks and comments with #', () => {
    assert.equal(config.comments.lineComment, '#');
    assert.ok(new RegExp(config.folding.markers.start).test('# region machine'));
    assert.ok(new RegExp(config.folding.markers.end).test('  # endregion'));
    assert.ok(!new RegExp(config.folding.markers.start).test('# regions of memory'));
  });
});
