import * as assert from 'node:assert/strict';
import { compile } from '../../../src/language/index';
import * as S from '../../../src/language/service';
import { KNOBS, formatKnobValue } from '../../../src/language/schema';
import { at, example, fixture, scenario } from './helpers';

const labels = (items: S.CompletionItem[]) => items.map((i) => i.label);
/** Completion at the `|` in `text`. */
function completeAt(text: string) {
  const offset = text.indexOf('|');
  assert.ok(offset >= 0);
  const t = text.slice(0, offset) + text.slice(offset + 1);
  return S.complete(compile(t), offset);
}
const apply = (text: string, edits: S.TextEdit[]) =>
  [...edits].sort((a, b) => b.span.start - a.span.start).reduce((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), text);

describe('language service: completion', () => {
  it('offers top-level keywords at the start of a line outside blocks, nothing after a comment', () => {
    assert.deepEqual(labels(completeAt('|')), ['scenario', 'machine', 'kernel', 'costs', 'cgroup', 'workload', 'run', 'variant', 'sweep', 'expect']);
    assert.deepEqual(labels(completeAt('kernel { }\nwor|')).length, 10);
    assert.deepEqual(completeAt('# a comment wor|'), []);
  });

  it('offers every knob inside kernel, with unit/default as detail and doc + kernel name as documentation', () => {
    const items = completeAt('kernel {\n  vm.sw|\n}');
    assert.deepEqual(labels(items), ['version', ...KNOBS.map((k) => k.name)]);
    const sw = items.find((i) => i.label === 'vm.swappiness')!;
    assert.equal(sw.detail, 'default 60');
    assert.match(sw.documentation!, /Relative cost of reclaiming/);
    assert.match(sw.documentation!, /\/proc\/sys\/vm\/swappiness/);
    const text = 'kernel {\n  vm.sw\n}';
    assert.deepEqual(sw.span, { start: at(text, 'vm.sw'), end: at(text, 'vm.sw', 5) });
    assert.equal(items.find((i) => i.label === 'kernel.numa_balancing_scan_delay_ms')!.detail, `ms, default ${formatKnobValue(KNOBS.find((k) => k.name === 'kernel.numa_balancing_scan_delay_ms')!, 1e9)}`);
  });

  it('offers only costs in costs, knobs and override blocks in a variant, knobs after sweep', () => {
    assert.ok(labels(completeAt('costs {\n  |\n}')).every((l) => l.startsWith('cost.')));
    const v = labels(completeAt('variant v {\n  |\n}'));
    assert.ok(v.includes('vm.zone_reclaim_mode') && v.includes('workload') && v.includes('cgroup') && v.includes('run'));
    assert.deepEqual(labels(completeAt('sweep |')), KNOBS.map((k) => k.name));
  });

  it('offers a knob\'s allowed values after KNOB =, in kernel, variants and sweeps', () => {
    assert.deepEqual(labels(completeAt('kernel {\n  transparent_hugepage.defrag = |\n}')), ['always', 'defer', 'defer+madvise', 'madvise', 'never']);
    assert.deepEqual(labels(completeAt('variant v {\n  numa.demotion_enabled = |\n}')), ['true', 'false']);
    assert.deepEqual(labels(completeAt('sweep model.promotion_filter = [|')), ['none', 'hot-threshold']);
    const d = completeAt('kernel {\n  transparent_hugepage.enabled = |\n}').find((i) => i.label === 'madvise')!;
    assert.match(d.detail!, /default/);
  });

  it('offers setting names per block, mempolicy modes, cgroup names and node ids', () => {
    assert.deepEqual(labels(completeAt('machine {\n  node 0 {\n    |\n  }\n}')), ['memory', 'cpus', 'tier', 'latency', 'bandwidth', 'write_bandwidth', 'reserved']);
    assert.deepEqual(labels(completeAt('machine {\n  node 0 { memory = 1 GiB  |')), ['memory', 'cpus', 'tier', 'latency', 'bandwidth', 'write_bandwidth', 'reserved']);
    assert.deepEqual(labels(completeAt('machine {\n  |\n}')), ['node', 'distance', 'access_latency_ns', 'swap']);
    assert.deepEqual(labels(completeAt('run {\n  |\n}')), ['duration', 'sample', 'seed']);
    assert.deepEqual(labels(completeAt('cgroup g {\n  |\n}')), ['memory.max', 'memory.high', 'memory.low']);
    assert.deepEqual(labels(completeAt('workload w {\n  |\n}')), ['cpus', 'node', 'cpus_allowed', 'mempolicy', 'cgroup', 'threads', 'compute_per_access', 'mlp', 'at', 'after']);
    const modes = completeAt('workload w {\n  mempolicy = |\n}');
    assert.deepEqual(labels(modes), ['local', 'preferred', 'bind', 'interleave', 'weighted-interleave', 'preferred-many']);
    assert.equal(modes.find((m) => m.label === 'bind')!.insertText, 'bind(0)');
    const text = scenario('workload b {\n  cgroup = |\n}');
    assert.deepEqual(labels(completeAt(text)), ['svc']);
    assert.deepEqual(labels(completeAt(scenario('workload b {\n  node = |\n}'))), ['0', '1']);
    assert.deepEqual(labels(completeAt('machine preset cxl-tiered\nworkload b {\n  node = |\n}')), ['0', '1', '2']);
  });

  it('offers workload and cgroup names after workload/cgroup inside a variant', () => {
    assert.deepEqual(labels(completeAt(scenario('variant v {\n  workload |\n}'))), ['app']);
    assert.deepEqual(labels(completeAt(scenario('variant v {\n  cgroup |\n}'))), ['svc']);
  });

  it('offers actions after at TIME, patterns after access REGION, regions of the current workload', () => {
    assert.deepEqual(labels(completeAt('workload w {\n  at 5 s |\n}')), ['alloc', 'read', 'write', 'access', 'dontneed', 'free', 'drop_caches', 'exit']);
    assert.deepEqual(labels(completeAt('workload w {\n  at 0 s alloc heap 1 GiB\n  at 1 s access heap |\n}')), ['uniform', 'zipf', 'hotset', 'sequential']);
    const text = 'workload w {\n  at 0 s alloc heap 1 GiB\n  at 0 s read file logs 1 GiB\n  at 1 s access |\n}\nworkload other {\n  at 0 s alloc elsewhere 1 GiB\n}';
    assert.deepEqual(labels(completeAt(text)), ['heap', 'logs']);
    assert.deepEqual(labels(completeAt('workload w {\n  at 0 s alloc heap 1 GiB\n  at 1 s dontneed h|\n}')), ['heap']);
    assert.deepEqual(labels(completeAt('workload w {\n  at 0 s alloc heap 1 GiB\n  at 1 s free |\n}')), ['heap']);
  });

  it('offers variants then metrics in expectations; metrics after VARIANT.', () => {
    const text = example('zone-reclaim.numa');
    const c = compile(text + '\nexpect \n');
    assert.deepEqual(labels(S.complete(c, text.length + 8)), ['zrm-off', 'zrm-on', 'membind', '*']);
    const t2 = text + '\nexpect zrm-on.';
    const items = S.complete(compile(t2), t2.length);
    assert.ok(labels(items).includes('avg_access_ns') && labels(items).includes('zone_reclaim_success') && labels(items).includes('node1.MemFree') && labels(items).includes('workload.app.avg_access_ns'));
    assert.deepEqual(items[0].span, { start: t2.length, end: t2.length });
    const t3 = text + '\nexpect zrm-on.avg_access_ns < membind.numa_h';
    const partial = S.complete(compile(t3), t3.length);
    assert.deepEqual(partial[0].span, { start: t3.length - 'numa_h'.length, end: t3.length });
    assert.deepEqual(labels(S.complete(compile('machine preset two-socket\nexpect |'.replace('|', '')), 'machine preset two-socket\nexpect '.length)), ['base', '*']);
  });

  it('offers presets after machine preset', () => {
    const items = completeAt('machine preset |');
    assert.deepEqual(labels(items), ['two-socket', 'cxl-tiered', 'pmem-tiered', 'qemu-2x1g', 'qemu-2x2g', 'qemu-tiered-3node']);
    assert.match(items[0].documentation!, /125 GB/);
  });
});

