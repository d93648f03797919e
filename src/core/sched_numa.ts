// NUMA balancing proper (kernel.numa_balancing bit 1, "mode 1"): the task side of
// kernel/sched/fair.c and the hint-fault decision of mm/mempolicy.c mpol_misplaced().
// - should_numa_migrate_memory(): the last_cpupid two-stage filter, private and shared faults,
//   a numa group's rule for shared memory;
// - task_numa_fault() / task_numa_placement(): per-task (and per-group) fault statistics that
//   decay by half every scan pass, the preferred node;
// - numa_migrate_preferred() / task_numa_migrate(): the task moves to its preferred node when
//   that node has room for it, or swaps with a task there that gains from the swap;
// - task_numa_group(): tasks that fault on the same shared pages join one numa group.
// A workload is one task here: its threads move together and share one pid in the cpupid.

import type { Region, Slice } from './memory';
import type { Sim, WorkloadState } from './sim';

/** ACTIVE_NODE_FRACTION (fair.c): a node is active for a group when its CPU faults are over a
 *  third of the busiest node's; memory may always move to a node this much busier. */
const ACTIVE_NODE_FRACTION = 3;
/** should_numa_migrate_memory(): first and private faults migrate at once up to scan pass 4. */
const EARLY_SCAN_SEQ = 4;
/** numa_migrate_preferred(): retry every HZ (1 s) at most, or every scan period / 16. */
const RETRY_MAX_NS = 1e9;
const RETRY_PERIOD_DIVISOR = 16;
/** task_numa_placement(): CPU faults are normalised to this fixed point (runtime << 16). */
const CPU_FAULT_SCALE = 65536;
/** task_weight()/group_weight() are per mille; task_numa_compare() swaps only above SMALLIMP. */
const WEIGHT_SCALE = 1000;
const SMALLIMP = 30;

interface NumaGroup {
  id: number;
  tasks: TaskNuma[];
  /** ng->faults: memory-side faults per node (private and shared together), decayed. */
  faultsMem: number[];
  /** ng->faults_cpu: where the faulting CPUs were, per node. */
  faultsCpu: number[];
}

interface TaskNuma {
  index: number;
  wl: WorkloadState;
  faultsMem: number[];
  faultsCpu: number[];
  /** Faults since the last placement (numa_faults' buffer half). */
  bufMem: number[];
  bufCpu: number[];
  /** p->numa_scan_seq: the pass the task's statistics were last folded at. */
  scanSeq: number;
  /** mm->numa_scan_seq: passes the scanner completed over the workload. */
  mmSeq: number;
  /** numa_preferred_nid, a node index; -1 for NUMA_NO_NODE. */
  preferred: number;
  retryNs: number;
  group: NumaGroup | null;
}

/** The last_cpupid of pages of one slice range: per memory node, pages by the (task, CPU node)
 *  of their last hint fault; pages not counted have none yet (page_cpupid_reset_last()). */
interface CpupidRange {
  first: number;
  pages: number;
  byNode: Map<number, number>[];
}

interface SchedNuma {
  tasks: Map<WorkloadState, TaskNuma>;
  nextGroupId: number;
  cpupid: WeakMap<Region, Map<number, CpupidRange>>;
}

const STATE = new WeakMap<Sim, SchedNuma>();

function stateOf(sim: Sim): SchedNuma {
  let st = STATE.get(sim);
  if (!st) {
    st = { tasks: new Map(), nextGroupId: 1, cpupid: new WeakMap() };
    STATE.set(sim, st);
  }
  return st;
}

function taskOf(sim: Sim, wl: WorkloadState): TaskNuma {
  const st = stateOf(sim);
  let t = st.tasks.get(wl);
  if (!t) {
    const N = sim.nodes.length;
    const z = () => new Array<number>(N).fill(0);
    t = { index: sim.workloads.indexOf(wl), wl, faultsMem: z(), faultsCpu: z(), bufMem: z(), bufCpu: z(), scanSeq: 0, mmSeq: 0, preferred: -1, retryNs: 0, group: null };
    st.tasks.set(wl, t);
  }
  return t;
}

/** The workload's numa group as the names of its members, or null: for reports and tests. */
export function numaGroupOf(sim: Sim, wl: WorkloadState): string[] | null {
  const g = stateOf(sim).tasks.get(wl)?.group;
  return g ? g.tasks.map((t) => t.wl.name) : null;
}

