#!/usr/bin/env node
// Imports runs of the kernel-oracle harness (../shared/reference/kernel-oracle, extended in
// test/fixtures/kernel-data/harness/) into the real-kernel corpus: for each case, a compact
// measurement (kernel.json: placement, a per-node timeline, counters, OOM, per boot) and the same
// experiment written as a scenario (scenario.numa), under test/fixtures/kernel-data/<case>/.
//
//   node scripts/kernel-corpus.mjs ORACLE_CORPUS_DIR [CASE ...]
//
// ORACLE_CORPUS_DIR holds one folder per case (written by the harness's batch.sh): args.txt (the
// harness command line) and runs/<exp>-<stamp>/<mode>-rN/result.json (one per boot).

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
// The qemu-tcg cost profile (compiled by `npx tsc -p tsconfig.json`): a scenario's phases are
// spaced by how long the model takes for each under those costs, so each one starts after the
// previous one has finished, as in the guest.
const TCG = require(path.join(ROOT, 'out/src/language/presets.js')).COST_PRESETS['qemu-tcg'].costs;
const secs = (pages, cost) => (pages * TCG[cost]) / 1e9;
const OUT = path.join(ROOT, 'test/fixtures/kernel-data');

/** Sampling step of the kernel timeline after resampling every boot onto one grid, s. */
const GRID_S = 0.5;
/** Step of a timeline measured in shares of its allocation. */
const GRID_ALLOCATED = 0.1;

const r1 = (x) => Math.round(x * 10) / 10;
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const get = (o, p) => p.split('.').reduce((d, k) => (d && typeof d === 'object' ? d[k] : undefined), o);

function bootsOf(dir) {
  const runs = path.join(dir, 'runs');
  const out = [];
  for (const inv of readdirSync(runs).sort()) {
    for (const mode of readdirSync(path.join(runs, inv)).sort()) {
      const f = path.join(runs, inv, mode, 'result.json');
      if (existsSync(f)) out.push(JSON.parse(readFileSync(f, 'utf8')));
    }
  }
  return out.filter((b) => get(b, 'run.done') === 1 && get(b, 'host.timed_out') === 0);
}

function argsOf(dir) {
  const [exp, ...kv] = readFileSync(path.join(dir, 'args.txt'), 'utf8').trim().split(/\s+/);
  return { exp, line: [exp, ...kv].join(' '), kv: Object.fromEntries(kv.map((s) => [s.slice(0, s.indexOf('=')), s.slice(s.indexOf('=') + 1)])) };
}

/** Timeline lines "t n0free n0file n0anon n1... counters..." of every boot, resampled onto one
 *  grid. With `allocMB` the grid is the share of the phase's allocation done (from the growth of
 *  AnonPages over all nodes), GRID_ALLOCATED apart: the guest's speed under TCG varies several-
 *  fold with the host's load and even within a phase (a first touch of guest memory the host never
 *  backed costs about three times a reused page), so placement is compared at the same point of
 *  the allocation, not at the same second. Without, the grid is seconds, GRID_S apart. */
