// The agent's stream -> RunResult parts, on recorded-style lines (no boot), and the boot-file
// helpers: cpio archives, the release inside a bzImage, module load order.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compile } from '../../../src/language';
import { diagnoseConsole, feedLine, newStreamState, shortfalls, toVariantResult } from '../../../src/kernel/stream';
import { bzImageRelease, cpioNewc, moduleLoadOrder, readModulesDep } from '../../../src/kernel/image';
import { checkRunResult } from '../../../src/protocol/resultSchema';
import type { RunResult } from '../../../src/core/result';

const SCENARIO = compile(`
machine {
  node 0 { memory = 512 MiB  cpus = 0  latency = 80 ns }
  node 1 { memory = 512 MiB  cpus = 1  latency = 80 ns }
  distance {
    0: 10 20
    1: 20 10
  }
}
cgroup box { memory.max = 400 MiB }
workload app {
  cpus = 0
  cgroup = box
  at 0 s alloc heap 300 MiB
  at 0 s access heap uniform rate 1M/s for 2 s
}
run { duration = 2 s  sample = 1 s }
`, 't.numa').set!.variants[0];

const node = (n: number, free: number, file: number, anon: number) => ({ node: n, MemTotal: 400000, MemFree: free, FilePages: file, AnonPages: anon, AnonHugePages: 0, Active: 0, Inactive: file + anon });
const sample = (t: string, ms: number, vm: Record<string, number>, nodes: object[], wl: object) =>
  JSON.stringify({ t, ms, nodes, vmstat: vm, cgroups: { box: ms * 100000 }, cgroup_low: { box: ms / 1000 }, workloads: { app: wl } });

const LINES = [
  '[    1.2] some kernel noise that is not JSON',
  '{"t":"init","uptime_s":5.2}',
  '{"t":"ready","uptime_s":6.7}',
  '{"t":"hello","release":"6.1.0-57-amd64","machine":"x86_64","workloads":1,"duration_s":2}',
  '{"t":"knob","name":"vm.zone_reclaim_mode","path":"/proc/sys/vm/zone_reclaim_mode","want":"1","got":"1","ok":true}',
  '{"t":"knob","name":"kernel.numa_balancing_scan_delay_ms","path":"/sys/kernel/debug/sched/numa_balancing/scan_delay_ms","want":"1000","got":"","ok":false,"error":"No such file or directory"}',
  sample('sample', 0, { numa_miss: 10, pgsteal_direct: 5, allocstall_normal: 1, allocstall_movable: 0, nr_free_pages: 9 }, [node(0, 300000, 100, 50), node(1, 390000, 10, 5)], { accesses: 0, exited: 0, resident_kB: [0, 0], huge_kB: [0, 0], accesses_by_node: [0, 0] }),
  '{"t":"sample","ms":1000,"nodes":[{"node":0,"MemTotal":400000,"MemFree":100000,"Fi', // garbled (cut) line
  sample('sample', 1000, { numa_miss: 10, pgsteal_direct: 2005, allocstall_normal: 3, allocstall_movable: 1, nr_free_pages: 9 }, [node(0, 20000, 80000, 200000), node(1, 300000, 10, 90000)], { accesses: 600, exited: 0, resident_kB: [200000, 90000], huge_kB: [0, 0], accesses_by_node: [400, 200] }),
  '{"t":"killed","ms":1500,"workload":"app","signal":9}',
  sample('final', 2000, { numa_miss: 22510, pgsteal_direct: 2005, allocstall_normal: 3, allocstall_movable: 1, oom_kill: 1, nr_free_pages: 9 }, [node(0, 20000, 80000, 0), node(1, 300000, 10, 0)], { accesses: 1000, exited: 1, resident_kB: [0, 0], huge_kB: [0, 0], accesses_by_node: [100, 300] }),
  '{"t":"end","ms":2010}',
];

