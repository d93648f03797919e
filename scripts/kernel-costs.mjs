#!/usr/bin/env node
// The qemu-tcg cost profile from our own guest runs (docs/model.md, "The guest's own costs"):
//   cost.minor_fault   median over the corpus's boots of an anonymous phase's touch time per
//                      page, in phases that reclaimed nothing (a fault, zeroing and the touch);
//   cost.file_read     median over the corpus of the page-cache read time per page;
//   cost.thp_fault     median over THP phases without compaction of the time per huge page;
//   cost.migrate_page, cost.reclaim_page
//                      the minor fault's cost times the ratio measured inside one boot of the
//                      harness's `costs` experiment (move_pages between nodes; memory.reclaim of
//                      clean page cache), so the host's load, which changes the guest's speed
//                      several-fold from run to run, cancels out.
//
//   node scripts/kernel-costs.mjs [ORACLE_COSTS_RESULTS_DIR]
// With a directory of `run.sh costs` results, first writes their compact form to
// test/fixtures/kernel-data/costs.json; then prints the profile from the corpus and that file.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = path.join(ROOT, 'test/fixtures/kernel-data');
const COSTS = path.join(CORPUS, 'costs.json');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const src = process.argv[2];
if (src) {
  const boots = [];
  for (const inv of readdirSync(src).sort()) {
    const d = path.join(src, inv);
    for (const mode of existsSync(d) ? readdirSync(d) : []) {
      const f = path.join(d, mode, 'result.json');
      if (!existsSync(f)) continue;
      const r = JSON.parse(readFileSync(f, 'utf8'));
      const c = r.costs;
      if (!c?.reclaim || !c.migrate_s) continue;
      boots.push({
        kernel: r.kernel.release, pages: c.pages, fault_s: c.fault_s, retouch_s: c.retouch_s,
        migrate_s: c.migrate_s, migrated_pages: c.migrated_pages, thp_fault_s: c.thp_fault_s, thps: c.thps,
        file_read_s: c.cache2.read_s, file_read_MB: c.cache2.read_MB, reclaim_s: c.reclaim.s, reclaim_pages: c.reclaim.pages,
      });
    }
  }
  writeFileSync(COSTS, JSON.stringify({ what: 'tools/kernel-oracle `run.sh costs`: per boot, the time to fault, migrate (move_pages to node 1) and THP-fault `pages` pages, read a file into page cache, and memory.reclaim clean page cache, all on cpu 0', boots }, null, 1) + '\n');
}

const fault = [];
const read = [];
const thp = [];
for (const name of readdirSync(CORPUS)) {
  const f = path.join(CORPUS, name, 'kernel.json');
  if (!existsSync(f)) continue;
  const k = JSON.parse(readFileSync(f, 'utf8'));
  const c = k.costs ?? {};
  const reclaimed = (k.counters.pgsteal_kswapd ?? []).map((x, i) => x + (k.counters.pgsteal_direct?.[i] ?? 0));
  if (c.anon_touch_s && c.anon_pages) {
    c.anon_touch_s.forEach((s, i) => { if ((reclaimed[i] ?? 0) < 0.01 * c.anon_pages && !k.oom[i]) fault.push(s / c.anon_pages); });
  }
  if (c.file_read_s && c.file_pages >= 25600) read.push(c.file_read_s / c.file_pages);
  if (c.thp_touch_s && (k.counters.compact_stall ?? []).every((x) => x === 0) && (k.counters.thp_fault_alloc ?? [1]).every((x) => x > 0)) {
    c.thp_touch_s.forEach((s) => thp.push(s / c.thp_faults));
  }
}
const costs = JSON.parse(readFileSync(COSTS, 'utf8')).boots;
const migrateRatio = median(costs.map((b) => (b.migrate_s / b.migrated_pages) / (b.fault_s / b.pages)));
const reclaimRatio = median(costs.map((b) => (b.reclaim_s / b.reclaim_pages) / (b.fault_s / b.pages)));
const us = (s) => `${(s * 1e6).toFixed(1)} us`;
const minor = median(fault);
console.log(`cost.minor_fault   ${us(minor)}  (median of ${fault.length} boots' anonymous phases without reclaim)`);
console.log(`cost.file_read     ${us(median(read))}  (median of ${read.length} page-cache reads)`);
console.log(`cost.thp_fault     ${(median(thp) * 1e3).toFixed(2)} ms  (median of ${thp.length} THP phases without compaction)`);
console.log(`cost.migrate_page  ${us(minor * migrateRatio)}  (minor fault x ${migrateRatio.toFixed(3)}, move_pages / fault in ${costs.length} costs boots)`);
console.log(`cost.reclaim_page  ${us(minor * reclaimRatio)}  (minor fault x ${reclaimRatio.toFixed(3)}, memory.reclaim / fault in ${costs.length} costs boots)`);