/** numa_preferred_nid as a node id, or -1. */
export function preferredNodeOf(sim: Sim, wl: WorkloadState): number {
  const p = stateOf(sim).tasks.get(wl)?.preferred ?? -1;
  return p < 0 ? -1 : sim.nodes[p].id;
}

/**
 * Whether task_numa_work() marks the region: vma_policy_mof() (only the default policy
 * migrates on fault: an explicit set_mempolicy/mbind policy leaves the VMA unscanned) for
 * anonymous memory; a file only while mapped writable (read-only file mappings are skipped as
 * shared libraries would be).
 */
export function numaScanned(wl: WorkloadState, r: Region): boolean {
  if (!r.alive) return false;
  if (r.kind === 'anon') return (r.policy ?? wl.spec.mempolicy).mode === 'local';
  return wl.accesses.some((a) => a.region === r && a.writeFraction > 0);
}

/** reset_ptenuma_scan(): the scanner finished a pass over the workload (mm->numa_scan_seq++). */
export function numaScanPassDone(sim: Sim, wl: WorkloadState): void {
  taskOf(sim, wl).mmSeq++;
}

/** The region of `wl` a slice belongs to. */
function regionOf(wl: WorkloadState, s: Slice): Region | undefined {
  for (const r of wl.regions.values()) if (r.slices[s.index] === s) return r;
  return undefined;
}

/** The cpupid counts of slice `s`. Slices are split as the run goes (never merged): a range met
 *  for the first time at a new size takes its share of the range it was cut from. */
function cpupidOf(sim: Sim, r: Region, s: Slice): CpupidRange {
  const st = stateOf(sim);
  let ranges = st.cpupid.get(r);
  if (!ranges) {
    ranges = new Map();
    st.cpupid.set(r, ranges);
  }
  const exact = ranges.get(s.firstPage);
  if (exact && exact.pages === s.pages) return exact;
  const N = sim.nodes.length;
  const part = (from: CpupidRange | undefined, first: number, pages: number): CpupidRange => ({
    first, pages,
    byNode: Array.from({ length: N }, (_, n) => new Map([...(from?.byNode[n] ?? new Map<number, number>())].map(([k, v]) => [k, (v * pages) / from!.pages]))),
  });
  let outer: CpupidRange | undefined;
  for (const e of ranges.values()) if (e.first <= s.firstPage && s.firstPage < e.first + e.pages) outer = e;
  const mine = part(outer, s.firstPage, s.pages);
  if (outer) {
    ranges.delete(outer.first);
    if (outer.first < s.firstPage) ranges.set(outer.first, part(outer, outer.first, s.firstPage - outer.first));
    const end = s.firstPage + s.pages;
    if (end < outer.first + outer.pages) ranges.set(end, part(outer, end, outer.first + outer.pages - end));
  }
  ranges.set(s.firstPage, mine);
  return mine;
}

/** Pages of node `n` by last cpupid, no more than the node has mapped (pages that left by
 *  reclaim or another migration take their share of each count with them). */
function lastCpupids(map: Map<number, number>, mapped: number): void {
  let known = 0;
  for (const v of map.values()) known += v;
  if (known > mapped && known > 0) for (const [k, v] of map) map.set(k, (v * mapped) / known);
}

/** mpol_misplaced(): the node a hint fault from CPU node `c` wants the page on, or -1. Only the
 *  default policy (MPOL_F_MORON) pulls a page to the faulting CPU's node. */
function misplacedTarget(sim: Sim, wl: WorkloadState, r: Region, c: number): number {
  if (r.kind === 'anon' && (r.policy ?? wl.spec.mempolicy).mode !== 'local') return -1;
  return sim.isTopTier(c) ? c : -1;
}

/** should_numa_migrate_memory() after page_cpupid_xchg_last(): `last` is the task and CPU node
 *  of the previous hint fault on the page (null task: none yet). */
function shouldMigrate(p: TaskNuma, lastTask: TaskNuma | null, lastNode: number, src: number, dst: number): boolean {
  const unset = lastTask === null;
  const mine = lastTask === p;
  if ((p.preferred < 0 || p.scanSeq <= EARLY_SCAN_SEQ) && (unset || mine)) return true;
  // The two-stage filter: the previous fault must have come from the node this one does.
  if (!unset && lastNode !== dst) return false;
  if (mine) return true;
  const ng = p.group;
  if (!ng) return true;
  if (ng.faultsCpu[dst] > ng.faultsCpu[src] * ACTIVE_NODE_FRACTION) return true;
  // Memory follows the group's CPU use with 3/4 hysteresis.
  return ng.faultsCpu[dst] * ng.faultsMem[src] * 3 > ng.faultsCpu[src] * ng.faultsMem[dst] * 4;
}

