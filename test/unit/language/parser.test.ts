import * as assert from 'node:assert/strict';
import type * as A from '../../../src/language/ast';
import { LineMap } from '../../../src/language/diagnostics';
import { parse } from '../../../src/language/parser';
import { at, example, fixture } from './helpers';

const item = <K extends A.Item['kind']>(file: A.FileNode, kind: K) => file.items.find((i) => i.kind === kind) as Extract<A.Item, { kind: K }>;

describe('parser', () => {
  it('parses every example without a syntax error', () => {
    for (const name of ['zone-reclaim.numa', 'thp-numa.numa', 'tiering.numa', 'deferred-split.numa']) {
      assert.deepEqual(parse(example(name)).diagnostics, [], name);
    }
  });

  it('builds the machine: nodes with settings, a distance matrix, swap', () => {
    const text = example('thp-numa.numa');
    const m = item(parse(text).file, 'machine');
    assert.deepEqual(m.nodes.map((n) => n.id?.number), [0, 1]);
    assert.deepEqual(m.nodes[0].settings.map((s) => s.name.text), ['memory', 'cpus', 'latency', 'bandwidth']);
    const mem = m.nodes[0].settings[0].value as A.QuantityValue;
    assert.deepEqual([mem.number, mem.unit], [32, 'GiB']);
    const cpus = m.nodes[0].settings[1].value as A.RangeValue;
    assert.deepEqual([cpus.kind, cpus.from.number, cpus.to.number], ['range', 0, 15]);
    assert.equal((m.nodes[0].settings[3].value as A.QuantityValue).unit, 'GB/s');
    assert.deepEqual(m.matrices[0].rows.map((r) => r.values.map((v) => v.number)), [[10, 21], [21, 10]]);
    assert.deepEqual(m.swap?.settings.map((s) => s.name.text), ['size', 'latency', 'bandwidth']);
  });

  it('parses a preset machine with overrides, calls, lists and both sweep forms', () => {
    const { file, diagnostics } = parse(fixture('cxl-sweep.numa'));
    assert.deepEqual(diagnostics, []);
    assert.equal(item(file, 'machine').preset?.text, 'cxl-tiered');
    const w = item(file, 'workload');
    const cpus = w.settings[0].value as A.ListValue;
    assert.equal(cpus.kind, 'list');
    assert.equal(cpus.items.length, 2);
    const pol = w.settings[1].value as A.CallValue;
    assert.equal(pol.callee.text, 'weighted-interleave');
    assert.deepEqual(pol.args.map((a) => a.kind === 'pair' ? [a.key.number, a.value.number] : null), [[0, 3], [2, 1]]);
    assert.deepEqual(w.phases.map((p) => p.action?.kind), ['alloc', 'file', 'access', 'access', 'dontneed', 'free', 'exit']);
    const alloc = w.phases[0].action as Extract<A.Action, { kind: 'alloc' }>;
    assert.ok(alloc.hugepage);
    assert.equal(alloc.rate?.unit, 'GB/s');
    const access = w.phases[2].action as Extract<A.Action, { kind: 'access' }>;
    assert.equal(access.pattern?.name.text, 'hotset');
    assert.deepEqual([access.pattern?.arg?.number, access.pattern?.hot?.number, access.pattern?.movesEvery?.number], [4, 80, 10]);
    assert.deepEqual([access.rate?.number, access.rate?.unit, access.writes?.unit, access.duration?.number], [20e6, '/s', '%', 40]);
    const dn = w.phases[4].action as Extract<A.Action, { kind: 'dontneed' }>;
    assert.deepEqual([dn.size?.number, dn.per?.number], [1, 2]);
    const sweeps = file.items.filter((i): i is A.SweepItem => i.kind === 'sweep');
    assert.ok(sweeps[0].range);
    assert.equal((sweeps[0].range!.step as A.QuantityValue).number, 100);
    assert.deepEqual(sweeps[1].values.map((v) => (v as A.QuantityValue).number), [0, 60, 200]);
    const expects = file.items.filter((i): i is A.ExpectItem => i.kind === 'expect');
    const l = expects[1].left as Extract<A.Operand, { kind: 'metric' }>;
    assert.deepEqual([l.variant.text, l.metric.text], ['base', 'workload.db.avg_access_ns']);
    assert.equal((expects[0].left as Extract<A.Operand, { kind: 'metric' }>).variant.text, '*');
  });

  it('parses variant overrides of workloads, cgroups, nodes, run and swap', () => {
    const { file, diagnostics } = parse('variant v {\n  vm.swappiness = 10\n  workload app { node = 1 }\n  cgroup g { memory.max = max }\n  node 1 { latency = 200 ns }\n  run { seed = 2 }\n  swap { size = 1 GiB }\n}\n');
    assert.deepEqual(diagnostics, []);
    const v = item(file, 'variant');
    assert.deepEqual(v.settings.map((s) => s.name.text), ['vm.swappiness']);
    assert.deepEqual(v.blocks.map((b) => `${b.target}:${b.name?.text ?? ''}`), ['workload:app', 'cgroup:g', 'node:1', 'run:', 'swap:']);
  });

  it('recovers per line: reports several errors in one file, each at the right position', () => {
    const text = fixture('syntax-errors.numa');
    const { file, diagnostics } = parse(text);
    const lines = new LineMap(text);
    const where = diagnostics.map((d) => { const p = lines.position(d.start); return `${p.line + 1}:${p.character + 1}`; });
    assert.deepEqual(where, ['6:17', '7:26', '12:10', '16:27']);
    assert.match(diagnostics[0].message, /expected '=' after 'vm.swappiness'/);
    assert.match(diagnostics[2].message, /did you mean 'alloc'/);
    assert.deepEqual(diagnostics[2].fixes.map((f) => f.newText), ['alloc']);
    assert.deepEqual(diagnostics[3].fixes.map((f) => f.newText), ['==']);
    // Recovery kept the rest: the workload and its second phase survive.
    const w = item(file, 'workload');
    assert.equal(w.name?.text, 'app');
    assert.deepEqual(w.phases.filter((p) => p.action).map((p) => p.action!.kind), ['access']);
    assert.equal(item(file, 'machine').nodes.length, 1);
  });

  it('reports an unclosed block at its brace with an insert fix, and still returns the item', () => {
    const text = 'kernel {\n  vm.swappiness = 10\n';
    const { file, diagnostics } = parse(text);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].start, at(text, '{'));
    assert.match(diagnostics[0].message, /never closed/);
    assert.equal(diagnostics[0].fixes[0].span.start, text.length);
    assert.equal(item(file, 'settings').settings.length, 1);
  });

  it('suggests a top-level keyword for a misspelt one', () => {
    const { diagnostics } = parse('workloud app { }');
    assert.match(diagnostics[0].message, /did you mean 'workload'/);
    assert.deepEqual([diagnostics[0].start, diagnostics[0].end], [0, 8]);
  });

  it('rejects negative values and a missing value at the end of the line', () => {
    const a = parse('run { seed = -1 }');
    assert.match(a.diagnostics[0].message, /negative/);
    const b = parse('run {\n  seed =\n  duration = 1 s\n}');
    assert.equal(b.diagnostics.length, 1);
    assert.match(b.diagnostics[0].message, /expected a value after 'seed ='/);
  });

  it('never throws and always ends, even on garbage', () => {
    for (const text of ['', '}}}}', '{{{{', 'at at at', '"', 'machine preset', 'expect', 'sweep x = 1 to', '\u0000\u0001']) {
      const r = parse(text);
      assert.equal(r.file.length, text.length);
      for (const d of r.diagnostics) assert.ok(d.start >= 0 && d.end <= text.length, text);
    }
  });
});
