// bench/kernel-costs on this machine's own kernel, for correctness only (no time is asserted): it
// builds with the gcc scripts/setup-kernel.sh installs, each path does what it is timed for
// (the program checks residency, folio orders, pages written and THP splits itself and exits 1 if one did not),
// and every figure it prints is a positive number of microseconds.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const TMPFS_MAGIC = 0x01021994;

describe('bench/kernel-costs (this machine\'s kernel)', function () {
  this.timeout(120000);

  it('builds, checks each path and prints positive figures', function () {
    if (spawnSync('gcc', ['--version']).status !== 0) this.skip(); // scripts/test.sh installs it first
    const devNull = () => { const st = fs.lstatSync('/dev/null'); return `${st.ino} ${st.isCharacterDevice()}`; };
    const before = devNull();
    // The page-cache file must be on a disk file system: tmpfs pages are not reclaimed clean.
    const scratch = fs.statfsSync(os.tmpdir()).type === TMPFS_MAGIC ? fs.mkdtempSync(path.join(ROOT, 'test-artifacts-kernel-costs-')) : null;
    try {
      const args = [path.join(ROOT, 'bench/kernel-costs/run.sh'), '--runs', '1', '--mib', '8', ...(scratch ? ['--dir', scratch] : [])];
      const r = spawnSync('bash', args, { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const figure = (name: string) => {
        const m = new RegExp(`^result ${name} +median=([0-9.]+) `, 'm').exec(r.stdout);
        assert.ok(m, `no ${name} line in:\n${r.stdout}`);
        return Number(m[1]);
      };
      for (const name of ['fault_touch', 'fault_with_munmap', 'reclaim_mapped_page', 'reclaim_large_per_page', 'invalidate_page', 'fsync_mapped_page', 'fsync_unmapped_page']) {
        assert.ok(figure(name) > 0, name);
      }
      assert.ok(figure('fault_with_munmap') >= figure('fault_touch'), 'the munmap share only adds');
      assert.match(r.stdout, /^check reclaim: \d+ pages a run, all resident before/m);
      // The rmap walk is a difference of two fsyncs: at one small run it may come out at or below 0.
      assert.match(r.stdout, /^check rmap-walk: \d+ order-0 pages a run, all resident, nr_written \+\d+ \(mapped\) and \+\d+ \(unmapped\)$/m);
      assert.match(r.stdout, /^result rmap_walk +median=-?[0-9.]+ /m);
      assert.match(r.stdout, /^load before: [0-9.]+ [0-9.]+ [0-9.]+$/m);
      // With transparent_hugepage off the split is reported skipped; otherwise it is measured.
      if (!/^check split_thp: skipped/m.test(r.stdout)) {
        assert.match(r.stdout, /^check split_thp: \d+ THPs a run, AnonHugePages \d+ -> 0 kB/m);
        assert.ok(figure('split_thp') > 0);
      }
    } finally {
      if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    }
    assert.equal(devNull(), before, '/dev/null is the same inode and type after the benchmark');
  });
});
