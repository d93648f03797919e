// scripts/lib/apt.sh, which every set-up script installs Debian packages through: apt-get fails at
// once when another apt holds the package lists' lock (seen when two clones set up together), so
// apt_retry runs the step again while that is the reason, and only then. A fake apt-get stands in.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
const LIB = path.join(ROOT, 'scripts/lib/apt.sh');

/** Runs apt_retry on a fake command that fails `failures` times with `error`, then succeeds. */
function retry(failures: number, error: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'numa-apt-retry-'));
  try {
    const fake = path.join(dir, 'fake-apt-get');
    const count = path.join(dir, 'count');
    writeFileSync(count, '0');
    writeFileSync(fake, [
      '#!/usr/bin/env bash',
      `n=$(( $(cat "${count}") + 1 )); echo "$n" > "${count}"`,
      `if [ "$n" -le ${failures} ]; then echo "${error}" >&2; exit 100; fi`,
      'echo done',
    ].join('\n'), { mode: 0o755 });
    const r = spawnSync('bash', ['-c', `source "${LIB}" && apt_retry "${fake}"`], {
      encoding: 'utf8', env: { ...process.env, APT_RETRY_SECONDS: '0' },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls: Number(readFileSync(count, 'utf8')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('scripts/lib/apt.sh', () => {
  it('retries a step while another apt holds its lock, and then succeeds', () => {
    const r = retry(2, 'E: Could not get lock /var/lib/apt/lists/lock. It is held by process 23502 (apt-get)');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.calls, 3);
    assert.equal(r.stdout.trim(), 'done');
  });

  it('fails at once, showing apt\'s error, when a step fails for any other reason', () => {
    const r = retry(5, 'E: Unable to locate package no-such-package');
    assert.notEqual(r.status, 0);
    assert.equal(r.calls, 1);
    assert.match(r.stderr, /Unable to locate package/);
  });
});
