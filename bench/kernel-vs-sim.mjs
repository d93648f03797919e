// Simulation against a real kernel: each example at a scale that boots under QEMU, through
// `numa-lab run` and `numa-lab kernel` (one boot per variant), as a markdown table of placement
// and counters, with the wall time of every boot. Slow (minutes per example under TCG); not run
// by the tests. After `npm run build` and `npm run setup:kernel`:
//   node bench/kernel-vs-sim.mjs [zone-reclaim=1/128] [tiering=1/64] ...   (default: the four examples)
// The JSON results stay in the temp folder it prints.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist/cli.js');
const out = mkdtempSync(path.join(os.tmpdir(), 'numa-lab-kernel-vs-sim-'));
const args = process.argv.slice(2);
const runs = (args.length ? args : ['zone-reclaim=1/128', 'thp-numa=1/64', 'tiering=1/64', 'deferred-split=1/64']).map((a) => a.split('='));

const MB = (kB) => (kB / 1024).toFixed(0);
const COUNTERS = ['pgsteal_kswapd', 'pgsteal_direct', 'pgdemote_kswapd', 'pgpromote_success', 'pswpout', 'thp_fault_alloc',
  'thp_fault_fallback', 'thp_deferred_split_page', 'thp_split_page', 'oom_kill'];

function run(kind, file, scale) {
  const json = path.join(out, `${path.basename(file, '.numa')}-${kind}.json`);
  const extra = kind === 'kernel' ? ['--allow-approximate', '--log-dir', path.join(out, 'logs')] : [];
  const r = spawnSync(process.execPath, [cli, kind, file, '--scale', scale, '--format', 'json', '--out', json, ...extra], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${kind} ${file}: exit ${r.status}\n${r.stderr}`);
  return JSON.parse(readFileSync(json, 'utf8'));
}

/** "local/remote" MB of every workload's pages at the end, by the workload's first node. */
function placement(v) {
  return v.summary.workloads.map((w) => Object.entries(w.resident_kB_by_node).filter(([, kB]) => kB > 0).map(([n, kB]) => `n${n}:${MB(kB)}`).join(' ') || '-').join(' / ');
}

for (const [name, scale] of runs) {
  const file = path.join(root, 'examples', `${name}.numa`);
  const sim = run('run', file, scale);
  const ker = run('kernel', file, scale);
  console.log(`\n### ${name}.numa at --scale ${scale} (kernel ${ker.source.release}, ${ker.source.accel})\n`);
  const used = COUNTERS.filter((c) => [...sim.variants, ...ker.variants].some((v) => (v.summary.vmstat[c] ?? 0) > 0));
  console.log(`| variant | source | workloads' pages by node (MiB) | node 0 FilePages (MiB) | remote | ${used.join(' | ')} | boot wall (s) |`);
  console.log(`|---|---|---|---|---|${used.map(() => '---|').join('')}---|`);
  for (const s of sim.variants) {
    for (const [src, v] of [['sim', s], ['kernel', ker.variants.find((k) => k.name === s.name)]]) {
      if (!v) continue;
      const file0 = v.summary.nodes.find((n) => n.node === 0)?.FilePages ?? 0;
      const wall = v.kernel ? `${(v.kernel.wall_ms / 1000).toFixed(1)}${v.kernel.status === 'ok' ? '' : ` (${v.kernel.status})`}` : '';
      console.log(`| ${s.name} | ${src} | ${placement(v)} | ${MB(file0)} | ${(v.summary.remote_access_ratio * 100).toFixed(1)}% | ${used.map((c) => v.summary.vmstat[c] ?? '-').join(' | ')} | ${wall} |`);
    }
  }
}
console.log(`\nresults: ${out}`);
