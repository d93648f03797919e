import * as assert from 'node:assert/strict';
import { PRESETS } from '../../../src/language/presets';
import { LineMap } from '../../../src/language/index';
import { compiled, errors, example, fixture, scenario, show } from './helpers';

/** The single diagnostic with `code`, asserting there is exactly one. */
function only(text: string, code: string) {
  const c = compiled(text);
  const ds = c.diagnostics.filter((d) => d.code === code);
  assert.equal(ds.length, 1, `expected one ${code}:\n${show(c)}`);
  return { d: ds[0], c, at: text.slice(ds[0].start, ds[0].end) };
}

describe('checker: diagnostics', () => {
  it('the examples and fixtures check clean (no errors, no warnings)', () => {
    for (const name of ['zone-reclaim.numa', 'thp-numa.numa', 'tiering.numa', 'deferred-split.numa']) {
      const c = compiled(example(name));
      assert.deepEqual(c.diagnostics, [], `${name}:\n${show(c)}`);
      assert.ok(c.set);
    }
    assert.deepEqual(compiled(fixture('cxl-sweep.numa')).diagnostics, []);
    assert.deepEqual(compiled(scenario()).diagnostics, []);
  });

  const unknowns: [string, string, string, string, string][] = [
    ['node', scenario('variant v { workload app { node = 5 } }'), 'unknown-node', '5', '0'],
    ['workload', scenario('variant v { workload ap { node = 0 } }'), 'unknown-workload', 'ap', 'app'],
    ['cgroup', scenario('workload b {\n  cgroup = sv\n  at 0 s exit\n}'), 'unknown-cgroup', 'sv', 'svc'],
    ['variant', scenario('variant zrm { vm.swappiness = 1 }\nexpect zrn.avg_access_ns < 5'), 'unknown-variant', 'zrn', 'zrm'],
    ['knob', scenario('', 'vm.swapiness = 3'), 'unknown-knob', 'vm.swapiness', 'vm.swappiness'],
    ['counter', scenario('expect base.numa_hitt > 0'), 'unknown-metric', 'numa_hitt', 'numa_hit'],
    ['region', scenario('workload b {\n  at 0 s alloc buf 1 GiB\n  at 1 s free bfu\n}'), 'unknown-region', 'bfu', 'buf'],
    ['setting', scenario('workload b {\n  mempolicyy = local\n  at 0 s exit\n}'), 'unknown-setting', 'mempolicyy', 'mempolicy'],
    ['enum value', scenario('', 'transparent_hugepage.enabled = alway'), 'unknown-value', 'alway', 'always'],
    ['preset', 'machine preset two-sockett\nworkload a { at 0 s exit }', 'unknown-preset', 'two-sockett', 'two-socket'],
  ];
  for (const [what, text, code, word, fix] of unknowns) {
    it(`unknown ${what}: says did you mean '${fix}' and offers the fix at the name`, () => {
      const { d, at } = only(text, code);
      assert.equal(d.severity, 'error');
      assert.equal(at, word);
      assert.match(d.message, new RegExp(`did you mean '${fix.replace(/[.]/g, '\\.')}'`));
      assert.deepEqual(d.fixes.map((f) => [f.span.start, f.span.end, f.newText]), [[d.start, d.end, fix]]);
    });
  }

  it('unknown names with nothing close get no fix', () => {
    const { d } = only(scenario('', 'completely.different = 3'), 'unknown-knob');
    assert.deepEqual(d.fixes, []);
    assert.doesNotMatch(d.message, /did you mean/);
  });

  it('reports duplicate workloads, cgroups, variants, nodes, settings and single items', () => {
    const text = scenario('workload app { node = 0 }\ncgroup svc { }\nvariant v { }\nvariant v { }\nrun { seed = 1 }\nrun { seed = 2 }', 'vm.swappiness = 1\nvm.swappiness = 2');
    const c = compiled(text);
    const dups = c.diagnostics.filter((d) => d.code === 'duplicate').map((d) => d.message);
    assert.ok(dups.some((m) => /workload 'app' is defined twice/.test(m)), show(c));
    assert.ok(dups.some((m) => /cgroup 'svc' is defined twice/.test(m)));
    assert.ok(dups.some((m) => /variant 'v' is defined twice/.test(m)));
    assert.ok(dups.some((m) => /'run' appears twice/.test(m)));
    assert.ok(dups.some((m) => /'vm.swappiness' is set twice/.test(m)));
    const nodes = compiled('machine {\n  node 0 { memory = 1 GiB  cpus = 0 }\n  node 0 { memory = 1 GiB }\n}\nworkload a { at 0 s exit }');
    assert.ok(nodes.diagnostics.some((d) => d.code === 'duplicate' && /node 0 is defined twice/.test(d.message)), show(nodes));
  });

  it('reports values out of range at the value', () => {
    const { d, at } = only(scenario('', 'vm.swappiness = 300'), 'range');
    assert.equal(at, '300');
    assert.match(d.message, /between 0 and 200/);
    assert.match(only(scenario('', 'vm.zone_reclaim_mode = 1.5'), 'type').d.message, /whole number/);
    assert.match(only(scenario('run { duration = 1 ns }'), 'range').d.message, /duration must be from 1 ms to 1440 min; got 1 ns/);
  });

  it('refuses the extreme numbers of issue 11 at the value (line and column), naming the allowed range', () => {
    const text = scenario(`workload w {
  node = 0
  at 0 s alloc buf 1 GiB rate 1e300 TB/s
  at 0 s access buf uniform rate 1e-300/s
}`).replace('memory = 8 GiB  cpus = 0-3', 'memory = 8 GiB  cpus = 0-3  latency = 1e300 ns');
    const c = compiled(text);
    const lines = new LineMap(text);
    const found = c.diagnostics.filter((d) => d.code === 'range').map((d) => {
      const p = lines.position(d.start);
      return `${p.line + 1}:${p.character + 1} ${text.slice(d.start, d.end)} | ${d.message}`;
    });
    assert.deepEqual(found, [
      '3:50 1e300 ns | latency must be from 1 ns to 1 ms; got 1e+300 ns',
      '18:31 1e300 TB/s | allocation rate must be from 1 kB/s to 10 TB/s; got 1e+300 TB/s',
      '19:34 1e-300/s | access rate must be from 1/s to 1000G/s; got 1e-300/s',
    ], show(c));
    assert.equal(c.set, null);
  });

  it('bounds machine, swap, cgroup and phase numbers that used to need only be above zero', () => {
    const cases: [string, string, RegExp][] = [
      ['bandwidth = 1 B/s', '1 B/s', /bandwidth must be from 100 MB\/s to 10 TB\/s/],
      ['swap { size = 1 GiB  latency = 10 min }', '10 min', /swap latency must be from 100 ns to 1 s/],
      ['at 0 s access heap hotset 1 GiB moves every 100 us', '100 us', /move interval must be from 1 ms to 1440 min/],
      ['at 2000 min exit', '2000 min', /phase time must be from 0 ns to 1440 min/],
    ];
    for (const [line, value, message] of cases) {
      const text = line.startsWith('bandwidth') ? scenario().replace('cpus = 0-3 }', `cpus = 0-3  ${line} }`)
        : line.startsWith('swap') ? scenario().replace('cpus = none  tier = 1 }', `cpus = none  tier = 1 }\n  ${line}`)
          : scenario().replace('at 1 s access heap uniform rate 10M/s', `at 1 s access heap uniform rate 10M/s\n  ${line}`);
      const { d, at } = only(text, 'range');
      assert.equal(at, value, line);
      assert.match(d.message, message);
    }
  });

  it('reports a unit of the wrong dimension without suggesting an unrelated unit', () => {
    const { d, at } = only(scenario('', 'kernel.numa_balancing_scan_delay_ms = 5 GiB'), 'unit');
    assert.equal(at, 'GiB');
    assert.match(d.message, /is a time, but 'GiB' is a size unit/);
    assert.deepEqual(d.fixes, []);
  });

  it('suggests the unit for a misspelt one and adds a missing unit', () => {
    const typo = only(scenario('workload b {\n  at 0 s alloc x 1 Gib\n}'), 'unit');
    assert.deepEqual(typo.d.fixes.map((f) => f.newText), ['GiB']);
    const missing = only(scenario('workload b {\n  at 0 s alloc x 1\n}'), 'unit');
    assert.match(missing.d.message, /needs a unit/);
    assert.deepEqual(missing.d.fixes.map((f) => [f.span.start, f.newText]), [[missing.d.end, ' GiB']]);
  });

  it('reports an allocation larger than the machine', () => {
    const { d, at } = only(scenario('workload big {\n  node = 0\n  at 0 s alloc x 100 GiB\n}'), 'too-large');
    assert.equal(at, 'alloc x 100 GiB');
    assert.match(d.message, /more than the machine's memory \(16 GiB\)/);
  });

  it('reports a hot set larger than its region', () => {
    assert.match(only(scenario('workload h {\n  at 0 s alloc x 1 GiB\n  at 0 s access x hotset 2 GiB\n}'), 'too-large').d.message, /hot set/);
  });

  it('reports CPU placement on a CPU-less node, with a fix to the nearest CPU node', () => {
    const { d, at } = only(scenario('workload c {\n  node = 1\n  at 0 s exit\n}'), 'cpuless-node');
    assert.equal(at, '1');
    assert.match(d.message, /node 1 has no CPUs/);
    assert.deepEqual(d.fixes.map((f) => f.newText), ['0']);
  });

  it('warns when tiering is enabled with no slower tier', () => {
    const text = 'machine preset two-socket\nkernel { kernel.numa_balancing = 2 }\nworkload a { at 0 s exit }';
    const { d, at, c } = only(text, 'no-slow-tier');
    assert.equal(d.severity, 'warning');
    assert.equal(at, 'kernel.numa_balancing = 2');
    assert.ok(c.set, 'a warning does not stop lowering');
    const demote = only('machine preset two-socket\nkernel { numa.demotion_enabled = true }\nworkload a { at 0 s exit }', 'no-slow-tier');
    assert.equal(demote.at, 'numa.demotion_enabled = true');
    assert.deepEqual(compiled(scenario('', 'kernel.numa_balancing = 2')).diagnostics, [], 'a CPU-less tier-1 node is a slower tier');
  });

  it('reports phases out of time order at the later phase', () => {
    const { at, d } = only(scenario('workload o {\n  node = 0\n  at 5 s alloc r 1 GiB\n  at 2 s free r\n}'), 'phase-order');
    assert.equal(at, '2 s');
    assert.match(d.message, /at 2 s, after one at 5 s/);
  });

  it('reports expectations naming unknown variants or counters, and a variant-less file offers base', () => {
    const c = compiled(scenario('expect zrm.avg_access_ns < base.pgpromote_succes'));
    assert.ok(errors(c).some((d) => d.code === 'unknown-variant' && d.message === "unknown variant 'zrm'"), show(c));
    assert.ok(errors(c).some((d) => d.code === 'unknown-metric' && /pgpromote_success/.test(d.message)));
    const wl = compiled(scenario('expect base.workload.ap.avg_access_ns < 1'));
    assert.ok(errors(wl).some((d) => d.code === 'unknown-metric' && /unknown workload 'ap'/.test(d.message)), show(wl));
  });

  it('brings a number with a unit in an expectation to its metric\'s unit: %, times, meminfo kB, bytes', () => {
    const rights = (text: string) => compiled(scenario(text)).set!.expectations.map((e) => e.right);
    assert.deepEqual(rights([
      'expect base.remote_access_ratio < 50%',
      'expect base.avg_access_ns < 1.5 us',
      'expect base.node0.AnonPages >= 1 GiB',
      'expect base.cgroup.svc.memory_current <= 1 GiB',
      'expect base.workload.app.remote_access_ratio <= 5%',
      'expect base.numa_miss < 2k',
    ].join('\n')), [0.5, 1500, 1024 ** 2, 1024 ** 3, 0.05, 2000].map((value) => ({ kind: 'number', value })));
    assert.equal(compiled(scenario('expect base.remote_access_ratio < 50%')).set!.expectations[0].text, 'base.remote_access_ratio < 50%');
  });

  it('reads `NUMBER * VARIANT.METRIC` as a scaled metric, for a ratio between variants', () => {
    const c = compiled(scenario('variant a { vm.swappiness = 1 }\nvariant b { vm.swappiness = 2 }\nexpect a.workload.app.runtime_ms >= 1.064 * b.workload.app.runtime_ms'));
    assert.deepEqual(c.diagnostics, [], show(c));
    const e = c.set!.expectations[0];
    assert.deepEqual(e.right, { kind: 'metric', variant: 'b', metric: 'workload.app.runtime_ms', scale: 1.064 });
    assert.equal(e.text, 'a.workload.app.runtime_ms >= 1.064 * b.workload.app.runtime_ms');
    const zero = only(scenario('expect base.avg_access_ns < 0 * base.avg_access_ns'), 'range');
    assert.match(zero.d.message, /positive number/);
  });

  it('refuses a unit of another kind than the metric\'s, and warns on a ratio written as a whole number', () => {
    const wrong: [string, RegExp][] = [
      ['expect base.pswpout < 1 GiB', /pswpout is a count: give a plain number/],
      ['expect base.avg_access_ns < 1 GiB', /avg_access_ns is a time: give a number in ns us ms s min, not a size/],
      ['expect base.numa_miss < 5%', /'%' fits a ratio such as remote_access_ratio, not numa_miss/],
      ['expect base.remote_access_ratio < 1 us', /remote_access_ratio is a ratio: write a percentage such as 50%/],
    ];
    for (const [text, message] of wrong) {
      const { d, at } = only(scenario(text), 'unit');
      assert.equal(d.severity, 'error');
      assert.match(d.message, message);
      assert.ok(at.length > 0 && text.includes(at), at);
    }
    const { d } = only(scenario('expect base.remote_access_ratio < 50'), 'unit');
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /fraction from 0 to 1; did you mean 50%\?/);
    assert.equal(d.fixes[0].newText, '%');
  });

  it('reports a missing machine with a fix that adds one', () => {
    const text = 'workload a { at 0 s exit }\n';
    const { d } = only(text, 'missing-machine');
    const fixed = text.slice(0, d.fixes[0].span.start) + d.fixes[0].newText + text.slice(d.fixes[0].span.end);
    assert.deepEqual(errors(compiled(fixed)), []);
  });

  it('cpus_allowed: a CPU list or all; it must keep the CPUs the workload runs on, with a fix that adds them', () => {
    const ok = compiled(scenario('workload b {\n  cpus = 1-2\n  cpus_allowed = all\n  at 0 s exit\n}'));
    assert.deepEqual(ok.diagnostics, [], show(ok));
    assert.deepEqual(ok.set!.variants[0].workloads.find((w) => w.name === 'b')!.cpusAllowed, [0, 1, 2, 3]);
    assert.deepEqual(ok.set!.variants[0].workloads.find((w) => w.name === 'app')!.cpusAllowed, [0, 1, 2, 3], 'default: its own CPUs');
    const { d, at } = only(scenario('workload b {\n  cpus = 1-2\n  cpus_allowed = 2-3\n  at 0 s exit\n}'), 'range');
    assert.equal(at, '2-3');
    assert.match(d.message, /must include the CPUs the workload runs on \(1 is missing\)/);
    assert.equal(d.fixes?.[0].newText, '1-3');
    assert.equal(only(scenario('workload b {\n  cpus_allowed = 0-9\n  at 0 s exit\n}'), 'unknown-cpu').at, '0-9');
  });
});