function timeline(boots, prefix, nodes, allocMB = null) {
  const per = boots.map((b) => {
    const tl = get(b, `${prefix}.tl`) ?? {};
    const rows = Object.keys(tl).filter((k) => /^\d+$/.test(k)).sort().map((k) => String(tl[k]).trim().split(/\s+/).map(Number));
    if (!allocMB || rows.length === 0) return rows;
    const anon = (r) => Array.from({ length: nodes }, (_, n) => r[3 + n * 3]).reduce((a, b) => a + b, 0);
    const a0 = anon(rows[0]);
    let done = 0;
    return rows.map((r) => {
      done = Math.max(done, (anon(r) - a0) / (allocMB * 1024));
      return [done, ...r.slice(1)];
    });
  }).filter((rows) => rows.length >= 2);
  if (per.length === 0) return null;
  const step = allocMB ? GRID_ALLOCATED : GRID_S;
  const end = Math.min(allocMB ? 1 : Infinity, ...per.map((rows) => rows[rows.length - 1][0]));
  const t_s = [];
  for (let t = 0; t <= end + 1e-9; t += step) t_s.push(Math.round(t * 100) / 100);
  const at = (rows, col, t) => {
    let i = rows.findIndex((r) => r[0] >= t - 1e-9);
    if (i < 0) i = rows.length - 1;
    if (i === 0) return rows[0][col];
    const [a, b] = [rows[i - 1], rows[i]];
    return a[col] + ((b[col] - a[col]) * (t - a[0])) / Math.max(1e-9, b[0] - a[0]);
  };
  const series = [];
  const fields = ['MemFree', 'FilePages', 'AnonPages'];
  for (let n = 0; n < nodes; n++) {
    fields.forEach((field, f) => {
      series.push({ node: n, field, MB: per.map((rows) => t_s.map((t) => r1(at(rows, 1 + n * 3 + f, t) / 1024))) });
    });
  }
  const keys = String(get(boots[0], `${prefix}.tl.keys`) ?? '').split(/\s+/).slice(2);
  const counterAt = (name) => {
    const c = keys.indexOf(name);
    return c < 0 ? null : per.map((rows) => rows[rows.length - 1][1 + nodes * 3 + c] - rows[0][1 + nodes * 3 + c]);
  };
  return { t_s, series, pswpout: counterAt('pswpout'), unit: allocMB ? 'allocated' : 's', alloc_MB: allocMB };
}

function counters(boots, deltaPath, names) {
  const out = {};
  for (const name of names) {
    if (name === 'allocstall') {
      out.allocstall = boots.map((b) => ['dma', 'dma32', 'normal', 'movable'].reduce((s, z) => s + (get(b, `${deltaPath}.allocstall_${z}`) ?? 0), 0));
    } else {
      out[name] = boots.map((b) => get(b, `${deltaPath}.${name}`) ?? 0);
    }
  }
  return out;
}

function policyOf(s) {
  if (!s || s === 'default' || s === 'local') return null;
  const [mode, nodes] = s.split(':');
  const name = { bind: 'bind', preferred: 'preferred', interleave: 'interleave', preferred_many: 'preferred-many' }[mode];
  return `${name}(${nodes})`;
}

function machineOf(boots, kv) {
  const nodeMB = String(get(boots[0], 'host.node_mb')).split(',').map(Number);
  const memTotal = nodeMB.map((_, n) => r1(mean(boots.map((b) => get(b, `topo.n${n}.MemTotal_kB`) / 1024))));
  const big = nodeMB[0] >= 2048;
  const preset = nodeMB.length === 3 ? 'qemu-tiered-3node' : big ? 'qemu-2x2g' : 'qemu-2x1g';
  const swapMB = kv.SWAP_MB ? Number(kv.SWAP_MB) : 0;
  const block = swapMB ? ` {\n  swap { size = ${swapMB} MiB }\n}` : '';
  return { nodeMB, memTotal, preset, text: `machine preset ${preset}${block}\n\n# The guest's own costs under TCG (docs/model.md), not real hardware's.\ncosts preset qemu-tcg`, swapMB };
}

function kernelBlock(boots, kv, extra) {
  const s = boots[0].sysctl;
  const lines = [...extra];
  if (kv.MIN_FREE_KBYTES) lines.push(`vm.min_free_kbytes = ${kv.MIN_FREE_KBYTES}`);
  if (kv.WSF) lines.push(`vm.watermark_scale_factor = ${kv.WSF}`);
  if (kv.WBF) lines.push(`vm.watermark_boost_factor = ${kv.WBF}`);
  void s;
  return `kernel {\n${lines.map((l) => `  ${l}\n`).join('')}}`;
}

const selected = (s) => /\[([^\]]+)\]/.exec(s)?.[1];
const ceilHalf = (x) => Math.ceil(x * 2) / 2;
const oomOf = (boots, p) => boots.map((b) => (get(b, p) ?? 0) > 0);

// --- families ------------------------------------------------------------------------------

