// Reclaim and placement events as lanes of a timeline that shares the residency charts' time
// axis. Each lane is one mechanism; inside a lane, each node has its own row, so "which node"
// reads off the position and "how many pages, why" off the hover.

import type { EventKind, SimEvent, VariantResult } from '../../../src/core/result';
import { MAX_EVENTS } from '../../../src/core/events';
import type { DrawnEventKind } from './eventColors';
import { MISSING, isValue } from './format';

export type LaneKey =
  | 'kswapd'
  | 'direct_reclaim'
  | 'node_reclaim'
  | 'compaction'
  | 'swap'
  | 'demotion'
  | 'promotion'
  | 'numa_migrate'
  | 'thp_split'
  | 'deferred_split'
  | 'oom';

export interface LaneDef {
  key: LaneKey;
  label: string;
  kinds: EventKind[];
}

/** Top to bottom, roughly in the order the allocator escalates. */
export const LANES: LaneDef[] = [
  { key: 'kswapd', label: 'kswapd active', kinds: ['kswapd_wake', 'kswapd_sleep'] },
  // The kernel counts node reclaim (vm.zone_reclaim_mode) as direct reclaim: the allocating task
  // reclaims, so its pages are in pgscan_direct and pgsteal_direct. The label says so.
  { key: 'node_reclaim', label: 'node reclaim (direct)', kinds: ['node_reclaim'] },
  { key: 'direct_reclaim', label: 'direct reclaim', kinds: ['direct_reclaim'] },
  { key: 'compaction', label: 'compaction stall', kinds: ['compact_success', 'compact_fail'] },
  { key: 'swap', label: 'swap out / in', kinds: ['swap_out', 'swap_in'] },
  { key: 'demotion', label: 'demotion', kinds: ['demotion'] },
  { key: 'promotion', label: 'promotion', kinds: ['promotion'] },
  { key: 'numa_migrate', label: 'NUMA migration', kinds: ['numa_migrate', 'sched_move_numa'] },
  { key: 'thp_split', label: 'THP split', kinds: ['thp_split'] },
  { key: 'deferred_split', label: 'deferred split queue', kinds: ['deferred_split_queue'] },
  { key: 'oom', label: 'OOM kill', kinds: ['oom_kill'] },
];

const LANE_OF_KIND = new Map<EventKind, number>();
LANES.forEach((l, i) => l.kinds.forEach((k) => LANE_OF_KIND.set(k, i)));

export interface TimelineItem {
  kind: EventKind;
  node: number;
  /** Start and end, seconds; equal for an instant event. */
  start: number;
  end: number;
  pages: number;
  cause: string;
  workload?: string;
}

export interface Lane extends LaneDef {
  /** Sorted by start. */
  items: TimelineItem[];
  count: number;
  pages: number;
}

/** What the legend calls each kind. */
export const KIND_LABEL: Record<DrawnEventKind, string> = {
  kswapd_wake: 'kswapd',
  node_reclaim: 'node reclaim (counted as direct reclaim)',
  direct_reclaim: 'direct reclaim',
  compact_success: 'compaction ok',
  compact_fail: 'compaction failed',
  swap_out: 'swap out',
  swap_in: 'swap in',
  demotion: 'demotion',
  promotion: 'promotion',
  numa_migrate: 'NUMA migration',
  sched_move_numa: 'task placement (moved, swapped or joined a numa group)',
  thp_split: 'THP split',
  deferred_split_queue: 'deferred split',
  oom_kill: 'OOM kill',
};

export interface Timeline {
  /** Only the lanes with events, in LANES order: an empty lane says nothing. */
  lanes: Lane[];
  /** The lanes left out because the variant had none of their events. */
  empty: LaneDef[];
  /** Node ids in row order inside each lane. */
  nodes: number[];
  end: number;
}

/** Builds the lanes. kswapd wake/sleep pairs become spans (a wake with duration_ms is a span by
 *  itself); a kswapd still awake at the end of the run runs to `endSeconds`. */
export function buildTimeline(events: SimEvent[], nodes: number[], endSeconds: number): Timeline {
  const lanes: Lane[] = LANES.map((l) => ({ ...l, items: [], count: 0, pages: 0 }));
  const awake = new Map<number, TimelineItem>();
  for (const e of events) {
    const laneIdx = LANE_OF_KIND.get(e.kind);
    if (laneIdx === undefined) continue;
    const lane = lanes[laneIdx];
    const start = e.t_ms / 1000;
    if (e.kind === 'kswapd_sleep') {
      const open = awake.get(e.node);
      if (open) {
        open.end = Math.max(open.start, start);
        open.pages += e.pages;
        if (!open.cause && e.cause) open.cause = e.cause;
        awake.delete(e.node);
      }
      lane.pages += e.pages;
      continue;
    }
    const item: TimelineItem = {
      kind: e.kind,
      node: e.node,
      start,
      end: start + (e.duration_ms ?? 0) / 1000,
      pages: e.pages,
      cause: e.cause,
      workload: e.workload,
    };
    if (e.kind === 'kswapd_wake' && e.duration_ms === undefined) {
      item.end = endSeconds;
      awake.set(e.node, item);
    }
    lane.items.push(item);
    lane.count++;
    lane.pages += e.pages;
  }
  for (const lane of lanes) lane.items.sort((a, b) => a.start - b.start || a.node - b.node);
  return {
    lanes: lanes.filter((l) => l.items.length > 0),
    empty: lanes.filter((l) => l.items.length === 0).map(({ key, label, kinds }) => ({ key, label, kinds })),
    nodes: [...nodes].sort((a, b) => a - b),
    end: endSeconds,
  };
}

