// From a checked scenario (one variant, already scaled) to what a real kernel can be given: the
// guest's NUMA topology, the knobs that have a file in /proc/sys or /sys, the agent's plan, and
// the list of scenario settings that have no real counterpart. Pure: no I/O, unit-tested.

import type { AccessPattern, KnobValue, Phase, Scenario } from '../language/model';
import { KNOBS } from '../language/schema';
import { DEFAULT_KERNEL, OLDEST_KERNEL, kernelBehaviour, versionModelDefaults } from '../core/versions';

/** Guest memory is handed out in memory blocks (128 MiB on x86-64): a node that is not a whole
 *  number of blocks would share a block with its neighbour, and a dax/kmem node could not be
 *  onlined. */
export const BLOCK_MIB = 128;
/** RAM below 4 GiB: node 0 gets DMA + DMA32 from it (as on a real machine), the rest is Normal. */
export const LOWMEM_MIB = 256;

export interface GuestNode {
  id: number;
  memMiB: number;
  /** The guest CPU standing for all of the scenario node's CPUs, or null for a CPU-less node. */
  vcpu: number | null;
  /** A slow tier: hidden from the kernel at boot and onlined through dax/kmem. */
  kmem: boolean;
}

export interface KnobWrite {
  /** Schema name (`vm.zone_reclaim_mode`). */
  name: string;
  /** The file written in the guest. */
  path: string;
  value: string;
}

export interface NotApplied {
  /** The scenario setting, as the user writes it. */
  setting: string;
  /** Why it has no real counterpart, and what the guest does instead. */
  reason: string;
  /** True when the result's meaning depends on it: refused unless --allow-approximate. */
  matters: boolean;
}

export interface KernelPlan {
  nodes: GuestNode[];
  /** SLIT, distance[i][j] for guest node ids (= scenario node ids). */
  distance: number[][];
  vcpus: number;
  swapBytes: number;
  /** Bytes of page-cache files the workloads read or write (sizes the ext2 disk). */
  fileBytes: number;
  knobs: KnobWrite[];
  notApplied: NotApplied[];
  /** The agent's plan file (see src/kernel/agent/agent.c). */
  planText: string;
  /** Each workload's home node (the node of most of its CPUs), for access latencies. */
  homeNode: Record<string, number>;
}

const MS = 1e6;

