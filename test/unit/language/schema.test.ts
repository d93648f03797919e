import * as assert from 'node:assert/strict';
import { compile } from '../../../src/language/index';
import * as M from '../../../src/language/metrics';
import { PRESETS } from '../../../src/language/presets';
import { generateReference } from '../../../src/language/reference';
import { KNOBS, UNITS, defaultKnobs, formatKnobValue, knob, unitDimension } from '../../../src/language/schema';

/** A knob's default written the way a user would write it in a kernel block. */
function written(k: (typeof KNOBS)[number]): string {
  if (typeof k.default === 'boolean' || typeof k.default === 'string') return String(k.default);
  return k.type.kind === 'quantity' ? formatKnobValue(k, k.default) : String(k.default);
}

describe('knob schema', () => {
  it('has unique names, and each knob has a doc line and a kernel name', () => {
    assert.equal(new Set(KNOBS.map((k) => k.name)).size, KNOBS.length);
    for (const k of KNOBS) {
      assert.ok(k.doc.trim().length > 20 && !k.doc.includes('\n'), `${k.name}: doc`);
      assert.ok(k.kernelName.trim().length > 3, `${k.name}: kernel name`);
      assert.match(k.name, /^[a-z_]+\.[A-Za-z0-9_]+$/, k.name);
      assert.equal(knob(k.name), k);
    }
  });

  it('every default is accepted by its own type and range', () => {
    for (const k of KNOBS) {
      const t = k.type;
      switch (t.kind) {
        case 'enum': assert.ok(t.values.includes(k.default as string), `${k.name}: ${k.default} not in ${t.values}`); break;
        case 'bool': assert.equal(typeof k.default, 'boolean', k.name); break;
        case 'int': assert.ok(Number.isInteger(k.default) && (k.default as number) >= t.min && (k.default as number) <= t.max, k.name); break;
        case 'number': case 'quantity':
          assert.ok(typeof k.default === 'number' && k.default >= t.min && k.default <= t.max, k.name);
          if (t.kind === 'quantity') assert.ok(UNITS[t.dimension][k.unit] !== undefined, `${k.name}: unit ${k.unit} is not a ${t.dimension} unit`);
          break;
      }
    }
  });

  it('every default, written as the reference shows it, checks clean and lowers to itself', () => {
    const body = KNOBS.map((k) => `  ${k.name} = ${written(k)}`).join('\n');
    const c = compile(`machine preset qemu-tiered-3node\nkernel {\n${body}\n}\nworkload a { at 0 s exit }\n`);
    assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(c.set!.variants[0].knobs, defaultKnobs());
  });

  it('every enum value is accepted and each min and max bound is enforced', () => {
    for (const k of KNOBS) {
      const t = k.type;
      const checkValue = (v: string) => compile(`machine preset two-socket\nkernel { ${k.name} = ${v} }\nworkload a { at 0 s exit }`).diagnostics.filter((d) => d.severity === 'error');
      if (t.kind === 'enum') for (const v of t.values) assert.deepEqual(checkValue(v), [], `${k.name} = ${v}`);
      if (t.kind === 'int') {
        assert.deepEqual(checkValue(String(t.max)), [], `${k.name} max`);
        assert.equal(checkValue(String(t.max + 1)).length, 1, `${k.name} above max`);
      }
    }
  });

  it('demotion costs what a migration costs by default: reclaim demotes through migrate_pages() (docs/model.md)', () => {
    const d = defaultKnobs();
    assert.equal(d['cost.demote_page'], d['cost.migrate_page']);
    assert.equal(d['cost.demote_page'], 1200);
  });

  it('knows every unit of the language and its dimension', () => {
    assert.equal(unitDimension('GiB'), 'size');
    assert.equal(unitDimension('kB'), 'size');
    assert.equal(unitDimension('min'), 'time');
    assert.equal(unitDimension('GB/s'), 'bandwidth');
    assert.equal(unitDimension('/s'), 'rate');
    assert.equal(unitDimension('parsec'), undefined);
  });
});

describe('language reference: presets and metrics', () => {
  it('lists every preset and every expectation metric the checker accepts', () => {
    const ref = generateReference();
    for (const name of Object.keys(PRESETS)) assert.ok(ref.includes(`- \`${name}\`: ${PRESETS[name].description.slice(0, 20)}`), name);
    for (const c of [...M.VMSTAT_COUNTERS, ...M.SUMMARY_METRICS]) assert.ok(ref.includes(`\`${c}\``), c);
    for (const m of M.WORKLOAD_METRICS) assert.ok(ref.includes(`\`workload.NAME.${m}\``), m);
    for (const f of M.NODE_FIELDS) assert.ok(ref.includes(`\`nodeN.${f}\``), f);
    assert.ok(ref.includes('node 2: 128 GiB, cpus none, tier 1'), 'cxl-tiered node 2');
  });
});