describe('kernel: stream parser', () => {
  it('reads every message kind, skips noise and counts a garbled line', () => {
    const st = newStreamState();
    const kinds = LINES.map((l) => feedLine(st, l));
    assert.deepEqual(kinds.filter(Boolean), ['init', 'ready', 'hello', 'knob', 'knob', 'sample', 'sample', 'killed', 'final', 'end']);
    assert.equal(st.badLines, 1);
    assert.equal(st.release, '6.1.0-57-amd64');
    assert.equal(st.samples.length, 2);
    assert.equal(st.ended, true);
    assert.deepEqual(st.knobs.map((k) => k.ok), [true, false]);
    assert.equal(st.knobs[1].error, 'No such file or directory');
    assert.deepEqual(st.killed, [{ workload: 'app', signal: 9, ms: 1500 }]);
  });

  it('gives a VariantResult: counters as deltas from the first sample, meminfo series, placement, latency from the scenario', () => {
    const st = newStreamState();
    LINES.forEach((l) => feedLine(st, l));
    const v = toVariantResult(st, SCENARIO, { app: 0 });
    assert.equal(v.name, 'base');
    assert.deepEqual(v.series.t_ms, [0, 1000, 2000]);
    assert.deepEqual(v.series.nodes.map((n) => n.node), [0, 1]);
    assert.deepEqual(v.series.nodes[0].AnonPages, [50, 200000, 0]);
    assert.deepEqual(v.series.vmstat.pgsteal_direct, [0, 2000, 2000]);
    assert.deepEqual(v.series.cgroups, [{ name: 'box', memory_current: [0, 100000000, 200000000] }]);
    assert.deepEqual(v.series.workloads.find((w) => w.node === 1)?.resident_kB, [0, 90000, 0]);
    const s = v.summary;
    assert.equal(s.vmstat.numa_miss, 22500);
    assert.equal(s.vmstat.allocstall, 3, 'allocstall is the sum of the per-zone counters, as the simulator names it');
    assert.equal('nr_free_pages' in s.vmstat, false, 'gauges are not counters');
    // 500 local and 500 remote accesses, each at the scenario's latency from node 0
    const lat = SCENARIO.machine.latencyNs[0];
    assert.ok(lat[1] > lat[0]);
    assert.equal(s.workloads[0].remote_access_ratio, 0.5);
    assert.equal(s.workloads[0].avg_access_ns, (lat[0] + lat[1]) / 2);
    assert.equal(s.avg_access_ns, (lat[0] + lat[1]) / 2);
    assert.equal(s.workloads[0].accesses, 1000);
    // memory.events low is a count since boot: the last sample's.
    assert.deepEqual(s.cgroups, [{ name: 'box', memory_current: 200000000, memory_current_max: 200000000, memory_events_low: 2 }]);
    assert.deepEqual(s.nodes.map((n) => n.FilePages), [80000, 10]);
    const kinds = v.events.map((e) => `${e.kind}@${e.t_ms}:${e.pages}`);
    assert.ok(kinds.includes('direct_reclaim@0:2000'), kinds.join(' '));
    assert.ok(kinds.includes('oom_kill@1000:1') && kinds.includes('oom_kill@1500:0'), kinds.join(' '));
    // no node lost pages in that interval: the reclaim is charged to the first node
    assert.equal(v.events.find((e) => e.kind === 'direct_reclaim')?.node, 0);
  });

  it('a kernel result passes the result-file schema with its source and boot details', () => {
    const st = newStreamState();
    LINES.forEach((l) => feedLine(st, l));
    const v = toVariantResult(st, SCENARIO, { app: 0 });
    v.kernel = { status: 'oom', message: 'workload app killed by signal 9 at 1.5 s', wall_ms: 20000, boot_ms: 7000, log_dir: '/tmp/x', knobs: st.knobs, not_applied: [{ setting: 'cost.*', reason: 'model costs', matters: false }], errors: [], repeat: 1 };
    const r: RunResult = { scenario: 't', seed: 1, version: '0.1.0', variants: [v], sweeps: [], source: { kind: 'kernel', release: '6.1.0-57-amd64', accel: 'tcg', kernel: '/boot/vmlinuz-6.1.0-57-amd64' } };
    const checked = checkRunResult(JSON.parse(JSON.stringify(r)));
    assert.ok(checked.ok, checked.ok ? '' : checked.problem);
    assert.deepEqual(checked.value.source, r.source);
    assert.equal(checked.value.variants[0].kernel?.status, 'oom');
    const bad = checkRunResult({ ...JSON.parse(JSON.stringify(r)), source: { kind: 'kernel', release: '6.1', accel: 'hvf', kernel: '/k' } });
    assert.equal(bad.ok, false);
  });

  it('a stream cut off before the end still gives the samples it had', () => {
    const st = newStreamState();
    LINES.slice(0, 7).forEach((l) => feedLine(st, l));
    assert.equal(st.ended, false);
    const v = toVariantResult(st, SCENARIO, { app: 0 });
    assert.deepEqual(v.series.t_ms, [0]);
    assert.equal(v.summary.avg_access_ns, 0);
  });

  it('names the phases a slow guest did not complete at the scenario\'s rates', () => {
    const st = newStreamState();
    for (const l of [
      '{"t":"progress","workload":"filler","phase":"file dataset","started":1,"done":318767104,"want":781250000}',
      '{"t":"progress","workload":"app","phase":"alloc heap","started":1,"done":468750000,"want":468750000}',
      '{"t":"progress","workload":"app","phase":"access heap","started":1,"done":1000000,"want":4000000}',
      '{"t":"progress","workload":"late","phase":"alloc x","started":0,"done":0,"want":1048576}',
    ]) feedLine(st, l);
    assert.deepEqual(shortfalls(st), [
      "filler: 'file dataset' did 304 MiB of 745 MiB (41%) before it ended: the guest could not keep the rate, or the workload exited first",
      "app: 'access heap' made 1.00M of 4.00M accesses (25%): the guest could not keep the rate",
      "late: 'alloc x' never started (the run ended first)",
    ]);
  });

  it('tells a panic and an OOM from the console log', () => {
    assert.deepEqual(diagnoseConsole('[ 9.1] Kernel panic - not syncing: Out of memory and no killable processes...\n'), { status: 'panic', message: 'Kernel panic - not syncing: Out of memory and no killable processes...' });
    assert.equal(diagnoseConsole('[ 3.0] Out of memory: Killed process 77 (agent)\n')?.status, 'oom');
    assert.equal(diagnoseConsole('[ 1.0] Linux version 6.1.0\n'), null);
  });
});

