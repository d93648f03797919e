// The kernel runner's planning and QEMU command line, without a boot: topology, knob files,
// settings with no real counterpart, and the agent's plan.

import * as assert from 'node:assert/strict';
import { compile } from '../../../src/language';
import type { ScenarioSet } from '../../../src/language/model';
import { scaleScenario } from '../../../src/core';
import { planScenario, blockingSettings } from '../../../src/kernel/plan';
import { qemuCommand } from '../../../src/kernel/qemu';
import { planVariants, KernelRefusedError } from '../../../src/kernel/runner';
import { compileFile } from '../core/helpers';

const RELEASE = '6.1.0-57-amd64';

function compileText(text: string): ScenarioSet {
  const c = compile(text, 't.numa');
  const errors = c.diagnostics.filter((d) => d.severity === 'error');
  assert.equal(errors.length, 0, errors.map((e) => e.message).join('; '));
  return c.set!;
}

const argValues = (args: string[], flag: string) => args.flatMap((a, i) => (args[i - 1] === flag ? [a] : []));

describe('kernel: plan and QEMU command line', () => {
  it('zone-reclaim at 1/128: two 1 GiB nodes with one vCPU each, the SLIT, knob files', () => {
    const set = compileFile('examples/zone-reclaim.numa');
    const s = scaleScenario(set.variants.find((v) => v.variant === 'zrm-on')!, 1 / 128);
    const plan = planScenario(s, RELEASE);
    assert.deepEqual(plan.nodes.map((n) => [n.id, n.memMiB, n.vcpu, n.kmem]), [[0, 896, 0, false], [1, 896, 1, false]]);
    assert.equal(plan.vcpus, 2);
    assert.deepEqual(plan.knobs.find((k) => k.name === 'vm.zone_reclaim_mode'), { name: 'vm.zone_reclaim_mode', path: '/proc/sys/vm/zone_reclaim_mode', value: '1' });
    assert.equal(plan.knobs.find((k) => k.name === 'transparent_hugepage.enabled')?.value, 'never');
    // min_free_kbytes = 0 means "as the kernel computes it": not written
    assert.equal(plan.knobs.some((k) => k.name === 'vm.min_free_kbytes'), false);
    // 64 CPUs become 2 vCPUs: said, but not a refusal
    assert.ok(plan.notApplied.some((n) => n.setting === '64 CPUs' && !n.matters));
    assert.deepEqual(blockingSettings(plan), []);
    assert.equal(plan.fileBytes, Math.round(100e9 / 128));
    const lines = plan.planText.split('\n');
    assert.ok(lines.includes('workload app - 0 local -'), plan.planText);
    assert.ok(lines.some((l) => /^file cache_filler 0 read dataset 781250000 31250000$/.test(l)), plan.planText);
    // The closed-loop access runs at the default rate until the end (the agent has no amounts of
    // work yet), and says so; the filler exits when its read would end at 4 GB/s.
    assert.ok(lines.some((l) => /^access app 30000000000 heap uniform 0 0 0 10000000 30 -1$/.test(l)), plan.planText);
    assert.ok(lines.includes('exit cache_filler 25000000000'), plan.planText);
    assert.ok(plan.notApplied.some((n) => !n.matters && /access heap for 40000000000 accesses/.test(n.setting)));

    const q = qemuCommand(plan, { accel: 'tcg', kernelImage: '/k', initrd: '/i', consoleLog: '/c.log', disk: '/d.img', swap: null });
    assert.deepEqual(argValues(q.args, '-numa'), [
      'node,nodeid=0,cpus=0,memdev=m0', 'node,nodeid=1,cpus=1,memdev=m1',
      'dist,src=0,dst=1,val=21', 'dist,src=1,dst=0,val=21',
    ]);
    assert.deepEqual(argValues(q.args, '-m'), ['1792M']);
    assert.deepEqual(argValues(q.args, '-smp'), ['2,sockets=2,cores=1,threads=1']);
    assert.deepEqual(argValues(q.args, '-accel'), ['tcg']);
    assert.deepEqual(argValues(q.args, '-serial'), ['file:/c.log', 'stdio']);
    assert.equal(q.diskDev, '/dev/vda');
    assert.doesNotMatch(q.append, /memmap=/);
  });

  it('tiering at 1/64: the CPU-less tier-1 node is hidden as soft-reserved memory for dax/kmem', () => {
    const set = compileFile('examples/tiering.numa');
    const s = scaleScenario(set.variants.find((v) => v.variant === 'hot-threshold')!, 1 / 64);
    const plan = planScenario(s, RELEASE);
    assert.deepEqual(plan.nodes.map((n) => [n.memMiB, n.vcpu, n.kmem]), [[256, 0, false], [256, 1, false], [2048, null, true]]);
    const q = qemuCommand(plan, { accel: 'tcg', kernelImage: '/k', initrd: '/i', consoleLog: '/c', disk: null, swap: null });
    assert.ok(argValues(q.args, '-numa').includes('node,nodeid=2,memdev=m2'), 'a CPU-less node has no cpus=');
    assert.ok(argValues(q.args, '-numa').includes('dist,src=0,dst=2,val=17'));
    // node 0 takes the 256 MiB below 4 GiB, node 1 starts at 4 GiB, node 2 at 4 GiB + 256 MiB
    assert.match(q.append, /memmap=2048M%4352M-1\+0xefffffff/);
    assert.ok(plan.knobs.some((k) => k.name === 'numa.demotion_enabled' && k.value === '1' && k.path === '/sys/kernel/mm/numa/demotion_enabled'));
    assert.deepEqual(plan.knobs.find((k) => k.name === 'kernel.numa_balancing_hot_threshold_ms')?.value, '1000');
    // 6.1 filters promotions by the hot threshold and has WMARK_PROMO: nothing to refuse
    assert.deepEqual(blockingSettings(plan), []);
  });

  it('refuses a setting the scenario depends on unless approximate runs are allowed', () => {
    const set = compileFile('examples/tiering.numa');
    assert.throws(() => planVariants(set, RELEASE, { variants: ['promotion'] }), (e: unknown) => {
      assert.ok(e instanceof KernelRefusedError);
      assert.match(e.message, /promotion: model\.promotion_filter = none: Linux 6\.1\.0-57-amd64 has no knob for it and behaves as model\.promotion_filter = hot-threshold/);
      assert.match(e.message, /model\.wmark_promo = false/);
      assert.match(e.message, /--allow-approximate/);
      return true;
    });
    assert.equal(planVariants(set, RELEASE, { variants: ['promotion'], allowApproximate: true }).length, 1);
    // the same setting without tiering in play does not matter
    const off = planScenario(set.variants.find((v) => v.variant === 'no-promotion')!, RELEASE);
    assert.ok(off.notApplied.some((n) => n.setting === 'model.promotion_filter = none' && !n.matters));
    // The variant asks for 5.15; the guest runs 6.1, which differs there only in knobs.
    assert.ok(off.notApplied.some((n) => n.setting === 'version = 5.15' && !n.matters));
  });

  it('an older release behaves differently: WMARK_PROMO is missing before 5.18', () => {
    const set = compileFile('examples/tiering.numa');
    const plan = planScenario(set.variants.find((v) => v.variant === 'hot-threshold')!, '5.15.0-1-amd64');
    assert.ok(blockingSettings(plan).some((n) => n.setting === 'model.wmark_promo = true'));
  });

  it('cgroups, policies, huge pages and DONTNEED ranges reach the agent plan; swap becomes a second disk', () => {
    const set = compileText(`
machine {
  node 0 { memory = 1 GiB  cpus = 0-3 }
  node 1 { memory = 1 GiB  cpus = 4-7 }
  swap { size = 256 MiB }
}
cgroup box { memory.max = 300 MiB  memory.high = 250 MiB }
workload w {
  cpus = 2-5
  cgroup = box
  mempolicy = interleave(0,1)
  at 0 s  alloc buf 64 MiB MADV_HUGEPAGE rate 1 GiB/s
  at 1 s  dontneed buf 1 MiB per 2 MiB
  at 2 s  free buf
  at 2 s  drop_caches 3
  at 3 s  exit
}
run { duration = 4 s  sample = 100 ms }
`);
    const plan = planScenario(set.variants[0], RELEASE);
    const lines = plan.planText.split('\n');
    assert.ok(lines.includes(`cgroup box ${300 * 1048576} ${250 * 1048576} -1`), plan.planText);
    assert.ok(lines.includes('workload w box 0,1 interleave 0,1'), plan.planText);
    assert.ok(lines.includes(`alloc w 0 buf ${64 * 1048576} 1 ${1024 ** 3}`), plan.planText);
    assert.ok(lines.includes(`dontneed w 1000000000 buf 0 ${1048576} ${2 * 1048576}`), plan.planText);
    assert.ok(lines.includes('free w 2000000000 buf') && lines.includes('exit w 3000000000'), plan.planText);
    assert.ok(lines.includes('drop_caches w 2000000000 3'), plan.planText);
    assert.deepEqual(blockingSettings(plan), [], 'every phase has a guest counterpart');
    assert.equal(plan.homeNode.w, 0);
    assert.equal(plan.swapBytes, 256 * 1048576);
    const q = qemuCommand(plan, { accel: 'kvm', kernelImage: '/k', initrd: '/i', consoleLog: '/c', disk: null, swap: '/s.img' });
    assert.equal(q.swapDev, '/dev/vda');
    assert.ok(argValues(q.args, '-drive').includes('file=/s.img,format=raw,if=virtio,cache=unsafe'));
    assert.deepEqual(argValues(q.args, '-accel'), ['kvm']);
  });

  it('rounds node memory to whole 128 MiB memory blocks and says so', () => {
    const set = compileText(`
machine { node 0 { memory = 1000 MB  cpus = 0 } }
workload w { cpus = 0  at 0 s alloc a 10 MiB }
run { duration = 1 s }
`);
    const plan = planScenario(set.variants[0], RELEASE);
    assert.equal(plan.nodes[0].memMiB, 896);
    assert.ok(plan.notApplied.some((n) => n.setting === 'node 0 memory' && /953\.7 MiB rounded to 896 MiB/.test(n.reason)));
  });
});

