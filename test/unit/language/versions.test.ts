// The language side of kernel versions: `version = X.Y`, the diagnostics for settings a version
// lacks (with the quick fix that sets the version), the migration of the renamed knobs, hover's
// kind of name, and the formatter keeping `5.3-rc5` whole.

import * as assert from 'node:assert/strict';
import { format } from '../../../src/language/format';
import { compile } from '../../../src/language/index';
import * as S from '../../../src/language/service';
import { at, errors } from './helpers';

const MACHINE = `scenario "v"
machine {
  node 0 { memory = 8 GiB  cpus = 0-3 }
  node 1 { memory = 8 GiB  cpus = none  tier = 1 }
}
`;
const WORKLOAD = `workload w {
  node = 0
  at 0 s  alloc a 1 GiB
}
`;

/** Applies a quick fix's edit. */
function applyFix(text: string, fix: { span: { start: number; end: number }; newText: string }): string {
  return text.slice(0, fix.span.start) + fix.newText + text.slice(fix.span.end);
}

const byCode = (text: string, code: string) => compile(text).diagnostics.filter((d) => d.code === code);

describe('language: kernel versions', () => {
  it('reads version = X.Y and X.Y-rcN as written, per variant, 6.1 without one', () => {
    const t = `${MACHINE}kernel {\n  version = 5.10\n}\n${WORKLOAD}variant a { version = 5.3-rc5 }\nvariant b { }\n`;
    const c = compile(t);
    assert.deepEqual(errors(c), []);
    assert.deepEqual(c.set!.variants.map((v) => v.kernel!.version), ['5.3-rc5', '5.10']);
    assert.equal(compile(`${MACHINE}${WORKLOAD}`).set!.variants[0].kernel!.version, '6.1');
    // The version decides the model.* defaults the variant runs with.
    assert.equal(c.set!.variants[0].knobs['model.thp_numa_placement'], 'remote-fallback');
    assert.equal(c.set!.variants[1].knobs['model.thp_numa_placement'], 'local-light-then-any');
  });

  it('refuses a version that is not one, or older than the table', () => {
    const bad = compile(`${MACHINE}kernel {\n  version = 5.x\n}\n${WORKLOAD}`);
    assert.match(errors(bad)[0].message, /'5\.x' is not a kernel version; write it as 6\.1 or 5\.3-rc5/);
    const old = compile(`${MACHINE}kernel {\n  version = 3.10\n}\n${WORKLOAD}`);
    const e = errors(old)[0];
    assert.match(e.message, /the version table starts at 4\.0; 3\.10 is older/);
    assert.equal(e.fixes[0].newText, '4.0');
    assert.match(errors(compile(`${MACHINE}kernel {\n  version = 5.4\n  version = 5.5\n}\n${WORKLOAD}`))[0].message, /'version' is set twice/);
  });

  it('warns about a setting the version lacks, names both versions, and fixes it by setting the version', () => {
    const t = `${MACHINE}kernel {\n  version = 5.4\n  kernel.numa_balancing = 2\n}\n${WORKLOAD}`;
    const d = byCode(t, 'version-lacks');
    assert.equal(d.length, 1);
    assert.equal(d[0].severity, 'warning');
    assert.match(d[0].message, /^kernel\.numa_balancing=2 needs 5\.18 or later; version is 5\.4/);
    assert.equal(t.slice(d[0].start, d[0].end), '2');
    const fixed = applyFix(t, d[0].fixes[0]);
    assert.ok(fixed.includes('version = 5.18'));
    assert.deepEqual(byCode(fixed, 'version-lacks'), []);
    // numa_balancing = 1 existed long before: no warning.
    assert.deepEqual(byCode(t.replace('numa_balancing = 2', 'numa_balancing = 1'), 'version-lacks'), []);
  });

  it('without a version line the fix adds one to the kernel block, or a kernel block after the machine', () => {
    const inBlock = `${MACHINE}kernel {\n  kernel.numa_balancing_hot_threshold_ms = 500 ms\n}\n${WORKLOAD}variant old { version = 5.19 }\n`;
    const d = byCode(inBlock, 'version-lacks');
    assert.match(d[0].message, /kernel\.numa_balancing_hot_threshold_ms needs 6\.0 or later; version is 5\.19/);
    // The variant's own version line is the one the fix changes.
    assert.equal(applyFix(inBlock, d[0].fixes[0]).match(/variant old \{ version = (\S+) \}/)![1], '6.0');
    const noBlock = `${MACHINE}${WORKLOAD.replace('node = 0', 'node = 0\n  mempolicy = weighted-interleave(0:2, 1:1)')}`;
    const w = byCode(noBlock, 'version-lacks');
    assert.match(w[0].message, /weighted-interleave needs 6\.9 or later; version is 6\.1/);
    const fixed = applyFix(noBlock, w[0].fixes[0]);
    assert.match(fixed, /\}\n\nkernel \{\n  version = 6\.9\n\}\n/);
    assert.deepEqual(compile(fixed).diagnostics, []);
  });

  it('warns for demotion before 5.15, explicit tiers before 6.1 and watermark boosting before 5.0', () => {
    const t = `${MACHINE.replace('tier = 1', 'tier = 2')}kernel {\n  version = 4.19\n  numa.demotion_enabled = true\n  vm.watermark_boost_factor = 0\n}\n${WORKLOAD}`;
    const msgs = byCode(t, 'version-lacks').map((d) => d.message.replace(/\. It runs.*/, ''));
    assert.deepEqual(msgs.sort(), [
      'numa.demotion_enabled needs 5.15 or later; version is 4.19',
      'tier = 2 on node 1 needs 6.1 or later; version is 4.19',
      'vm.watermark_boost_factor needs 5.0 or later; version is 4.19',
    ]);
    // A CPU-less node in tier 1 is what every version does: nothing to warn about.
    assert.deepEqual(byCode(t.replace('tier = 2', 'tier = 1').replace('version = 4.19', 'version = 5.15').replace('  vm.watermark_boost_factor = 0\n', ''), 'version-lacks'), []);
  });

  it('lists overrides in the scenario: model.* against the version, patch.* on, backports', () => {
    const t = `${MACHINE}kernel {\n  version = 5.15\n  kernel.numa_balancing = 2\n  model.wmark_promo = true\n  patch.tpp_active_lru_filter = on\n}\n${WORKLOAD}`;
    assert.deepEqual(compile(t).set!.variants[0].kernel!.overrides, [
      'model.wmark_promo = true (5.15 has false)',
      'patch.tpp_active_lru_filter (unmerged patch)',
      'kernel.numa_balancing=2 (backported: needs 5.18)',
    ]);
  });

  it('warns when an expectation names a counter a variant\'s version lacks', () => {
    const t = `${MACHINE}${WORKLOAD}variant old { version = 5.17 }\nvariant new { version = 6.12 }\nexpect old.pgpromote_success == 0\nexpect new.zone_reclaim_success == 0\nexpect *.zone_reclaim_success == 0\n`;
    const d = byCode(t, 'version-counter');
    assert.equal(d.length, 2);
    assert.match(d[0].message, /\/proc\/vmstat of 5\.17 has no 'pgpromote_success' \(it appeared in 5\.18\)/);
    assert.match(d[1].message, /\/proc\/vmstat of 5\.17 has no 'zone_reclaim_success' \(it appeared in 6\.12\)/);
  });
});