/** numa_is_active_node(): the group's CPU faults on node n are over a third of its busiest's. */
function isActive(ng: NumaGroup, n: number): boolean {
  return ng.faultsCpu[n] * ACTIVE_NODE_FRACTION > Math.max(...ng.faultsCpu);
}

function activeNodes(ng: NumaGroup): number {
  let k = 0;
  for (let n = 0; n < ng.faultsCpu.length; n++) if (isActive(ng, n)) k++;
  return k;
}

/** task_numa_group(): a shared fault on a page `other` faulted last. The smaller group joins
 *  the larger (on a tie, the later-made one joins the earlier); faults move with the task. */
function joinGroup(sim: Sim, p: TaskNuma, other: TaskNuma): void {
  const st = stateOf(sim);
  const N = sim.nodes.length;
  if (!p.group) {
    p.group = { id: st.nextGroupId++, tasks: [p], faultsMem: [...p.faultsMem], faultsCpu: [...p.faultsCpu] };
  }
  const mine = p.group;
  const theirs = other.group;
  // The other task has no group yet: it joins ours when it faults on a page we touched.
  if (!theirs || theirs === mine) return;
  if (mine.tasks.length > theirs.tasks.length) return;
  if (mine.tasks.length === theirs.tasks.length && mine.id < theirs.id) return;
  for (let n = 0; n < N; n++) {
    mine.faultsMem[n] -= p.faultsMem[n];
    mine.faultsCpu[n] -= p.faultsCpu[n];
    theirs.faultsMem[n] += p.faultsMem[n];
    theirs.faultsCpu[n] += p.faultsCpu[n];
  }
  mine.tasks.splice(mine.tasks.indexOf(p), 1);
  theirs.tasks.push(p);
  p.group = theirs;
  sim.events.record(sim.nowNs, 'sched_move_numa', sim.nodes[p.wl.homeNode].id, 0, `joins numa group ${theirs.id} (${theirs.tasks.map((t) => t.wl.name).join(', ')}): shared faults on the same pages`, p.wl.name);
}

/** The workloads that map a file region writable, with their access rates on it. */
function mappers(sim: Sim, r: Region): { wl: WorkloadState; rate: number }[] {
  const out: { wl: WorkloadState; rate: number }[] = [];
  for (const w of sim.workloads) {
    if (!w.alive || !numaScanned(w, r)) continue;
    let rate = 0;
    for (const a of w.accesses) if (a.region === r && sim.nowNs < a.endNs) rate += a.ratePerNs;
    out.push({ wl: w, rate });
  }
  return out;
}

/**
 * do_numa_page() of mode 1 for `pages` PROT_NONE pages of slice `s` on top-tier node `n` that
 * the workload's threads faulted on: each page's last cpupid decides (with the policy and the
 * numa group) whether it moves to the faulting CPU's node; task_numa_fault() records the faults;
 * now and then the task itself is moved towards its memory. Returns the pages migrated.
 */
export function numaHintFaultsNormal(sim: Sim, wl: WorkloadState, s: Slice, n: number, pages: number): number {
  const r = regionOf(wl, s);
  if (!r || pages <= 0 || s.mapped(n) <= 0) return 0;
  // A shared file: each mapper has its own PTEs, marked by its own scanner, and faults on them.
  // The model keeps one PROT_NONE mark per page, so the faults are shared out among the
  // mappers by their access rates (whoever touches the page first takes the mark otherwise).
  const users = r.kind === 'file' ? mappers(sim, r) : [];
  if (users.length < 2) return faultsFrom(sim, wl, r, s, n, pages, false);
  const total = users.reduce((a, u) => a + u.rate, 0);
  let moved = 0;
  for (const u of users) moved += faultsFrom(sim, u.wl, r, s, n, total > 0 ? (pages * u.rate) / total : pages / users.length, true);
  return moved;
}

/** The hint faults of one task: `shared` is TNF_SHARED (page_mapcount() > 1 in a VM_SHARED
 *  mapping), which lets a fault on another task's page join the two in a numa group. */