describe('language service: hover', () => {
  const text = example('zone-reclaim.numa');
  const c = compile(text);

  it('documents a knob from the schema: meaning, unit, default, allowed values, kernel name', () => {
    const h = S.hover(c, at(text, 'vm.min_unmapped_ratio', 4))!;
    assert.deepEqual(h.span, { start: at(text, 'vm.min_unmapped_ratio'), end: at(text, 'vm.min_unmapped_ratio', 21) });
    for (const part of ['unmapped page cache', 'Unit: `%`', 'Default: `1 %`', 'Allowed: 0 to 100', '/proc/sys/vm/min_unmapped_ratio']) assert.ok(h.markdown.includes(part), `${part} in ${h.markdown}`);
    const enumHover = S.hover(compile('kernel {\n  transparent_hugepage.defrag = never\n}'), 12)!;
    assert.match(enumHover.markdown, /Allowed: `always`, `defer`, `defer\+madvise`, `madvise`, `never`/);
  });

  it('documents the khugepaged knobs with their sysfs files and the kernel\'s defaults', () => {
    const knobs: [string, string, string][] = [
      ['khugepaged_pages_to_scan', 'Default: `4096 pages`', '/sys/kernel/mm/transparent_hugepage/khugepaged/pages_to_scan'],
      ['khugepaged_scan_sleep_millisecs', 'Default: `10000 ms`', '/sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs'],
      ['khugepaged_alloc_sleep_millisecs', 'Default: `60000 ms`', '/sys/kernel/mm/transparent_hugepage/khugepaged/alloc_sleep_millisecs'],
      ['khugepaged_max_ptes_none', 'Default: `511 pages`', '/sys/kernel/mm/transparent_hugepage/khugepaged/max_ptes_none'],
      ['khugepaged_max_ptes_swap', 'Default: `64 pages`', '/sys/kernel/mm/transparent_hugepage/khugepaged/max_ptes_swap'],
      ['khugepaged_defrag', 'Default: `true`', '/sys/kernel/mm/transparent_hugepage/khugepaged/defrag'],
    ];
    for (const [name, dflt, file] of knobs) {
      const src = `kernel {\n  transparent_hugepage.${name} = 1\n}`;
      const h = S.hover(compile(src), src.indexOf(name) + 2)!;
      assert.ok(h && h.markdown.includes(dflt) && h.markdown.includes(file), `${name}: ${h?.markdown}`);
    }
  });

  it('documents vm.compaction_proactiveness: its marks, the 32 s wait, its file, default 20 and the release that brings it', () => {
    const src = 'kernel {\n  vm.compaction_proactiveness = 0\n}';
    const h = S.hover(compile(src), src.indexOf('compaction_proactiveness') + 2)!;
    for (const part of ['kcompactd', '32 s', 'Default: `20`', 'Allowed: 0 to 100', '/proc/sys/vm/compaction_proactiveness', '5.9']) assert.ok(h.markdown.includes(part), `${part} in ${h.markdown}`);
    // A kernel before 5.9 has no such sysctl: the setting is flagged.
    const old = compile('machine preset two-socket\nkernel {\n  version = 5.8\n  vm.compaction_proactiveness = 0\n}\nworkload w {\n  node = 0\n  at 0 s  alloc a 1 MiB\n}\n');
    assert.ok(old.diagnostics.some((d) => d.code === 'version-lacks' && /compaction_proactiveness needs 5\.9/.test(d.message)), JSON.stringify(old.diagnostics));
    // Kept, it runs as a backport: the core's kernel lists it.
    assert.ok(old.set!.variants[0].kernel!.overrides.some((o) => o.startsWith('vm.compaction_proactiveness')));
  });

  it('shows what a quantity is in base units', () => {
    assert.equal(S.hover(c, at(text, '125 GB  cpus = 0-31', 5))!.markdown, '125 GB = 125,000,000,000 bytes = 116.4 GiB = 125 GB');
    const bw = S.hover(c, at(text, '90 GB/s'))!;
    assert.match(bw.markdown, /90,000,000,000 bytes\/s = 83\.82 GiB\/s/);
    assert.deepEqual(bw.span, { start: at(text, '90 GB/s'), end: at(text, '90 GB/s', 7) });
    assert.match(S.hover(c, at(text, '250 ms', 1))!.markdown, /250 ms = 250,000,000 ns = 250 ms/);
    const paced = text.replace('for 40G accesses', 'rate 50M/s for 90 s');
    assert.equal(S.hover(compile(paced), at(paced, '50M/s', 3))!.markdown, '50,000,000 per second');
    assert.match(S.hover(c, at(text, '30%'))!.markdown, /0\.3 as a fraction/);
  });

  it('explains settings, keywords, actions and patterns', () => {
    assert.match(S.hover(c, at(text, 'mempolicy = local', 2))!.markdown, /workload setting/);
    assert.match(S.hover(c, at(text, 'latency = 80', 1))!.markdown, /node setting/);
    assert.match(S.hover(c, at(text, 'uniform'))!.markdown, /equally likely/);
    assert.match(S.hover(c, at(text, 'alloc heap'))!.markdown, /anonymous memory/);
    assert.match(S.hover(c, at(text, 'variant zrm-off'))!.markdown, /named set of overrides/);
  });

  it('summarises names: workloads, variants, nodes, regions, cgroups', () => {
    assert.match(S.hover(c, at(text, 'workload app { mempolicy', 10))!.markdown, /\*\*workload app\*\*[\s\S]*alloc heap 60 GB/);
    assert.match(S.hover(c, at(text, 'membind.avg', 2))!.markdown, /\*\*variant membind\*\*[\s\S]*bind\(0\)/);
    assert.match(S.hover(c, at(text, 'bind(0)', 5))!.markdown, /\*\*node 0\*\*: 116\.4 GiB, CPUs 0-31, tier 0, 80 ns, 90 GB\/s/);
    assert.match(S.hover(c, at(text, 'access heap', 8))!.markdown, /region heap\*\* of workload app[\s\S]*at 30 s  alloc heap 60 GB/);
    const d = example('deferred-split.numa');
    assert.match(S.hover(compile(d), at(d, '= service', 3))!.markdown, /\*\*cgroup service\*\*[\s\S]*memory\.max = 4 GiB/);
  });

  it('explains metrics in expectations and returns null on whitespace and strings', () => {
    assert.match(S.hover(c, at(text, 'zrm-on.pgsteal_direct', 10))!.markdown, /vmstat counter `pgsteal_direct`/);
    assert.match(S.hover(c, at(text, 'remote_access_ratio < 0.01', 3))!.markdown, /Share of accesses/);
    assert.equal(S.hover(c, at(text, '\n\nmachine')), null);
    assert.equal(S.hover(c, at(text, '"zone_reclaim_mode versus', 5)), null);
  });
});

