// Benchmarks of the simulation core (numbers, not pass/fail): wall time per variant of
// zone-reclaim.numa at full size, the same scenario at --scale 1, 4 and 16, and the CLI's peak
// RSS on the full-size example. Run after `npm run build && npm run compile-tests`:
//   node bench/run-all.mjs [--quick]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { compile } = require(path.join(root, 'out/src/language/index.js'));
const { runScenarioSet, scaleScenario } = require(path.join(root, 'out/src/core/index.js'));
const quick = process.argv.includes('--quick');
const reps = quick ? 1 : 5;

const example = path.join(root, 'examples/zone-reclaim.numa');
const set = compile(readFileSync(example, 'utf8'), example).set;

function timeVariants(s) {
  const best = new Map();
  for (let i = 0; i < reps; i++) {
    const r = runScenarioSet(s, { measureWallTime: true });
    for (const v of r.variants) best.set(v.name, Math.min(best.get(v.name) ?? Infinity, v.summary.wall_ms));
  }
  return best;
}

// Warm up the JIT once so the first variant is not charged for compilation.
runScenarioSet(set);

console.log(`zone-reclaim.numa, full size (2 x 125 GB, 120 s simulated), best of ${reps}:`);
for (const [name, ms] of timeVariants(set)) console.log(`  ${name.padEnd(10)} ${ms.toFixed(1)} ms   (goal <= 40 ms, issue 7)`);

console.log('\nscale (memory sizes, file sizes, rates multiplied), mean ms per variant:');
const perScale = [];
for (const f of [1, 4, 16]) {
  const scaled = { ...set, variants: set.variants.map((v) => scaleScenario(v, f)) };
  const t = [...timeVariants(scaled).values()];
  const mean = t.reduce((a, b) => a + b, 0) / t.length;
  perScale.push(mean);
  console.log(`  --scale ${String(f).padEnd(3)} ${mean.toFixed(1)} ms`);
}
console.log(`  16x / 1x: ${(perScale[2] / perScale[0]).toFixed(2)}   (goal <= 1.2, issue 7)`);

const cli = path.join(root, 'dist/cli.js');
// /usr/bin/time prints the child's wall time (%e), CPU time (%U user, %S system) and peak RSS in
// kB (%M) on stderr, whatever the exit code. The result goes to a temp folder, never to
// /dev/null: an older --out renamed over it, as root.
const outDir = mkdtempSync(path.join(os.tmpdir(), 'numa-bench-cli-'));
const fresh = [];
for (let i = 0; i < (quick ? 1 : 5); i++) {
  const run = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, cli, 'run', example, '--format', 'json', '--out', path.join(outDir, 'result.json')], { encoding: 'utf8' });
  const [wall, user, sys, kb] = String(run.stderr ?? '').trim().split('\n').pop().split(' ').map(Number);
  if ([wall, user, sys, kb].every(Number.isFinite)) fresh.push({ wall, cpu: user + sys, kb });
}
rmSync(outDir, { recursive: true, force: true });
if (fresh.length > 0) {
  const best = (k) => Math.min(...fresh.map((f) => f[k]));
  const median = (k) => fresh.map((f) => f[k]).sort((a, b) => a - b)[Math.floor(fresh.length / 2)];
  // CPU time and the load average are printed besides wall time: on a shared machine the wall
  // time measures the load too (with both cores busy elsewhere, wall time is about CPU time).
  console.log(`\nnuma-lab run zone-reclaim.numa (3 variants) in a fresh process, best of ${fresh.length}: ${best('wall').toFixed(2)} s wall, ${best('cpu').toFixed(2)} s CPU; median ${median('wall').toFixed(2)} s wall, ${median('cpu').toFixed(2)} s CPU; load average ${os.loadavg()[0].toFixed(2)}   (goal <= 0.5 s, issue 7)`);
  console.log(`CLI peak RSS on the full-size example: ${(best('kb') / 1024).toFixed(0)} MB   (goal < 500 MB)`);
} else console.log('\nfresh-process time and CLI peak RSS: /usr/bin/time not available');