function faultsFrom(sim: Sim, wl: WorkloadState, r: Region, s: Slice, n: number, pages: number, shared: boolean): number {
  const mapped = s.mapped(n);
  if (pages <= 0 || mapped <= 0) return 0;
  const st = stateOf(sim);
  const p = taskOf(sim, wl);
  const N = sim.nodes.length;
  const byIndex = (i: number) => st.tasks.get(sim.workloads[i]) ?? null;
  const cp = cpupidOf(sim, r, s);
  const here = cp.byNode[n];
  lastCpupids(here, mapped);
  let movedTotal = 0;
  for (const { node: c, weight } of [...wl.cpuNodes]) {
    const k = Math.min(pages * weight, mapped);
    if (k <= 0) continue;
    const target = misplacedTarget(sim, wl, r, c);
    let known = 0;
    for (const v of here.values()) known += v;
    // The faulting pages come from each last-cpupid class in its share of the node's pages.
    const classes: [number, number][] = [...here.entries(), [-1, Math.max(0, mapped - known)]];
    let want = 0;
    for (const [key, count] of classes) {
      const kx = (k * count) / mapped;
      if (kx <= 0) continue;
      const last = key < 0 ? null : byIndex(Math.floor(key / N));
      const lastNode = key < 0 ? -1 : key % N;
      if (last && last !== p && shared) {
        joinGroup(sim, p, last);
        // A shared fault between two of the group's active nodes counts as local for the scan
        // period (task_numa_fault()): a group spread over nodes is where it should be.
        const ng = p.group;
        if (ng && c !== n && activeNodes(ng) > 1 && isActive(ng, c) && isActive(ng, n)) wl.numab.passLocal += kx;
      }
      if (target >= 0 && target !== n && shouldMigrate(p, last, lastNode, n, target)) want += kx;
      if (key >= 0) here.set(key, count - kx);
    }
    const mineKey = p.index * N + c;
    here.set(mineKey, (here.get(mineKey) ?? 0) + k);
    let moved = 0;
    if (want > 0 && target >= 0) {
      const room = sim.nodes[target].availableAbove('high');
      moved = sim.migrateSlice(s, n, target, Math.min(Math.round(want), Math.max(0, room)), 'high', 0.5, 'hinted');
    }
    if (moved > 0) {
      here.set(mineKey, Math.max(0, here.get(mineKey)! - moved));
      const there = cp.byNode[target];
      there.set(mineKey, (there.get(mineKey) ?? 0) + moved);
      sim.vmstat.add('numa_pages_migrated', moved);
      sim.vmstat.add('pgmigrate_success', moved);
      sim.events.record(sim.nowNs, 'numa_migrate', sim.nodes[target].id, moved, `hint faults from node ${sim.nodes[target].id} on node ${sim.nodes[n].id}`, wl.name);
      movedTotal += moved;
    }
    // task_numa_fault(): where the memory is after the fault, and where the CPU was.
    p.bufMem[n] += k - moved;
    if (moved > 0) p.bufMem[target] += moved;
    p.bufCpu[c] += k;
  }
  if (sim.nowNs >= p.retryNs) {
    taskNumaPlacement(sim, p);
    numaMigratePreferred(sim, p);
  }
  return movedTotal;
}

/** task_numa_placement(): once per scan pass, fold the faults of the pass into the decayed
 *  statistics (half the old plus the new), for the task and its group; the node with the most
 *  memory faults (the group's, in a group) becomes the preferred node. */
function taskNumaPlacement(sim: Sim, p: TaskNuma): void {
  if (p.scanSeq === p.mmSeq) return;
  p.scanSeq = p.mmSeq;
  const N = sim.nodes.length;
  const ng = p.group;
  let totalBuf = 0;
  for (let n = 0; n < N; n++) totalBuf += p.bufMem[n];
  let best = -1;
  let bestFaults = 0;
  for (let n = 0; n < N; n++) {
    const diff = p.bufMem[n] - p.faultsMem[n] / 2;
    // A task that runs throughout: runtime / period = 1 in f_weight.
    const fDiff = (CPU_FAULT_SCALE * p.bufCpu[n]) / (totalBuf + 1) - p.faultsCpu[n] / 2;
    p.faultsMem[n] += diff;
    p.faultsCpu[n] += fDiff;
    p.bufMem[n] = 0;
    p.bufCpu[n] = 0;
    if (ng) {
      ng.faultsMem[n] += diff;
      ng.faultsCpu[n] += fDiff;
    }
    // A CPU-less node cannot run the task: it is never the preferred node.
    if (!sim.nodes[n].hasCpu) continue;
    const f = ng ? ng.faultsMem[n] : p.faultsMem[n];
    if (f > bestFaults) {
      bestFaults = f;
      best = n;
    }
  }
  if (bestFaults > 0 && best !== p.preferred) p.preferred = best;
}