/** How each knob with a real file is written: value -> the file's text. */
const KNOB_FILES: Record<string, { path: string; text?: (v: KnobValue) => string | null }> = {
  'vm.zone_reclaim_mode': { path: '/proc/sys/vm/zone_reclaim_mode' },
  'vm.min_unmapped_ratio': { path: '/proc/sys/vm/min_unmapped_ratio' },
  'vm.watermark_scale_factor': { path: '/proc/sys/vm/watermark_scale_factor' },
  'vm.watermark_boost_factor': { path: '/proc/sys/vm/watermark_boost_factor' },
  'vm.extfrag_threshold': { path: '/proc/sys/vm/extfrag_threshold' },
  'vm.compaction_proactiveness': { path: '/proc/sys/vm/compaction_proactiveness' },
  // 0 means "as the kernel computes it": leave the kernel's own value.
  'vm.min_free_kbytes': { path: '/proc/sys/vm/min_free_kbytes', text: (v) => (v === 0 ? null : String(v)) },
  'vm.swappiness': { path: '/proc/sys/vm/swappiness' },
  'kernel.numa_balancing': { path: '/proc/sys/kernel/numa_balancing' },
  'kernel.numa_balancing_scan_delay_ms': { path: '/sys/kernel/debug/sched/numa_balancing/scan_delay_ms', text: (v) => String(Math.round(Number(v) / MS)) },
  'kernel.numa_balancing_scan_period_min_ms': { path: '/sys/kernel/debug/sched/numa_balancing/scan_period_min_ms', text: (v) => String(Math.round(Number(v) / MS)) },
  'kernel.numa_balancing_scan_period_max_ms': { path: '/sys/kernel/debug/sched/numa_balancing/scan_period_max_ms', text: (v) => String(Math.round(Number(v) / MS)) },
  'kernel.numa_balancing_scan_size_mb': { path: '/sys/kernel/debug/sched/numa_balancing/scan_size_mb' },
  'kernel.numa_balancing_hot_threshold_ms': { path: '/sys/kernel/debug/sched/numa_balancing/hot_threshold_ms', text: (v) => String(Math.round(Number(v) / MS)) },
  'kernel.numa_balancing_promote_rate_limit_MBps': { path: '/proc/sys/kernel/numa_balancing_promote_rate_limit_MBps' },
  'transparent_hugepage.enabled': { path: '/sys/kernel/mm/transparent_hugepage/enabled' },
  'transparent_hugepage.defrag': { path: '/sys/kernel/mm/transparent_hugepage/defrag' },
  'transparent_hugepage.khugepaged_defrag': { path: '/sys/kernel/mm/transparent_hugepage/khugepaged/defrag', text: (v) => (v ? '1' : '0') },
  'transparent_hugepage.khugepaged_pages_to_scan': { path: '/sys/kernel/mm/transparent_hugepage/khugepaged/pages_to_scan' },
  'transparent_hugepage.khugepaged_scan_sleep_millisecs': { path: '/sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs', text: (v) => String(Math.round(Number(v) / MS)) },
  'transparent_hugepage.khugepaged_alloc_sleep_millisecs': { path: '/sys/kernel/mm/transparent_hugepage/khugepaged/alloc_sleep_millisecs', text: (v) => String(Math.round(Number(v) / MS)) },
  'transparent_hugepage.khugepaged_max_ptes_none': { path: '/sys/kernel/mm/transparent_hugepage/khugepaged/max_ptes_none' },
  'transparent_hugepage.khugepaged_max_ptes_swap': { path: '/sys/kernel/mm/transparent_hugepage/khugepaged/max_ptes_swap' },
  'numa.demotion_enabled': { path: '/sys/kernel/mm/numa/demotion_enabled', text: (v) => (v ? '1' : '0') },
};

/** Kernel release -> [major, minor] ("6.1.0-57-amd64" -> [6, 1]). */
export function releaseVersion(release: string): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}
const atLeast = (release: string, major: number, minor: number) => {
  const [a, b] = releaseVersion(release);
  return a > major || (a === major && b >= minor);
};

/** The version table's name for a release ("6.1.0-57-amd64" -> "6.1"), at least its oldest. */
function tableVersion(release: string): string {
  const [a, b] = releaseVersion(release);
  return atLeast(release, 4, 0) ? `${a}.${b}` : OLDEST_KERNEL;
}

/** What a stock kernel of this release does for the settings that are behaviours, not files:
 *  the version table's model.* defaults; no released kernel has a patch.* proposal. */
function builtIn(name: string, release: string): KnobValue | undefined {
  if (name.startsWith('patch.')) return false;
  if (name.startsWith('model.')) return versionModelDefaults(tableVersion(release))[name];
  return undefined;
}

/** Whether the scenario's `version` differs from the guest's release in a behaviour no knob
 *  carries (the model.* knobs are compared one by one below) that this scenario exercises. */
function versionMatters(version: string, release: string, s: Scenario): boolean {
  const want = kernelBehaviour(version), guest = kernelBehaviour(tableVersion(release));
  const phases = s.workloads.flatMap((w) => w.phases);
  const hugeDontneed = phases.some((p) => p.kind === 'dontneed') && phases.some((p) => p.kind === 'alloc' && p.hugepage);
  const declaredTiers = s.machine.nodes.some((n) => n.tier !== (n.cpus.length ? 0 : 1));
  return (hugeDontneed && (want.deferredSplit !== guest.deferredSplit || (s.cgroups.length > 0 && want.memcgDeferredSplit !== guest.memcgDeferredSplit)))
    || (declaredTiers && want.explicitTiers !== guest.explicitTiers);
}