describe('language: renamed knobs', () => {
  const cases: [string, string][] = [
    ['transparent_hugepage.numa_fallback = thisnode', 'model.thp_numa_placement = thisnode'],
    ['transparent_hugepage.split_on_dontneed = sync', 'patch.dontneed_sync_split = true'],
    ['transparent_hugepage.split_on_dontneed = deferred', 'patch.dontneed_sync_split = false'],
    ['numa.wmark_promo = off', 'model.wmark_promo = off'],
    ['numa.promotion_filter = none', 'model.promotion_filter = none'],
    ['numa.promotion_filter = tpp', 'patch.tpp_active_lru_filter = true'],
  ];
  for (const [old, now] of cases) {
    it(`migrates '${old}' to '${now}' with a quick fix, and runs as before meanwhile`, () => {
      const t = `${MACHINE}kernel {\n  ${old}\n}\n${WORKLOAD}`;
      const d = byCode(t, 'renamed-knob');
      assert.equal(d.length, 1);
      assert.equal(d[0].severity, 'warning');
      assert.match(d[0].message, /is no kernel file; it is now/);
      const fixed = applyFix(t, d[0].fixes[0]);
      assert.ok(fixed.includes(`  ${now}\n`), fixed);
      const before = compile(t).set!.variants[0].knobs, after = compile(fixed).set!.variants[0].knobs;
      assert.deepEqual(before, after);
      assert.deepEqual(compile(fixed).diagnostics, []);
    });
  }

  it('migrates in variants and sweeps are refused the old name', () => {
    const t = `${MACHINE}${WORKLOAD}variant v {\n  numa.wmark_promo = off\n}\n`;
    assert.equal(byCode(t, 'renamed-knob').length, 1);
    assert.equal(compile(t).set!.variants[0].knobs['model.wmark_promo'], false);
  });
});