/** numa_migrate_preferred(): try to run the task on its preferred node, again after
 *  min(1 s, scan period / 16) when it could not. */
function numaMigratePreferred(sim: Sim, p: TaskNuma): void {
  if (p.preferred < 0) return;
  p.retryNs = sim.nowNs + Math.min(RETRY_MAX_NS, p.wl.numab.periodNs / RETRY_PERIOD_DIVISOR);
  if (p.wl.homeNode === p.preferred) return;
  taskNumaMigrate(sim, p);
}

/** CPUs of node `n` the workload may run on. */
function allowedOn(sim: Sim, wl: WorkloadState, n: number): number {
  const allowed = new Set(wl.spec.cpusAllowed);
  return sim.nodes[n].spec.cpus.filter((c) => allowed.has(c)).length;
}

/** Threads running on node `n`, `except` left out. */
function runningOn(sim: Sim, n: number, except: WorkloadState[]): number {
  let t = 0;
  for (const w of sim.workloads) {
    if (except.includes(w) || w.finished()) continue;
    for (const cn of w.cpuNodes) if (cn.node === n) t += w.threads * cn.weight;
  }
  return t;
}

function fits(sim: Sim, wl: WorkloadState, n: number, leaving: WorkloadState[]): boolean {
  return wl.threads <= allowedOn(sim, wl, n) && runningOn(sim, n, [wl, ...leaving]) + wl.threads <= sim.nodes[n].spec.cpus.length;
}

/** task_weight() / group_weight(): the share of the faults on node n, per mille. */
function weight(faults: number[], n: number): number {
  const total = faults.reduce((a, b) => a + b, 0);
  return total > 0 ? (WEIGHT_SCALE * faults[n]) / total : 0;
}

/** task_numa_migrate(): move the task to its preferred node if that node has spare CPUs it may
 *  use; else swap it with a task there whose own placement improves enough (task_numa_compare);
 *  in a group that spans nodes, the node it stays on becomes its preferred node. */
function taskNumaMigrate(sim: Sim, p: TaskNuma): void {
  const wl = p.wl;
  const src = wl.homeNode;
  const dst = p.preferred;
  const ng = p.group;
  const pFaults = ng ? ng.faultsMem : p.faultsMem;
  if (fits(sim, wl, dst, [])) {
    moveTask(sim, p, dst, `preferred node ${sim.nodes[dst].id}: ${Math.round(weight(pFaults, dst) / 10)}% of its NUMA faults`);
    return;
  }
  let best: TaskNuma | null = null;
  let bestImp = 0;
  const taskImp = weight(p.faultsMem, dst) - weight(p.faultsMem, src);
  const groupImp = weight(pFaults, dst) - weight(pFaults, src);
  for (const q of stateOf(sim).tasks.values()) {
    const w = q.wl;
    if (q === p || w.homeNode !== dst || w.finished() || w.cpuNodes.length !== 1) continue;
    if (!fits(sim, wl, dst, [w]) || !fits(sim, w, src, [wl])) continue;
    let imp: number;
    if (q.group !== null && q.group === ng) {
      // Within a group, the tasks' own faults decide, with 1/16 hysteresis.
      imp = taskImp + weight(q.faultsMem, src) - weight(q.faultsMem, dst);
      imp -= imp / 16;
    } else {
      const qFaults = q.group && ng ? q.group.faultsMem : q.faultsMem;
      imp = groupImp + weight(qFaults, src) - weight(qFaults, dst);
    }
    if (imp > SMALLIMP && imp > bestImp) {
      best = q;
      bestImp = imp;
    }
  }
  if (best) {
    moveTask(sim, p, dst, `swapped with ${best.wl.name} (sched_swap_numa), preferred node ${sim.nodes[dst].id}`);
    moveTask(sim, best, src, `swapped with ${wl.name} (sched_swap_numa)`);
    return;
  }
  // A group spread over several active nodes settles where it is.
  if (ng && activeNodes(ng) > 1 && isActive(ng, src)) p.preferred = src;
}

function moveTask(sim: Sim, p: TaskNuma, dst: number, cause: string): void {
  const wl = p.wl;
  const from = wl.homeNode;
  wl.homeNode = dst;
  wl.cpuNodes = [{ node: dst, weight: 1 }];
  sim.events.record(sim.nowNs, 'sched_move_numa', sim.nodes[dst].id, 0, `from node ${sim.nodes[from].id}: ${cause}`, wl.name);
}
