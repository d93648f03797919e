// Code lens positions from the examples' syntax, and the formatting and colour helpers.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLES, REPO } from './exampleResults';
import { lensSpots } from '../../../src/extension/run/lensSpots';
import { compile } from '../../../src/language/index';
import { withAlpha, mix, parseColor } from '../../../webview/results/transforms/color';
import { sizeUnitFor, formatKB, formatDelta, formatSimTime, trimNumber } from '../../../webview/results/transforms/format';

describe('run: code lens positions', () => {
  for (const file of [...EXAMPLES.map((e) => path.join('examples', e)), 'test/unit/panels/fixtures/sweep.numa']) {
    it(`${file}: Run on the scenario line, Run variant on each variant, Run sweep on each sweep`, () => {
      const text = fs.readFileSync(path.join(REPO, file), 'utf8');
      const spots = lensSpots(text);
      const set = compile(text, file).set!;
      const scenario = spots.filter((s) => s.kind === 'scenario');
      assert.equal(scenario.length, 1);
      assert.ok(text.startsWith('scenario', scenario[0].start));
      const variants = spots.filter((s) => s.kind === 'variant');
      const declared = set.variants.map((v) => v.variant).filter((n) => !set.sweeps.some((sw) => sw.variantNames.includes(n)) && n !== 'base');
      assert.deepEqual(variants.map((s) => s.variant), declared);
      for (const s of variants) assert.ok(text.startsWith(`variant ${s.variant}`, s.start), `lens for ${s.variant} sits on its line`);
      const sweeps = spots.filter((s) => s.kind === 'sweep');
      assert.deepEqual(sweeps.map((s) => s.knob), set.sweeps.map((s) => s.knob));
      sweeps.forEach((s, i) => {
        assert.equal(s.sweepIndex, i);
        assert.ok(text.startsWith('sweep', s.start));
      });
    });
  }

  it('a file with a syntax error keeps its lenses', () => {
    const text = fs.readFileSync(path.join(REPO, 'examples', 'zone-reclaim.numa'), 'utf8').replace('variant zrm-on {', 'variant zrm-on { = =');
    assert.ok(lensSpots(text).some((s) => s.variant === 'zrm-on'));
  });
});

describe('panels: formatting and colours', () => {
  it('picks the unit that keeps figures readable', () => {
    assert.equal(sizeUnitFor(125 * 1024 * 1024).label, 'GiB');
    assert.equal(sizeUnitFor(900).label, 'KiB');
    assert.equal(formatKB(1536 * 1024), '1.50 GiB');
    assert.equal(formatKB(2048), '2 MiB');
  });

  it('formats differences and simulated time', () => {
    assert.equal(formatDelta(-12.5, -0.1, (v) => v.toFixed(1)), '−12.5 (−10.0%)');
    assert.equal(formatDelta(3, null, String), '+3');
    assert.equal(formatSimTime(250), '250 ms');
    assert.equal(formatSimTime(45000), '45 s');
    assert.equal(formatSimTime(150000), '2 min 30 s');
    assert.equal(trimNumber(1234567), '1,234,567');
    assert.equal(trimNumber(0.01234), '0.0123');
  });

  it('makes theme colours translucent whatever notation the theme uses', () => {
    assert.equal(withAlpha('#3794ff', 0.5), 'rgba(55, 148, 255, 0.5)');
    assert.equal(withAlpha('#fff', 0.25), 'rgba(255, 255, 255, 0.25)');
    assert.equal(withAlpha('#00000080', 0.5), 'rgba(0, 0, 0, 0.251)');
    assert.equal(withAlpha('rgba(10, 20, 30, 0.5)', 0.5), 'rgba(10, 20, 30, 0.25)');
    assert.equal(withAlpha('rgb(1 2 3)', 1), 'rgba(1, 2, 3, 1)');
  });

  it('mixes a colour into the background as an opaque fill', () => {
    assert.equal(mix('#ff0000', '#000000', 0.5), 'rgb(128, 0, 0)');
    assert.equal(mix('#ffffff', '#1f1f1f', 0), 'rgb(31, 31, 31)');
    assert.equal(mix('rgba(255, 255, 255, 0.5)', '#000', 1), 'rgb(128, 128, 128)');
    assert.deepEqual(parseColor('#3794ff'), [55, 148, 255, 1]);
    assert.equal(parseColor('var(--x)'), null);
  });
});