describe('language: hover and format for versions', () => {
  it('hover says which kind of name a knob is', () => {
    const t = `${MACHINE}kernel {\n  version = 5.4\n  vm.swappiness = 10\n  numa.demotion_enabled = true\n  model.wmark_promo = on\n  patch.dontneed_sync_split = on\n}\ncosts {\n  cost.split_thp = 20 us\n}\n${WORKLOAD}`;
    const c = compile(t);
    const hover = (needle: string) => S.hover(c, at(t, needle, 2))!.markdown;
    assert.match(hover('vm.swappiness'), /sysctl file/);
    assert.match(hover('numa.demotion_enabled'), /sysfs file[\s\S]*Needs 5\.15 or later/);
    assert.match(hover('model.wmark_promo'), /model choice[\s\S]*By version: 4\.0 `false`, 5\.18-rc1 `true` \(c574bbe91703\)/);
    assert.match(hover('patch.dontneed_sync_split'), /unmerged patch/);
    assert.match(hover('cost.split_thp'), /model cost/);
    assert.match(hover('version = 5.4'), /kernel release/);
  });

  it('the formatter keeps 5.3-rc5 in one piece', () => {
    const t = `${MACHINE}kernel {\n  version   =   5.3-rc5\n}\n${WORKLOAD}`;
    const f = format(t);
    assert.match(f, /\n  version = 5\.3-rc5\n/);
    assert.equal(compile(f).set!.variants[0].kernel!.version, '5.3-rc5');
  });
});

describe('language: completion for versions', () => {
  const complete = (t: string, needle: string) => S.complete(compile(t), at(t, needle, needle.length)).map((i) => i.label);
  it('offers version first in kernel and variant blocks, and the releases where the table changes something', () => {
    assert.equal(complete('kernel {\n  \n}\n', '{\n  ')[0], 'version');
    assert.equal(complete('variant v {\n  \n}\n', '{\n  ')[0], 'version');
    const releases = complete('kernel {\n  version = \n}\n', 'version = ');
    assert.deepEqual(releases.slice(0, 3), ['6.12', '6.9', '6.3']);
    // Both ends of the 2018 episode, and 5.3-rc5; every label parses as a version of the table.
    for (const v of ['4.20-rc1', '4.20-rc6', '5.3-rc5', '5.4', '4.0', '6.1', '5.9', '4.6', '4.11']) assert.ok(releases.includes(v), v);
    for (const v of releases) assert.deepEqual(compile(`${MACHINE}kernel {\n  version = ${v}\n}\n${WORKLOAD}`).diagnostics.filter((d) => d.code === 'version'), [], v);
  });
});