function zrCase(name, boots, args) {
  const kv = args.kv;
  const m = machineOf(boots, kv);
  const z = (b) => b.zr;
  const zrMode = z(boots[0]).zone_reclaim_mode;
  const policy = policyOf(z(boots[0]).policy);
  const cpu = Number(kv.CPU ?? 0);
  const cacheCpu = Number(z(boots[0]).cache_cpu ?? cpu);
  const fileMB = Number(kv.FILE_MB ?? 600);
  const anonMB = Math.round(mean(boots.map((b) => z(b).anon.size_MB)));
  const readS = mean(boots.map((b) => z(b).cache.phase_s));
  const start = ceilHalf(secs(fileMB * 256, 'cost.file_read') + 1);
  const tl = timeline(boots, 'zr.anon', m.nodeMB.length, anonMB);
  const oom = boots.map((b) => (z(b).oom_kills ?? 0) > 0 || z(b).anon.killed === 1);
  const placement = [];
  for (let n = 0; n < m.nodeMB.length; n++) {
    if (!oom.some(Boolean)) placement.push({ what: `app anon on node ${n}`, workload: 'app', node: n, MB: boots.map((b) => z(b).anon.anon[`n${n}_MB`]) });
    placement.push({ what: `FilePages on node ${n}`, node: n, field: 'FilePages', MB: boots.map((b) => r1(z(b).after_anon[`n${n}`].FilePages_kB / 1024)) });
  }
  const c = counters(boots, 'zr.anon.delta.vm', ['pgsteal_kswapd', 'pgsteal_direct', 'pgscan_kswapd', 'pgscan_direct', 'allocstall', 'numa_miss', 'zone_reclaim_failed', 'compact_stall']);
  if (m.swapMB && tl?.pswpout) c.pswpout = tl.pswpout;
  const memcg = kv.MEMCG_MAX_MB ? `cgroup w {\n  memory.max = ${kv.MEMCG_MAX_MB} MiB\n}\n\n` : '';
  const durS = ceilHalf(start + 2 * secs(anonMB * 256, 'cost.minor_fault') + 2);
  const numa = `${m.text}

${kernelBlock(boots, kv, ['transparent_hugepage.enabled = never', `vm.zone_reclaim_mode = ${zrMode}`])}

${memcg}workload reader {
  cpus = ${cacheCpu}
  at 0 s  read file data ${fileMB} MiB
}

workload app {
  cpus = ${cpu}
${policy ? `  mempolicy = ${policy}\n` : ''}${kv.MEMCG_MAX_MB ? '  cgroup = w\n' : ''}  at ${start} s  alloc anon ${anonMB} MiB
}

run {
  duration = ${durS} s
  sample = 100 ms
  seed = 1
}
`;
  const what = `${fileMB} MiB of page cache read from cpu ${cacheCpu}; then ${anonMB} MiB of anonymous memory touched from cpu ${cpu}` +
    `${policy ? ` under ${policy}` : ''}, zone_reclaim_mode=${zrMode}, THP off${m.swapMB ? `, ${m.swapMB} MiB swap` : ''}${kv.MEMCG_MAX_MB ? `, memory.max ${kv.MEMCG_MAX_MB} MiB` : ''}.`;
  return {
    numa, what, machine: m,
    measured: {
      phase: { name: 'anon', model_start_s: start, counters_from_s: start, kernel_s: r1(mean(boots.map((b) => z(b).anon.touch_s))), pages: anonMB * 256 },
      costs: { file_read_s: r1(readS), file_pages: fileMB * 256, anon_touch_s: boots.map((b) => z(b).anon.touch_s), anon_pages: anonMB * 256 },
      placement, timeline: tl && { unit: tl.unit, workload: 'app', alloc_MB: tl.alloc_MB, t_s: tl.t_s, series: tl.series }, counters: c, oom,
    },
  };
}

