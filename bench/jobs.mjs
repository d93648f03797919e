// Variants on a pool of worker threads (numbers, not pass/fail): `numa-lab run --jobs 1` against
// `--jobs 2` on the 6-variant tiering example and a 64-point sweep, wall time of the whole CLI
// run, the speedup (issue 12 expects 1.7x or more on two cores) and whether both wrote the same
// bytes. First it measures what two threads of pure arithmetic get over one on this machine at
// this moment: no program gets more, and on cores shared with other work it can be far below 2.
// After each run it times two independent --jobs 1 processes at once, the ceiling for that run. Run after `npm run build`:   node bench/jobs.mjs [--quick] [--reps N]
// --quick (the unit test's correctness check) runs the examples at 1/16 of their memory and 8 of
// the sweep's points: its times say nothing.
import { spawn, spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist/cli.js');
const quick = process.argv.includes('--quick');
const repsArg = process.argv.indexOf('--reps');
const reps = repsArg > 0 ? Number(process.argv[repsArg + 1]) : quick ? 1 : 3;
const quickArgs = quick ? ['--scale', '1/16'] : [];
const firstPoints = (n) => ['base', ...Array.from({ length: n - 1 }, (_, i) => `vm.min_unmapped_ratio=${i + 1}`)].flatMap((v) => ['--variant', v]);
const scenarios = [
  ['examples/tiering.numa', '6 variants', quickArgs],
  ['bench/fixtures/sweep-64.numa', quick ? 'quick: 8 of the sweep\'s variants' : '64-point sweep and its base', quick ? [...quickArgs, ...firstPoints(8)] : []],
];
const tmp = mkdtempSync(path.join(os.tmpdir(), 'numa-bench-jobs-'));

/** Wall time of one CLI run with --jobs N, ms, and the JSON result it wrote. */
function timeRun(file, jobs, args) {
  const out = path.join(tmp, `${path.basename(file)}.jobs${jobs}.json`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, 'run', path.join(root, file), '--jobs', String(jobs), '--format', 'json', '--out', out, ...args], { encoding: 'utf8' });
  const ms = performance.now() - t0;
  // Exit 1 is a failed expectation: still a result.
  if (r.status !== 0 && r.status !== 1) throw new Error(`numa-lab run ${file} --jobs ${jobs}: exit ${r.status}: ${r.stderr}`);
  return { ms, bytes: readFileSync(out) };
}

/** Two independent `--jobs 1` processes of the same run at once: their throughput over one
 *  process's is what this machine gives this simulation with no pool involved (cache and memory
 *  bandwidth shared by the cores count here, which the arithmetic ceiling does not see). */
async function twoProcessCeiling(file, args, oneMs) {
  const t0 = performance.now();
  await Promise.all([0, 1].map((k) => new Promise((resolve, reject) => {
    const out = path.join(tmp, `${path.basename(file)}.pair${k}.json`);
    const child = spawn(process.execPath, [cli, 'run', path.join(root, file), '--jobs', '1', '--format', 'json', '--out', out, ...args], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', resolve);
  })));
  return (2 * oneMs) / (performance.now() - t0);
}

/** The throughput of two threads of a fixed arithmetic loop over one: the most two threads can
 *  give here now (2.0 on two idle cores). */
async function twoThreadCeiling(loops) {
  const code = `const { parentPort } = require('node:worker_threads'); let x = 0; for (let i = 0; i < ${loops}; i++) x = (x * 31 + i) | 0; parentPort.postMessage(x);`;
  const spin = async (n) => {
    const t0 = performance.now();
    await Promise.all(Array.from({ length: n }, () => new Promise((resolve, reject) => {
      const w = new Worker(code, { eval: true });
      w.once('message', () => void w.terminate().then(resolve));
      w.once('error', reject);
    })));
    return performance.now() - t0;
  };
  let one = Infinity, two = Infinity;
  for (let i = 0; i < reps; i++) {
    one = Math.min(one, await spin(1));
    two = Math.min(two, await spin(2));
  }
  return (2 * one) / two;
}

try {
  // Other processes on these cores slow --jobs 2 most: say how busy the machine was.
  console.log(`${os.availableParallelism()} cores here, load average ${os.loadavg()[0].toFixed(1)}; two threads of arithmetic do ${(await twoThreadCeiling(quick ? 2e7 : 3e8)).toFixed(2)}x the work of one (the ceiling now)`);
  console.log(`numa-lab run --jobs 1 and --jobs 2, each the best of ${reps} (taken in turns):`);
  for (const [file, what, args] of scenarios) {
    let one = { ms: Infinity }, two = { ms: Infinity };
    let same = true;
    for (let i = 0; i < reps; i++) {
      const a = timeRun(file, 1, args);
      const b = timeRun(file, 2, args);
      // Every run, not just the fastest, wrote the same bytes.
      same &&= a.bytes.equals(b.bytes) && (one.bytes ?? a.bytes).equals(a.bytes);
      if (a.ms < one.ms) one = a;
      if (b.ms < two.ms) two = b;
    }
    console.log(`  ${file} (${what})`);
    console.log(`    --jobs 1 ${(one.ms / 1000).toFixed(2).padStart(7)} s   --jobs 2 ${(two.ms / 1000).toFixed(2).padStart(7)} s   speedup ${(one.ms / two.ms).toFixed(2)}x (goal >= 1.7x)   output ${same ? 'byte-identical' : 'DIFFERS'} (${one.bytes.length} bytes)`);
    const pair = await twoProcessCeiling(file, args, one.ms);
    console.log(`    two --jobs 1 processes at once do ${pair.toFixed(2)}x the work of one: this machine's ceiling for this run`);
    if (!same) process.exitCode = 1;
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
