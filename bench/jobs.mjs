// Variants on a pool of worker threads (numbers, not pass/fail): `numa-lab run --jobs 1` against
// `--jobs 2` on the 6-variant tiering example and a 64-point sweep, wall time of the whole CLI
// run, the speedup (issue 12 expects 1.7x or more on two cores) and whether both wrote the same
// bytes. Run after `npm run build`:   node bench/jobs.mjs [--quick] [--reps N]
// --quick (the unit test's correctness check) runs the examples at 1/16 of their memory and 8 of
// the sweep's points: its times say nothing.
import { spawnSync } from 'node:child_process';
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

/** Best wall time of `reps` CLI runs with --jobs N, ms, and the JSON result it wrote. */
function timeRun(file, jobs, args) {
  const out = path.join(tmp, `${path.basename(file)}.jobs${jobs}.json`);
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [cli, 'run', path.join(root, file), '--jobs', String(jobs), '--format', 'json', '--out', out, ...args], { encoding: 'utf8' });
    const ms = performance.now() - t0;
    // Exit 1 is a failed expectation: still a result.
    if (r.status !== 0 && r.status !== 1) throw new Error(`numa-lab run ${file} --jobs ${jobs}: exit ${r.status}: ${r.stderr}`);
    best = Math.min(best, ms);
  }
  return { ms: best, bytes: readFileSync(out) };
}

try {
  // Other processes on these cores slow --jobs 2 most: say how busy the machine was.
  console.log(`numa-lab run --jobs 1 and --jobs 2, ${os.availableParallelism()} cores here (load average ${os.loadavg()[0].toFixed(1)}), best of ${reps}:`);
  for (const [file, what, args] of scenarios) {
    const one = timeRun(file, 1, args);
    const two = timeRun(file, 2, args);
    const same = one.bytes.equals(two.bytes);
    console.log(`  ${file} (${what})`);
    console.log(`    --jobs 1 ${(one.ms / 1000).toFixed(2).padStart(7)} s   --jobs 2 ${(two.ms / 1000).toFixed(2).padStart(7)} s   speedup ${(one.ms / two.ms).toFixed(2)}x (goal >= 1.7x)   output ${same ? 'byte-identical' : 'DIFFERS'} (${one.bytes.length} bytes)`);
    if (!same) process.exitCode = 1;
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