function thpCase(name, boots, args) {
  const kv = args.kv;
  const m = machineOf(boots, kv);
  const t = (b) => b.thp;
  const frag = t(boots[0]).frag_mode;
  const defrag = selected(boots[0].sysctl.thp_defrag);
  const fragMB = Math.round(mean(boots.map((b) => t(b).frag?.size_MB ?? t(b).frag?.read_MB ?? 0)));
  const plugMB = Math.round(mean(boots.map((b) => t(b).plug?.plug_MB ?? 0)));
  const faultMB = Math.round(mean(boots.map((b) => t(b).fault.size_MB)));
  const fragCost = frag === 'cache' ? secs(fragMB * 256, 'cost.file_read') : secs(fragMB * 256, 'cost.minor_fault');
  const dnAt = ceilHalf(fragCost + 0.5);
  const plugAt = ceilHalf(dnAt + 1);
  const start = ceilHalf(plugAt + secs(plugMB / 2, 'cost.thp_fault') + 1);
  const tl = timeline(boots, 'thp.fault', m.nodeMB.length, faultMB);
  const placement = [];
  for (let n = 0; n < m.nodeMB.length; n++) {
    placement.push({ what: `region on node ${n}`, workload: 'app', node: n, MB: boots.map((b) => t(b).fault.thp[`n${n}_MB`]) });
  }
  const c = counters(boots, 'thp.fault.delta.vm', ['thp_fault_alloc', 'thp_fault_fallback', 'compact_stall', 'compact_success', 'compact_daemon_wake', 'pgsteal_kswapd', 'pgsteal_direct', 'allocstall']);
  const fragLines = {
    none: '',
    anon: `workload frag {\n  cpus = 0\n  at 0 s  alloc frag ${fragMB} MiB\n  at ${dnAt} s  dontneed frag 4 KiB per 8 KiB from 4 KiB\n}\n`,
    mlock: `# The kernel run mlocked the pages it kept (compact_unevictable_allowed=0); the language has no\n# mlock, so this scenario keeps them as ordinary movable anonymous pages.\nworkload frag {\n  cpus = 0\n  at 0 s  alloc frag ${fragMB} MiB\n  at ${dnAt} s  dontneed frag 4 KiB per 8 KiB from 4 KiB\n}\n`,
    cache: `workload frag {\n  cpus = 0\n  at 0 s  read file data ${fragMB} MiB\n}\n`,
  }[frag];
  const plug = plugMB > 0 ? `workload plug {\n  cpus = 0\n  mempolicy = bind(0)\n  at ${plugAt} s  alloc plug ${plugMB} MiB MADV_HUGEPAGE\n}\n\n` : '';
  const durS = ceilHalf(start + 2 * secs(faultMB * 256, 'cost.minor_fault') + 2);
  const numa = `${m.text}

${kernelBlock(boots, kv, ['transparent_hugepage.enabled = madvise', `transparent_hugepage.defrag = ${defrag}`])}

${fragLines ? fragLines + '\n' : ''}${plug}workload app {
  cpus = 0
  at ${start} s  alloc region ${faultMB} MiB MADV_HUGEPAGE
  at ${start} s  access region uniform rate 1M/s
}

run {
  duration = ${durS} s
  sample = 100 ms
  seed = 1
}
`;
  const what = `node 0 fragmented (${frag}${fragMB ? `, ${fragMB} MiB` : ''})${plugMB ? `, its leftover free 2 MiB blocks plugged (${plugMB} MiB)` : ''}; then ${faultMB} MiB of MADV_HUGEPAGE faulted from cpu 0 with defrag=${defrag}.`;
  return {
    numa, what, machine: m,
    measured: {
      phase: { name: 'thp fault', model_start_s: start, counters_from_s: start, kernel_s: r1(mean(boots.map((b) => t(b).fault.touch_s))) },
      costs: { thp_touch_s: boots.map((b) => t(b).fault.touch_s), thp_faults: faultMB / 2 },
      placement, timeline: tl && { unit: tl.unit, workload: 'app', alloc_MB: tl.alloc_MB, t_s: tl.t_s, series: tl.series }, counters: c,
      oom: boots.map(() => false),
    },
  };
}