describe('language service: definition, references, rename', () => {
  const text = example('deferred-split.numa');
  const c = compile(text);

  it('goes to the definition of a cgroup, workload region and node', () => {
    assert.deepEqual(S.definition(c, at(text, '= service', 4)), { start: at(text, 'cgroup service', 7), end: at(text, 'cgroup service', 14) });
    assert.deepEqual(S.definition(c, at(text, 'dontneed heap', 10)), { start: at(text, 'alloc heap', 6), end: at(text, 'alloc heap', 10) });
    assert.deepEqual(S.definition(c, at(text, 'node = 0', 7)), { start: at(text, 'node 0 {', 5), end: at(text, 'node 0 {', 6) });
    assert.equal(S.definition(c, at(text, 'transparent_hugepage.enabled')), null);
  });

  it('finds references with and without the declaration, and scopes regions to their workload', () => {
    const refs = S.references(c, at(text, 'cgroup service', 8), true);
    assert.deepEqual(refs.map((r) => text.slice(r.start, r.end)), ['service', 'service', 'service']);
    assert.equal(S.references(c, at(text, 'cgroup service', 8), false).length, 2);
    const two = 'machine preset two-socket\nworkload a {\n  at 0 s alloc buf 1 GiB\n  at 1 s free buf\n}\nworkload b {\n  at 0 s alloc buf 1 GiB\n}\n';
    const c2 = compile(two);
    assert.deepEqual(S.references(c2, at(two, 'free buf', 6), true), [{ start: at(two, 'buf'), end: at(two, 'buf', 3) }, { start: at(two, 'free buf', 5), end: at(two, 'free buf', 8) }]);
  });

  it('renames a variant with its VARIANT.metric operands', () => {
    const z = example('zone-reclaim.numa');
    const cz = compile(z);
    assert.deepEqual(S.prepareRename(cz, at(z, 'variant zrm-on', 9)), { span: { start: at(z, 'variant zrm-on', 8), end: at(z, 'variant zrm-on', 14) }, placeholder: 'zrm-on' });
    const r = S.rename(cz, at(z, 'zrm-on.pgsteal', 1), 'reclaim-on');
    assert.ok('edits' in r);
    assert.equal(r.edits.length, 6);
    const renamed = apply(z, r.edits);
    assert.ok(!renamed.includes('zrm-on.') && renamed.includes('expect reclaim-on.pgsteal_direct > 0'));
    assert.deepEqual(compile(renamed).diagnostics, []);
  });

  it('renames a workload everywhere: definition, variant overrides and workload.NAME metrics', () => {
    const t = fixture('cxl-sweep.numa').replace(/base\./g, 'v.') + 'variant v { workload db { mempolicy = local } }\n';
    const r = S.rename(compile(t), at(t, 'workload db', 10), 'database');
    assert.ok('edits' in r);
    const out = apply(t, r.edits);
    assert.ok(out.includes('workload database {') && out.includes('workload.database.avg_access_ns') && out.includes('variant v { workload database'));
    assert.deepEqual(compile(out).diagnostics.filter((d) => d.severity === 'error'), []);
  });

  it('refuses node renames, invalid names, keywords and clashes', () => {
    assert.match((S.rename(c, at(text, 'node = 0', 7), 'x') as { error: string }).error, /cannot be renamed/);
    assert.equal(S.prepareRename(c, at(text, 'node = 0', 7)), null);
    assert.match((S.rename(c, at(text, 'variant sync', 9), '9lives') as { error: string }).error, /not a valid name/);
    assert.match((S.rename(c, at(text, 'variant sync', 9), 'a.b') as { error: string }).error, /not a valid name/);
    assert.match((S.rename(c, at(text, 'variant sync', 9), 'workload') as { error: string }).error, /keyword/);
    assert.match((S.rename(c, at(text, 'variant sync', 9), 'deferred') as { error: string }).error, /already exists/);
    assert.ok('error' in S.rename(c, at(text, 'kernel {'), 'x'));
  });
});

