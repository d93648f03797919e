// Real boots: Debian's 6.1 kernel under QEMU (TCG here), running the fixtures in
// test/fixtures/kernel. Every assertion is about what the kernel did (its meminfo, vmstat and page
// placement), not about the model. scripts/test.sh runs `npm run setup:kernel` before this suite.
// Each test prints the wall time of its boots.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancelledError } from '../../src/core';
import type { RunResult, VariantResult } from '../../src/core/result';
import { defaultKernel, runOnKernel, type KernelProgress, type KernelRunOptions } from '../../src/kernel';
import { kernelCommand } from '../../src/cli/kernel';
import { compileFile } from '../unit/core/helpers';

const MiB = 1024; // meminfo and resident_kB are kB
const LOGS = fs.mkdtempSync(path.join(os.tmpdir(), 'numa-lab-kernel-test-'));

const variant = (r: RunResult, name: string): VariantResult => {
  const v = r.variants.find((x) => x.name === name);
  assert.ok(v, `no variant ${name}`);
  return v;
};
/** The app's resident kB by node at the end, and node 0's page cache: peak and end. */
function facts(v: VariantResult) {
  const app = v.summary.workloads.find((w) => w.name === 'app')!;
  const file0 = v.series.nodes.find((n) => n.node === 0)!.FilePages;
  return { local: app.resident_kB_by_node['0'], remote: app.resident_kB_by_node['1'], filePeak: Math.max(...file0), fileEnd: file0[file0.length - 1], vm: v.summary.vmstat };
}
/** Runs the fixture; a variant whose allocations or reads did not finish (a guest slowed by a
 *  busy host falls behind the scenario's clock, and says so in kernel.shortfalls) boots once
 *  more, since the assertions are about what the kernel does once the workload has run. */
async function runFixture(file: string, opts: KernelRunOptions = {}): Promise<RunResult> {
  const set = compileFile(file);
  const r = await runOnKernel(set, { logDir: LOGS, ...opts });
  const behind = r.variants.filter((v) => (v.kernel?.shortfalls ?? []).some((s) => !s.includes("'access ")));
  if (behind.length === 0) return r;
  console.log(`      slow guest, booting again: ${behind.map((v) => `${v.name} (${v.kernel!.shortfalls!.join('; ')})`).join(', ')}`);
  const again = await runOnKernel(set, { logDir: LOGS, ...opts, variants: behind.map((v) => v.name) });
  return { ...r, variants: r.variants.map((v) => again.variants.find((a) => a.name === v.name) ?? v) };
}
const wall = (r: RunResult) => r.variants.map((v) => `${v.name} ${(v.kernel!.wall_ms / 1000).toFixed(1)} s (agent ready after ${v.kernel!.boot_ms === null ? '-' : (v.kernel!.boot_ms / 1000).toFixed(1)} s)`).join(', ');