function tierCase(name, boots, args) {
  const kv = args.kv;
  const m = machineOf(boots, kv);
  const t = (b) => b.tier;
  const hotMB = Number(t(boots[0]).hot_MB);
  const coldMB = Math.round(mean(boots.map((b) => t(b).cold_MB)));
  const hotS = mean(boots.map((b) => t(b).hot_touch_s));
  const coldS = mean(boots.map((b) => t(b).cold_touch_s));
  const coldAt = ceilHalf(secs(hotMB * 256, 'cost.minor_fault') + 0.5);
  const loopAt = ceilHalf(coldAt + 1.5 * secs(coldMB * 256, 'cost.minor_fault') + 1);
  void hotS, coldS;
  const knobs = t(boots[0]).knobs;
  const loopSecs = Number(kv.SECS ?? 60);
  const ticks = boots.map((b) => Object.keys(t(b).loop).sort().map((k) => t(b).loop[k]));
  const nTicks = Math.min(...ticks.map((x) => x.length));
  const t_s = ticks[0].slice(0, nTicks).map((x) => r1(x.t_s));
  const series = [0, 1, 2].map((n) => ({ node: n, field: 'hot', workload: 'hot', MB: ticks.map((x) => x.slice(0, nTicks).map((p) => p[`hot_n${n}_MB`])) }));
  const placement = [];
  for (const n of [0, 1, 2]) {
    placement.push({ what: `hot set on node ${n} after the cold allocation`, workload: 'hot', node: n, at_s: loopAt, MB: boots.map((b) => t(b).after_cold_alloc.hot[`n${n}_MB`]) });
    placement.push({ what: `cold memory on node ${n} after the cold allocation`, workload: 'cold', node: n, at_s: loopAt, MB: boots.map((b) => t(b).after_cold_alloc.cold[`n${n}_MB`]) });
    placement.push({ what: `hot set on node ${n} at the end`, workload: 'hot', node: n, MB: boots.map((b) => t(b).end.hot[`n${n}_MB`]) });
  }
  const c = counters(boots, 'tier.end.vm', ['pgdemote_kswapd', 'pgdemote_direct', 'pgpromote_success', 'pgpromote_candidate', 'numa_hint_faults', 'pgsteal_kswapd', 'pgsteal_direct', 'allocstall_normal']);
  c.allocstall = c.allocstall_normal;
  delete c.allocstall_normal;
  const k = [
    'transparent_hugepage.enabled = never', 'numa.demotion_enabled = true', 'kernel.numa_balancing = 2',
  ];
  if (kv.HOT_THRESHOLD_MS) k.push(`kernel.numa_balancing_hot_threshold_ms = ${kv.HOT_THRESHOLD_MS} ms`);
  if (kv.PROMOTE_RATE_MBPS) k.push(`kernel.numa_balancing_promote_rate_limit_MBps = ${kv.PROMOTE_RATE_MBPS}`);
  if (kv.SCAN_SIZE_MB) k.push(`kernel.numa_balancing_scan_size_mb = ${kv.SCAN_SIZE_MB}`);
  if (kv.SCAN_PERIOD_MIN_MS) k.push(`kernel.numa_balancing_scan_period_min_ms = ${kv.SCAN_PERIOD_MIN_MS} ms`);
  if (kv.SCAN_DELAY_MS) k.push(`kernel.numa_balancing_scan_delay_ms = ${kv.SCAN_DELAY_MS} ms`);
  const numa = `${m.text}

${kernelBlock(boots, kv, k)}

workload hot {
  cpus = 0
  at 0 s  alloc hot ${hotMB} MiB
  at ${loopAt} s  access hot sequential rate 100M/s for ${loopSecs} s
}

workload cold {
  cpus = 0
  at ${coldAt} s  alloc cold ${coldMB} MiB
}

run {
  duration = ${loopAt + loopSecs + 1} s
  sample = 250 ms
  seed = 1
}
`;
  const what = `3 nodes, node 2 a CPU-less lower tier (dax/kmem); demotion on, numa_balancing=2${kv.HOT_THRESHOLD_MS ? `, hot_threshold ${kv.HOT_THRESHOLD_MS} ms` : ''}${kv.PROMOTE_RATE_MBPS ? `, rate limit ${kv.PROMOTE_RATE_MBPS} MB/s` : ''}${kv.SCAN_SIZE_MB ? `, scan size ${kv.SCAN_SIZE_MB} MB` : ''}${kv.SCAN_PERIOD_MIN_MS ? `, scan period min ${kv.SCAN_PERIOD_MIN_MS} ms` : ''}. ${hotMB} MiB hot set, then ${coldMB} MiB cold, then the hot set swept for ${loopSecs} s.`;
  void knobs;
  return {
    numa, what, machine: m,
    measured: {
      phase: { name: 'hot loop', model_start_s: loopAt, counters_from_s: 0 },
      costs: { hot_touch_s: boots.map((b) => t(b).hot_touch_s), cold_touch_s: boots.map((b) => t(b).cold_touch_s), anon_pages: (hotMB + coldMB) * 256, pgdemote_kswapd: c.pgdemote_kswapd, pgpromote_success: c.pgpromote_success },
      placement, timeline: { unit: 's', t_s, series }, counters: c, oom: boots.map(() => false),
    },
  };
}

