// The batch files docs/sharding.md ships: the Slurm job-array script (syntax, what it submits,
// and its tasks and merge run end to end with the local CLI), the Kubernetes manifests (as YAML,
// with the fields an Indexed Job of shards needs) and the CLI's Dockerfile (its instructions and
// the paths it copies). No Slurm, cluster or Docker here: what can be checked without them is.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
const BATCH = path.join(ROOT, 'docs/batch');
const SLURM = path.join(BATCH, 'slurm-sweep.sh');
const CLI = path.join(ROOT, 'dist/cli.js');
const ZR = path.join(ROOT, 'test/fixtures/kernel-data/zr.numa');
// mocha reads its own config with js-yaml, so it is there whenever the tests are.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const yaml = require('js-yaml') as { loadAll: (text: string) => any[] };

function bash(args: string[], env: NodeJS.ProcessEnv = {}) {
  const clean = { ...process.env };
  delete clean.SLURM_ARRAY_TASK_ID;
  delete clean.JOB_COMPLETION_INDEX;
  delete clean.NUMA_LAB_MERGE;
  return spawnSync('bash', args, { encoding: 'utf8', env: { ...clean, ...env } });
}

describe('batch files in docs/batch', function () {
  this.timeout(60000);

  it('the Slurm script parses (bash -n) and asks Slurm for a job per shard', () => {
    const r = bash(['-n', SLURM]);
    assert.equal(r.status, 0, r.stderr);
    const text = readFileSync(SLURM, 'utf8');
    // #SBATCH lines count only before the first command.
    const firstCommand = text.split('\n').findIndex((l) => l.trim() !== '' && !l.startsWith('#'));
    const sbatch = text.split('\n').map((l, i) => [l, i] as const).filter(([l]) => l.startsWith('#SBATCH'));
    assert.ok(sbatch.length >= 3);
    assert.ok(sbatch.every(([, i]) => i < firstCommand), '#SBATCH after a command is ignored by Slurm');
  });

  it('submits the array 0..N-1 and a merge that waits for it (afterok), with a stand-in sbatch', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'numa-slurm-'));
    const log = path.join(dir, 'sbatch.log');
    const fake = path.join(dir, 'sbatch');
    writeFileSync(fake, `#!/usr/bin/env bash\necho "$*" >> ${JSON.stringify(log)}\necho "$((4242 + $(wc -l < ${JSON.stringify(log)}) - 1));cluster"\n`);
    chmodSync(fake, 0o755);
    const r = bash([SLURM, 'sweep.numa', '16', '/shared/parts'], { PATH: `${dir}:${process.env.PATH}` });
    assert.equal(r.status, 0, r.stderr);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    assert.equal(calls.length, 2);
    assert.match(calls[0], /^--parsable --array=0-15 \S*slurm-sweep\.sh sweep\.numa 16 \/shared\/parts$/);
    assert.match(calls[1], /--dependency=afterok:4242 .*--export=ALL,NUMA_LAB_MERGE=1 \S*slurm-sweep\.sh sweep\.numa 16 \/shared\/parts$/);
    assert.match(r.stdout, /job 4242 \(tasks 0-15\) and the merge as job 4243/);
    const bad = bash([SLURM, 'sweep.numa', 'four'], { PATH: `${dir}:${process.env.PATH}` });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /SHARDS is a number of shards from 1, not 'four'/);
  });

  it('its array tasks and its merge job, run here with the local CLI, give the single run\'s result', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'numa-slurm-run-'));
    const parts = path.join(dir, 'parts');
    const env = { NUMA_LAB: `${process.execPath} ${CLI}` };
    for (const k of [0, 1, 2]) {
      const r = bash([SLURM, ZR, '3', parts], { ...env, SLURM_ARRAY_TASK_ID: String(k) });
      assert.equal(r.status, 0, r.stderr);
    }
    const m = bash([SLURM, ZR, '3', parts], { ...env, NUMA_LAB_MERGE: '1' });
    assert.equal(m.status, 0, m.stderr);
    const single = spawnSync(process.execPath, [CLI, 'run', ZR, '--format', 'json'], { encoding: 'utf8' });
    assert.equal(readFileSync(path.join(parts, 'result.json'), 'utf8'), single.stdout);
  });

  it('the Indexed Job runs shard JOB_COMPLETION_INDEX of as many shards as completions, into the claimed volume', () => {
    const docs = yaml.loadAll(readFileSync(path.join(BATCH, 'k8s-indexed-job.yaml'), 'utf8'));
    const claim = docs.find((d) => d.kind === 'PersistentVolumeClaim');
    const job = docs.find((d) => d.kind === 'Job');
    assert.equal(job.apiVersion, 'batch/v1');
    assert.equal(job.spec.completionMode, 'Indexed');
    assert.ok(job.spec.completions >= 1 && job.spec.parallelism >= 1);
    const pod = job.spec.template.spec;
    assert.equal(pod.restartPolicy, 'Never');
    const [c] = pod.containers;
    const command = [...c.command, ...c.args].join(' ');
    assert.match(command, new RegExp(`/opt/numa-lab/dist/cli\\.js run /scenario/\\S+\\.numa --shard auto/${job.spec.completions} `));
    assert.match(command, /--out "\/parts\/part-\$JOB_COMPLETION_INDEX\.json"/);
    const mounts = Object.fromEntries(c.volumeMounts.map((m: any) => [m.name, m.mountPath]));
    assert.deepEqual(mounts, { scenario: '/scenario', parts: '/parts' });
    const volumes = Object.fromEntries(pod.volumes.map((v: any) => [v.name, v]));
    assert.equal(volumes.parts.persistentVolumeClaim.claimName, claim.metadata.name);
    assert.ok(claim.spec.accessModes.includes('ReadWriteMany'), 'shards on several nodes write the parts');
    assert.equal(volumes.scenario.configMap.name, 'numa-lab-scenario');

    const [merge] = yaml.loadAll(readFileSync(path.join(BATCH, 'k8s-merge-job.yaml'), 'utf8'));
    assert.equal(merge.kind, 'Job');
    const mc = merge.spec.template.spec.containers[0];
    assert.match([...mc.command, ...mc.args].join(' '), /cli\.js merge \/parts\/part-\*\.json --out \/parts\/result\.json/);
    assert.equal(merge.spec.template.spec.volumes[0].persistentVolumeClaim.claimName, claim.metadata.name);
  });

  it('the Dockerfile builds from paths the repository has and runs the CLI the manifests call', () => {
    const lines = readFileSync(path.join(BATCH, 'Dockerfile'), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    const known = new Set(['FROM', 'WORKDIR', 'COPY', 'RUN', 'USER', 'ENTRYPOINT', 'CMD', 'ENV', 'ARG', 'LABEL']);
    for (const l of lines) assert.ok(known.has(l.split(/\s+/)[0]), `unknown instruction: ${l}`);
    assert.match(lines[0], /^FROM node:\d+/);
    for (const l of lines.filter((x) => x.startsWith('COPY ') && !x.includes('--from'))) {
      const sources = l.split(/\s+/).slice(1, -1);
      for (const s of sources) assert.ok(existsSync(path.join(ROOT, s)), `COPY ${s}: not in the repository`);
    }
    const entry = lines.find((l) => l.startsWith('ENTRYPOINT'))!;
    assert.deepEqual(JSON.parse(entry.slice('ENTRYPOINT'.length)), ['node', '/opt/numa-lab/dist/cli.js']);
    assert.ok(lines.some((l) => l === 'COPY --from=build /src/dist /opt/numa-lab/dist'));
    assert.ok(lines.some((l) => /^RUN node scripts\/build\.mjs$/.test(l)));
  });
});