describe('checker: lowering to the resolved scenario', () => {
  it('lowers zone-reclaim.numa: machine, knobs, workloads, phases, run, variants, expectations', () => {
    const set = compiled(example('zone-reclaim.numa')).set!;
    assert.equal(set.title, 'zone_reclaim_mode versus membind');
    assert.deepEqual(set.variants.map((v) => v.variant), ['zrm-off', 'zrm-on', 'membind']);
    const [off, on, bind] = set.variants;
    assert.deepEqual(off.machine.nodes.map((n) => [n.memoryBytes, n.cpus.length, n.tier, n.latencyNs, n.bandwidthBytesPerSec]), [[125e9, 32, 0, 80, 90e9], [125e9, 32, 0, 80, 90e9]]);
    assert.deepEqual(off.machine.distance, [[10, 21], [21, 10]]);
    assert.equal(off.knobs['vm.zone_reclaim_mode'], 0);
    assert.equal(on.knobs['vm.zone_reclaim_mode'], 1);
    assert.equal(on.knobs['transparent_hugepage.enabled'], 'never');
    assert.equal(on.knobs['vm.swappiness'], 60, 'unset knobs take the schema default');
    assert.deepEqual(off.workloads.find((w) => w.name === 'app')!.mempolicy, { mode: 'local', nodes: [], weights: [] });
    assert.deepEqual(bind.workloads.find((w) => w.name === 'app')!.mempolicy, { mode: 'bind', nodes: [0], weights: [1] });
    const filler = off.workloads.find((w) => w.name === 'cache_filler')!;
    assert.deepEqual(filler.phases[0], { kind: 'file', atNs: 0, after: null, label: 'read dataset', op: 'read', file: 'dataset', bytes: 100e9, rateBytesPerSec: 4e9 });
    assert.deepEqual(filler.phases[1], { kind: 'exit', atNs: 0, after: 0, label: 'exit' }, '`after read dataset` follows phase 0');
    const app = off.workloads.find((w) => w.name === 'app')!;
    assert.deepEqual(app.phases[1], {
      kind: 'access', atNs: 30e9, after: null, label: 'access heap', region: 'heap', pattern: { kind: 'uniform' }, accessesPerSec: 10e6, writeFraction: 0.3,
      durationNs: null, work: { kind: 'accesses', count: 40e9 },
    });
    assert.deepEqual([app.threads, app.computePerAccessNs, app.mlp], [32, 0, 2], 'threads default to the CPUs; compute_per_access to 0');
    assert.deepEqual(off.run, { durationNs: 300e9, sampleNs: 250e6, seed: 1 });
    assert.equal(set.expectations.length, 6);
    assert.deepEqual(set.expectations[4], { text: 'membind.remote_access_ratio < 0.01', left: { kind: 'metric', variant: 'membind', metric: 'remote_access_ratio' }, op: '<', right: { kind: 'number', value: 0.01 } });
  });

  it('lowers a preset with overrides, cgroups, weighted interleave, every phase kind, sweeps and units', () => {
    const set = compiled(fixture('cxl-sweep.numa')).set!;
    const base = set.variants[0];
    assert.equal(base.variant, 'base');
    const preset = PRESETS['cxl-tiered'];
    assert.equal(base.machine.preset, 'cxl-tiered');
    assert.deepEqual(base.machine.nodes.map((n) => [n.memoryBytes, n.cpus.length, n.tier]), preset.nodes.map((n) => [n.memoryBytes, n.cpus.length, n.tier ?? 0]));
    assert.deepEqual(base.machine.distance, preset.distance);
    assert.deepEqual(base.machine.swap, { sizeBytes: 16 * 1024 ** 3, latencyNs: 80e3, bandwidthBytesPerSec: 1e9 });
    assert.equal(base.knobs['kernel.numa_balancing_hot_threshold_ms'], 1e9, '1 s in ns');
    assert.equal(base.knobs['cost.migrate_page'], 8000, '8 us in ns');
    assert.equal(base.knobs['numa.demotion_enabled'], true);
    assert.deepEqual(base.cgroups, [{ name: 'batch', max: 32 * 1024 ** 3, high: null, low: 1024 ** 3 }]);
    const db = base.workloads[0];
    assert.deepEqual(db.cpus, [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
    assert.deepEqual(db.mempolicy, { mode: 'weighted-interleave', nodes: [0, 2], weights: [3, 1] });
    assert.equal(db.cgroup, 'batch');
    const GiB = 1024 ** 3;
    assert.deepEqual(db.phases.map((p) => p.kind), ['alloc', 'file', 'access', 'access', 'dontneed', 'free', 'exit']);
    const at = (atNs: number, label: string) => ({ atNs, after: null, label });
    assert.deepEqual(db.phases[0], { ...at(0, 'alloc table'), kind: 'alloc', region: 'table', bytes: 24 * GiB, hugepage: true, rateBytesPerSec: 8e9, mbind: null });
    assert.deepEqual(db.phases[2], { ...at(5e9, 'access table'), kind: 'access', region: 'table', pattern: { kind: 'hotset', bytes: 4 * GiB, hotFraction: 0.8, centered: false, moveEveryNs: 10e9, moveEveryWork: null }, accessesPerSec: 20e6, writeFraction: 0.1, durationNs: 40e9, work: null });
    assert.deepEqual(db.phases[3], { ...at(5e9, 'access wal'), kind: 'access', region: 'wal', pattern: { kind: 'sequential' }, accessesPerSec: 1e6, writeFraction: 0, durationNs: null, work: null });
    assert.deepEqual(db.phases[4], { ...at(30e9, 'dontneed table'), kind: 'dontneed', region: 'table', offsetBytes: 0, bytes: 1024 ** 2, perBytes: 2 * 1024 ** 2 });
    assert.deepEqual(db.phases[6], { ...at(50e9, 'exit'), kind: 'exit' });
    assert.deepEqual(set.sweeps.map((s) => [s.knob, s.values]), [
      ['kernel.numa_balancing_hot_threshold_ms', [100e6, 200e6, 300e6]],
      ['vm.swappiness', [0, 60, 200]],
    ]);
    assert.deepEqual(set.variants.map((v) => v.variant).slice(1), [...set.sweeps[0].variantNames, ...set.sweeps[1].variantNames]);
    assert.equal(set.variants.find((v) => v.variant === 'vm.swappiness=200')!.knobs['vm.swappiness'], 200);
    assert.equal(set.variants.find((v) => v.variant === 'vm.swappiness=200')!.knobs['kernel.numa_balancing_hot_threshold_ms'], 1e9);
    assert.deepEqual(set.expectations[2].right, { kind: 'number', value: 32 * GiB });
  });

  it('applies variant overrides of workloads, cgroups, nodes, run and swap to that variant only', () => {
    const text = scenario(`variant v {
  vm.swappiness = 10
  workload app { node = 0  mempolicy = preferred(1) }
  cgroup svc { memory.max = max }
  node 1 { latency = 300 ns }
  run { seed = 9 }
}
variant w { }`).replace('machine {', 'machine {\n  swap { size = 1 GiB }');
    const c = compiled(text);
    assert.deepEqual(errors(c), [], show(c));
    const [v, w] = c.set!.variants;
    assert.equal(v.knobs['vm.swappiness'], 10);
    assert.equal(w.knobs['vm.swappiness'], 60);
    assert.deepEqual(v.workloads[0].mempolicy, { mode: 'preferred', nodes: [1], weights: [1] });
    assert.equal(w.workloads[0].mempolicy.mode, 'local');
    assert.equal(v.cgroups[0].max, null);
    assert.equal(w.cgroups[0].max, 2 * 1024 ** 3);
    assert.equal(v.machine.nodes[1].latencyNs, 300);
    assert.equal(w.machine.nodes[1].latencyNs, 170, 'a CPU-less tier-1 node defaults to 170 ns');
    assert.equal(v.run.seed, 9);
    assert.equal(w.run.seed, 1);
  });

  it('lets a variant move a workload placed by node onto CPUs, and back (node and cpus replace each other)', () => {
    const text = scenario('variant pinned { workload app { cpus = 1-2 } }\nvariant moved { workload app { node = 0 } }')
      .replace('  node = 0\n  cgroup', '  cpus = 3\n  cgroup');
    const c = compiled(text);
    assert.deepEqual(errors(c), [], show(c));
    const [pinned, moved] = c.set!.variants;
    assert.deepEqual(pinned.workloads[0].cpus, [1, 2]);
    assert.deepEqual(moved.workloads[0].cpus, [0, 1, 2, 3]);
  });

  it('converts every unit to its base: sizes binary and decimal, times, bandwidths, rates, percent', () => {
    const text = scenario(`workload u {
  at 0 s alloc a 1 TiB rate 1 MiB/s
  at 1 us alloc b 3 kB rate 2 kB/s
  at 1 ms alloc c 5 B
  at 2 min access a zipf 1.2 rate 2k/s writes 0.25
  at 3 min access b uniform rate 7/s
}
run { duration = 4 min }`).replace(/memory = 8 GiB/g, 'memory = 4 TiB');
    const c = compiled(text);
    assert.deepEqual(errors(c), [], show(c));
    const u = c.set!.variants[0].workloads.find((w) => w.name === 'u')!;
    assert.deepEqual(u.phases.map((p) => p.atNs), [0, 1e3, 1e6, 120e9, 180e9]);
    const [a, b, cc, za, ub] = u.phases as any[];
    assert.deepEqual([a.bytes, a.rateBytesPerSec, b.bytes, b.rateBytesPerSec, cc.bytes], [1024 ** 4, 1024 ** 2, 3000, 2000, 5]);
    assert.deepEqual([za.pattern, za.accessesPerSec, za.writeFraction, ub.accessesPerSec], [{ kind: 'zipf', exponent: 1.2 }, 2000, 0.25, 7]);
  });

  it('rejects a range sweep over an enum knob and a sweep with too many points', () => {
    assert.ok(errors(compiled(scenario('sweep transparent_hugepage.enabled = 1 to 2 step 1'))).some((d) => /takes names/.test(d.message)));
    assert.ok(errors(compiled(scenario('sweep vm.watermark_scale_factor = 1 to 3000 step 1'))).some((d) => /at most 200/.test(d.message)));
  });
});