function dnCase(name, boots, args) {
  const kv = args.kv;
  const m = machineOf(boots, kv);
  const d = (b) => b.dn;
  const dnMB = Number(kv.DN_MB ?? 256);
  const pressure = kv.PRESSURE ?? 'both';
  const pressureMB = Math.round(mean(boots.map((b) => d(b).pressure_alloc_MB ?? 0)));
  const touchS = mean(boots.map((b) => d(b).touch_s));
  const dnAt = ceilHalf(secs(dnMB / 2, 'cost.thp_fault') + 1);
  void touchS;
  const pressAt = ceilHalf(dnAt + 5.5);
  const last = pressure === 'drop' ? 'p5_after_drop_caches' : 'p4_after_alloc_pressure';
  const tl = timeline(boots, 'dn', m.nodeMB.length);
  const placement = [];
  for (let n = 0; n < m.nodeMB.length; n++) {
    // (The region's pagemap placement counts mapped pages only; a queued THP's unmapped half
    // is still allocated, which MemFree and AnonHugePages show.)
    placement.push({ what: `MemFree on node ${n} after the DONTNEED`, node: n, field: 'MemFree', at_s: pressAt - 0.5, MB: boots.map((b) => r1(d(b).p3_after_5s[`n${n}_MemFree_kB`] / 1024)) });
    placement.push({ what: `AnonHugePages on node ${n} after the DONTNEED`, node: n, field: 'AnonHugePages', at_s: pressAt - 0.5, MB: boots.map((b) => r1(d(b).p3_after_5s[`n${n}_AnonHugePages_kB`] / 1024)) });
    placement.push({ what: `MemFree on node ${n} at the end`, node: n, field: 'MemFree', MB: boots.map((b) => r1(d(b)[last][`n${n}_MemFree_kB`] / 1024)) });
  }
  const c = counters(boots, `dn.${last}.vm`, ['thp_deferred_split_page', 'thp_split_page', 'thp_split_pmd', 'pgsteal_kswapd', 'pgsteal_direct', 'pgscan_kswapd', 'pgscan_direct']);
  c.allocstall = counters(boots, 'dn.delta.vm', ['allocstall']).allocstall;
  if (m.swapMB && tl?.pswpout) c.pswpout = tl.pswpout;
  const policy = policyOf(kv.PRESSURE_POLICY ?? 'bind:0');
  const memcg = kv.MEMCG_MAX_MB ? `cgroup w {\n  memory.max = ${kv.MEMCG_MAX_MB} MiB\n}\n\n` : '';
  const cg = kv.MEMCG_MAX_MB ? '  cgroup = w\n' : '';
  const drop = pressure === 'drop' || pressure === 'both';
  const numa = `${m.text}

${kernelBlock(boots, kv, ['transparent_hugepage.enabled = madvise', 'transparent_hugepage.defrag = madvise'])}

${memcg}workload svc {
  cpus = 0
${cg}  at 0 s  alloc region ${dnMB} MiB MADV_HUGEPAGE
  at ${dnAt} s  dontneed region 1 MiB per 2 MiB
}
${pressure === 'alloc' || pressure === 'both' ? `
workload pressure {
  cpus = 0
${policy ? `  mempolicy = ${policy}\n` : ''}${cg}  at ${pressAt} s  alloc p ${pressureMB} MiB
  at ${ceilHalf(pressAt + 1.5 * secs(pressureMB * 256, 'cost.minor_fault') + 1)} s  exit
}
` : ''}${drop ? `
workload admin {
  cpus = 0
  at ${pressure === 'both' ? pressAt + 3.5 : pressAt} s  drop_caches 3
}
` : ''}
run {
  duration = ${ceilHalf(pressAt + 2 * secs(pressureMB * 256, 'cost.minor_fault') + 3)} s
  sample = 100 ms
  seed = 1
}
`;
  const what = `${dnMB / 2} THPs on node 0${kv.MEMCG_MAX_MB ? ` in a memcg with memory.max ${kv.MEMCG_MAX_MB} MiB` : ''}; MADV_DONTNEED on the second half of each; then ${pressure === 'drop' ? 'drop_caches' : `${pressureMB} MiB allocated${policy ? ` under ${policy}` : ''}`}${m.swapMB ? `, ${m.swapMB} MiB swap` : ''}.`;
  return {
    numa, what, machine: m,
    measured: {
      phase: { name: 'dontneed run', model_start_s: 0, counters_from_s: 0 },
      costs: { thp_touch_s: boots.map((b) => d(b).touch_s), thp_faults: dnMB / 2 },
      // No timeline: its phases (fault, DONTNEED, 5 s, pressure) run at the guest's speed, which
      // varies with the host's load; the placements before and after the pressure stand for it.
      placement, timeline: null, counters: c,
      oom: boots.map((b) => (d(b).oom_kills ?? 0) > 0),
    },
  };
}