describe('language service: outline, code lenses, quick fixes', () => {
  it('outlines the scenario with nested nodes, phases and variant overrides', () => {
    const text = example('deferred-split.numa');
    const syms = S.documentSymbols(compile(text));
    assert.deepEqual(syms.map((s) => `${s.kind}:${s.name}`).slice(0, 9), [
      'scenario:Deferred THP split and memory.current', 'machine:machine', 'kernel:kernel', 'cgroup:service', 'workload:cache', 'run:run', 'variant:deferred', 'variant:sync', 'variant:deferred-no-limit',
    ]);
    const machine = syms[1];
    assert.deepEqual(machine.children.map((s) => s.name), ['node 0', 'node 1']);
    assert.equal(machine.children[0].detail, 'memory = 8 GiB, cpus = 0-7');
    const w = syms.find((s) => s.name === 'cache')!;
    assert.equal(w.children.length, 5);
    assert.equal(w.children[2].name, 'at 5 s dontneed heap 1 MiB per 2 MiB');
    assert.deepEqual(w.selectionSpan, { start: at(text, 'workload cache', 9), end: at(text, 'workload cache', 14) });
    for (const s of syms) assert.ok(s.span.start <= s.selectionSpan.start && s.selectionSpan.end <= s.span.end, s.name);
    assert.deepEqual(syms.find((s) => s.name === 'deferred-no-limit')!.children.map((s) => s.name), ['cgroup service']);
    assert.equal(syms.filter((s) => s.kind === 'expect').length, 4);
    const sweep = S.documentSymbols(compile(fixture('cxl-sweep.numa'))).filter((s) => s.kind === 'sweep');
    assert.deepEqual(sweep.map((s) => [s.name, s.detail]), [['sweep kernel.numa_balancing_hot_threshold_ms', '100 ms to 300 ms step 100 ms'], ['sweep vm.swappiness', '[0, 60, 200]']]);
  });

  it('gives code-lens targets for the scenario, each variant and each sweep', () => {
    const z = example('zone-reclaim.numa');
    assert.deepEqual(S.codeLensTargets(compile(z)).map((t) => `${t.kind}:${t.name}`), ['scenario:zone_reclaim_mode versus membind', 'variant:zrm-off', 'variant:zrm-on', 'variant:membind']);
    const f = fixture('cxl-sweep.numa');
    const lenses = S.codeLensTargets(compile(f));
    assert.deepEqual(lenses.map((t) => `${t.kind}:${t.name}`), ['scenario:CXL hot threshold sweep', 'sweep:kernel.numa_balancing_hot_threshold_ms', 'sweep:vm.swappiness']);
    assert.equal(f.slice(lenses[1].span.start, lenses[1].span.start + 5), 'sweep');
  });

  it('turns did-you-mean diagnostics into quick fixes that make the file check clean', () => {
    const text = scenario('', 'vm.swapiness = 3');
    const c = compile(text);
    const actions = S.codeActions(c, { start: at(text, 'vm.swapiness', 2), end: at(text, 'vm.swapiness', 2) });
    assert.deepEqual(actions.map((a) => a.title), ["Change to 'vm.swappiness'"]);
    assert.equal(actions[0].isPreferred, true);
    assert.equal(actions[0].diagnostic!.code, 'unknown-knob');
    assert.deepEqual(compile(apply(text, actions[0].edits)).diagnostics, []);
    assert.deepEqual(S.codeActions(c, { start: 0, end: 1 }), []);
  });

  it('adds a missing machine, and declares a variant or cgroup that is named but missing', () => {
    const noMachine = 'workload a {\n  at 0 s exit\n}\n';
    const c = compile(noMachine);
    const fix = S.codeActions(c, { start: 0, end: 0 }).find((a) => /machine/.test(a.title))!;
    assert.deepEqual(compile(apply(noMachine, fix.edits)).diagnostics.filter((d) => d.severity === 'error'), []);
    const text = scenario('variant one { }\nexpect other.avg_access_ns < 100');
    const add = S.codeActions(compile(text), { start: at(text, 'other'), end: at(text, 'other') }).find((a) => a.title === "Add variant 'other'")!;
    assert.deepEqual(compile(apply(text, add.edits)).diagnostics, []);
    const cg = scenario('workload b {\n  cgroup = batch\n  at 0 s exit\n}');
    const addCg = S.codeActions(compile(cg), { start: at(cg, 'batch'), end: at(cg, 'batch') }).find((a) => a.title === "Add cgroup 'batch'")!;
    assert.deepEqual(compile(apply(cg, addCg.edits)).diagnostics, []);
  });

  it('format is exported from the service', () => {
    assert.equal(S.format('run {seed=1}'), 'run {\n  seed = 1\n}\n');
  });
});