/** Whether a behaviour setting can change what this scenario does at all. */
function settingMatters(name: string, s: Scenario): boolean {
  const phases = s.workloads.flatMap((w) => w.phases);
  const hugeRegions = new Set(phases.filter((p) => p.kind === 'alloc' && p.hugepage).map((p) => (p as { region: string }).region));
  const tiering = (Number(s.knobs['kernel.numa_balancing']) & 2) !== 0 && s.machine.nodes.some((n) => n.tier > 0);
  switch (name) {
    case 'model.thp_numa_placement': return hugeRegions.size > 0 && s.knobs['transparent_hugepage.enabled'] !== 'never';
    case 'patch.dontneed_sync_split': return phases.some((p) => p.kind === 'dontneed' && hugeRegions.has(p.region));
    case 'model.wmark_promo':
    case 'model.promotion_filter':
    case 'patch.tpp_active_lru_filter': return tiering;
    default: return true;
  }
}

const mib = (bytes: number) => bytes / 1048576;
const fmtMiB = (x: number) => `${+x.toFixed(1)} MiB`;

export function planScenario(s: Scenario, release: string): KernelPlan {
  const notApplied: NotApplied[] = [];
  const m = s.machine;

  // --- topology: one vCPU per node with CPUs; slow tiers (tier > 0, CPU-less) as dax/kmem
  let vcpus = 0;
  const slowTiers = new Set(m.nodes.filter((n) => n.tier > 0).map((n) => n.tier));
  const nodes: GuestNode[] = m.nodes.map((n) => {
    const want = mib(n.memoryBytes);
    const memMiB = Math.max(BLOCK_MIB, Math.round(want / BLOCK_MIB) * BLOCK_MIB);
    if (Math.abs(memMiB - want) > 0.5) {
      notApplied.push({ setting: `node ${n.id} memory`, reason: `${fmtMiB(want)} rounded to ${memMiB} MiB (whole 128 MiB memory blocks)`, matters: false });
    }
    if (n.reservedBytes > 0) notApplied.push({ setting: `node ${n.id} reserved`, reason: 'the guest kernel reserves what it reserves at boot', matters: false });
    const kmem = n.tier > 0 && n.cpus.length === 0;
    if (n.tier > 0 && n.cpus.length > 0) {
      notApplied.push({ setting: `node ${n.id} tier = ${n.tier}`, reason: 'a node with CPUs cannot be a dax/kmem tier: it boots as ordinary DRAM in tier 0', matters: true });
    }
    return { id: n.id, memMiB, vcpu: n.cpus.length > 0 ? vcpus++ : null, kmem };
  });
  if (slowTiers.size > 1) {
    notApplied.push({ setting: `tiers ${[...slowTiers].sort().join(', ')}`, reason: 'every dax/kmem node joins the same lower memory tier in the kernel: the tiers below the first are merged', matters: true });
  }
  const cpuCount = m.nodes.reduce((a, n) => a + n.cpus.length, 0);
  if (cpuCount !== vcpus) notApplied.push({ setting: `${cpuCount} CPUs`, reason: `one guest CPU per node with CPUs (${vcpus} in all); a workload runs on the CPUs of its nodes`, matters: false });
  notApplied.push({ setting: 'node latency and bandwidth', reason: 'QEMU does not slow remote memory: avg_access_ns is the scenario\'s latency matrix applied to the kernel\'s placement of the accessed pages', matters: false });
  if (m.swap) notApplied.push({ setting: 'swap latency and bandwidth', reason: 'swap is a virtio disk backed by a host file', matters: false });

  // --- the version: the guest runs its own release whatever the scenario says
  const version = s.kernel?.version ?? DEFAULT_KERNEL;
  if (tableVersion(release) !== version) {
    notApplied.push({ setting: `version = ${version}`, reason: `the guest runs Linux ${release}`, matters: versionMatters(version, release, s) });
  }

  // --- knobs
  const knobs: KnobWrite[] = [];
  for (const k of KNOBS) {
    const v = s.knobs[k.name];
    const file = KNOB_FILES[k.name];
    if (file) {
      const text = file.text ? file.text(v) : String(v);
      if (text !== null) knobs.push({ name: k.name, path: file.path, value: text });
      continue;
    }
    if (k.name.startsWith('cost.')) continue; // model costs: reported once below
    const native = builtIn(k.name, release);
    if (native === v) continue; // the kernel does this by itself
    notApplied.push({
      setting: `${k.name} = ${v}`,
      reason: native === undefined ? `no file in /proc/sys or /sys (${k.kernelName})` : `Linux ${release} has no knob for it and behaves as ${k.name} = ${native}`,
      matters: settingMatters(k.name, s),
    });
  }
  // Settings other engineers add to the schema later land here too (not in KNOBS yet: ignored).
  if (KNOBS.some((k) => k.name.startsWith('cost.'))) notApplied.push({ setting: 'cost.*', reason: 'model costs of the simulator; the kernel has its own', matters: false });

  // --- workloads
  const guestCpu = new Map<number, number>();
  for (const n of m.nodes) for (const c of n.cpus) guestCpu.set(c, nodes.find((g) => g.id === n.id)!.vcpu!);
  const homeNode: Record<string, number> = {};
  const lines: string[] = [`run ${Math.round(s.run.durationNs)} ${Math.round(s.run.sampleNs)} ${s.run.seed}`];
  for (const k of knobs) lines.push(`knob ${k.name} ${k.path} ${k.value}`);
  const opt = (x: number | null) => (x === null ? -1 : Math.round(x));
  for (const c of s.cgroups) lines.push(`cgroup ${c.name} ${opt(c.max)} ${opt(c.high)} ${opt(c.low)}`);
  let fileBytes = 0;
  const fileSizes = new Map<string, number>();
  for (const w of s.workloads) {
    const cpus = [...new Set(w.cpus.map((c) => guestCpu.get(c)).filter((c): c is number => c !== undefined))].sort((a, b) => a - b);
    const byNode = new Map<number, number>();
    for (const n of m.nodes) byNode.set(n.id, w.cpus.filter((c) => n.cpus.includes(c)).length);
    homeNode[w.name] = [...byNode.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
    let mode: string = w.mempolicy.mode;
    if (mode === 'weighted-interleave') {
      notApplied.push({ setting: `workload ${w.name} mempolicy = weighted-interleave`, reason: `MPOL_WEIGHTED_INTERLEAVE is Linux 6.9+; the guest uses interleave (equal weights)`, matters: !atLeast(release, 6, 9) });
      mode = 'interleave';
    }
    lines.push(`workload ${w.name} ${w.cgroup ?? '-'} ${cpus.join(',') || '-'} ${mode} ${w.mempolicy.nodes.join(',') || '-'}`);
    // The guest agent runs phases at absolute times and accesses at a rate: a phase that
    // follows another starts at that one's nominal end, and a closed-loop amount of work runs
    // paced at its nominal rate (none exists for it to finish by itself).
    const starts = nominalStarts(w.phases);
    w.phases.forEach((p, i) => {
      if (p.after !== null) notApplied.push({ setting: `workload ${w.name}: after ${w.phases[p.after].label}`, reason: `the guest agent starts phases at fixed times; it starts this one at ${starts[i] / 1e9} s, when the phase it follows would end at its stated rate`, matters: false });
      if (p.kind === 'access' && p.pattern.kind === 'hotset' && p.pattern.moveEveryWork) {
        const mw = p.pattern.moveEveryWork;
        notApplied.push({ setting: `workload ${w.name}: ${p.label} moves every ${mw.count} ${mw.kind}`, reason: mw.kind === 'accesses' ? 'the guest agent moves hot sets on a timer: it moves this one every so many accesses at the phase\'s rate' : 'the guest agent moves hot sets on a timer and counts no passes: this one does not move', matters: false });
      }
      if (p.kind === 'access' && p.work !== null) notApplied.push({ setting: `workload ${w.name}: ${p.label} for ${p.work.count} ${p.work.kind}`, reason: 'the guest agent has no closed-loop accesses yet: it issues them at the phase\'s rate until the workload exits or the run ends, and reports no run time (null)', matters: false });
    });
    for (const [i, p] of w.phases.entries()) {
      const line = phaseLine(w.name, { ...p, atNs: starts[i] });
      if (line === null) {
        notApplied.push({ setting: `workload ${w.name}: ${(p as { kind: string }).kind} phase`, reason: 'the guest agent has no such phase yet', matters: true });
        continue;
      }
      lines.push(line);
      if (p.kind === 'file') fileSizes.set(p.file, Math.max(fileSizes.get(p.file) ?? 0, p.bytes));
    }
  }
  for (const b of fileSizes.values()) fileBytes += b;

  const distance = m.nodes.map((a, i) => m.nodes.map((b, j) => m.distance[i]?.[j] ?? (a.id === b.id ? 10 : 20)));
  return {
    nodes, distance, vcpus, swapBytes: m.swap?.sizeBytes ?? 0, fileBytes, knobs, notApplied,
    planText: lines.join('\n') + '\n', homeNode,
  };
}

/** Each phase's start in ns: its `at`, or the nominal end of the phase it follows (an alloc or
 *  file at its rate, a paced access after its duration, the rest at once; an end that depends
 *  on the kernel, as an alloc without rate or a closed-loop access, counts as at once). */
function nominalStarts(phases: Phase[]): number[] {
  const start: number[] = [];
  phases.forEach((p, i) => {
    if (p.after === null) { start[i] = p.atNs; return; }
    const q = phases[p.after];
    const s = start[p.after] ?? 0;
    let len = 0;
    if ((q.kind === 'alloc' || q.kind === 'file') && q.rateBytesPerSec) len = (q.bytes / q.rateBytesPerSec) * 1e9;
    else if (q.kind === 'access' && q.work === null && q.durationNs !== null) len = q.durationNs;
    start[i] = s + len;
  });
  return start;
}

/** The guest's hot-set move interval, ns (0: never): it runs accesses at the phase's rate, so a
 *  move every N accesses is N / rate. */
function guestMoveNs(pt: AccessPattern & { kind: 'hotset' }, accessesPerSec: number): number {
  if (pt.moveEveryNs !== null) return pt.moveEveryNs;
  if (pt.moveEveryWork?.kind === 'accesses') return Math.round((pt.moveEveryWork.count / accessesPerSec) * 1e9);
  return 0;
}

function phaseLine(w: string, p: Phase): string | null {
  const at = Math.round(p.atNs);
  const rate = (r: number | null) => (r === null ? -1 : +r.toPrecision(12));
  switch (p.kind) {
    case 'alloc': return `alloc ${w} ${at} ${p.region} ${Math.round(p.bytes)} ${p.hugepage ? 1 : 0} ${rate(p.rateBytesPerSec)}`;
    case 'file': return `file ${w} ${at} ${p.op} ${p.file} ${Math.round(p.bytes)} ${rate(p.rateBytesPerSec)}`;
    case 'access': {
      const pt = p.pattern;
      const [p1, p2, p3] = pt.kind === 'zipf' ? [pt.exponent, 0, 0] : pt.kind === 'hotset' ? [pt.bytes, pt.hotFraction, guestMoveNs(pt, p.accessesPerSec)] : [0, 0, 0];
      const centered = pt.kind === 'hotset' && pt.centered ? ' 1' : '';
      return `access ${w} ${at} ${p.region} ${pt.kind} ${p1} ${p2} ${p3} ${rate(p.accessesPerSec)} ${+(p.writeFraction * 100).toFixed(3)} ${p.durationNs === null ? -1 : Math.round(p.durationNs)}${centered}`;
    }
    case 'dontneed': return `dontneed ${w} ${at} ${p.region} ${Math.round(p.offsetBytes)} ${Math.round(p.bytes)} ${p.perBytes === null ? -1 : Math.round(p.perBytes)}`;
    case 'free': return `free ${w} ${at} ${p.region}`;
    case 'drop_caches': return `drop_caches ${w} ${at} ${p.mode}`;
    case 'exit': return `exit ${w} ${at}`;
    default: return null;
  }
}

/** Settings whose meaning the run depends on but the kernel cannot honour. */
export function blockingSettings(plan: KernelPlan): NotApplied[] {
  return plan.notApplied.filter((n) => n.matters);
}