describe('kernel: boot files', () => {
  it('writes newc cpio archives the kernel can unpack (cpio -t reads them back)', () => {
    const a = cpioNewc([{ name: 'bin' }, { name: 'bin/x', data: Buffer.from('hello'), mode: 0o755 }, { name: 'plan', data: Buffer.from('run 1 2 3\n') }]);
    assert.equal(a.length % 4, 0);
    assert.equal(a.subarray(0, 6).toString(), '070701');
    assert.ok(a.includes(Buffer.from('TRAILER!!!')));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpio-'));
    fs.writeFileSync(path.join(dir, 'a.cpio'), a);
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const r = spawnSync('cpio', ['-t', '--quiet', '-F', path.join(dir, 'a.cpio')], { encoding: 'utf8' });
    if (r.status === 0) assert.deepEqual(r.stdout.trim().split('\n'), ['bin', 'bin/x', 'plan']);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads the release from a bzImage setup header', () => {
    const img = Buffer.alloc(0x1000);
    img.write('HdrS', 0x202, 'latin1');
    img.writeUInt16LE(0x800 - 0x200, 0x20e);
    img.write('6.1.0-57-amd64 (debian-kernel@lists.debian.org) #1 SMP\0', 0x800, 'latin1');
    assert.equal(bzImageRelease(img), '6.1.0-57-amd64');
    assert.equal(bzImageRelease(Buffer.alloc(0x1000)), null);
  });

  it('orders modules dependencies first, from modules.dep', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mods-'));
    fs.writeFileSync(path.join(dir, 'modules.dep'), [
      'kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko kernel/fs/jbd2/jbd2.ko',
      'kernel/lib/crc16.ko:', 'kernel/fs/mbcache.ko:', 'kernel/fs/jbd2/jbd2.ko:',
      'kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko',
      'kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko', 'kernel/drivers/virtio/virtio_ring.ko:',
      'kernel/drivers/dax/kmem.ko:', '',
    ].join('\n'));
    const order = moduleLoadOrder(readModulesDep(dir), ['virtio_blk', 'ext4', 'kmem', 'not_a_module']).map((m) => m.name);
    assert.deepEqual(order, ['virtio_ring', 'virtio', 'virtio_blk', 'jbd2', 'mbcache', 'crc16', 'ext4', 'kmem']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