/** The kinds drawn on the timeline, in lane order: what the legend lists. */
export function shownKinds(tl: Timeline): DrawnEventKind[] {
  const kinds: DrawnEventKind[] = [];
  for (const lane of tl.lanes) {
    for (const k of lane.kinds) if (k !== 'kswapd_sleep' && lane.items.some((it) => it.kind === k)) kinds.push(k);
  }
  return kinds;
}

/** Plain sentences under the timeline: why it is empty, which lanes had nothing, how node
 *  reclaim is counted, and where the event log stopped. */
export function timelineNotes(v: VariantResult, tl: Timeline): string[] {
  const notes: string[] = [];
  if (!tl.lanes.length) {
    notes.push(
      `No reclaim or placement events in ${v.name}: every allocation found free memory on a node it may use without ` +
        'entering the slow path (no memory pressure), so kswapd, direct and node reclaim, compaction and swap never ran, ' +
        'and no page was migrated, promoted, demoted or split.',
    );
    return notes;
  }
  if (tl.empty.length) notes.push(`No events of: ${tl.empty.map((l) => l.label).join(', ')}.`);
  const node = tl.lanes.find((l) => l.key === 'node_reclaim');
  if (node) {
    const vm = v.summary.vmstat;
    const n = (k: string): string => (vm[k] ?? 0).toLocaleString('en-US');
    notes.push(
      `Node reclaim (vm.zone_reclaim_mode) is reclaim by the allocating task, so /proc/vmstat counts it as direct reclaim: ` +
        `pgscan_direct ${n('pgscan_direct')} and pgsteal_direct ${n('pgsteal_direct')} include its ${node.pages.toLocaleString('en-US')} pages.`,
    );
  }
  if (v.events.length >= MAX_EVENTS) {
    const last = v.events[v.events.length - 1];
    notes.push(
      `The event log keeps the first ${MAX_EVENTS.toLocaleString('en-US')} events of a variant: the lanes stop at ` +
        `${fmtS((last?.t_ms ?? 0) / 1000)}, the counters in the table cover the whole run.`,
    );
  }
  return notes;
}

/** The row (0 = top) an item is drawn in: lane, then node inside the lane. Rows are in units
 *  of one lane; the returned pair is [top, bottom] of the node's strip. */
export function rowSpan(timeline: Timeline, laneIdx: number, node: number): [number, number] {
  const k = Math.max(1, timeline.nodes.length);
  const j = Math.max(0, timeline.nodes.indexOf(node));
  const pad = 0.12;
  const h = (1 - 2 * pad) / k;
  return [laneIdx + pad + j * h, laneIdx + pad + (j + 1) * h];
}

/** The item under a point: lane and node from the row position (in lane units from the top),
 *  then the item whose [start, end] is nearest to `t` within `tolerance` seconds. */
export function itemAt(timeline: Timeline, row: number, t: number, tolerance: number): TimelineItem | null {
  const laneIdx = Math.floor(row);
  const lane = timeline.lanes[laneIdx];
  if (!lane) return null;
  const k = Math.max(1, timeline.nodes.length);
  const pad = 0.12;
  const frac = (row - laneIdx - pad) / (1 - 2 * pad);
  const node = timeline.nodes[Math.min(k - 1, Math.max(0, Math.floor(frac * k)))];
  let best: TimelineItem | null = null;
  let bestDist = tolerance;
  const items = lane.items;
  // Items are sorted by start: skip those that start too late, scan back from there.
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].start <= t + tolerance) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0; i--) {
    const it = items[i];
    if (it.node !== node) continue;
    const dist = t < it.start ? it.start - t : t > it.end ? t - it.end : 0;
    if (dist <= bestDist) {
      best = it;
      bestDist = dist;
      if (dist === 0) break;
    }
  }
  return best;
}

export function describeItem(it: TimelineItem): string[] {
  const lines = [`${it.kind} on node ${it.node}`];
  lines.push(it.end > it.start ? `t = ${fmtS(it.start)} – ${fmtS(it.end)}` : `t = ${fmtS(it.start)}`);
  lines.push(`${isValue(it.pages) ? it.pages.toLocaleString('en-US') : MISSING} pages`);
  if (it.cause) lines.push(`cause: ${it.cause}`);
  if (it.workload) lines.push(`workload: ${it.workload}`);
  if (it.kind === 'node_reclaim') lines.push('counted as direct reclaim (pgscan_direct, pgsteal_direct)');
  return lines;
}

function fmtS(s: number): string {
  if (!isValue(s)) return MISSING;
  return s < 10 ? `${s.toFixed(3)} s` : `${s.toFixed(2)} s`;
}