describe('kernel: real boots under QEMU', function () {
  this.timeout(15 * 60 * 1000);

  describe('zone reclaim on 2 x 512 MiB: zrm-off, zrm-on, membind', () => {
    let r: RunResult;
    before(async () => {
      r = await runFixture('test/fixtures/kernel/zone-reclaim-512.numa');
      console.log(`      boots: ${wall(r)}`);
    });

    it('every boot ran to the end on the real kernel, with the knobs written', () => {
      assert.equal(r.source?.kind, 'kernel');
      assert.match(r.source?.kind === 'kernel' ? r.source.release : '', /^6\.1\./);
      for (const v of r.variants) {
        assert.equal(v.kernel?.status, 'ok', `${v.name}: ${v.kernel?.message}`);
        assert.deepEqual(v.kernel!.knobs.filter((k) => !k.ok), [], `${v.name}: every knob file was written`);
        assert.ok(fs.existsSync(path.join(v.kernel!.log_dir, 'console.log')));
      }
      assert.equal(variant(r, 'zrm-on').kernel!.knobs.find((k) => k.name === 'vm.zone_reclaim_mode')?.got, '1');
      assert.equal(variant(r, 'zrm-off').kernel!.knobs.find((k) => k.name === 'vm.zone_reclaim_mode')?.got, '0');
    });

    it('zrm-off: the page cache stays on node 0 and the anon spills to node 1', () => {
      const f = facts(variant(r, 'zrm-off'));
      assert.ok(f.filePeak > 200 * MiB, `node 0 filled with page cache (peak ${f.filePeak} kB)`);
      // kswapd, woken by the fallback, trims node 0 to its high watermark: some cache goes, not most
      assert.ok(f.fileEnd > 0.75 * f.filePeak, `cache kept: ${f.fileEnd} of ${f.filePeak} kB`);
      assert.ok(f.fileEnd > facts(variant(r, 'zrm-on')).fileEnd + 32 * MiB, 'more cache kept than under zrm-on');
      assert.ok(f.remote > 32 * MiB, `anon went remote: ${f.remote} kB on node 1`);
      assert.equal(f.vm.pgsteal_direct ?? 0, 0, 'no direct or node reclaim');
      assert.ok((f.vm.numa_miss ?? 0) > 0);
    });

    it('zrm-on: the anon stays local and node reclaim shrinks the page cache', () => {
      const f = facts(variant(r, 'zrm-on'));
      assert.ok(f.local > 64 * MiB, `anon on node 0: ${f.local} kB`);
      assert.ok(f.remote < 0.1 * (f.local + f.remote), `mostly local: ${f.remote} kB remote of ${f.local + f.remote}`);
      assert.ok((f.vm.pgsteal_direct ?? 0) > 0, 'pages reclaimed in the allocating context (node reclaim counts as direct)');
      assert.ok(f.fileEnd < f.filePeak - 32 * MiB, `cache shrank: ${f.filePeak} -> ${f.fileEnd} kB`);
    });

    it('membind: all local, and kswapd reclaims the page cache', () => {
      const f = facts(variant(r, 'membind'));
      assert.ok(f.local > 64 * MiB, `anon on node 0: ${f.local} kB`);
      assert.equal(f.remote, 0, 'MPOL_BIND to node 0 leaves nothing on node 1');
      assert.ok((f.vm.pgsteal_kswapd ?? 0) > 0, 'kswapd reclaimed');
      assert.ok(f.fileEnd < f.filePeak - 32 * MiB, `cache shrank: ${f.filePeak} -> ${f.fileEnd} kB`);
    });
  });

  describe('tiering on 3 nodes with a dax/kmem slow tier', () => {
    let r: RunResult;
    before(async () => {
      r = await runFixture('test/fixtures/kernel/tier-3node.numa');
      console.log(`      boots: ${wall(r)}`);
    });

    it('node 2 came up as a CPU-less dax/kmem node and took demoted pages', () => {
      const v = r.variants[0];
      assert.equal(v.kernel?.status, 'ok', v.kernel?.message);
      assert.deepEqual(v.series.nodes.map((n) => n.node), [0, 1, 2]);
      const n2 = v.summary.nodes.find((n) => n.node === 2)!;
      assert.ok(n2.MemTotal > 400 * MiB, `node 2 MemTotal ${n2.MemTotal} kB`);
      assert.ok((v.summary.vmstat.pgdemote_kswapd ?? 0) > 0, 'kswapd demoted pages to the slow tier');
      const onSlow = v.series.workloads.find((w) => w.name === 'app' && w.node === 2)!.resident_kB;
      assert.ok(Math.max(...onSlow) > 0, 'the workload had pages on node 2');
    });

    it('NUMA balancing in tiering mode promoted the hot set back from node 2', () => {
      const v = r.variants[0];
      const vm = v.summary.vmstat;
      assert.ok((vm.numa_hint_faults ?? 0) > 0, 'hint faults were taken');
      // With free space on node 0 every candidate is promoted: in five boots 13-18 MiB of the hot
      // set sat on node 2 and 3,404-4,595 pages came back, leaving none there.
      assert.ok((vm.pgpromote_success ?? 0) > 1024, `promotions: ${vm.pgpromote_success}`);
      const onSlow = v.series.workloads.find((w) => w.name === 'app' && w.node === 2)!.resident_kB;
      assert.ok(onSlow[onSlow.length - 1] < Math.max(...onSlow) / 2, `app on node 2: peak ${Math.max(...onSlow)} kB, end ${onSlow[onSlow.length - 1]} kB`);
      assert.ok(r.variants[0].events.some((e) => e.kind === 'promotion') && r.variants[0].events.some((e) => e.kind === 'demotion'));
    });
  });

  describe('the CLI with an explicit bzImage, cancellation, and a hang', () => {
    const tiny = path.join(LOGS, 'tiny.numa');
    before(() => fs.writeFileSync(tiny, `
machine { node 0 { memory = 256 MiB  cpus = 0 } }
workload w {
  cpus = 0
  at 0 s  alloc a 32 MiB
}
run { duration = 2 s  sample = 500 ms }
`));

    it('numa-lab kernel --kernel /boot/vmlinuz-* boots that image and writes the JSON result', async () => {
      const bz = defaultKernel();
      const out = path.join(LOGS, 'tiny.json');
      const t0 = Date.now();
      const code = await kernelCommand([tiny, '--kernel', bz, '--format', 'json', '--out', out, '--log-dir', LOGS]);
      console.log(`      boot: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      assert.equal(code, 0);
      const r = JSON.parse(fs.readFileSync(out, 'utf8')) as RunResult;
      assert.deepEqual(r.source && { kind: r.source.kind, kernel: r.source.kind === 'kernel' ? r.source.kernel : '' }, { kind: 'kernel', kernel: bz });
      assert.equal(r.variants[0].kernel?.status, 'ok');
      assert.ok(r.variants[0].summary.workloads[0].resident_kB_by_node['0'] >= 32 * MiB, 'the 32 MiB were faulted in on node 0');
    });

    it('an AbortSignal stops QEMU and leaves none running', async () => {
      const ac = new AbortController();
      let abortedAt = 0;
      const onProgress = (p: KernelProgress) => {
        if (p.stage === 'boot' && !abortedAt) setTimeout(() => { abortedAt = Date.now(); ac.abort(); }, 1500);
      };
      await assert.rejects(runOnKernel(compileFile('test/fixtures/kernel/zone-reclaim-512.numa'), { logDir: LOGS, variants: ['zrm-off'] }, { signal: ac.signal, onProgress }), CancelledError);
      const latency = Date.now() - abortedAt;
      console.log(`      cancel latency: ${latency} ms`);
      // SIGKILL goes out at once; how soon the run settles depends on the host's load, so the
      // bound only catches a cancel that waits for the guest instead (its run lasts 24 s).
      assert.ok(latency < 10000, `cancelled after ${latency} ms`);
      const ps = spawnSync('pgrep', ['-f', `qemu-system-x86_64.*${LOGS}`], { encoding: 'utf8' });
      assert.equal(ps.stdout.trim(), '', 'no QEMU left running');
    });

    it('a guest that does not finish in time is a result with status timeout and the console log kept', async () => {
      // the 24 s run cannot end within 12 s of starting QEMU
      const r = await runOnKernel(compileFile('test/fixtures/kernel/zone-reclaim-512.numa'), { logDir: LOGS, variants: ['zrm-off'], timeoutMs: 12000 });
      const k = r.variants[0].kernel!;
      assert.equal(k.status, 'timeout');
      assert.match(k.message, /no result within 12 s: the guest hung and QEMU was stopped \(console log: .*console\.log\)/);
      assert.ok(fs.existsSync(path.join(k.log_dir, 'console.log')), 'the console log was kept');
      assert.ok(fs.existsSync(path.join(k.log_dir, 'stream.jsonl')));
    });
  });
});