const FAMILIES = { zr: zrCase, thp: thpCase, tier: tierCase, dontneed: dnCase };

function importCase(src, name) {
  const dir = path.join(src, name);
  const args = argsOf(dir);
  const boots = bootsOf(dir);
  if (boots.length === 0) throw new Error(`${name}: no complete boot`);
  const c = FAMILIES[args.exp](name, boots, args);
  const dest = path.join(OUT, name);
  mkdirSync(dest, { recursive: true });
  const header = `# Real-kernel corpus case ${name} (test/fixtures/kernel-data/${name}/kernel.json):\n# ${c.what.replace(/(.{1,96})(\s|$)/g, '$1\n# ').replace(/\n# $/, '')}\n\nscenario "kernel corpus: ${name}"\n\n`;
  writeFileSync(path.join(dest, 'scenario.numa'), header + c.numa.replace(/\n{3,}/g, '\n\n'));
  const measured = {
    case: name,
    what: c.what,
    harness: args.line,
    kernel: boots[0].kernel.release,
    boots: boots.length,
    node_MB: c.machine.nodeMB,
    MemTotal_MB: c.machine.memTotal,
    min_free_kbytes: boots[0].sysctl.min_free_kbytes,
    ...c.measured,
  };
  // One line per array of numbers or booleans: the file stays short enough to read.
  const text = JSON.stringify(measured, null, 1).replace(/\[\s*([-\d.,\sa-z]*?)\s*\]/g, (all, inner) => (/^[-\d.,\sa-z]*$/.test(inner) && !/"/.test(inner) ? `[${inner.split(/,\s*/).join(', ')}]` : all));
  writeFileSync(path.join(dest, 'kernel.json'), text + '\n');
  return measured;
}

const [src, ...names] = process.argv.slice(2);
if (!src) {
  console.error('usage: node scripts/kernel-corpus.mjs ORACLE_CORPUS_DIR [CASE ...]');
  process.exit(2);
}
const cases = names.length ? names : readdirSync(src).filter((n) => existsSync(path.join(src, n, 'summary.json')) && existsSync(path.join(src, n, 'runs')));
for (const name of cases) {
  try {
    const m = importCase(src, name);
    console.log(`${name}: ${m.boots} boots`);
  } catch (e) {
    console.error(`${name}: ${e.message}`);
    process.exitCode = 1;
  }
}
