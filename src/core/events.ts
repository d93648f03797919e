// The events that explain a run: kswapd wake/sleep, reclaim, compaction, swap, migration, splits,
// OOM. Bursts are coalesced so a result stays small: an event of the same kind, node, cause and
// workload within COALESCE_MS of the open one is merged into it (pages and durations add up).

import type { EventKind, SimEvent } from './result';

const COALESCE_MS = 250;
/** Hard cap per variant; past it only oom_kill events are still recorded. */
export const MAX_EVENTS = 4000;

export class EventLog {
  readonly events: SimEvent[] = [];
  private open = new Map<string, SimEvent>();

  record(tNs: number, kind: EventKind, node: number, pages: number, cause: string, workload?: string, durationNs?: number): void {
    const tMs = tNs / 1e6;
    const key = `${kind}|${node}|${cause}|${workload ?? ''}`;
    const last = this.open.get(key);
    // Wake and sleep are state changes: never merge them, they bracket kswapd runs.
    const mergeable = kind !== 'kswapd_wake' && kind !== 'kswapd_sleep' && kind !== 'oom_kill';
    if (mergeable && last && tMs - last.t_ms <= COALESCE_MS) {
      last.pages += pages;
      if (durationNs !== undefined) last.duration_ms = round3((last.duration_ms ?? 0) + durationNs / 1e6);
      return;
    }
    if (this.events.length >= MAX_EVENTS && kind !== 'oom_kill') return;
    const ev: SimEvent = { t_ms: round3(tMs), kind, node, pages: Math.round(pages), cause };
    if (workload !== undefined) ev.workload = workload;
    if (durationNs !== undefined) ev.duration_ms = round3(durationNs / 1e6);
    this.events.push(ev);
    if (mergeable) this.open.set(key, ev);
  }

  /** Pages are accumulated as numbers; round them once at the end. */
  finish(): SimEvent[] {
    for (const e of this.events) e.pages = Math.round(e.pages);
    return this.events;
  }
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
