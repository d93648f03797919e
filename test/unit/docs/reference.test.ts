// The README's language reference must be exactly what the schema generates, so hover, the
// checker and the documentation never disagree. Fix a failure with `npm run docs`.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  generateReference, generateReferenceDocument, readReferenceSection, replaceReferenceSection, REFERENCE_END, REFERENCE_START,
} from '../../../src/language/reference';
import { KNOBS, formatKnobValue } from '../../../src/language/schema';

const root = path.resolve(__dirname, '../../../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

describe('language reference', () => {
  it('README.md reference section is what the schema generates (run `npm run docs`)', () => {
    assert.equal(readReferenceSection(read('README.md')), generateReference());
  });

  it('docs/reference.md is what the schema generates (run `npm run docs`)', () => {
    assert.equal(read('docs/reference.md'), generateReferenceDocument());
  });

  it('has one table row per knob, with its default as hover formats it', () => {
    const rows = generateReference().split('\n').filter((l) => l.startsWith('| `') && l.includes('.'));
    for (const k of KNOBS) {
      const row = rows.find((r) => r.startsWith(`| \`${k.name}\` |`));
      assert.ok(row, `no row for ${k.name}`);
      assert.ok(row.includes(`| \`${formatKnobValue(k, k.default)}\` |`), `${k.name}: default missing in ${row}`);
    }
    assert.equal(rows.length, KNOBS.length);
  });

  it('escapes pipes so every knob row has exactly seven cells', () => {
    const rows = generateReference().split('\n').filter((l) => /^\| `[a-z_]+\./.test(l));
    for (const row of rows) {
      const cells = row.replace(/\\\|/g, '').split('|').length - 2;
      assert.equal(cells, 7, row);
    }
  });

  it('replaces only the text between the markers', () => {
    const readme = `# T\n\nintro\n${REFERENCE_START}\nold text\n${REFERENCE_END}\n\n## After\n`;
    const out = replaceReferenceSection(readme, 'NEW\n');
    assert.equal(out, `# T\n\nintro\n${REFERENCE_START}\nNEW\n${REFERENCE_END}\n\n## After\n`);
    assert.equal(readReferenceSection(out), 'NEW\n');
    assert.throws(() => replaceReferenceSection('# no markers\n', 'x'));
  });
});