describe('numa-lab kernel: arguments (no boot)', () => {
  async function capture(args: string[]): Promise<{ code: number; err: string }> {
    const err: string[] = [];
    const ew = process.stderr.write.bind(process.stderr);
    (process.stderr as unknown as { write: (s: string) => boolean }).write = (s: string) => { err.push(String(s)); return true; };
    try {
      const { kernelCommand } = await import('../../../src/cli/kernel');
      return { code: await kernelCommand(args), err: err.join('') };
    } finally {
      (process.stderr as unknown as { write: typeof ew }).write = ew;
    }
  }

  it('a typo in an option gets a suggestion and exit 2', async () => {
    const r = await capture(['examples/zone-reclaim.numa', '--alow-approximate']);
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown option '--alow-approximate'; did you mean '--allow-approximate'\?/);
  });

  it('refuses a bad --repeat, --accel or --timeout, and an unknown variant, before any boot', async () => {
    assert.match((await capture(['examples/zone-reclaim.numa', '--repeat', '0'])).err, /--repeat needs a whole number from 1 to 99/);
    assert.match((await capture(['examples/zone-reclaim.numa', '--accel', 'hvf'])).err, /--accel is auto, kvm or tcg/);
    assert.match((await capture(['examples/zone-reclaim.numa', '--timeout', 'soon'])).err, /--timeout needs a number of seconds/);
    const r = await capture(['examples/zone-reclaim.numa', '--variant', 'zrm-of']);
    assert.equal(r.code, 2);
    assert.match(r.err, /numa-lab kernel: no variant named 'zrm-of' .*\(variants: zrm-off, zrm-on, membind\)/);
  });
});
